package qnn

import (
	"math"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// interleavedLayout is the adversarial-learning paper's circuit as its Yao
// code lays it out (1-based qubits there): big_block2 = (RX, RZ) × 4 then
// E, three big_block = (RX, RZ) × 3 then E, E the CNOTs 1→2, 3→4, 5→6,
// 7→8, 9→10 then 2→3, 4→5, 6→7, 8→9. "E" marks an entangling layer.
var interleavedLayout = []string{
	"X", "Z", "X", "Z", "X", "Z", "X", "Z", "E",
	"X", "Z", "X", "Z", "X", "Z", "E",
	"X", "Z", "X", "Z", "X", "Z", "E",
	"X", "Z", "X", "Z", "X", "Z", "E",
}

// interleavedCNOTs are the (1-based) CNOTs of E on 10 qubits, as in the
// paper's code, and on 6 qubits by the same rule.
var interleavedCNOTs = map[int][][2]int{
	10: {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {2, 3}, {4, 5}, {6, 7}, {8, 9}},
	6:  {{1, 2}, {3, 4}, {5, 6}, {2, 3}, {4, 5}},
}

// interleavedByGates builds the circuit of one sample on n qubits gate by
// gate with constant angles 2·x_k + π + θ_k (x padded with zeros to 26n)
// and returns the probabilities of the readout wire: from densesim.State
// for n ≤ 6, and for the paper's 10 qubits (too large for densesim's
// Kronecker-product operators) by applying the same ops' matrices with
// applyOn, checked against densesim.Embed in TestApplyOn.
func interleavedByGates(t *testing.T, n, readout int, x, theta []float64) []float64 {
	t.Helper()
	b := circuit.NewBuilder(n)
	k := 0
	for _, l := range interleavedLayout {
		if l == "E" {
			for _, c := range interleavedCNOTs[n] {
				b.Append(gate.CNOT(), []int{c[0] - 1, c[1] - 1})
			}
			continue
		}
		g := gate.RX()
		if l == "Z" {
			g = gate.RZ()
		}
		for q := 1; q <= n; q++ {
			px := 0.0
			if k < len(x) {
				px = x[k]
			}
			b.Append(g, []int{q - 1}, circuit.Const(2*px+math.Pi+theta[k]))
			k++
		}
	}
	if k != 26*n {
		t.Fatalf("%d angles, want %d", k, 26*n)
	}
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var psi []complex128
	if n <= 6 {
		if psi, err = densesim.State(c, nil, nil); err != nil {
			t.Fatal(err)
		}
	} else {
		psi = make([]complex128, 1<<n)
		psi[0] = 1
		for i := range c.NumOps() {
			op := c.Op(i)
			p := make([]float64, op.NumParams())
			op.Params(p, nil, nil)
			applyOn(psi, n, op.Gate().Matrix(p), op.Wires())
		}
	}
	return densesim.Probs(psi, []int{readout})
}

func TestInterleavedMatchesGates(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		opt             InterleavedOptions
		n, readout, pix int
	}{
		{InterleavedOptions{}, 10, 4, 256},
		{InterleavedOptions{Qubits: 6, Features: 150}, 6, 2, 150},
	} {
		rng := newRand(51)
		m := NewInterleavedClassifier(rng, c.opt)
		if m.ReadoutWire != c.readout || m.Features != c.pix || nn.NumParams(m) != 26*c.n {
			t.Fatalf("readout wire %d, %d features, %d parameters", m.ReadoutWire, m.Features, nn.NumParams(m))
		}
		for _, v := range m.Weight.Value().Data() {
			if v < 0 || v >= 1 {
				t.Fatalf("initial θ %v outside [0, 1)", v)
			}
		}
		x := tensor.RandU(rng, 0, 1, 3, c.pix)
		y := m.Forward(autograd.Const(x)).Value()
		if s := y.Shape(); len(s) != 2 || s[0] != 3 || s[1] != 2 {
			t.Fatalf("logits of shape %v", s)
		}
		for b := range 3 {
			want := interleavedByGates(t, c.n, c.readout, x.Data()[b*c.pix:(b+1)*c.pix], m.Weight.Value().Data())
			if d := numtest.MaxDiff(y.Data()[2*b:2*b+2], want); d > 1e-12 {
				t.Errorf("%d qubits, sample %d: probabilities %v, gate by gate %v", c.n, b, y.Data()[2*b:2*b+2], want)
			}
		}
	}
	m := NewInterleavedClassifier(newRand(1), InterleavedOptions{})
	if y := m.Forward(autograd.Const(tensor.New(1, 1, 16, 16))); y.Shape()[1] != 2 {
		t.Errorf("image input: logits %v", y.Shape())
	}
	mustPanic(t, "features", func() { NewInterleavedClassifier(newRand(1), InterleavedOptions{Qubits: 2, Features: 53}) })
	mustPanic(t, "input", func() { m.Forward(autograd.Const(tensor.New(2, 255))) })
}
