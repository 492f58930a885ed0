package qnn

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Whole-model gradient checks: classical → quantum → classical stacks,
// every parameter and the input checked against central finite
// differences (checkGrad).

// TestGradConvFlippedHamiltonian checks Conv2d → FlippedQuanv → Flatten →
// HamiltonianLinear on 3×6×6 images: the creep paper's HybridNet in
// miniature, in both parameterisations.
func TestGradConvFlippedHamiltonian(t *testing.T) {
	t.Parallel()
	for _, nonUnitary := range []bool{false, true} {
		rng := newRand(41)
		quanv := NewFlippedQuanv(rng, 2, 2, FlippedQuanvOptions{NonUnitary: nonUnitary})
		lin := NewHamiltonianLinear(rng, 8, 3, HamiltonianLinearOptions{Qubits: 2, Reps: 2, NonUnitary: nonUnitary})
		model := nn.NewSequential(
			nn.NewConv2d(rng, 3, 2, [2]int{3, 3}, nn.Conv2dOptions{}),
			quanv,
			nn.NewFlatten(),
			lin,
		)
		if nonUnitary {
			fill(rng, quanv.WeightImag, 0.3)
			fill(rng, lin.WeightImag, 0.2)
		}
		x := autograd.Param(tensor.RandN(rng, 2, 3, 6, 6))
		checkGrad(t, fmt.Sprintf("nonunitary=%v", nonUnitary), withParams(x, model), func() *autograd.Var {
			return model.Forward(x)
		})
	}
}

// TestGradLinearHamiltonianLinear checks Linear → HamiltonianLinear →
// Linear with a cross-entropy loss, on 3 qubits with an input that fills
// 2.5 rows of the 8×8 matrix (padding), in both parameterisations.
func TestGradLinearHamiltonianLinear(t *testing.T) {
	t.Parallel()
	for _, nonUnitary := range []bool{false, true} {
		rng := newRand(42)
		lin := NewHamiltonianLinear(rng, 20, 6, HamiltonianLinearOptions{Qubits: 3, Reps: 3, Time: 0.4, NonUnitary: nonUnitary})
		model := nn.NewSequential(nn.NewLinear(rng, 5, 20, true), lin, nn.NewLinear(rng, 6, 2, true))
		if nonUnitary {
			fill(rng, lin.WeightImag, 0.2)
		}
		x := autograd.Param(tensor.RandN(rng, 3, 5))
		targets := []int{0, 1, 1}
		checkGrad(t, fmt.Sprintf("nonunitary=%v", nonUnitary), withParams(x, model), func() *autograd.Var {
			return autograd.CrossEntropy(model.Forward(x), targets, 0)
		})
	}
}

// TestGradHamiltonianLinearDegenerate checks the input gradient where
// H(x) has repeated eigenvalues (three inputs in a 4×4 matrix, so H has
// a zero eigenvalue of multiplicity at least one and several close ones),
// which exercises the series branch of the divided differences.
func TestGradHamiltonianLinearDegenerate(t *testing.T) {
	t.Parallel()
	rng := newRand(43)
	lin := NewHamiltonianLinear(rng, 3, 2, HamiltonianLinearOptions{Qubits: 2, Reps: 2, Time: 0.8})
	x := autograd.Param(tensor.RandN(rng, 2, 3))
	checkGrad(t, "degenerate", withParams(x, lin), func() *autograd.Var { return lin.Forward(x) })
}

// TestGradHamiltonianReupload checks Conv2d → HamiltonianReupload: image
// gradients through the evolution, trainable times and blocks, marginal
// readout. The second case sets two equal times, so that reps share
// their divided differences.
func TestGradHamiltonianReupload(t *testing.T) {
	t.Parallel()
	for _, equal := range []bool{false, true} {
		rng := newRand(44)
		m := NewHamiltonianReupload(rng, HamiltonianReuploadOptions{Qubits: 3, Layers: 3, Classes: 3, ReadoutWires: 2})
		if equal {
			ts := m.Time.Value().Data()
			ts[2] = ts[1]
		}
		model := nn.NewSequential(nn.NewConv2d(rng, 1, 1, [2]int{3, 3}, nn.Conv2dOptions{}), m)
		x := autograd.Param(tensor.RandU(rng, 0, 1, 2, 1, 10, 10))
		checkGrad(t, fmt.Sprintf("equal times=%v", equal), withParams(x, model), func() *autograd.Var {
			return model.Forward(x)
		})
	}
}

// TestGradSkipsUnneeded checks that frozen weights and constant inputs get
// no gradient while the others still do.
func TestGradSkipsUnneeded(t *testing.T) {
	t.Parallel()
	rng := newRand(45)
	lin := NewHamiltonianLinear(rng, 6, 2, HamiltonianLinearOptions{Qubits: 2, Reps: 2})
	lin.Weight.SetRequiresGrad(false)
	x := autograd.Param(tensor.RandN(rng, 2, 6))
	lin.Forward(x).BackwardWith(tensor.Ones(2, 2))
	if lin.Weight.Grad() != nil || x.Grad() == nil || lin.Bias.Grad() == nil {
		t.Errorf("gradients: weight %v, input %v, bias %v", lin.Weight.Grad() != nil, x.Grad() != nil, lin.Bias.Grad() != nil)
	}
	m := NewHamiltonianReupload(rng, HamiltonianReuploadOptions{Qubits: 2, Layers: 2, Classes: 2})
	m.Time.SetRequiresGrad(false)
	m.Forward(autograd.Const(tensor.RandN(rng, 2, 16))).BackwardWith(tensor.Ones(2, 2))
	if m.Time.Grad() != nil || m.Weight.Grad() == nil {
		t.Errorf("reupload gradients: time %v, weight %v", m.Time.Grad() != nil, m.Weight.Grad() != nil)
	}
}
