package experiment

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// TestHybridNetParams checks the parameter counts of the creep paper's
// table (arXiv:2409.17583; complex parameters counted once) on MNIST
// (1×32×32) and CIFAR-10 (3×32×32), and the split by kind.
func TestHybridNetParams(t *testing.T) {
	t.Parallel()
	spec, err := ZooSpec("hybridnet")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		input []int
		level string
		want  ParamCount
	}{
		{[]int{1, 32, 32}, "L0", ParamCount{Classical: 130394, Total: 130394}},
		{[]int{1, 32, 32}, "L1", ParamCount{Classical: 32 + 16 + 125450, Quantum: 32*15 + 16*32*15, Total: 133658}},
		{[]int{1, 32, 32}, "L2", ParamCount{Classical: 32 + 16 + 10, Quantum: 32*15 + 16*32*15 + 10*16383, Total: 172048}},
		{[]int{3, 32, 32}, "L0", ParamCount{Classical: 130970, Total: 130970}},
		{[]int{3, 32, 32}, "L1", ParamCount{Classical: 32 + 16 + 125450, Quantum: 3*32*15 + 16*32*15, Total: 134618}},
		{[]int{3, 32, 32}, "L2", ParamCount{Classical: 32 + 16 + 10, Quantum: 3*32*15 + 16*32*15 + 10*16383, Total: 173008}},
	} {
		c, err := spec.Config(tc.level)
		if err != nil {
			t.Fatal(err)
		}
		m, err := spec.Build(c, tc.input, 1, BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Params != tc.want {
			t.Errorf("%v %s: %+v, want %+v", tc.input, tc.level, m.Params, tc.want)
		}
		if m.Classical != (tc.level == "L0") {
			t.Errorf("%s: classical %v", tc.level, m.Classical)
		}
	}
	// The compatibility mode adds one imaginary part per quantum weight
	// (biases are real) and keeps the paper's count.
	c, _ := spec.Config("L2")
	m, err := spec.Build(c, nil, 1, BuildOptions{NonUnitary: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := (ParamCount{Classical: 58, Quantum: 171990, QuantumImag: 171990, Total: 172048}); m.Params != want {
		t.Errorf("non-unitary L2: %+v, want %+v", m.Params, want)
	}
}

// TestZooParams checks the counts the other papers give.
func TestZooParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		model, config string
		quantum       int
		total         int // 0: not checked
	}{
		{"hamembed", "L10", 10240, 10240}, // arXiv:2407.14055: 10·1023 + 10
		{"hamembed", "L20", 20480, 20480},
		{"hamembed", "qcnn", 99, 99},          // the QCNN baseline
		{"hybridcnn", "hybrid", 8, 142530},    // arXiv:2509.13353's logs: 142,530 hybrid
		{"hybridcnn", "classical", 0, 151754}, // and 151,754 classical
		{"hqnn-parallel", "quantum", 180, 0},  // 4 circuits × 3 layers × 5 qubits × 3 angles
		{"adversarial", "quantum", 260, 260},  // arXiv:2204.01738: 260 angles
		{"transfer", "hybrid", 0, 0},          // the circuit has no trainable parameter
	} {
		m, err := Build(tc.model, tc.config, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.model, tc.config, err)
		}
		if m.Params.Quantum != tc.quantum || (tc.total > 0 && m.Params.Total != tc.total) {
			t.Errorf("%s/%s: %+v, want quantum %d total %d", tc.model, tc.config, m.Params, tc.quantum, tc.total)
		}
		if got := nn.NumParams(m.Layer); got != m.Params.Total+m.Params.QuantumImag {
			t.Errorf("%s/%s: nn counts %d parameters, ParamCount %+v", tc.model, tc.config, got, m.Params)
		}
	}
}

// TestShapesMatchForward checks the factory's shape rules against the
// layers themselves: every configuration of every built-in model runs a
// batch of two, and its output must have the shape the spec computed.
func TestShapesMatchForward(t *testing.T) {
	t.Parallel()
	for _, name := range Zoo() {
		spec, err := ZooSpec(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range append(spec.LevelConfigs(), spec.Subsets()...) {
			m, err := spec.Build(c, nil, 7, BuildOptions{})
			if err != nil {
				t.Fatalf("%s/%s: %v", name, c.Name, err)
			}
			r := rand.New(rand.NewPCG(3, 4))
			x := tensor.RandU(r, 0.1, 1, append([]int{2}, m.Input...)...)
			if err := m.Fit(tensor.RandU(r, 0, 1, append([]int{16}, m.Input...)...)); err != nil {
				t.Fatal(err)
			}
			nn.SetTraining(m.Layer, false)
			out := m.Layer.Forward(autograd.NoGrad(x)).Shape()
			if !slices.Equal(out, append([]int{2}, m.Output...)) {
				t.Errorf("%s/%s: forward gives %v, spec says %v", name, c.Name, out, m.Output)
			}
		}
	}
}

// TestLayerShapes runs every layer type of the factory on a batch and
// compares the output with its shape rule.
func TestLayerShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		yaml string
		in   []int
	}{
		{"{type: conv2d, out: 3, kernel: [3, 2], stride: 2, padding: [1, 0], bias: false}", []int{2, 7, 6}},
		{"{type: linear, out: 3}", []int{4}},
		{"{type: flatten}", []int{2, 3, 4}},
		{"{type: reshape, shape: [4, 6]}", []int{2, 3, 4}},
		{"{type: identity}", []int{5}},
		{"{type: relu}", []int{5}},
		{"{type: tanh}", []int{5}},
		{"{type: sigmoid}", []int{5}},
		{"{type: gelu, approximate: tanh}", []int{5}},
		{"{type: leaky_relu, slope: 0.2}", []int{5}},
		{"{type: softmax}", []int{3, 5}},
		{"{type: log_softmax, dim: 0}", []int{3, 5}},
		{"{type: dropout, p: 0.1}", []int{5}},
		{"{type: batchnorm1d}", []int{5}},
		{"{type: batchnorm2d}", []int{3, 4, 4}},
		{"{type: layernorm}", []int{3, 5}},
		{"{type: maxpool2d, kernel: 2}", []int{2, 5, 6}},
		{"{type: avgpool2d, kernel: 3, stride: 1, padding: 1}", []int{2, 5, 6}},
		{"{type: adaptive_avgpool2d, output: [2, 3]}", []int{2, 5, 6}},
		{"{type: constant_pad2d, padding: [1, 2, 0, 3], value: 0.5}", []int{2, 3, 3}},
		{"{type: pca, components: 3}", []int{2, 3}},
		{"{type: minmax, range: [-1, 1]}", []int{4}},
		{"{type: flipped_quanv, out: 2, stride: 2, padding: 1}", []int{3, 6, 5}},
		{"{type: hamiltonian_linear, out: 3, reps: 2}", []int{10}},
		{"{type: hamiltonian_reupload, qubits: 2, layers: 2, classes: 2}", []int{1, 4, 4}},
		{"{type: qdense, out: 5, qubits: 3, ansatz: {kind: strongly_entangling, layers: 2}}", []int{4}},
		{"{type: qdense, out: 4, embedding: {kind: amplitude}, readout: {kind: probs, wires: [0, 1]}}", []int{8}},
		{"{type: qdense, out: 2, embedding: {kind: iqp}, readout: {kind: pauli, observables: ['Z0 Z1', '0.5*X2']}}", []int{3}},
		{"{type: qdense, out: 2, embedding: {kind: zz}, ansatz: {kind: efficient_su2, layers: 1}, readout: {kind: y}}", []int{3}},
		{"{type: qdense, out: 6, embedding: {kind: reupload, layers: 2}, ansatz: {kind: none}}", []int{6}},
		{"{type: parallel, circuits: 2, ansatz: {kind: ryrz}}", []int{6}},
		{"{type: parallel, circuits: 4, preset: hqnn_parallel}", []int{20}},
		{"{type: quanv2d, kernel: 2, stride: 2, ansatz: {kind: hardware_efficient}}", []int{1, 4, 6}},
		{"{type: qcnn, qubits: 4, stages: 1}", []int{16}},
		{"{type: interleaved, qubits: 3, offset: false}", []int{2, 2, 2}},
	} {
		src := "name: one\ninput: " + shapeYAML(tc.in) + "\nlayers:\n  - " + tc.yaml + "\n"
		spec, err := ParseModelSpec("one.yaml", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", tc.yaml, err)
			continue
		}
		m, err := spec.Build(Configuration{Choice: []int{}}, nil, 1, BuildOptions{})
		if err != nil {
			t.Errorf("%s: %v", tc.yaml, err)
			continue
		}
		r := rand.New(rand.NewPCG(5, 6))
		x := tensor.RandU(r, 0.1, 1, append([]int{3}, tc.in...)...)
		if err := m.Fit(x); err != nil {
			t.Fatal(err)
		}
		out := m.Layer.Forward(autograd.NoGrad(x)).Shape()
		if !slices.Equal(out, append([]int{3}, m.Output...)) {
			t.Errorf("%s on %v: forward gives %v, spec says %v", tc.yaml, tc.in, out, m.Output)
		}
	}
}

func shapeYAML(s []int) string {
	out := "["
	for i, d := range s {
		if i > 0 {
			out += ", "
		}
		out += strconv.Itoa(d)
	}
	return out + "]"
}

// TestFittedLayers checks pca and minmax against dataset's transforms
// fitted on the same data (the oracle): the model's leading fitted layers
// give what the data pipeline's steps give.
func TestFittedLayers(t *testing.T) {
	t.Parallel()
	src := "name: fit\ninput: [6]\nlayers:\n  - {type: pca, components: 3}\n  - {type: minmax, range: [0, 3.14]}\n  - {type: linear, out: 2}\n"
	spec, err := ParseModelSpec("fit.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := spec.Build(Configuration{Choice: []int{}}, nil, 1, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	x := tensor.RandN(r, 40, 6)
	if err := m.Fit(x); err != nil {
		t.Fatal(err)
	}
	set := &dataset.Set{X: x, Y: make([]int, 40), Classes: []string{"0"}}
	p, err := dataset.FitPCA(set, 3)
	if err != nil {
		t.Fatal(err)
	}
	ps := p.Transform(set)
	want := dataset.FitMinMax(ps, 0, 3.14).Apply(ps).X.Data()
	h := m.Layer.At(1).Forward(m.Layer.At(0).Forward(autograd.NoGrad(x))).Value().Data()
	for i := range want {
		if math.Abs(h[i]-want[i]) > 1e-12 {
			t.Fatalf("value %d: %v, want %v", i, h[i], want[i])
		}
	}
	// A fitted layer after a trainable one is refused.
	bad := "name: fit\ninput: [6]\nlayers:\n  - {type: linear, out: 4}\n  - {type: pca, components: 3}\n"
	spec, err = ParseModelSpec("bad.yaml", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Build(Configuration{Choice: []int{}}, nil, 1, BuildOptions{}); err == nil {
		t.Fatal("a pca layer after a linear layer was accepted")
	}
}

// TestSharedInitialisation checks that a layer shared by two
// configurations starts from the same values: slot C's classical layer at
// levels L0 and L1 of HybridNet.
func TestSharedInitialisation(t *testing.T) {
	t.Parallel()
	spec, _ := ZooSpec("hybridnet")
	l0, _ := spec.Config("L0")
	l1, _ := spec.Config("L1")
	a, err := spec.Build(l0, nil, 9, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := spec.Build(l1, nil, 9, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wa := a.Layer.At(3).(*nn.Linear).Weight.Value().Data()
	wb := b.Layer.At(3).(*nn.Linear).Weight.Value().Data()
	if !slices.Equal(wa, wb) {
		t.Fatal("the shared linear layer differs between L0 and L1")
	}
	c, _ := spec.Build(l0, nil, 10, BuildOptions{})
	if slices.Equal(wa, c.Layer.At(3).(*nn.Linear).Weight.Value().Data()) {
		t.Fatal("another seed gives the same weights")
	}
}

func TestLayerTypesListing(t *testing.T) {
	t.Parallel()
	var quantum []string
	for _, lt := range LayerTypes() {
		if lt.Quantum {
			quantum = append(quantum, lt.Name)
		}
		if lt.Name == "conv2d" && !slices.Equal(lt.Keys, []string{"in (from input)", "out (required)", "kernel (required)", "stride=[1 1]", "padding=[0 0]", "bias=true"}) {
			t.Errorf("conv2d keys %q", lt.Keys)
		}
	}
	want := []string{"flipped_quanv", "hamiltonian_linear", "hamiltonian_reupload", "qdense", "parallel", "quanv2d", "qcnn", "interleaved"}
	if !slices.Equal(quantum, want) {
		t.Errorf("quantum layer types %v, want %v", quantum, want)
	}
}
