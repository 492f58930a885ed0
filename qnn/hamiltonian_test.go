package qnn

import (
	"fmt"
	"math"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/pauli"
	"github.com/quanta-qml/quanta/tensor"
)

// denseEvolve is the reference circuit: every exponential is cmat.Expm of
// the dense exponent (Padé scaling and squaring, independent of the
// eigendecompositions the layers use). su(r) returns block r.
func denseEvolve(x []float64, n, reps int, theta func(r int) float64, su func(r int) *cmat.Dense) []complex128 {
	h := denseH(x, 1<<n)
	s := plus(n)
	for r := 0; r < reps; r++ {
		s = matVec(cmat.Expm(cmat.ScaleTo(nil, complex(0, theta(r)), h)), s)
		s = matVec(su(r), s)
	}
	return s
}

// TestHamiltonianLinearMatchesDense compares the layer (minus its bias)
// with the dense reference: probabilities of the basis states 0 … out−1.
func TestHamiltonianLinearMatchesDense(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, out, n, reps int
		time             float64
		nonUnitary       bool
	}{
		{16, 4, 2, 2, 0, false},
		{11, 3, 2, 3, 0.4, false},
		{40, 6, 3, 3, 0, false},
		{64, 8, 3, 1, 1.3, false},
		{11, 3, 2, 3, 0, true},
		{40, 5, 3, 2, 0.7, true},
	} {
		name := fmt.Sprintf("in=%d/out=%d/n=%d/r=%d/t=%g/nonunitary=%v", c.in, c.out, c.n, c.reps, c.time, c.nonUnitary)
		rng := newRand(uint64(c.in*100 + c.n))
		l := NewHamiltonianLinear(rng, c.in, c.out, HamiltonianLinearOptions{Qubits: c.n, Reps: c.reps, Time: c.time, NonUnitary: c.nonUnitary})
		if c.nonUnitary {
			fill(rng, l.WeightImag, 0.2)
		}
		const b = 3
		x := tensor.RandN(rng, b, c.in)
		got := l.Forward(autograd.Const(x)).Value().Data()
		np := 1<<(2*c.n) - 1
		phi := l.Weight.Value().Data()
		blocks := make([]*cmat.Dense, c.reps)
		for r := range blocks {
			var im []float64
			if c.nonUnitary {
				im = l.WeightImag.Value().Data()[r*np : (r+1)*np]
			}
			blocks[r] = denseSU(c.n, phi[r*np:(r+1)*np], im)
		}
		for i := 0; i < b; i++ {
			s := denseEvolve(x.Data()[i*c.in:(i+1)*c.in], c.n, c.reps,
				func(int) float64 { return l.Time }, func(r int) *cmat.Dense { return blocks[r] })
			norm := 0.0
			for q := 0; q < c.out; q++ {
				p := real(s[q])*real(s[q]) + imag(s[q])*imag(s[q])
				norm += p
				want := p + l.Bias.Value().Data()[q]
				if g := got[i*c.out+q]; math.Abs(g-want) > 1e-11*(1+math.Abs(want)) {
					t.Errorf("%s: sample %d output %d = %.15g, want %.15g", name, i, q, g, want)
				}
			}
			if norm < 1e-6 {
				t.Errorf("%s: sample %d: reference probabilities vanish; the test is vacuous", name, i)
			}
		}
		if l.Time == 0 || (c.time == 0 && l.Time != 1/float64(c.reps)) {
			t.Errorf("%s: Time = %g", name, l.Time)
		}
	}
}

// TestHamiltonianLinearPaperSize runs one sample through the paper's
// DataReUploadingLinear(12544, 10, n=7) with two reps and compares it with
// the dense reference (blocks from pauli.Combine, exponentials by Expm).
func TestHamiltonianLinearPaperSize(t *testing.T) {
	if testing.Short() {
		t.Skip("dense 128×128 exponentials")
	}
	t.Parallel()
	rng := newRand(7)
	l := NewHamiltonianLinear(rng, 12544, 10, HamiltonianLinearOptions{Reps: 2})
	if l.Qubits != 7 || l.Time != 0.5 {
		t.Fatalf("Qubits %d, Time %g; want 7 and 1/Reps", l.Qubits, l.Time)
	}
	x := tensor.RandU(rng, -1, 1, 1, 12544)
	got := l.Forward(autograd.Const(x)).Value().Data()
	np := 1<<14 - 1
	s := denseEvolve(x.Data(), 7, 2, func(int) float64 { return 0.5 }, func(r int) *cmat.Dense {
		g := cmat.New(128, 128)
		pauli.Combine(g, l.Weight.Value().Data()[r*np:(r+1)*np])
		return cmat.Expm(cmat.ScaleTo(nil, 1i, g))
	})
	for q := 0; q < 10; q++ {
		want := real(s[q])*real(s[q]) + imag(s[q])*imag(s[q]) + l.Bias.Value().Data()[q]
		if math.Abs(got[q]-want) > 1e-10 {
			t.Errorf("output %d = %.15g, want %.15g", q, got[q], want)
		}
	}
}

// TestHamiltonianReuploadMatchesDense compares the classifier with the
// dense reference: exp(−i·0.5·t_ℓ·H) by Expm, blocks by Expm, and the
// readout as expectations of Kronecker-product projectors |q⟩⟨q| ⊗ I.
func TestHamiltonianReuploadMatchesDense(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ n, layers, classes, wires int }{
		{2, 2, 2, 1}, {3, 3, 3, 2}, {3, 2, 8, 3}, {4, 2, 5, 3},
	} {
		name := fmt.Sprintf("n=%d/L=%d/classes=%d/wires=%d", c.n, c.layers, c.classes, c.wires)
		rng := newRand(uint64(c.n*10 + c.layers))
		m := NewHamiltonianReupload(rng, HamiltonianReuploadOptions{Qubits: c.n, Layers: c.layers, Classes: c.classes, ReadoutWires: c.wires})
		const b = 2
		side := 1 << c.n
		x := tensor.RandU(rng, 0, 1, b, 1, side, side)
		got := m.Forward(autograd.Const(x)).Value().Data()
		np := 1<<(2*c.n) - 1
		ts, th := m.Time.Value().Data(), m.Weight.Value().Data()
		for i := 0; i < b; i++ {
			s := denseEvolve(x.Data()[i*side*side:(i+1)*side*side], c.n, c.layers,
				func(r int) float64 { return -0.5 * ts[r] },
				func(r int) *cmat.Dense { return denseSU(c.n, th[r*np:(r+1)*np], nil) })
			want := marginal(s, c.n, c.wires, c.classes)
			if d := numtest.MaxDiff(got[i*c.classes:(i+1)*c.classes], want); d > 1e-12 {
				t.Errorf("%s: sample %d differs by %.3g:%s", name, i, d,
					numtest.Report(got[i*c.classes:(i+1)*c.classes], want, 1e-12))
			}
		}
	}
	// The default is the paper's classifier.
	m := NewHamiltonianReupload(newRand(1), HamiltonianReuploadOptions{})
	if m.Qubits != 5 || m.Layers != 10 || m.Classes != 8 || m.ReadoutWires != 4 {
		t.Errorf("defaults: %+v", *m)
	}
}

// TestEvolveDeterministic checks that results are bitwise reproducible for
// a worker count and agree to rounding across worker counts.
func TestEvolveDeterministic(t *testing.T) {
	t.Parallel()
	run := func(workers int) (out, gx, gw []float64) {
		rng := newRand(5)
		l := NewHamiltonianLinear(rng, 30, 5, HamiltonianLinearOptions{Qubits: 3, Reps: 3, Workers: workers})
		x := autograd.Param(tensor.RandN(rng, 9, 30))
		y := l.Forward(x)
		y.BackwardWith(tensor.RandN(rng, 9, 5))
		return y.Value().Data(), x.Grad().Data(), l.Weight.Grad().Data()
	}
	o1, x1, w1 := run(3)
	o2, x2, w2 := run(3)
	for i, p := range [][2][]float64{{o1, o2}, {x1, x2}, {w1, w2}} {
		for j := range p[0] {
			if p[0][j] != p[1][j] {
				t.Fatalf("result %d element %d differs between identical runs: %v vs %v", i, j, p[0][j], p[1][j])
			}
		}
	}
	o3, x3, w3 := run(1)
	for i, p := range [][2][]float64{{o1, o3}, {x1, x3}, {w1, w3}} {
		if d := numtest.MaxDiff(p[0], p[1]); d > 1e-12 {
			t.Errorf("result %d: 3 workers and 1 differ by %.3g", i, d)
		}
	}
}

// TestEvolveNonFinite checks that a non-finite sample gives NaN outputs
// and input gradients for itself only.
func TestEvolveNonFinite(t *testing.T) {
	t.Parallel()
	rng := newRand(6)
	l := NewHamiltonianLinear(rng, 16, 4, HamiltonianLinearOptions{Reps: 2})
	xv := tensor.RandN(rng, 3, 16)
	xv.Data()[16+5] = math.Inf(1)
	x := autograd.Param(xv)
	y := l.Forward(x)
	y.BackwardWith(tensor.Ones(3, 4))
	for i := 0; i < 3; i++ {
		for q := 0; q < 4; q++ {
			v := y.Value().At(i, q)
			if (i == 1) != math.IsNaN(v) {
				t.Errorf("sample %d output %d = %v", i, q, v)
			}
		}
		g := x.Grad().At(i, 0)
		if (i == 1) != math.IsNaN(g) {
			t.Errorf("sample %d input gradient %v", i, g)
		}
	}
}

// TestHamiltonianShapes checks the caller-mistake panics and the shapes of
// batched inputs with extra leading axes.
func TestHamiltonianShapes(t *testing.T) {
	t.Parallel()
	rng := newRand(8)
	l := NewHamiltonianLinear(rng, 10, 3, HamiltonianLinearOptions{})
	if l.Qubits != 2 || l.Reps != 10 {
		t.Errorf("automatic size: %d qubits, %d reps; want 2 and 10", l.Qubits, l.Reps)
	}
	x := tensor.RandN(rng, 2, 3, 10)
	y := l.Forward(autograd.Const(x))
	if s := y.Shape(); !tensor.SameShape(s, []int{2, 3, 3}) {
		t.Errorf("output shape %v, want [2 3 3]", s)
	}
	flat := l.Forward(autograd.Const(x.Reshape(6, 10))).Value().Data()
	if d := numtest.MaxDiff(y.Value().Data(), flat); d != 0 {
		t.Errorf("leading axes change the result by %.3g", d)
	}
	h := NewHamiltonianReupload(rng, HamiltonianReuploadOptions{Qubits: 2, Layers: 1, Classes: 2})
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"HamiltonianLinear input", func() { l.Forward(autograd.Const(tensor.New(2, 11))) }},
		{"HamiltonianLinear in > 4ⁿ", func() { NewHamiltonianLinear(rng, 17, 2, HamiltonianLinearOptions{Qubits: 2}) }},
		{"HamiltonianLinear out > 2ⁿ", func() { NewHamiltonianLinear(rng, 16, 5, HamiltonianLinearOptions{Qubits: 2}) }},
		{"HamiltonianLinear zero size", func() { NewHamiltonianLinear(rng, 0, 5, HamiltonianLinearOptions{}) }},
		{"HamiltonianReupload input", func() { h.Forward(autograd.Const(tensor.New(2, 3, 3))) }},
		{"HamiltonianReupload classes", func() {
			NewHamiltonianReupload(rng, HamiltonianReuploadOptions{Qubits: 3, Classes: 5, ReadoutWires: 2})
		}},
		{"HamiltonianReupload qubits", func() { NewHamiltonianReupload(rng, HamiltonianReuploadOptions{Qubits: 9}) }},
	} {
		mustPanic(t, c.name, c.f)
	}
}
