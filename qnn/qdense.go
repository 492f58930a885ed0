package qnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// QDense is a variational quantum circuit in the slot of nn.Linear(in,
// out): x [..., in] to [..., out]. It chains
//
//   - Pre, a classical nn.Linear(in, F) adapter, present when in differs
//     from the F features the embedding reads (identity otherwise);
//   - the circuit of Spec: embedding → ansatz → readout of K values,
//     simulated by package sim over the whole batch in one call, with
//     exact adjoint gradients for the weights and the embedded features;
//   - Post, a classical nn.Linear(K, out) adapter, present when out ≠ K.
//
// Parameters, in registration order: Weight [W] (quantum, the circuit's
// weights in the order its templates allocate them), then Pre's and Post's
// (classical, PyTorch's Linear initialisation).
type QDense struct {
	nn.Base
	In, Out int
	Spec    Spec          // the circuit, Qubits and Features resolved (read-only)
	Pre     *nn.Linear    // in → F adapter, or nil
	Post    *nn.Linear    // K → out adapter, or nil
	Weight  *autograd.Var // [W] circuit weights
	cc      *compiled
}

// NewQDense returns QDense(in, out) for the circuit of spec, drawing the
// circuit weights (spec.Init, default U[0, 2π)) and then the adapters'
// parameters from r. It panics when the sizes are not positive or spec
// does not build (see Spec.Build).
func NewQDense(r *rand.Rand, in, out int, spec Spec) *QDense {
	if in < 1 || out < 1 {
		panic(fmt.Sprintf("qnn: QDense(%d, %d)", in, out))
	}
	spec = spec.resolve(in)
	cc, err := spec.compile()
	if err != nil {
		panic(fmt.Sprintf("qnn: QDense(%d, %d): %v", in, out, err))
	}
	q := &QDense{In: in, Out: out, Spec: spec, cc: cc}
	w := tensor.New(cc.w)
	initWeights(r, w.Data(), spec.Init)
	q.Weight = q.RegisterParam("weight", autograd.Param(w), nn.Quantum)
	if f := cc.p; in != f {
		q.Pre = nn.NewLinear(r, in, f, true)
		q.RegisterModule("pre", q.Pre)
	}
	if out != cc.k {
		q.Post = nn.NewLinear(r, cc.k, out, true)
		q.RegisterModule("post", q.Post)
	}
	return q
}

// Circuit returns the layer's circuit: inputs are the F embedded features
// of a sample, weights the values of Weight.
func (q *QDense) Circuit() *circuit.Circuit { return q.cc.c }

// Forward returns the layer's output for x [..., In]: [..., Out].
func (q *QDense) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	if len(s) == 0 || s[len(s)-1] != q.In {
		panic(fmt.Sprintf("qnn: QDense(%d, %d) input of shape %v, want [... %d]", q.In, q.Out, s, q.In))
	}
	h := x
	if len(s) != 2 {
		h = autograd.Reshape(x, -1, q.In)
	}
	if q.Pre != nil {
		h = q.Pre.Forward(h)
	}
	h = autograd.Apply(&circuitFn{cc: q.cc, copies: 1}, h, q.Weight)
	if q.Post != nil {
		h = q.Post.Forward(h)
	}
	if len(s) == 2 {
		return h
	}
	return autograd.Reshape(h, append(append([]int(nil), s[:len(s)-1]...), q.Out)...)
}
