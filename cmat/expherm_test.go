package cmat

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"
)

// blockFrechet returns L(a, e) from exp([[a, e], [0, a]]) = [[e^a, L], [0,
// e^a]] (Higham, Functions of Matrices, eq. (3.16)), computed with Expm.
func blockFrechet(a, e *Dense) *Dense {
	n := a.Rows
	big := New(2*n, 2*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			big.Set(i, j, a.At(i, j))
			big.Set(n+i, n+j, a.At(i, j))
			big.Set(i, n+j, e.At(i, j))
		}
	}
	x := Expm(big)
	l := New(n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			l.Set(i, j, x.At(i, n+j))
		}
	}
	return l
}

// fdFrechet returns the central finite difference (e^{a+hE} − e^{a−hE})/2h.
func fdFrechet(a, e *Dense, h float64) *Dense {
	p := Expm(AddScaledTo(nil, a, complex(h, 0), e))
	m := Expm(AddScaledTo(nil, a, complex(-h, 0), e))
	return ScaleTo(nil, complex(1/(2*h), 0), SubTo(nil, p, m))
}

// expCase is a Hermitian matrix with a description of its spectrum.
type expCase struct {
	name string
	h    *Dense
}

func expCases() []expCase {
	rng := newRNG(50)
	return []expCase{
		{"1x1", NewFrom(1, 1, []complex128{0.7})},
		{"random/n=2", randHermitian(rng, 2)},
		{"random/n=6", randHermitian(rng, 6)},
		{"random/n=16", randHermitian(rng, 16)},
		{"zero", New(4, 4)},
		{"identity", ScaleTo(nil, 0.3, Identity(3))},
		{"repeated", spectrumMatrix(51, []float64{-1, -1, 2, 2, 2, 0.5}, false)},
		{"near-degenerate", spectrumMatrix(52, []float64{1, 1 + 1e-13, 1 + 1e-9, 1 + 1e-6, -0.4}, false)},
		// With s = i, δ = (w_j − w_k)/2 is 0.99 and 1.01 here: both sides of
		// the switch between the series and the direct quotient.
		{"switch", spectrumMatrix(53, []float64{0, 1.98, 2.02, 4.02}, false)},
		{"real", spectrumMatrix(54, []float64{-2, 0.1, 0.1, 3}, true)},
		{"large", ScaleTo(nil, 9, randHermitian(rng, 5))},
	}
}

var expScalars = []complex128{1i, -0.5i, complex(0.3, -0.7), 1.2, 0}

// TestExpHermitianExp checks Exp against Expm(s·H).
func TestExpHermitianExp(t *testing.T) {
	t.Parallel()
	for _, tc := range expCases() {
		for _, s := range expScalars {
			e, err := NewExpHermitian(tc.h, s)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			want := Expm(ScaleTo(nil, s, tc.h))
			got := e.Exp()
			if d := MaxAbsDiff(got, want); d > 1e-12*math.Max(1, MaxAbs(want)) {
				t.Errorf("%s s=%v: Exp off Expm by %g", tc.name, s, d)
			}
		}
	}
}

// TestExpHermitianFrechet checks Frechet against the block-matrix identity
// and against central finite differences of Expm, for random complex
// directions E (not Hermitian, so the full map is tested).
func TestExpHermitianFrechet(t *testing.T) {
	t.Parallel()
	rng := newRNG(55)
	for _, tc := range expCases() {
		n := tc.h.Rows
		for _, s := range expScalars {
			e, err := NewExpHermitian(tc.h, s)
			if err != nil {
				t.Fatal(err)
			}
			a := ScaleTo(nil, s, tc.h)
			dir := randMat(rng, n, n)
			got := e.Frechet(dir)
			block := blockFrechet(a, dir)
			scale := math.Max(1, MaxAbs(block))
			if d := MaxAbsDiff(got, block); d > 1e-12*scale {
				t.Errorf("%s s=%v: Frechet off the block-matrix value by %g", tc.name, s, d)
			}
			fd := fdFrechet(a, dir, 1e-5)
			if d := MaxAbsDiff(got, fd); d > 1e-8*scale {
				t.Errorf("%s s=%v: Frechet off finite differences by %g", tc.name, s, d)
			}
		}
	}
	// At H = 0, L(0, E) = E exactly.
	e := &ExpHermitian{W: make([]float64, 3), V: Identity(3), S: 1i}
	dir := randMat(rng, 3, 3)
	if d := MaxAbsDiff(e.Frechet(dir), dir); d > 1e-15 {
		t.Errorf("L(0, E) − E = %g", d)
	}
}

// TestExpHermitianFrechetAdjoint checks ⟨G, L(E)⟩ = ⟨FrechetAdjoint(G), E⟩
// for random complex E and G.
func TestExpHermitianFrechetAdjoint(t *testing.T) {
	t.Parallel()
	rng := newRNG(56)
	for _, tc := range expCases() {
		n := tc.h.Rows
		for _, s := range expScalars {
			e, err := NewExpHermitian(tc.h, s)
			if err != nil {
				t.Fatal(err)
			}
			for trial := 0; trial < 3; trial++ {
				dir, g := randMat(rng, n, n), randMat(rng, n, n)
				lhs := Inner(g, e.Frechet(dir))
				rhs := Inner(e.FrechetAdjoint(g), dir)
				scale := math.Max(1, cmplx.Abs(lhs))
				if d := cmplx.Abs(lhs - rhs); d > 1e-12*scale*float64(n) {
					t.Errorf("%s s=%v: ⟨G, L(E)⟩ = %v but ⟨L*(G), E⟩ = %v", tc.name, s, lhs, rhs)
				}
			}
		}
	}
}

// TestNewExpSym checks the real symmetric constructor against Expm.
func TestNewExpSym(t *testing.T) {
	t.Parallel()
	n := 7
	a := randSym(57, n)
	e, err := NewExpSym(n, a, -0.5i)
	if err != nil {
		t.Fatal(err)
	}
	want := Expm(ScaleTo(nil, -0.5i, NewReal(n, n, a)))
	if d := MaxAbsDiff(e.Exp(), want); d > 1e-13 {
		t.Errorf("Exp off Expm by %g", d)
	}
	if _, err := NewExpSym(2, []float64{0, 1, 0, 0}, 1i); err == nil {
		t.Error("NewExpSym accepted a non-symmetric matrix")
	}
	if _, err := NewExpHermitian(NewFrom(2, 2, []complex128{0, 1i, 1i, 0}), 1i); err == nil {
		t.Error("NewExpHermitian accepted a non-Hermitian matrix")
	}
}

func TestExpHermitianBuffers(t *testing.T) {
	rng := newRNG(58)
	n := 8
	e, err := NewExpHermitian(randHermitian(rng, n), 0.4i)
	if err != nil {
		t.Fatal(err)
	}
	dir := randMat(rng, n, n)
	dst, work := randMat(rng, n, n), randMat(rng, n, n) // stale contents
	if d := MaxAbsDiff(e.FrechetTo(dst, dir, work), e.Frechet(dir)); d != 0 {
		t.Errorf("FrechetTo with stale buffers differs by %g", d)
	}
	if d := MaxAbsDiff(e.ExpTo(dst, work), e.Exp()); d != 0 {
		t.Errorf("ExpTo with stale buffers differs by %g", d)
	}
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"ExpTo", func() { e.ExpTo(dst, work) }},
		{"FrechetTo", func() { e.FrechetTo(dst, dir, work) }},
		{"FrechetAdjointTo", func() { e.FrechetAdjointTo(dst, dir, work) }},
	} {
		if a := testing.AllocsPerRun(5, tc.f); a != 0 {
			t.Errorf("%s allocates %v times", tc.name, a)
		}
	}
	mustPanic(t, "direction", func() { e.Frechet(New(3, 3)) })
	mustPanic(t, "shares storage", func() { e.FrechetTo(dst, dst, work) })
	mustPanic(t, "mismatched", func() { (&ExpHermitian{W: make([]float64, 2), V: Identity(3)}).Exp() })
}

func BenchmarkExpHermitian(b *testing.B) {
	for _, n := range []int{4, 32, 128} {
		rng := newRNG(59)
		e, err := NewExpHermitian(randHermitian(rng, n), 0.5i)
		if err != nil {
			b.Fatal(err)
		}
		dir, dst, work := randMat(rng, n, n), New(n, n), New(n, n)
		b.Run(fmt.Sprintf("Frechet/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.FrechetTo(dst, dir, work)
			}
		})
		b.Run(fmt.Sprintf("FrechetAdjoint/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.FrechetAdjointTo(dst, dir, work)
			}
		})
		b.Run(fmt.Sprintf("Exp/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.ExpTo(dst, work)
			}
		})
	}
}

// TestExpHermitianRealPath checks the real-eigenvector path (taken when V
// has zero imaginary parts) against the complex path on the same operator:
// multiplying the columns of V by phases gives equally valid eigenvectors
// that are complex. Both must agree with each other and with Expm.
func TestExpHermitianRealPath(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 5, 9, 70} {
		a := randSym(uint64(60+n), n)
		er, err := NewExpSym(n, a, complex(0.2, -0.9))
		if err != nil {
			t.Fatal(err)
		}
		if !isReal(er.V) {
			t.Fatalf("n=%d: EigSym gave complex eigenvectors", n)
		}
		vc := er.V.Clone()
		rng := newRNG(uint64(70 + n))
		for k := 0; k < n; k++ {
			ph := cmplx.Rect(1, 2*math.Pi*rng.Float64())
			for i := 0; i < n; i++ {
				vc.Data[i*n+k] *= ph
			}
		}
		ec := &ExpHermitian{W: er.W, V: vc, S: er.S}
		dir := randMat(rng, n, n)
		tol := 1e-13 * float64(n)
		if d := MaxAbsDiff(er.Exp(), ec.Exp()); d > tol {
			t.Errorf("n=%d: Exp real vs complex path: %g", n, d)
		}
		if d := MaxAbsDiff(er.Frechet(dir), ec.Frechet(dir)); d > tol {
			t.Errorf("n=%d: Frechet real vs complex path: %g", n, d)
		}
		if d := MaxAbsDiff(er.FrechetAdjoint(dir), ec.FrechetAdjoint(dir)); d > tol {
			t.Errorf("n=%d: FrechetAdjoint real vs complex path: %g", n, d)
		}
		if n <= 9 {
			h := NewReal(n, n, a)
			if d := MaxAbsDiff(er.Exp(), Expm(ScaleTo(nil, er.S, h))); d > tol {
				t.Errorf("n=%d: Exp off Expm by %g", n, d)
			}
			if d := MaxAbsDiff(er.Frechet(dir), blockFrechet(ScaleTo(nil, er.S, h), dir)); d > tol {
				t.Errorf("n=%d: Frechet off the block-matrix value by %g", n, d)
			}
		}
	}
}

// BenchmarkExpHermitianRealV times FrechetAdjointTo with real eigenvectors
// (from EigSym), to compare with BenchmarkExpHermitian's complex ones.
func BenchmarkExpHermitianRealV(b *testing.B) {
	for _, n := range []int{32, 128} {
		e, err := NewExpSym(n, randSym(61, n), -0.5i)
		if err != nil {
			b.Fatal(err)
		}
		rng := newRNG(62)
		dir, dst, work := randMat(rng, n, n), New(n, n), New(n, n)
		b.Run(fmt.Sprintf("FrechetAdjoint/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.FrechetAdjointTo(dst, dir, work)
			}
		})
		b.Run(fmt.Sprintf("Exp/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.ExpTo(dst, work)
			}
		})
	}
}
