package strs

import "testing"

// TestShout passes.
func TestShout(t *testing.T) {
	if got := Shout("hi"); got != "HI!" {
		t.Fatalf("Shout(hi) = %q", got)
	}
}

// TestAdd has the same name as a test in package mathx: names must stay package-qualified.
func TestAdd(t *testing.T) {
	if Shout("") != "!" {
		t.Fatal("empty shout")
	}
}
