// Package mathx is the code under test of testfleet's go test fixture.
package mathx

// Add adds two integers.
func Add(a, b int) int { return a + b }
