// Package numtest holds helpers for numerical tests: approximate comparison,
// central finite differences, and the PennyLane golden cases. It is imported
// only from _test.go files.
package numtest

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Close reports whether |got − want| ≤ atol + rtol·|want|.
func Close(got, want, atol, rtol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return false
	}
	return math.Abs(got-want) <= atol+rtol*math.Abs(want)
}

// MaxDiff returns max_i |a_i − b_i|, or +Inf when the lengths differ or a
// value is NaN.
func MaxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		e := math.Abs(a[i] - b[i])
		if math.IsNaN(e) {
			return math.Inf(1)
		}
		d = max(d, e)
	}
	return d
}

// MaxDiffC is MaxDiff for complex slices.
func MaxDiffC(a, b []complex128) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		e := cmplx.Abs(a[i] - b[i])
		if math.IsNaN(e) {
			return math.Inf(1)
		}
		d = max(d, e)
	}
	return d
}

// FiniteDiff returns the central finite-difference gradient of f at x with
// step h. x is restored before it returns.
func FiniteDiff(f func(x []float64) float64, x []float64, h float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		xi := x[i]
		x[i] = xi + h
		fp := f(x)
		x[i] = xi - h
		fm := f(x)
		x[i] = xi
		g[i] = (fp - fm) / (2 * h)
	}
	return g
}

// Report formats the first few positions where got and want differ by more
// than tol, for test failure messages.
func Report(got, want []float64, tol float64) string {
	s := ""
	n := 0
	for i := range got {
		if i < len(want) && math.Abs(got[i]-want[i]) > tol {
			s += fmt.Sprintf("\n  [%d] got %.15g want %.15g (diff %.3g)", i, got[i], want[i], got[i]-want[i])
			if n++; n == 8 {
				s += "\n  ..."
				break
			}
		}
	}
	return s
}
