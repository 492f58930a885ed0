// Package autograd is reverse-mode automatic differentiation over
// tensor.Dense values: a Var graph recorded by operations, Backward, the
// PyTorch primitives that neural networks need, and the Function
// interface through which custom operations (quantum layers) join the
// graph.
//
// # Overview
//
// A Var holds a value, the gradient accumulated into it and the Function
// that made it. Leaves are made by Param (requires a gradient), Const
// (does not) and NoGrad (switches recording off, see below). Every
// operation goes through Apply, which runs Function.Forward on whole
// tensors (whole batches) and records the node when some input requires a
// gradient. Backward (on a one-element Var) or BackwardWith (any shape,
// with a seed gradient) walks the graph once in reverse topological order,
// iteratively and deterministically, calling each Function's VJP with the
// gradient of its whole output and adding the results into the leaves'
// Grad. Gradients accumulate across calls until ZeroGrad, like PyTorch.
//
// # Recording and no-grad
//
// There is no global switch. An operation records a node exactly when one
// of its inputs requires a gradient and none is NoGrad. A NoGrad value is
// contagious: everything computed from it is NoGrad and records nothing,
// even when parameters that require gradients are mixed in, so wrapping an
// input batch in NoGrad runs a model for inference without building a
// graph. Detach returns a leaf sharing a value with no path back to its
// graph. Because the switch is carried by values, goroutines running
// forward passes on shared parameters do not interfere; Backward calls on
// graphs that share leaves must not run concurrently (they add into the
// same Grad).
//
// # Custom functions
//
// A Function has Forward(inputs) → output and VJP(g, needs) → one gradient
// per input. A quantum layer passes its batch and its weights as inputs;
// its VJP receives the upstream gradient of the whole batch [B, K] and
// returns the input gradients per sample and the weight gradients summed
// over the batch, skipping inputs whose needs flag is false (data that
// requires no gradient). Every primitive here is written the same way,
// with its VJP beside its Forward.
//
// # Conventions
//
// Names, argument orders, layouts (NCHW, weight [out, in]) and numerics
// follow PyTorch: CrossEntropy's label smoothing, BatchNorm's biased batch
// variance, exact-erf GELU, AvgPool2d's count_include_pad, adaptive
// pooling bins. Axes may be negative. Results are fresh tensors except the
// view operations (Reshape of a contiguous value, Transpose, Permute,
// Narrow, Expand), whose results share storage with their input; values in
// a graph must not be modified in place before Backward.
//
// Caller mistakes (shape mismatch, bad axis, target out of range) panic
// with a message prefixed "autograd:" (or "tensor:" when the tensor
// package detects them). Random operations (Dropout) take a *rand.Rand.
package autograd
