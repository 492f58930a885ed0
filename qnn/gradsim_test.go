package qnn

import (
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Whole-model gradient checks of the simulator-backed layers: classical →
// quantum → classical stacks, every parameter and the input against
// central finite differences (checkGrad in helpers_test.go).

func TestGradLinearQDenseLinear(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		in, out int
		spec    Spec
	}{
		// Pre and Post adapters around a strongly entangling circuit.
		{"angle/strong", 4, 2, Spec{Qubits: 3, Ansatz: Ansatz{Kind: AnsatzStronglyEntangling, Layers: 2}}},
		// Amplitude embedding of 6 padded features; marginal probabilities.
		{"amplitude/probs", 6, 4, Spec{Qubits: 3, Embedding: Embedding{Kind: EmbedAmplitude, Features: 6, PadWith: 0.5},
			Ansatz: Ansatz{Kind: AnsatzRYRZ, Layers: 2}, Readout: Readout{Kind: ReadProbs, Wires: []int{1, 2}}}},
		// IQP (product parameters) and EfficientSU2 with ⟨Y⟩.
		{"iqp/su2", 3, 3, Spec{Embedding: Embedding{Kind: EmbedIQP}, Ansatz: Ansatz{Kind: AnsatzEfficientSU2, Layers: 1},
			Readout: Readout{Kind: ReadY}}},
		// Re-uploading: the inputs enter every layer.
		{"reupload", 5, 2, Spec{Embedding: Embedding{Kind: EmbedReupload, Layers: 2, Scale: 0.8}, Ansatz: Ansatz{Kind: AnsatzNone}}},
	} {
		rng := newRand(61)
		q := NewQDense(rng, c.in, c.out, c.spec)
		model := nn.NewSequential(nn.NewLinear(rng, 3, c.in, true), q, nn.NewLinear(rng, c.out, 2, true))
		x := autograd.Param(tensor.RandN(rng, 3, 3))
		targets := []int{0, 1, 1}
		checkGrad(t, c.name, withParams(x, model), func() *autograd.Var {
			return autograd.CrossEntropy(model.Forward(x), targets, 0)
		})
	}
}

func TestGradConvQuanvLinear(t *testing.T) {
	t.Parallel()
	rng := newRand(62)
	quanv := NewQuanv2D(rng, 2, [2]int{2, 1}, Quanv2DOptions{Stride: [2]int{1, 2}, Padding: [2]int{1, 0},
		Spec: Spec{Ansatz: Ansatz{Kind: AnsatzStronglyEntangling}, Readout: Readout{Wires: []int{0, 2}}}})
	model := nn.NewSequential(
		nn.NewConv2d(rng, 1, 2, [2]int{2, 2}, nn.Conv2dOptions{}),
		quanv,
		nn.NewFlatten(),
		nn.NewLinear(rng, 2*5*2, 3, true),
	)
	x := autograd.Param(tensor.RandN(rng, 2, 1, 5, 4))
	checkGrad(t, "conv/quanv", withParams(x, model), func() *autograd.Var { return model.Forward(x) })
}

func TestGradLinearParallelLinear(t *testing.T) {
	t.Parallel()
	rng := newRand(63)
	spec := Spec{Qubits: 2, Embedding: Embedding{Rotation: "X"}, Ansatz: Ansatz{Kind: AnsatzStronglyEntangling, Layers: 2},
		Readout: Readout{Kind: ReadY}}
	model := nn.NewSequential(nn.NewLinear(rng, 4, 6, true), NewParallel(rng, 3, 6, spec), nn.NewLinear(rng, 6, 2, true))
	x := autograd.Param(tensor.RandN(rng, 3, 4))
	checkGrad(t, "parallel", withParams(x, model), func() *autograd.Var { return model.Forward(x) })
}

// TestGradQCNN checks Linear → QCNN → Linear on 6 qubits with padded
// features: the amplitude embedding's normalisation, the controlled U3
// and the ArbitraryUnitary gate's VJP.
func TestGradQCNN(t *testing.T) {
	t.Parallel()
	rng := newRand(64)
	q := NewQCNN(rng, QCNNOptions{Qubits: 6, Features: 40})
	model := nn.NewSequential(nn.NewLinear(rng, 3, 40, true), q, nn.NewLinear(rng, 4, 2, true))
	x := autograd.Param(tensor.RandN(rng, 2, 3))
	checkGrad(t, "qcnn", withParams(x, model), func() *autograd.Var { return model.Forward(x) })
}

// TestGradInterleaved checks Conv2d → the paper's 10-qubit interleaved
// classifier on 16×16 images.
func TestGradInterleaved(t *testing.T) {
	t.Parallel()
	rng := newRand(65)
	m := NewInterleavedClassifier(rng, InterleavedOptions{})
	model := nn.NewSequential(nn.NewConv2d(rng, 1, 1, [2]int{3, 3}, nn.Conv2dOptions{Padding: [2]int{1, 1}}), m)
	x := autograd.Param(tensor.RandU(rng, 0, 1, 2, 1, 16, 16))
	checkGrad(t, "interleaved", withParams(x, model), func() *autograd.Var {
		return autograd.CrossEntropy(model.Forward(x), []int{1, 0}, 0)
	})
}

// TestSimParamCounts checks the quantum parameter counts the papers give.
func TestSimParamCounts(t *testing.T) {
	t.Parallel()
	r := newRand(66)
	for _, c := range []struct {
		name string
		m    nn.Module
		want ParamCount
	}{
		// HQNN-Parallel: 4 circuits × 3 layers × 5 qubits × 3 angles.
		{"HQNN-Parallel", NewParallel(r, 4, 20, HQNNParallelSpec()), ParamCount{Quantum: 180}},
		// The QCNN baseline: 18·2 conv/pool + 63 ArbitraryUnitary.
		{"QCNN", NewQCNN(r, QCNNOptions{}), ParamCount{Quantum: 99}},
		// The hybrid CNN's bottleneck: 16 amplitudes on 4 qubits, 2 layers
		// of BasicEntanglerLayers, ⟨Z⟩ on each qubit.
		{"BasicEntangler bottleneck", NewQDense(r, 16, 4, Spec{Qubits: 4, Embedding: Embedding{Kind: EmbedAmplitude},
			Ansatz: Ansatz{Layers: 2}}), ParamCount{Quantum: 8}},
		// The adversarial-learning classifier: 260 angles.
		{"interleaved classifier", NewInterleavedClassifier(r, InterleavedOptions{}), ParamCount{Quantum: 260}},
		// Adapters are classical: Linear(20, 5) + Linear(5, 10) around 5·2.
		{"QDense adapters", NewQDense(r, 20, 10, Spec{Qubits: 5, Ansatz: Ansatz{Layers: 2}}), ParamCount{Classical: 105 + 60, Quantum: 10}},
		{"Quanv2D 2×2", NewQuanv2D(r, 1, [2]int{2, 2}, Quanv2DOptions{Stride: [2]int{2, 2}}), ParamCount{Quantum: 4}},
	} {
		if got := CountParams(c.m); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
