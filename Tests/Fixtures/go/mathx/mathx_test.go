package mathx

import "testing"

// TestAdd passes.
func TestAdd(t *testing.T) {
	if Add(2, 3) != 5 {
		t.Fatal("2 + 3 should be 5")
	}
}

// TestDeliberateFailure fails on purpose.
func TestDeliberateFailure(t *testing.T) {
	t.Log("this fixture test fails on purpose")
	if Add(2, 2) != 5 {
		t.Errorf("Add(2, 2) = %d, want 5 (deliberate)", Add(2, 2))
	}
}

// TestSkipped skips on purpose.
func TestSkipped(t *testing.T) {
	t.Skip("skipped on purpose by the fixture")
}

// TestTable has subtests; they are reported as part of their parent.
func TestTable(t *testing.T) {
	for _, c := range []struct {
		name       string
		a, b, want int
	}{
		{"zero", 0, 0, 0},
		{"small", 1, 2, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Add(c.a, c.b); got != c.want {
				t.Errorf("Add(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
			}
		})
	}
}
