package qnn

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/numtest"
)

// TestMatVecKernels checks the unrolled products against plain loops for
// sizes that exercise the four-row blocks and the remainders.
func TestMatVecKernels(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16} {
		rng := newRand(uint64(n))
		v := make([]float64, n*n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		u := randC(rng, n, n, 1).Data
		x := randC(rng, n, 1, 1).Data
		wantVT, wantV, wantC := make([]complex128, n), make([]complex128, n), make([]complex128, n)
		for j := 0; j < n; j++ {
			for k := 0; k < n; k++ {
				wantVT[j] += complex(v[k*n+j], 0) * x[k]
				wantV[j] += complex(v[j*n+k], 0) * x[k]
				wantC[j] += u[j*n+k] * x[k]
			}
		}
		got := make([]complex128, n)
		for i := range got {
			got[i] = complex(math.NaN(), 0) // must be overwritten
		}
		mulVT(got, v, x, n)
		if d := numtest.MaxDiffC(got, wantVT); d > 1e-13 {
			t.Errorf("n=%d: mulVT off by %.3g", n, d)
		}
		mulV(got, v, x, n)
		if d := numtest.MaxDiffC(got, wantV); d > 1e-13 {
			t.Errorf("n=%d: mulV off by %.3g", n, d)
		}
		mulC(got, u, x, n)
		if d := numtest.MaxDiffC(got, wantC); d > 1e-13 {
			t.Errorf("n=%d: mulC off by %.3g", n, d)
		}
		const reps = 3
		a := randC(rng, reps, n, 1).Data
		y := randC(rng, reps, n, 1).Data
		want := make([]complex128, n*n)
		for r := 0; r < reps; r++ {
			for j := 0; j < n; j++ {
				for l := 0; l < n; l++ {
					want[j*n+l] += a[r*n+j] * cmplx.Conj(y[r*n+l])
				}
			}
		}
		k := randC(rng, n, n, 1).Data // overwritten
		outerSum(k, a, y, n, reps)
		if d := numtest.MaxDiffC(k, want); d > 1e-13 {
			t.Errorf("n=%d: outerSum off by %.3g", n, d)
		}
	}
}

// TestDivDiff checks the divided differences of e^{iα} on both sides of
// the switch between the quotient and the series: against
// e^{iσ}·sin(δ)/δ evaluated with math.Sin (accurate for δ ≠ 0), and the
// coincident limit e^{iα}.
func TestDivDiff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ aj, ak float64 }{
		{0.3, 0.3}, {1.2, 1.2 + 1e-12}, {-0.7, -0.7 + 1e-6}, {2, 2 + 4.9e-4}, {2, 2 + 9.99e-4},
		{2, 2 + 1.001e-3}, {0.1, 0.9}, {-3, 4}, {5, -5},
	} {
		ej, ek := cmplx.Exp(complex(0, c.aj)), cmplx.Exp(complex(0, c.ak))
		got := divDiff(c.aj, c.ak, ej, ek)
		d := (c.aj - c.ak) / 2
		sinc := 1.0
		if d != 0 {
			sinc = math.Sin(d) / d
		}
		want := cmplx.Exp(complex(0, (c.aj+c.ak)/2)) * complex(sinc, 0)
		if e := cmplx.Abs(got - want); e > 1e-12 {
			t.Errorf("divDiff(%g, %g) = %v, want %v (error %.3g)", c.aj, c.ak, got, want, e)
		}
		if sym := divDiff(c.ak, c.aj, ek, ej); cmplx.Abs(sym-got) > 1e-12 {
			t.Errorf("divDiff is not symmetric at (%g, %g): %v vs %v", c.aj, c.ak, got, sym)
		}
	}
}

// TestAddExpAdjoint checks the fused eigenbasis pull-back against
// cmat.ExpHermitian.FrechetAdjoint, whose divided differences are
// computed independently: for a diagonal H = diag(w) (V = I) the adjoint
// of the derivative of exp(iθH) in direction i·θ·E, applied to K, is
// θ·Im(L*(K)) for real E, symmetrised.
func TestAddExpAdjoint(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 6} {
		rng := newRand(uint64(30 + n))
		w := make([]float64, n)
		for i := range w {
			w[i] = 2 * rng.NormFloat64()
		}
		if n > 2 {
			w[1] = w[0] + 1e-7 // a close pair exercises the series
			w[2] = w[0]        // and a repeated eigenvalue
		}
		theta := 0.7
		k := randC(rng, n, n, 1)
		alpha := make([]float64, n)
		phase := make([]complex128, n)
		phases(alpha, phase, w, theta)
		s := make([]float64, n*n)
		for i := range s {
			s[i] = float64(i) // accumulates onto what is there
		}
		addExpAdjoint(s, k.Data, alpha, phase, theta, n)

		ex := cmat.ExpHermitian{W: w, V: cmat.Identity(n), S: complex(0, theta)}
		adj := ex.FrechetAdjoint(k)
		for j := 0; j < n; j++ {
			for l := 0; l < n; l++ {
				want := float64(j*n+l) + theta*(imag(adj.At(j, l))+imag(adj.At(l, j)))/2
				if got := s[j*n+l]; math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
					t.Errorf("n=%d: S[%d,%d] = %.15g, want %.15g", n, j, l, got, want)
				}
			}
		}
	}
}

// TestBuildH checks the symmetrised, zero-padded Hamiltonian.
func TestBuildH(t *testing.T) {
	t.Parallel()
	x := []float64{1, 2, 3, 4, 5, 6, 7}
	h := make([]float64, 9)
	buildH(h, x, 3)
	// D = [[1 2 3] [4 5 6] [7 0 0]]
	want := []float64{1, 3, 5, 3, 5, 3, 5, 3, 0}
	if d := numtest.MaxDiff(h, want); d != 0 {
		t.Errorf("H = %v, want %v", h, want)
	}
	hd := denseH(x, 3)
	for i, v := range hd.Data {
		if real(v) != h[i] {
			t.Errorf("dense reference disagrees at %d: %v vs %v", i, v, h[i])
		}
	}
}
