package autograd

import (
	"slices"

	"github.com/quanta-qml/quanta/tensor"
)

// Reshape returns x with a new shape holding the same elements in
// row-major order (one dimension may be −1). It shares storage when x's
// value is contiguous.
func Reshape(x *Var, shape ...int) *Var { return Apply(&reshapeFn{shape: slices.Clone(shape)}, x) }

type reshapeFn struct{ shape, in []int }

func (f *reshapeFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.in = in[0].Shape()
	return in[0].Reshape(f.shape...)
}

func (f *reshapeFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense { return grads(g.Reshape(f.in...)) }

// Flatten merges axes start … end (inclusive; negative counts from the
// end) into one, like torch.flatten. nn.Flatten's default is
// Flatten(x, 1, -1).
func Flatten(x *Var, start, end int) *Var {
	shape := x.Shape()
	n := len(shape)
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 || end >= n || start > end {
		panicf("Flatten(%d, %d) of shape %v", start, end, shape)
	}
	out := slices.Clone(shape[:start])
	m := 1
	for _, d := range shape[start : end+1] {
		m *= d
	}
	out = append(append(out, m), shape[end+1:]...)
	return Reshape(x, out...)
}

// Transpose swaps axes a and b (a view of x's value, no copy).
func Transpose(x *Var, a, b int) *Var { return Apply(&transposeFn{a: a, b: b}, x) }

type transposeFn struct{ a, b int }

func (f *transposeFn) Forward(in []*tensor.Dense) *tensor.Dense { return in[0].Transpose(f.a, f.b) }

func (f *transposeFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	return grads(g.Transpose(f.a, f.b))
}

// Permute reorders the axes: result axis i is x's axis perm[i] (a view).
func Permute(x *Var, perm ...int) *Var { return Apply(&permuteFn{perm: slices.Clone(perm)}, x) }

type permuteFn struct{ perm []int }

func (f *permuteFn) Forward(in []*tensor.Dense) *tensor.Dense { return in[0].Permute(f.perm...) }

func (f *permuteFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	inv := make([]int, len(f.perm))
	for i, p := range f.perm {
		if p < 0 {
			p += len(f.perm)
		}
		inv[p] = i
	}
	return grads(g.Permute(inv...))
}

// Narrow returns elements start … start+length−1 along axis (a view).
func Narrow(x *Var, axis, start, length int) *Var { return Slice(x, axis, start, start+length, 1) }

// Slice returns elements start, start+step, … < end along axis (step ≥ 1;
// a view).
func Slice(x *Var, axis, start, end, step int) *Var {
	return Apply(&sliceFn{axis: axis, start: start, end: end, step: step}, x)
}

type sliceFn struct {
	axis, start, end, step int
	in                     []int
}

func (f *sliceFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.in = in[0].Shape()
	return in[0].Slice(f.axis, f.start, f.end, f.step)
}

func (f *sliceFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gx := tensor.New(f.in...)
	gx.Slice(f.axis, f.start, f.end, f.step).CopyFrom(g)
	return grads(gx)
}

// Expand broadcasts x to shape (NumPy rules) as a read-only view; its
// gradient sums over the repeated axes.
func Expand(x *Var, shape ...int) *Var { return Apply(&expandFn{shape: slices.Clone(shape)}, x) }

type expandFn struct{ shape, in []int }

func (f *expandFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.in = in[0].Shape()
	return in[0].Expand(f.shape...)
}

func (f *expandFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	return grads(tensor.SumTo(g, f.in))
}

// Concat joins xs along an existing axis.
func Concat(axis int, xs ...*Var) *Var { return Apply(&concatFn{axis: axis}, xs...) }

type concatFn struct {
	axis int
	lens []int
}

func (f *concatFn) Forward(in []*tensor.Dense) *tensor.Dense {
	out := tensor.Concat(f.axis, in...)
	f.lens = make([]int, len(in))
	for i, t := range in {
		f.lens[i] = t.Dim(f.axis)
	}
	return out
}

func (f *concatFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	gs := make([]*tensor.Dense, len(f.lens))
	pos := 0
	for i, n := range f.lens {
		if needs[i] {
			gs[i] = g.Narrow(f.axis, pos, n)
		}
		pos += n
	}
	return gs
}

// Stack joins xs of equal shape along a new axis inserted at position axis
// (negative counts from the end of the result's axes).
func Stack(axis int, xs ...*Var) *Var { return Apply(&stackFn{axis: axis}, xs...) }

type stackFn struct{ axis int }

func (f *stackFn) Forward(in []*tensor.Dense) *tensor.Dense {
	out := tensor.Stack(f.axis, in...)
	if f.axis < 0 {
		f.axis += out.Dims()
	}
	return out
}

func (f *stackFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	gs := make([]*tensor.Dense, len(needs))
	for i := range gs {
		if needs[i] {
			gs[i] = g.Narrow(f.axis, i, 1).Squeeze(f.axis)
		}
	}
	return gs
}
