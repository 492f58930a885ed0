package nn

import (
	"github.com/quanta-qml/quanta/autograd"
)

// MaxPool2d is torch.nn.MaxPool2d (no dilation, ceil_mode=False) over
// x [N, C, H, W]; sizes are (height, width).
type MaxPool2d struct {
	Base
	Kernel, Stride, Padding [2]int // a zero Stride means the kernel
}

// NewMaxPool2d returns a MaxPool2d; a zero stride means the kernel size
// (PyTorch's stride=None).
func NewMaxPool2d(kernel, stride, padding [2]int) *MaxPool2d {
	return &MaxPool2d{Kernel: kernel, Stride: stride, Padding: padding}
}

// Forward returns the maximum of every window.
func (p *MaxPool2d) Forward(x *autograd.Var) *autograd.Var {
	return autograd.MaxPool2d(x, p.Kernel, p.Stride, p.Padding)
}

// AvgPool2d is torch.nn.AvgPool2d with its defaults count_include_pad=True
// and ceil_mode=False over x [N, C, H, W].
type AvgPool2d struct {
	Base
	Kernel, Stride, Padding [2]int // a zero Stride means the kernel
}

// NewAvgPool2d returns an AvgPool2d; a zero stride means the kernel size.
func NewAvgPool2d(kernel, stride, padding [2]int) *AvgPool2d {
	return &AvgPool2d{Kernel: kernel, Stride: stride, Padding: padding}
}

// Forward returns the mean of every window (padding counted as zeros).
func (p *AvgPool2d) Forward(x *autograd.Var) *autograd.Var {
	return autograd.AvgPool2d(x, p.Kernel, p.Stride, p.Padding)
}

// AdaptiveAvgPool2d is torch.nn.AdaptiveAvgPool2d: x [N, C, H, W] to
// [N, C, Output[0], Output[1]] with PyTorch's bins.
type AdaptiveAvgPool2d struct {
	Base
	Output [2]int
}

// NewAdaptiveAvgPool2d returns an AdaptiveAvgPool2d to the given output
// size (height, width).
func NewAdaptiveAvgPool2d(output [2]int) *AdaptiveAvgPool2d {
	return &AdaptiveAvgPool2d{Output: output}
}

// Forward returns the adaptive average.
func (p *AdaptiveAvgPool2d) Forward(x *autograd.Var) *autograd.Var {
	return autograd.AdaptiveAvgPool2d(x, p.Output[0], p.Output[1])
}

// ConstantPad2d is torch.nn.ConstantPad2d: pads the last two axes with
// Value, Padding = (left, right, top, bottom) as in PyTorch.
type ConstantPad2d struct {
	Base
	Padding [4]int
	Value   float64
}

// NewConstantPad2d returns a ConstantPad2d.
func NewConstantPad2d(padding [4]int, value float64) *ConstantPad2d {
	return &ConstantPad2d{Padding: padding, Value: value}
}

// Forward returns x padded.
func (p *ConstantPad2d) Forward(x *autograd.Var) *autograd.Var {
	return autograd.ConstantPad2d(x, p.Padding, p.Value)
}
