package cmat

import (
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"
)

// newRNG returns a seeded generator; every test uses its own seed.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// randMat returns an r×c matrix with standard normal real and imaginary
// parts.
func randMat(rng *rand.Rand, r, c int) *Dense {
	m := New(r, c)
	for i := range m.Data {
		m.Data[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return m
}

// randHermitian returns (x + x†)/2 for a random x.
func randHermitian(rng *rand.Rand, n int) *Dense {
	x := randMat(rng, n, n)
	h := New(n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			h.Data[i*n+j] = (x.At(i, j) + cmplx.Conj(x.At(j, i))) / 2
		}
	}
	return h
}

// randUnitary returns exp(i·h) for a random Hermitian h, computed with
// Expm (whose own tests do not use this helper).
func randUnitary(rng *rand.Rand, n int) *Dense {
	h := randHermitian(rng, n)
	return Expm(ScaleTo(nil, 1i, h))
}

// refMul is the textbook triple loop over At, the oracle for the kernels.
func refMul(a, b *Dense) *Dense {
	c := New(a.Rows, b.Cols)
	for i := 0; i < a.Rows; i++ {
		for j := 0; j < b.Cols; j++ {
			var s complex128
			for l := 0; l < a.Cols; l++ {
				s += a.At(i, l) * b.At(l, j)
			}
			c.Set(i, j, s)
		}
	}
	return c
}

// refAdjoint is the conjugate transpose written with At and Set.
func refAdjoint(a *Dense) *Dense {
	c := New(a.Cols, a.Rows)
	for i := 0; i < a.Rows; i++ {
		for j := 0; j < a.Cols; j++ {
			c.Set(j, i, cmplx.Conj(a.At(i, j)))
		}
	}
	return c
}

// mustPanic checks that f panics with a message that starts with "cmat: "
// and contains want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok {
			t.Fatalf("panic value %v (%T), want a string containing %q", r, r, want)
		}
		if !strings.HasPrefix(msg, "cmat: ") || !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want prefix \"cmat: \" and %q", msg, want)
		}
	}()
	f()
}
