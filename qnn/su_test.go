package qnn

import (
	"fmt"
	"math"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
)

// TestExpmFrechet checks the block-matrix Fréchet derivative against
// central differences of cmat.Expm, against the Daleckii–Krein derivative
// of cmat.ExpHermitian for a skew-Hermitian exponent, and checks the
// adjoint identity ⟨G, L(A, E)⟩ = ⟨L(A†, G), E⟩.
func TestExpmFrechet(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 4, 8} {
		rng := newRand(uint64(n))
		a := randC(rng, n, n, 0.7)
		e := randC(rng, n, n, 1)
		expA, l := expmFrechet(a, e)
		if d := cmat.MaxAbsDiff(expA, cmat.Expm(a)); d > 1e-13 {
			t.Errorf("n=%d: e^A differs from Expm by %.3g", n, d)
		}
		const h = 1e-6
		fd := cmat.SubTo(nil, cmat.Expm(cmat.AddScaledTo(nil, a, h, e)), cmat.Expm(cmat.AddScaledTo(nil, a, -h, e)))
		cmat.ScaleTo(fd, complex(1/(2*h), 0), fd)
		if d := cmat.MaxAbsDiff(l, fd); d > 1e-8*(1+cmat.MaxAbs(fd)) {
			t.Errorf("n=%d: L(A, E) differs from finite differences by %.3g", n, d)
		}

		// Skew-Hermitian exponent i·H: compare with the eigen path.
		hm := randC(rng, n, n, 1)
		herm := cmat.AddTo(nil, hm, cmat.Adjoint(hm))
		ex, err := cmat.NewExpHermitian(herm, 1i)
		if err != nil {
			t.Fatal(err)
		}
		_, l2 := expmFrechet(cmat.ScaleTo(nil, 1i, herm), e)
		if d := cmat.MaxAbsDiff(l2, ex.Frechet(e)); d > 1e-12*(1+cmat.MaxAbs(l2)) {
			t.Errorf("n=%d: L(iH, E) differs from ExpHermitian.Frechet by %.3g", n, d)
		}

		g := randC(rng, n, n, 1)
		_, adj := expmFrechet(cmat.Adjoint(a), g)
		lhs, rhs := cmat.Inner(g, l), cmat.Inner(adj, e)
		if d := math.Hypot(real(lhs-rhs), imag(lhs-rhs)); d > 1e-12*(1+math.Hypot(real(lhs), imag(lhs))) {
			t.Errorf("n=%d: adjoint identity off by %.3g (%v vs %v)", n, d, lhs, rhs)
		}
	}
}

// TestSUBlockUnitaryMatchesGate checks the unitary block, its adjoint and
// its VJP against gate.SpecialUnitary, which is checked against PennyLane.
func TestSUBlockUnitaryMatchesGate(t *testing.T) {
	t.Parallel()
	for _, k := range []int{1, 2, 3} {
		rng := newRand(uint64(10 + k))
		np := 1<<(2*k) - 1
		theta := make([]float64, np)
		for i := range theta {
			theta[i] = rng.NormFloat64()
		}
		var solver cmat.EigSolver
		b := newSUBlock(k, false)
		b.set(theta, nil, &solver)
		g := gate.SpecialUnitary(k)
		want := g.Matrix(theta)
		if d := cmat.MaxAbsDiff(b.u, want); d > 1e-12 {
			t.Errorf("k=%d: block differs from gate.SpecialUnitary by %.3g", k, d)
		}
		if d := cmat.MaxAbsDiff(b.uAdj, cmat.Adjoint(want)); d > 1e-12 {
			t.Errorf("k=%d: adjoint differs by %.3g", k, d)
		}
		ubar := randC(rng, 1<<k, 1<<k, 1)
		got, ref := make([]float64, np), make([]float64, np)
		b.vjp(got, nil, ubar)
		g.VJP(theta, ubar, ref)
		if d := numtest.MaxDiff(got, ref); d > 1e-11 {
			t.Errorf("k=%d: VJP differs from the gate's by %.3g:%s", k, d, numtest.Report(got, ref, 1e-11))
		}
	}
}

// TestSUBlockComplex checks the non-unitary block against cmat.Expm of the
// generator summed from Kronecker products, and its VJP for both parts
// against central differences of Re⟨ū, U(a, b)⟩.
func TestSUBlockComplex(t *testing.T) {
	t.Parallel()
	for _, k := range []int{1, 2} {
		rng := newRand(uint64(20 + k))
		np := 1<<(2*k) - 1
		re, im := make([]float64, np), make([]float64, np)
		for i := range re {
			re[i] = 0.6 * rng.NormFloat64()
			im[i] = 0.3 * rng.NormFloat64()
		}
		b := newSUBlock(k, true)
		b.set(re, im, nil)
		want := denseSU(k, re, im)
		if d := cmat.MaxAbsDiff(b.u, want); d > 1e-12*(1+cmat.MaxAbs(want)) {
			t.Errorf("k=%d: block differs from Expm by %.3g", k, d)
		}
		if b.u.IsUnitary(1e-3) {
			t.Errorf("k=%d: complex coefficients gave a unitary block; the test is vacuous", k)
		}
		ubar := randC(rng, 1<<k, 1<<k, 1)
		gre, gim := make([]float64, np), make([]float64, np)
		b.vjp(gre, gim, ubar)
		f := func([]float64) float64 { return real(cmat.Inner(ubar, denseSU(k, re, im))) }
		for _, c := range []struct {
			name string
			x    []float64
			got  []float64
		}{{"real part", re, gre}, {"imaginary part", im, gim}} {
			num := numtest.FiniteDiff(f, c.x, 1e-6)
			if d := numtest.MaxDiff(c.got, num); d > 1e-7 {
				t.Errorf("k=%d %s: VJP differs from finite differences by %.3g:%s", k, c.name, d,
					numtest.Report(c.got, num, 1e-7))
			}
		}
	}
}

// TestSUBlockNonFinite checks that a failed decomposition gives NaN rather
// than a stale or partial block.
func TestSUBlockNonFinite(t *testing.T) {
	t.Parallel()
	theta := make([]float64, 15)
	theta[3] = math.NaN()
	var solver cmat.EigSolver
	b := newSUBlock(2, false)
	b.set(theta, nil, &solver)
	for i, v := range b.u.Data {
		if !math.IsNaN(real(v)) {
			t.Fatalf("element %d of the block is %v, want NaN", i, v)
		}
	}
}

// TestExpmFrechetShapes checks the caller-mistake panic.
func TestExpmFrechetShapes(t *testing.T) {
	t.Parallel()
	for i, c := range [][2]*cmat.Dense{{cmat.New(2, 2), cmat.New(3, 3)}, {cmat.New(2, 3), cmat.New(2, 3)}} {
		mustPanic(t, fmt.Sprint("case ", i), func() { expmFrechet(c[0], c[1]) })
	}
}
