package autograd

import (
	"slices"

	"github.com/quanta-qml/quanta/tensor"
)

// Sum returns the sum of x over axes (all axes when none are given;
// negative counts from the end). With keepdim the reduced axes stay as
// length 1; summing over all axes without keepdim gives a 0-d Var.
func Sum(x *Var, keepdim bool, axes ...int) *Var {
	return Apply(&sumFn{axes: slices.Clone(axes), keepdim: keepdim}, x)
}

// Mean returns the mean of x over axes (all when none); see Sum.
func Mean(x *Var, keepdim bool, axes ...int) *Var {
	return Apply(&sumFn{axes: slices.Clone(axes), keepdim: keepdim, mean: true}, x)
}

type sumFn struct {
	axes          []int
	keepdim, mean bool
	in, kept      []int // input shape; output shape with keepdim
	scale         float64
}

func (f *sumFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x := in[0]
	f.in = x.Shape()
	out := tensor.Sum(x, true, f.axes...)
	f.kept = out.Shape()
	f.scale = 1
	if f.mean && out.Size() > 0 {
		f.scale = float64(out.Size()) / float64(x.Size())
		tensor.Scale(out, f.scale)
	}
	if !f.keepdim {
		out = tensor.Sum(out, false, f.axes...) // drop the length-1 axes
	}
	return out
}

func (f *sumFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	if f.mean {
		g = tensor.MulScalar(g, f.scale)
	}
	return grads(g.Reshape(f.kept...).Expand(f.in...))
}

// Max returns the maximum of x along axis (see Sum for keepdim). The
// gradient flows to the first maximal element of each slice, as in
// PyTorch's max(dim).
func Max(x *Var, axis int, keepdim bool) *Var {
	return Apply(&maxFn{axis: axis, keepdim: keepdim}, x)
}

type maxFn struct {
	axis    int
	keepdim bool
	in      []int
	arg     []int
	lay     axisLayout
}

func (f *maxFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x := in[0]
	f.in = x.Shape()
	f.lay, _ = layoutAround(f.in, f.axis)
	f.arg = tensor.ArgMax(x, f.axis)
	return tensor.Max(x, f.axis, f.keepdim)
}

func (f *maxFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs := g.Contiguous().Data()
	gx := tensor.New(f.in...)
	gxs := gx.Data()
	n, inner := f.lay.n, f.lay.inner
	for o, a := range f.arg {
		outer, i := o/inner, o%inner
		gxs[(outer*n+a)*inner+i] = gs[o]
	}
	return grads(gx)
}
