package cmat

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"
)

// TestExpmAnalytic checks Expm against closed forms, with norms that select
// every Padé degree (θ₃ ≈ 0.015 … θ₁₃ ≈ 5.4) and the scaling and squaring.
func TestExpmAnalytic(t *testing.T) {
	t.Parallel()
	x := NewFrom(2, 2, []complex128{0, 1, 1, 0})
	for _, th := range []float64{0, 1e-3, 0.2, 0.9, 2, 5, 11, 100, 1000} {
		// exp(−iθX/2) = cos(θ/2)·I − i·sin(θ/2)·X (the RX gate).
		c, s := math.Cos(th/2), math.Sin(th/2)
		want := NewFrom(2, 2, []complex128{complex(c, 0), complex(0, -s), complex(0, -s), complex(c, 0)})
		got := Expm(ScaleTo(nil, complex(0, -th/2), x))
		if d := MaxAbsDiff(got, want); d > 1e-14*math.Max(1, th) {
			t.Errorf("exp(−iθX/2), θ = %g: off by %g", th, d)
		}
		// exp([[0, −θ], [θ, 0]]) is the rotation by θ.
		rot := Expm(NewFrom(2, 2, []complex128{0, complex(-th, 0), complex(th, 0), 0}))
		wantRot := NewFrom(2, 2, []complex128{complex(math.Cos(th), 0), complex(-math.Sin(th), 0), complex(math.Sin(th), 0), complex(math.Cos(th), 0)})
		if d := MaxAbsDiff(rot, wantRot); d > 1e-14*math.Max(1, th) {
			t.Errorf("rotation by %g: off by %g", th, d)
		}
	}
	// A diagonal matrix with a wide range of entries.
	diag := []complex128{-30, -1 + 2i, 0, 1e-5i, 0.5, 3 - 4i, 12}
	a := New(len(diag), len(diag))
	for i, v := range diag {
		a.Set(i, i, v)
	}
	got := Expm(a)
	for i, v := range diag {
		for j := range diag {
			want := complex(0, 0)
			if i == j {
				want = cmplx.Exp(v)
			}
			if d := cmplx.Abs(got.At(i, j) - want); d > 1e-14*math.Max(1, cmplx.Abs(want)) {
				t.Errorf("exp(diag)[%d,%d] = %v, want %v", i, j, got.At(i, j), want)
			}
		}
	}
	// A Jordan block: exp(λI + N) = e^λ·(I + N + N²/2) for the 3×3 shift N.
	lam := complex(0.3, -2)
	jb := NewFrom(3, 3, []complex128{lam, 1, 0, 0, lam, 1, 0, 0, lam})
	el := cmplx.Exp(lam)
	wantJ := NewFrom(3, 3, []complex128{el, el, el / 2, 0, el, el, 0, 0, el})
	if d := MaxAbsDiff(Expm(jb), wantJ); d > 1e-14 {
		t.Errorf("Jordan block: off by %g", d)
	}
	if e := Expm(New(0, 0)); e.Rows != 0 {
		t.Error("Expm of 0×0")
	}
}

// taylorExp sums the Taylor series of e^a to convergence in plain loops;
// it is accurate for small norms.
func taylorExp(a *Dense) *Dense {
	n := a.Rows
	sum := Identity(n)
	term := Identity(n)
	for k := 1; k < 60; k++ {
		term = ScaleTo(nil, complex(1/float64(k), 0), refMul(term, a))
		sum = AddTo(sum, sum, term)
	}
	return sum
}

// TestExpmRandom checks Expm on random non-normal matrices against the
// Taylor series (small norms, every Padé degree) and, for larger norms,
// against the identities e^a·e^{−a} = I and e^{2a} = (e^a)².
func TestExpmRandom(t *testing.T) {
	t.Parallel()
	rng := newRNG(20)
	for _, n := range []int{1, 2, 3, 8, 16} {
		for _, norm := range []float64{1e-3, 0.1, 0.5, 1.5, 4} {
			a := randMat(rng, n, n)
			ScaleTo(a, complex(norm/norm1(a), 0), a)
			want := taylorExp(a)
			if d := MaxAbsDiff(Expm(a), want); d > 2e-14*MaxAbs(want) {
				t.Errorf("n=%d ‖a‖₁=%g: off the Taylor series by %g", n, norm, d)
			}
		}
		for _, norm := range []float64{8, 30, 200} {
			a := randMat(rng, n, n)
			a = ScaleTo(nil, complex(norm/norm1(a), 0), AddTo(nil, a, ScaleTo(nil, -1, Adjoint(a))))
			// a is anti-Hermitian, so e^a is unitary and the checks are well
			// conditioned even for a large norm.
			e := Expm(a)
			if !e.IsUnitary(1e-12 * norm) {
				t.Errorf("n=%d ‖a‖₁=%g: e^a of an anti-Hermitian a is not unitary", n, norm)
			}
			if d := MaxAbsDiff(Mul(e, Expm(ScaleTo(nil, -1, a))), Identity(n)); d > 1e-13*norm {
				t.Errorf("n=%d ‖a‖₁=%g: e^a·e^−a − I = %g", n, norm, d)
			}
			if d := MaxAbsDiff(Expm(ScaleTo(nil, 2, a)), Mul(e, e)); d > 1e-13*norm {
				t.Errorf("n=%d ‖a‖₁=%g: e^2a − (e^a)² = %g", n, norm, d)
			}
		}
	}
}

func TestExpmNaN(t *testing.T) {
	t.Parallel()
	a := Identity(3)
	a.Data[4] = complex(math.Inf(1), 0)
	for _, v := range Expm(a).Data {
		if !cmplx.IsNaN(v) {
			t.Fatalf("Expm with an Inf element gave %v", v)
		}
	}
	mustPanic(t, "Expm", func() { Expm(New(2, 3)) })
}

func BenchmarkExpm(b *testing.B) {
	for _, n := range []int{4, 32, 128} {
		rng := newRNG(21)
		h := randHermitian(rng, n)
		a := ScaleTo(nil, 1i, h)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Expm(a)
			}
		})
	}
}
