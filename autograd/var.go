package autograd

import (
	"fmt"
	"slices"

	"github.com/quanta-qml/quanta/tensor"
)

// Var is a node of the computation graph: a value, the gradient
// accumulated into it by Backward (leaves only), whether it requires a
// gradient, and the Function and inputs that made it (nil for a leaf).
//
// A Var's value must not be modified in place while a graph that uses it
// may still be differentiated; optimisers update parameters between
// training steps, after Backward.
type Var struct {
	value        *tensor.Dense
	grad         *tensor.Dense
	requiresGrad bool
	noGrad       bool
	fn           Function
	inputs       []*Var
}

// NewVar returns a leaf holding t. With requiresGrad, Backward accumulates
// the gradient of its root into the leaf.
func NewVar(t *tensor.Dense, requiresGrad bool) *Var {
	if t == nil {
		panic("autograd: NewVar of a nil tensor")
	}
	return &Var{value: t, requiresGrad: requiresGrad}
}

// Param returns a leaf that requires a gradient: a trainable parameter.
func Param(t *tensor.Dense) *Var { return NewVar(t, true) }

// Const returns a leaf that needs no gradient (data, targets). Operations
// on constants alone record no graph.
func Const(t *tensor.Dense) *Var { return NewVar(t, false) }

// NoGrad returns a leaf holding t that switches recording off for
// everything computed from it: an operation with a NoGrad input records no
// graph, and its result is NoGrad too, even when other inputs (parameters)
// require gradients. Wrapping a batch with NoGrad runs a whole model
// forward for inference without building a graph; since the switch travels
// with the value, concurrent forward passes do not affect one another.
func NoGrad(t *tensor.Dense) *Var {
	v := NewVar(t, false)
	v.noGrad = true
	return v
}

// Value returns the Var's value. It is shared, not copied.
func (v *Var) Value() *tensor.Dense { return v.value }

// Grad returns the accumulated gradient of a leaf (same shape as its
// value, contiguous), or nil when none has been accumulated yet.
func (v *Var) Grad() *tensor.Dense { return v.grad }

// Shape returns the value's shape; the caller must not modify it.
func (v *Var) Shape() []int { return v.value.Shape() }

// Item returns the value of a one-element Var (a loss).
func (v *Var) Item() float64 { return v.value.Item() }

// RequiresGrad reports whether Backward computes a gradient through v: a
// leaf made to require one, or a result of an operation with such an input.
func (v *Var) RequiresGrad() bool { return v.requiresGrad }

// IsLeaf reports whether v was made by NewVar, Param, Const, NoGrad or
// Detach rather than by an operation.
func (v *Var) IsLeaf() bool { return v.fn == nil }

// IsNoGrad reports whether v was made by NoGrad or computed from such a
// value, so that operations on it record nothing.
func (v *Var) IsNoGrad() bool { return v.noGrad }

// SetRequiresGrad turns gradient tracking of a leaf on or off (freezing a
// parameter). It panics for a non-leaf.
func (v *Var) SetRequiresGrad(b bool) {
	if v.fn != nil {
		panic("autograd: SetRequiresGrad on a non-leaf Var")
	}
	v.requiresGrad = b
}

// Detach returns a new leaf sharing v's value that requires no gradient:
// gradients do not flow through it into v's graph.
func (v *Var) Detach() *Var { return &Var{value: v.value, noGrad: v.noGrad} }

// ZeroGrad sets v's accumulated gradient to zero in place (keeping the
// buffer); it does nothing when there is none.
func (v *Var) ZeroGrad() {
	if v.grad != nil {
		v.grad.Fill(0)
	}
}

// ZeroGrad zeroes the gradients of all vs (see Var.ZeroGrad).
func ZeroGrad(vs ...*Var) {
	for _, v := range vs {
		v.ZeroGrad()
	}
}

// String formats the shape and flags of v.
func (v *Var) String() string {
	kind := "leaf"
	if v.fn != nil {
		kind = fmt.Sprintf("%T", v.fn)
	}
	return fmt.Sprintf("Var%v(%s, requiresGrad=%v)", v.value.Shape(), kind, v.requiresGrad)
}

// panicf panics with an "autograd: " message.
func panicf(format string, args ...any) { panic(fmt.Sprintf("autograd: "+format, args...)) }

// mustShape panics with an "autograd:" message when got differs from want.
func mustShape(op string, got, want []int) {
	if !slices.Equal(got, want) {
		panic(fmt.Sprintf("autograd: %s: shape %v, want %v", op, got, want))
	}
}
