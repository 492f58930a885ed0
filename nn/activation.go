package nn

import (
	"fmt"

	"github.com/quanta-qml/quanta/autograd"
)

// The activation layers have no parameters; their zero values are ready
// to use (&ReLU{}), and the New functions exist for symmetry with
// PyTorch's constructors.

// ReLU is torch.nn.ReLU: max(x, 0).
type ReLU struct{ Base }

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{} }

// Forward returns max(x, 0).
func (*ReLU) Forward(x *autograd.Var) *autograd.Var { return autograd.ReLU(x) }

// LeakyReLU is torch.nn.LeakyReLU: x for x > 0, Slope·x otherwise.
type LeakyReLU struct {
	Base
	Slope float64 // PyTorch's negative_slope
}

// NewLeakyReLU returns a LeakyReLU with the given negative slope
// (PyTorch's default is 0.01).
func NewLeakyReLU(slope float64) *LeakyReLU { return &LeakyReLU{Slope: slope} }

// Forward returns the leaky rectifier of x.
func (l *LeakyReLU) Forward(x *autograd.Var) *autograd.Var { return autograd.LeakyReLU(x, l.Slope) }

// GELU is torch.nn.GELU: x·Φ(x) with the exact normal distribution
// function, or its tanh approximation when Approximate is "tanh".
type GELU struct {
	Base
	Approximate string // "" or "none" (exact, PyTorch's default), or "tanh"
}

// NewGELU returns an exact GELU.
func NewGELU() *GELU { return &GELU{} }

// Forward returns GELU(x). It panics for an unknown Approximate.
func (l *GELU) Forward(x *autograd.Var) *autograd.Var {
	switch l.Approximate {
	case "", "none":
		return autograd.GELU(x)
	case "tanh":
		return autograd.GELUTanh(x)
	}
	panic(fmt.Sprintf("nn: GELU approximate %q (want \"none\" or \"tanh\")", l.Approximate))
}

// Tanh is torch.nn.Tanh.
type Tanh struct{ Base }

// NewTanh returns a Tanh layer.
func NewTanh() *Tanh { return &Tanh{} }

// Forward returns tanh(x).
func (*Tanh) Forward(x *autograd.Var) *autograd.Var { return autograd.Tanh(x) }

// Sigmoid is torch.nn.Sigmoid.
type Sigmoid struct{ Base }

// NewSigmoid returns a Sigmoid layer.
func NewSigmoid() *Sigmoid { return &Sigmoid{} }

// Forward returns 1/(1+e⁻ˣ).
func (*Sigmoid) Forward(x *autograd.Var) *autograd.Var { return autograd.Sigmoid(x) }

// Softmax is torch.nn.Softmax along Dim (negative counts from the end).
type Softmax struct {
	Base
	Dim int
}

// NewSoftmax returns a Softmax along dim.
func NewSoftmax(dim int) *Softmax { return &Softmax{Dim: dim} }

// Forward returns the softmax of x along Dim.
func (s *Softmax) Forward(x *autograd.Var) *autograd.Var { return autograd.Softmax(x, s.Dim) }

// LogSoftmax is torch.nn.LogSoftmax along Dim.
type LogSoftmax struct {
	Base
	Dim int
}

// NewLogSoftmax returns a LogSoftmax along dim.
func NewLogSoftmax(dim int) *LogSoftmax { return &LogSoftmax{Dim: dim} }

// Forward returns the log-softmax of x along Dim.
func (s *LogSoftmax) Forward(x *autograd.Var) *autograd.Var { return autograd.LogSoftmax(x, s.Dim) }
