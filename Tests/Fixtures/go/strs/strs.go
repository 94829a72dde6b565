// Package strs is a second package of the fixture, so tests are package-qualified.
package strs

import "strings"

// Shout upper-cases s and adds an exclamation mark.
func Shout(s string) string { return strings.ToUpper(s) + "!" }
