package qnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Parallel runs k independent circuits, each with its own weights, on
// consecutive slices of the input and concatenates their outputs: x
// [..., k·F] to [..., k·K], where the circuit of Spec reads F features and
// measures K values (Senokosov et al., "Quantum machine learning for image
// classification", arXiv:2304.09224, HQNN-Parallel). It replaces
// nn.Linear(k·F, k·K); put classical layers around it to change widths.
// Each circuit is one simulator call over the whole batch.
//
// Parameters: Weight [k, W] (quantum), row j the weights of circuit j.
type Parallel struct {
	nn.Base
	Circuits int           // k
	Spec     Spec          // one circuit, Qubits and Features resolved (read-only)
	Weight   *autograd.Var // [k, W]
	cc       *compiled
}

// NewParallel returns k circuits of spec side by side, drawing their
// weights (spec.Init, default U[0, 2π), circuit 0 first) from r. With
// spec.Qubits 0, each circuit gets the qubits to read in/k features. It
// panics unless k divides in and spec builds for in/k features.
func NewParallel(r *rand.Rand, k, in int, spec Spec) *Parallel {
	if k < 1 || in < 1 || in%k != 0 {
		panic(fmt.Sprintf("qnn: Parallel of %d circuits on %d inputs (k must divide in)", k, in))
	}
	spec = spec.resolve(in / k)
	if f := spec.Features(); f != in/k {
		panic(fmt.Sprintf("qnn: Parallel: each circuit reads %d features, want in/k = %d", f, in/k))
	}
	cc, err := spec.compile()
	if err != nil {
		panic(fmt.Sprintf("qnn: Parallel: %v", err))
	}
	p := &Parallel{Circuits: k, Spec: spec, cc: cc}
	w := tensor.New(k, cc.w)
	for j := range k {
		initWeights(r, w.Data()[j*cc.w:(j+1)*cc.w], spec.Init)
	}
	p.Weight = p.RegisterParam("weight", autograd.Param(w), nn.Quantum)
	return p
}

// In returns the input width k·F.
func (p *Parallel) In() int { return p.Circuits * p.cc.p }

// Out returns the output width k·K.
func (p *Parallel) Out() int { return p.Circuits * p.cc.k }

// Circuit returns the circuit each slice runs through.
func (p *Parallel) Circuit() *circuit.Circuit { return p.cc.c }

// Forward returns the concatenated outputs for x [..., k·F]: [..., k·K].
func (p *Parallel) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	in := p.In()
	if len(s) == 0 || s[len(s)-1] != in {
		panic(fmt.Sprintf("qnn: Parallel input of shape %v, want [... %d]", s, in))
	}
	h := x
	if len(s) != 2 {
		h = autograd.Reshape(x, -1, in)
	}
	h = autograd.Apply(&circuitFn{cc: p.cc, copies: p.Circuits}, h, p.Weight)
	if len(s) == 2 {
		return h
	}
	return autograd.Reshape(h, append(append([]int(nil), s[:len(s)-1]...), p.Out())...)
}

// HQNNParallelSpec is the circuit of one HQNN-Parallel slice as the
// paper's reproductions describe it: RX(x) embedding on 5 qubits, then 3
// layers of Rot (RZ·RY·RZ) on every wire with CNOTs from wire i to
// i + r (mod 5), r = 1, 2, 3 (StronglyEntanglingLayers), and ⟨Y⟩ on every
// wire. Four of them, NewParallel(r, 4, 20, HQNNParallelSpec()), hold the
// paper's 4·3·5·3 = 180 quantum parameters.
func HQNNParallelSpec() Spec {
	return Spec{
		Qubits:    5,
		Embedding: Embedding{Kind: EmbedAngle, Rotation: "X"},
		Ansatz:    Ansatz{Kind: AnsatzStronglyEntangling, Layers: 3, Ranges: []int{1, 2, 3}},
		Readout:   Readout{Kind: ReadY},
	}
}
