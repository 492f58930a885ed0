package qnn

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
)

// pennyLaneWords are the Pauli words of ArbitraryUnitary on 1, 2 and 3
// wires as listed by PennyLane's own ArbitraryUnitary tests
// (PAULI_WORD_TEST_DATA): an oracle written out by hand there,
// independent of the Gray-code generator.
var pennyLaneWords = map[int][]string{
	1: {"X", "Y", "Z"},
	2: {"XI", "YI", "ZI", "ZX", "IX", "XX", "YX", "YY", "ZY", "IY", "XY", "XZ", "YZ", "ZZ", "IZ"},
	3: {
		"XII", "YII", "ZII", "ZXI", "IXI", "XXI", "YXI", "YYI", "ZYI", "IYI", "XYI", "XZI", "YZI",
		"ZZI", "IZI", "IZX", "XZX", "YZX", "ZZX", "ZIX", "IIX", "XIX", "YIX", "YXX", "ZXX", "IXX",
		"XXX", "XYX", "YYX", "ZYX", "IYX", "IYY", "XYY", "YYY", "ZYY", "ZZY", "IZY", "XZY", "YZY",
		"YIY", "ZIY", "IIY", "XIY", "XXY", "YXY", "ZXY", "IXY", "IXZ", "XXZ", "YXZ", "ZXZ", "ZYZ",
		"IYZ", "XYZ", "YYZ", "YZZ", "ZZZ", "IZZ", "XZZ", "XIZ", "YIZ", "ZIZ", "IIZ",
	},
}

func TestArbitraryWordsMatchPennyLane(t *testing.T) {
	t.Parallel()
	for k, want := range pennyLaneWords {
		if got := arbitraryWords(k); !slices.Equal(got, want) {
			t.Errorf("k=%d: words\n%v\nwant\n%v", k, got, want)
		}
	}
	// Four wires: every non-identity word exactly once.
	seen := map[string]bool{}
	for _, w := range arbitraryWords(4) {
		if seen[w] || w == "IIII" {
			t.Fatalf("k=4: word %s repeated or identity", w)
		}
		seen[w] = true
	}
	if len(seen) != 255 {
		t.Errorf("k=4: %d words, want 255", len(seen))
	}
}

// pauliRotProduct returns PauliRot(θ_M, P_M)···PauliRot(θ_0, P_0) from
// package gate's PauliRot matrices, multiplied with cmat.Mul.
func pauliRotProduct(t *testing.T, words []string, theta []float64) *cmat.Dense {
	t.Helper()
	d := 1 << len(words[0])
	u := cmat.Identity(d)
	for m, w := range words {
		g, err := gate.PauliRot(w)
		if err != nil {
			t.Fatal(err)
		}
		u = cmat.Mul(g.Matrix([]float64{theta[m]}), u)
	}
	return u
}

func TestArbitraryUnitaryMatrix(t *testing.T) {
	t.Parallel()
	rng := newRand(11)
	for k := 1; k <= 3; k++ {
		g := newArbitraryUnitary(k)
		theta := make([]float64, g.NumParams())
		for i := range theta {
			theta[i] = 2 * rng.NormFloat64()
		}
		want := pauliRotProduct(t, pennyLaneWords[k], theta)
		got := g.Matrix(theta)
		if d := cmat.MaxAbsDiff(got, want); d > 1e-12 {
			t.Errorf("k=%d: matrix differs from the PauliRot product by %.3g", k, d)
		}
		if d := cmat.MaxAbsDiff(cmat.Mul(cmat.Adjoint(got), got), cmat.Identity(1<<k)); d > 1e-12 {
			t.Errorf("k=%d: U†U differs from I by %.3g", k, d)
		}
	}
}

// vjpByFD checks g.VJP against central finite differences of
// f(p) = Re Σ conj(ū)·U(p) for a random cotangent ū.
func vjpByFD(t *testing.T, g gate.Gate, p []float64) {
	t.Helper()
	rng := newRand(12)
	d := 1 << g.NumWires()
	ubar := randC(rng, d, d, 1)
	f := func(q []float64) float64 {
		u := g.Matrix(q)
		s := 0.0
		for i, v := range u.Data {
			s += real(ubar.Data[i])*real(v) + imag(ubar.Data[i])*imag(v)
		}
		return s
	}
	want := numtest.FiniteDiff(f, p, 1e-6)
	got := make([]float64, len(p))
	g.VJP(p, ubar, got)
	if d := numtest.MaxDiff(got, want); d > 1e-7 {
		t.Errorf("%s VJP differs from finite differences by %.3g:%s", g.Name(), d, numtest.Report(got, want, 1e-7))
	}
}

func TestArbitraryUnitaryVJP(t *testing.T) {
	t.Parallel()
	rng := newRand(13)
	for k := 1; k <= 4; k++ { // k = 4 takes the allocating path
		g := newArbitraryUnitary(k)
		p := make([]float64, g.NumParams())
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) { vjpByFD(t, g, p) })
	}
}

func TestControlledU3(t *testing.T) {
	t.Parallel()
	g := controlledU3{}
	for _, p := range [][]float64{{0.3, -1.2, 2.1}, {math.Pi, 0.5, -0.7}, {0, 0, 0}} {
		// |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ U3, from cmat.Kron and gate.U3.
		p0, p1 := cmat.New(2, 2), cmat.New(2, 2)
		p0.Set(0, 0, 1)
		p1.Set(1, 1, 1)
		want := cmat.Kron(p0, cmat.Identity(2))
		cmat.AddTo(want, want, cmat.Kron(p1, gate.U3().Matrix(p)))
		if d := cmat.MaxAbsDiff(g.Matrix(p), want); d > 1e-15 {
			t.Errorf("%v: matrix differs from the Kronecker form by %.3g", p, d)
		}
		tgt := cmat.New(2, 2)
		g.TargetTo(tgt, p)
		if d := cmat.MaxAbsDiff(tgt, gate.U3().Matrix(p)); d > 1e-15 {
			t.Errorf("%v: target differs from U3 by %.3g", p, d)
		}
		vjpByFD(t, g, p)
	}
	var _ gate.Controlled = g
}

func TestGatePanics(t *testing.T) {
	t.Parallel()
	mustPanic(t, "C(U3) params", func() { controlledU3{}.Matrix([]float64{1, 2}) })
	mustPanic(t, "C(U3) size", func() { controlledU3{}.MatrixTo(cmat.New(2, 2), []float64{1, 2, 3}) })
	mustPanic(t, "AU size", func() { newArbitraryUnitary(2).MatrixTo(cmat.New(2, 2), make([]float64, 15)) })
	mustPanic(t, "AU grad", func() { newArbitraryUnitary(1).VJP(make([]float64, 3), cmat.New(2, 2), nil) })
}

// TestQCNNConvGate checks the convolution unit against the product of
// package gate's matrices (U3 pairs by cmat.Kron), and its VJP against
// finite differences, with and without the first U3 pair.
func TestQCNNConvGate(t *testing.T) {
	t.Parallel()
	rng := newRand(14)
	for _, first := range []bool{true, false} {
		g := qcnnConv{first: first}
		p := make([]float64, g.NumParams())
		for i := range p {
			p[i] = 2 * rng.NormFloat64()
		}
		u3pair := func(q []float64) *cmat.Dense {
			return cmat.Kron(gate.U3().Matrix(q[:3]), gate.U3().Matrix(q[3:6]))
		}
		want := cmat.Identity(4)
		rest := p
		if first {
			want = u3pair(p[:6])
			rest = p[6:]
		}
		want = cmat.Mul(gate.IsingXX().Matrix(rest[0:1]), want)
		want = cmat.Mul(gate.IsingYY().Matrix(rest[1:2]), want)
		want = cmat.Mul(gate.IsingZZ().Matrix(rest[2:3]), want)
		want = cmat.Mul(u3pair(rest[3:9]), want)
		if d := cmat.MaxAbsDiff(g.Matrix(p), want); d > 1e-14 {
			t.Errorf("first=%v: matrix differs from the gate product by %.3g", first, d)
		}
		vjpByFD(t, g, p)
	}
	mustPanic(t, "conv size", func() { qcnnConv{}.MatrixTo(cmat.New(2, 2), make([]float64, 9)) })
	mustPanic(t, "conv grad", func() { qcnnConv{first: true}.VJP(make([]float64, 15), cmat.New(4, 4), make([]float64, 9)) })
}

// TestGateAllocs checks that the gates defined here compute their matrices
// and VJPs without allocating (three wires at most for ArbitraryUnitary).
// It does not run in parallel: AllocsPerRun counts every allocation.
func TestGateAllocs(t *testing.T) {
	for _, g := range []gate.Gate{controlledU3{}, qcnnConv{first: true}, qcnnConv{}, newArbitraryUnitary(3)} {
		d := 1 << g.NumWires()
		dst, ubar := cmat.New(d, d), cmat.New(d, d)
		p, grad := make([]float64, g.NumParams()), make([]float64, g.NumParams())
		if n := testing.AllocsPerRun(20, func() {
			g.MatrixTo(dst, p)
			g.VJP(p, ubar, grad)
		}); n != 0 {
			t.Errorf("%s: %v allocations per MatrixTo + VJP", g.Name(), n)
		}
	}
}
