package qnn

import (
	"math"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/pauli"
	"github.com/quanta-qml/quanta/sim"
	"github.com/quanta-qml/quanta/tensor"
)

// refCase is a QDense spec and the same circuit built in the test straight
// from the templates (or gate by gate), with its sim outputs.
type refCase struct {
	name  string
	in    int
	spec  Spec
	build func(b *circuit.Builder, x []int) error
	outs  []sim.Output
}

func xs(b *circuit.Builder, f int) []int {
	x0 := b.AddInputs(f)
	x := make([]int, f)
	for i := range x {
		x[i] = x0 + i
	}
	return x
}

func refCases(t *testing.T) []refCase {
	zz := pauli.Sum{{Coeff: 0.5, Word: pauli.Word{Ops: []pauli.Op{pauli.Z, pauli.Z}, Wires: []int{0, 2}}}}
	xy, err := pauli.Parse("0.3*X1 - 1.2*Y0 Y1")
	if err != nil {
		t.Fatal(err)
	}
	return []refCase{
		{
			name: "angleY/strong/Z", in: 3,
			spec: Spec{Embedding: Embedding{Rotation: "Y", Scale: 0.7}, Ansatz: Ansatz{Kind: AnsatzStronglyEntangling, Layers: 2}},
			build: func(b *circuit.Builder, x []int) error {
				if err := ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{Rotation: "Y", Scale: 0.7}); err != nil {
					return err
				}
				_, err := ansatz.StronglyEntanglingLayers(b, nil, 2, ansatz.StrongOptions{})
				return err
			},
			outs: sim.ExpvalZ(0, 1, 2),
		},
		{
			name: "amplitude/basic/probs", in: 6,
			spec: Spec{Qubits: 3, Embedding: Embedding{Kind: EmbedAmplitude, Features: 6, PadWith: 0.3},
				Ansatz: Ansatz{Layers: 2, Rotation: "Y"}, Readout: Readout{Kind: ReadProbs, Wires: []int{2, 0}}},
			build: func(b *circuit.Builder, x []int) error {
				if err := ansatz.AmplitudeEmbedding(b, nil, x, circuit.Amplitude{Normalize: true, Pad: true, PadWith: 0.3}); err != nil {
					return err
				}
				_, err := ansatz.BasicEntanglerLayers(b, nil, 2, ansatz.BasicOptions{Rotation: "Y"})
				return err
			},
			outs: []sim.Output{sim.Probs(2, 0)},
		},
		{
			// The RY–RZ layers written out gate by gate.
			name: "iqp/ryrz/pauli", in: 3,
			spec: Spec{Embedding: Embedding{Kind: EmbedIQP, Repeats: 2}, Ansatz: Ansatz{Kind: AnsatzRYRZ, Layers: 2},
				Readout: Readout{Kind: ReadPauli, Sums: []pauli.Sum{zz, xy}}},
			build: func(b *circuit.Builder, x []int) error {
				if err := ansatz.IQPEmbedding(b, nil, x, ansatz.IQPOptions{Repeats: 2}); err != nil {
					return err
				}
				w0 := b.AddWeights(12)
				for l := range 2 {
					for i := range 3 {
						b.Append(gate.RY(), []int{i}, circuit.Weight(w0+6*l+2*i))
						b.Append(gate.RZ(), []int{i}, circuit.Weight(w0+6*l+2*i+1))
					}
					b.Append(gate.CNOT(), []int{0, 1})
					b.Append(gate.CNOT(), []int{1, 2})
					b.Append(gate.CNOT(), []int{2, 0})
				}
				return nil
			},
			outs: []sim.Output{sim.Expval(zz), sim.Expval(xy)},
		},
		{
			name: "reupload/none/Y", in: 5,
			spec: Spec{Embedding: Embedding{Kind: EmbedReupload, Layers: 3, Scale: 1.5}, Ansatz: Ansatz{Kind: AnsatzNone},
				Readout: Readout{Kind: ReadY, Wires: []int{1}}},
			build: func(b *circuit.Builder, x []int) error {
				_, err := ansatz.DataReuploading(b, nil, x, 3, ansatz.ReuploadOptions{Scale: 1.5})
				return err
			},
			outs: []sim.Output{sim.Expval(pauli.Sum{{Coeff: 1, Word: pauli.Word{Ops: []pauli.Op{pauli.Y}, Wires: []int{1}}}})},
		},
		{
			name: "angleZ/su2+hea/probs", in: 2,
			spec: Spec{Qubits: 2, Embedding: Embedding{Rotation: "Z"}, Ansatz: Ansatz{Kind: AnsatzEfficientSU2, Layers: 2},
				Readout: Readout{Kind: ReadProbs}},
			build: func(b *circuit.Builder, x []int) error {
				if err := ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{Rotation: "Z"}); err != nil {
					return err
				}
				_, err := ansatz.EfficientSU2(b, nil, ansatz.SU2Options{Reps: 2})
				return err
			},
			outs: []sim.Output{sim.Probs(0, 1)},
		},
		{
			name: "angle/hea/Z", in: 3,
			spec: Spec{Ansatz: Ansatz{Kind: AnsatzHardwareEfficient, Layers: 2}},
			build: func(b *circuit.Builder, x []int) error {
				if err := ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{}); err != nil {
					return err
				}
				_, err := ansatz.HardwareEfficient(b, nil, 2)
				return err
			},
			outs: sim.ExpvalZ(0, 1, 2),
		},
		{
			// A custom ansatz that re-uploads the inputs.
			name: "custom", in: 2,
			spec: Spec{Ansatz: Ansatz{Kind: AnsatzCustom, Custom: customAnsatz}},
			build: func(b *circuit.Builder, x []int) error {
				if err := ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{}); err != nil {
					return err
				}
				return customAnsatz(b, []int{0, 1}, x)
			},
			outs: sim.ExpvalZ(0, 1),
		},
	}
}

// customAnsatz is CRY(w0) then RZ(x1 + w1) on wire 0.
func customAnsatz(b *circuit.Builder, wires, x []int) error {
	w0 := b.AddWeights(2)
	b.Append(gate.CRY(), wires, circuit.Weight(w0))
	b.Append(gate.RZ(), wires[:1], circuit.Affine(1, x[1], 1, w0+1, 0))
	return nil
}

// TestQDenseMatchesSim compares QDense (no adapters) with sim run directly
// on the reference circuit: outputs, and gradients for weights and inputs
// against Result.VJP with the same cotangents.
func TestQDenseMatchesSim(t *testing.T) {
	t.Parallel()
	for _, c := range refCases(t) {
		rng := newRand(21)
		b := circuit.NewBuilder(max(c.spec.Qubits, c.spec.resolve(c.in).Qubits))
		if err := c.build(b, xs(b, c.in)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ref, err := b.Build()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cc, err := c.spec.resolve(c.in).compile()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		q := NewQDense(rng, c.in, cc.k, c.spec)
		if q.Pre != nil || q.Post != nil {
			t.Fatalf("%s: unexpected adapters", c.name)
		}
		if q.cc.w != ref.NumWeights() || q.cc.p != ref.NumInputs() {
			t.Fatalf("%s: %d weights and %d inputs, reference %d and %d", c.name, q.cc.w, q.cc.p, ref.NumWeights(), ref.NumInputs())
		}
		x := autograd.Param(tensor.RandN(rng, 4, c.in))
		w := q.Weight.Value().Data()
		res, err := sim.Forward(ref, w, x.Value().Data(), c.outs, sim.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		y := q.Forward(x)
		if d := numtest.MaxDiff(y.Value().Data(), res.Values()); d > 1e-12 || y.Shape()[1] != res.Width() {
			t.Errorf("%s: outputs %v differ from sim by %.3g", c.name, y.Shape(), d)
		}
		seed := tensor.RandN(rng, y.Shape()...)
		y.BackwardWith(seed)
		dw, dx := res.VJP(seed.Data())
		if d := numtest.MaxDiff(q.Weight.Grad().Data(), dw); d > 1e-12 {
			t.Errorf("%s: weight gradients differ from sim by %.3g", c.name, d)
		}
		if d := numtest.MaxDiff(x.Grad().Data(), dx); d > 1e-12 {
			t.Errorf("%s: input gradients differ from sim by %.3g", c.name, d)
		}
	}
}

// TestQDenseAdapters checks that the adapters appear exactly when the
// widths differ, with classical kinds, and that the output is Post(circuit(Pre(x))).
func TestQDenseAdapters(t *testing.T) {
	t.Parallel()
	rng := newRand(22)
	q := NewQDense(rng, 5, 3, Spec{Qubits: 4, Ansatz: Ansatz{Layers: 2}})
	if q.Pre == nil || q.Post == nil || q.Pre.Out != 4 || q.Post.In != 4 {
		t.Fatalf("adapters %v %v", q.Pre, q.Post)
	}
	var names []string
	for _, p := range nn.NamedParams(q) {
		names = append(names, p.Name+":"+string(p.Kind))
	}
	want := "weight:quantum pre.weight:classical pre.bias:classical post.weight:classical post.bias:classical"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("params %q, want %q", got, want)
	}
	if c := CountParams(q); c != (ParamCount{Classical: 5*4 + 4 + 4*3 + 3, Quantum: 8}) {
		t.Errorf("counts %+v", c)
	}
	x := autograd.Const(tensor.RandN(rng, 2, 7, 5))
	y := q.Forward(x)
	flat := autograd.Reshape(x, -1, 5)
	h := q.Pre.Forward(flat)
	res, err := sim.Forward(q.Circuit(), q.Weight.Value().Data(), h.Value().Data(), sim.ExpvalZ(0, 1, 2, 3), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want2 := q.Post.Forward(autograd.Const(tensor.FromSlice(res.Values(), 14, 4)))
	if s := y.Shape(); len(s) != 3 || s[0] != 2 || s[1] != 7 || s[2] != 3 {
		t.Errorf("output shape %v", s)
	}
	if d := numtest.MaxDiff(y.Value().Data(), want2.Value().Data()); d > 1e-12 {
		t.Errorf("output differs from Post(sim(Pre(x))) by %.3g", d)
	}
	// No adapters when the widths fit: 4 features, 4 outputs.
	if q := NewQDense(rng, 4, 4, Spec{}); q.Pre != nil || q.Post != nil || q.Spec.Qubits != 4 {
		t.Errorf("identity adapters expected: %v %v on %d qubits", q.Pre, q.Post, q.Spec.Qubits)
	}
}

// TestSpecDefaults checks the qubit counts chosen for a number of features
// and the errors of Build.
func TestSpecDefaults(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind          EmbeddingKind
		f, n, feature int
	}{
		{EmbedAngle, 5, 5, 5}, {EmbedIQP, 3, 3, 3}, {EmbedAmplitude, 16, 4, 16},
		{EmbedAmplitude, 10, 4, 10}, {EmbedReupload, 7, 3, 7}, {EmbedReupload, 6, 2, 6},
	} {
		s := Spec{Embedding: Embedding{Kind: c.kind}}.resolve(c.f)
		if s.Qubits != c.n || s.Features() != c.feature {
			t.Errorf("kind %d, %d features: %d qubits reading %d, want %d reading %d", c.kind, c.f, s.Qubits, s.Features(), c.n, c.feature)
		}
	}
	// An explicit feature count decides the qubits; the layer then adapts.
	if s := (Spec{Embedding: Embedding{Kind: EmbedAmplitude, Features: 5}}).resolve(20); s.Qubits != 3 || s.Features() != 5 {
		t.Errorf("explicit features: %d qubits reading %d, want 3 reading 5", s.Qubits, s.Features())
	}
	for _, c := range []struct {
		name string
		s    Spec
		want string
	}{
		{"no qubits", Spec{}, "qubits"},
		{"angle too wide", Spec{Qubits: 2, Embedding: Embedding{Features: 3}}, "features"},
		{"iqp", Spec{Qubits: 2, Embedding: Embedding{Kind: EmbedIQP, Features: 1}}, "IQP"},
		{"kind", Spec{Qubits: 2, Embedding: Embedding{Kind: 9}}, "embedding kind"},
		{"ansatz kind", Spec{Qubits: 2, Ansatz: Ansatz{Kind: 42}}, "ansatz kind"},
		{"rotation", Spec{Qubits: 2, Ansatz: Ansatz{Rotation: "W"}}, "W"},
		{"custom nil", Spec{Qubits: 2, Ansatz: Ansatz{Kind: AnsatzCustom}}, "Custom"},
		{"readout wire", Spec{Qubits: 2, Readout: Readout{Wires: []int{2}}}, "readout wire"},
		{"no sums", Spec{Qubits: 2, Readout: Readout{Kind: ReadPauli}}, "sums"},
		{"readout kind", Spec{Qubits: 2, Readout: Readout{Kind: 7}}, "readout kind"},
		{"pauli wire", Spec{Qubits: 2, Readout: Readout{Kind: ReadPauli, Sums: []pauli.Sum{{{Coeff: 1,
			Word: pauli.Word{Ops: []pauli.Op{pauli.X}, Wires: []int{5}}}}}}}, "5"},
	} {
		_, _, err := c.s.Build()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "qnn: ") {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	mustPanic(t, "QDense sizes", func() { NewQDense(newRand(1), 0, 2, Spec{}) })
	mustPanic(t, "QDense spec", func() { NewQDense(newRand(1), 2, 2, Spec{Readout: Readout{Kind: ReadPauli}}) })
	mustPanic(t, "QDense input", func() { NewQDense(newRand(1), 2, 2, Spec{}).Forward(autograd.Const(tensor.New(3, 3))) })
}

// TestQDenseNaN checks that inputs sim rejects (NaN, amplitude features of
// zero norm) give NaN outputs and gradients rather than a panic.
func TestQDenseNaN(t *testing.T) {
	t.Parallel()
	rng := newRand(23)
	for _, c := range []struct {
		name string
		spec Spec
		x    []float64
	}{
		{"nan", Spec{}, []float64{0.1, math.NaN()}},
		{"zero amplitudes", Spec{Qubits: 1, Embedding: Embedding{Kind: EmbedAmplitude}}, []float64{0, 0}},
	} {
		q := NewQDense(rng, 2, 2, c.spec)
		x := autograd.Param(tensor.FromSlice(c.x, 1, 2))
		y := q.Forward(x)
		y.BackwardWith(tensor.Ones(1, 2))
		for _, v := range append(append(y.Value().Data(), q.Weight.Grad().Data()...), x.Grad().Data()...) {
			if !math.IsNaN(v) {
				t.Errorf("%s: got %v, want NaN outputs and gradients", c.name, v)
				break
			}
		}
	}
}
