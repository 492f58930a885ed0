package autograd

import (
	"fmt"
	"slices"

	"github.com/quanta-qml/quanta/tensor"
)

// Function is a differentiable operation on whole tensors (whole batches):
// every primitive of this package is one, and custom operations such as
// quantum layers implement it to join the graph through Apply.
//
// A Function value serves a single Apply call: Forward may keep in the
// receiver whatever VJP needs later (inputs, intermediate results, random
// masks). Apply calls Forward once; Backward calls VJP at most once per
// Backward run, possibly several times over the life of the graph.
type Function interface {
	// Forward returns the output for the input values. It must not modify
	// its inputs, and it should return a fresh tensor or a view of an
	// input.
	Forward(in []*tensor.Dense) *tensor.Dense

	// VJP returns the vector-Jacobian products for the inputs: given g,
	// the gradient of the loss with respect to the whole output (same
	// shape), it returns one gradient per input with that input's shape,
	// or nil where needs[i] is false (the input requires no gradient, so
	// its work can be skipped). A layer's weights are inputs like any
	// other, so their gradients are summed over the batch here. VJP must
	// not modify g; it may return g itself or views of it.
	VJP(g *tensor.Dense, needs []bool) []*tensor.Dense
}

// Apply runs f on the inputs and returns its output as a Var. The
// operation is recorded for Backward when some input requires a gradient
// and none is NoGrad; otherwise the result is a leaf that requires none
// (NoGrad when an input is). Inputs must not be nil.
func Apply(f Function, inputs ...*Var) *Var {
	vals := make([]*tensor.Dense, len(inputs))
	record, noGrad := false, false
	for i, in := range inputs {
		if in == nil {
			panic(fmt.Sprintf("autograd: input %d of %T is nil", i, f))
		}
		vals[i] = in.value
		record = record || in.requiresGrad
		noGrad = noGrad || in.noGrad
	}
	out := f.Forward(vals)
	if out == nil {
		panic(fmt.Sprintf("autograd: %T.Forward returned nil", f))
	}
	v := &Var{value: out, noGrad: noGrad}
	if record && !noGrad {
		v.requiresGrad = true
		v.fn = f
		v.inputs = slices.Clone(inputs)
	}
	return v
}
