package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// Linear is torch.nn.Linear: y = x·Wᵀ + b for x [..., in], with Weight
// [out, in] and Bias [out] (nil without bias).
type Linear struct {
	Base
	In, Out int
	Weight  *autograd.Var
	Bias    *autograd.Var
}

// NewLinear returns a Linear layer initialised like PyTorch's: Weight from
// kaiming_uniform_(a=√5), i.e. U(−1/√in, 1/√in), then Bias from the same
// range, both drawn from r. Parameters are named "weight" and "bias".
func NewLinear(r *rand.Rand, in, out int, bias bool) *Linear {
	if in < 0 || out < 0 {
		panic(fmt.Sprintf("nn: Linear(%d, %d)", in, out))
	}
	l := &Linear{In: in, Out: out}
	w := tensor.New(out, in)
	var b *tensor.Dense
	if bias {
		b = tensor.New(out)
	}
	initLinear(r, w, b)
	l.Weight = l.RegisterParam("weight", autograd.Param(w), Classical)
	if bias {
		l.Bias = l.RegisterParam("bias", autograd.Param(b), Classical)
	}
	return l
}

// Forward returns x·Wᵀ + b.
func (l *Linear) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Linear(x, l.Weight, l.Bias)
}

// Conv2dOptions are the optional settings of Conv2d. The zero value is
// PyTorch's default: stride 1, no padding, with bias.
type Conv2dOptions struct {
	Stride  [2]int // (height, width); a zero entry means 1
	Padding [2]int // zero padding (height, width)
	NoBias  bool   // leave out the bias
}

// Conv2d is torch.nn.Conv2d without groups or dilation: x [N, C, H, W] to
// [N, O, OH, OW] with Weight [O, C, KH, KW] and Bias [O] (nil without
// bias).
type Conv2d struct {
	Base
	In, Out         int
	Kernel          [2]int
	Stride, Padding [2]int
	Weight          *autograd.Var
	Bias            *autograd.Var
}

// NewConv2d returns a Conv2d layer initialised like PyTorch's: Weight from
// kaiming_uniform_(a=√5), i.e. U(−1/√fan_in, 1/√fan_in) with fan_in =
// in·KH·KW, then Bias from the same range, both drawn from r.
func NewConv2d(r *rand.Rand, in, out int, kernel [2]int, opt Conv2dOptions) *Conv2d {
	if in <= 0 || out <= 0 || kernel[0] <= 0 || kernel[1] <= 0 {
		panic(fmt.Sprintf("nn: Conv2d(%d, %d, kernel %v)", in, out, kernel))
	}
	stride := opt.Stride
	for i := range stride {
		if stride[i] == 0 {
			stride[i] = 1
		}
	}
	c := &Conv2d{In: in, Out: out, Kernel: kernel, Stride: stride, Padding: opt.Padding}
	w := tensor.New(out, in, kernel[0], kernel[1])
	var b *tensor.Dense
	if !opt.NoBias {
		b = tensor.New(out)
	}
	initLinear(r, w, b)
	c.Weight = c.RegisterParam("weight", autograd.Param(w), Classical)
	if b != nil {
		c.Bias = c.RegisterParam("bias", autograd.Param(b), Classical)
	}
	return c
}

// Forward returns the cross-correlation of x with Weight plus Bias.
func (c *Conv2d) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Conv2d(x, c.Weight, c.Bias, c.Stride, c.Padding)
}

// Identity returns its input unchanged (torch.nn.Identity), a placeholder
// in a model spec.
type Identity struct{ Base }

// NewIdentity returns an Identity layer.
func NewIdentity() *Identity { return &Identity{} }

// Forward returns x.
func (*Identity) Forward(x *autograd.Var) *autograd.Var { return x }

// Flatten merges axes StartDim … EndDim (inclusive, negative from the
// end) into one, torch.nn.Flatten.
type Flatten struct {
	Base
	StartDim, EndDim int
}

// NewFlatten returns PyTorch's default Flatten: axes 1 … −1, so [N, …]
// becomes [N, rest].
func NewFlatten() *Flatten { return &Flatten{StartDim: 1, EndDim: -1} }

// Forward returns x with the axes merged.
func (f *Flatten) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Flatten(x, f.StartDim, f.EndDim)
}
