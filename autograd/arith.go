package autograd

import (
	"math"

	"github.com/quanta-qml/quanta/tensor"
)

// unaryBuf returns the contiguous data of x and a new tensor y of x's
// shape with its data, the buffers of an element-wise kernel.
func unaryBuf(x *tensor.Dense) (xs []float64, y *tensor.Dense, ys []float64) {
	y = tensor.New(x.Shape()...)
	return x.Contiguous().Data(), y, y.Data()
}

// grads returns its arguments as a gradient slice.
func grads(gs ...*tensor.Dense) []*tensor.Dense { return gs }

// sumTo reduces a broadcast gradient to shape when needed, nil otherwise.
func sumTo(need bool, g *tensor.Dense, shape []int) *tensor.Dense {
	if !need {
		return nil
	}
	return tensor.SumTo(g, shape)
}

// Add returns a + b with NumPy broadcasting.
func Add(a, b *Var) *Var { return Apply(&addFn{}, a, b) }

type addFn struct{ sa, sb []int }

func (f *addFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.sa, f.sb = in[0].Shape(), in[1].Shape()
	return tensor.Add(in[0], in[1])
}

func (f *addFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	return grads(sumTo(needs[0], g, f.sa), sumTo(needs[1], g, f.sb))
}

// Sub returns a − b with broadcasting.
func Sub(a, b *Var) *Var { return Apply(&subFn{}, a, b) }

type subFn struct{ sa, sb []int }

func (f *subFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.sa, f.sb = in[0].Shape(), in[1].Shape()
	return tensor.Sub(in[0], in[1])
}

func (f *subFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	var gb *tensor.Dense
	if needs[1] {
		gb = tensor.MulScalar(tensor.SumTo(g, f.sb), -1)
	}
	return grads(sumTo(needs[0], g, f.sa), gb)
}

// Mul returns the element-wise product a ⊙ b with broadcasting.
func Mul(a, b *Var) *Var { return Apply(&mulFn{}, a, b) }

type mulFn struct{ a, b *tensor.Dense }

func (f *mulFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.a, f.b = in[0], in[1]
	return tensor.Mul(in[0], in[1])
}

func (f *mulFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	var ga, gb *tensor.Dense
	if needs[0] {
		ga = tensor.SumTo(tensor.Mul(g, f.b), f.a.Shape())
	}
	if needs[1] {
		gb = tensor.SumTo(tensor.Mul(g, f.a), f.b.Shape())
	}
	return grads(ga, gb)
}

// Div returns the element-wise quotient a / b with broadcasting.
func Div(a, b *Var) *Var { return Apply(&divFn{}, a, b) }

type divFn struct{ a, b, y *tensor.Dense }

func (f *divFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.a, f.b = in[0], in[1]
	f.y = tensor.Div(in[0], in[1])
	return f.y
}

// VJP: ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −(a/b)/b.
func (f *divFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	q := tensor.Div(g, f.b)
	var gb *tensor.Dense
	if needs[1] {
		gb = tensor.MulScalar(tensor.SumTo(tensor.Mul(q, f.y), f.b.Shape()), -1)
	}
	return grads(sumTo(needs[0], q, f.a.Shape()), gb)
}

// Neg returns −x.
func Neg(x *Var) *Var { return Scale(x, -1) }

// Scale returns s·x.
func Scale(x *Var, s float64) *Var { return Apply(&scaleFn{s: s}, x) }

type scaleFn struct{ s float64 }

func (f *scaleFn) Forward(in []*tensor.Dense) *tensor.Dense { return tensor.MulScalar(in[0], f.s) }

func (f *scaleFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	return grads(tensor.MulScalar(g, f.s))
}

// AddScalar returns x + s.
func AddScalar(x *Var, s float64) *Var { return Apply(&addScalarFn{s: s}, x) }

type addScalarFn struct{ s float64 }

func (f *addScalarFn) Forward(in []*tensor.Dense) *tensor.Dense { return tensor.AddScalar(in[0], f.s) }

func (f *addScalarFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense { return grads(g) }

// Exp returns eˣ element-wise.
func Exp(x *Var) *Var { return Apply(&expFn{}, x) }

type expFn struct{ y *tensor.Dense }

func (f *expFn) Forward(in []*tensor.Dense) *tensor.Dense {
	xs, y, ys := unaryBuf(in[0])
	for i, v := range xs {
		ys[i] = math.Exp(v)
	}
	f.y = y
	return y
}

func (f *expFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs, gx, gxs := unaryBuf(g)
	ys := f.y.Data()
	for i, v := range gs {
		gxs[i] = v * ys[i]
	}
	return grads(gx)
}

// Log returns the natural logarithm element-wise.
func Log(x *Var) *Var { return Apply(&logFn{}, x) }

type logFn struct{ xs []float64 }

func (f *logFn) Forward(in []*tensor.Dense) *tensor.Dense {
	xs, y, ys := unaryBuf(in[0])
	for i, v := range xs {
		ys[i] = math.Log(v)
	}
	f.xs = xs
	return y
}

func (f *logFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs, gx, gxs := unaryBuf(g)
	xs := f.xs
	for i, v := range gs {
		gxs[i] = v / xs[i]
	}
	return grads(gx)
}

// Sqrt returns the square root element-wise.
func Sqrt(x *Var) *Var { return Apply(&sqrtFn{}, x) }

type sqrtFn struct{ y *tensor.Dense }

func (f *sqrtFn) Forward(in []*tensor.Dense) *tensor.Dense {
	xs, y, ys := unaryBuf(in[0])
	for i, v := range xs {
		ys[i] = math.Sqrt(v)
	}
	f.y = y
	return y
}

func (f *sqrtFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs, gx, gxs := unaryBuf(g)
	ys := f.y.Data()
	for i, v := range gs {
		gxs[i] = v / (2 * ys[i])
	}
	return grads(gx)
}

// Pow returns xᵖ element-wise for a constant exponent p.
func Pow(x *Var, p float64) *Var { return Apply(&powFn{p: p}, x) }

type powFn struct {
	p  float64
	xs []float64
}

func (f *powFn) Forward(in []*tensor.Dense) *tensor.Dense {
	xs, y, ys := unaryBuf(in[0])
	if f.p == 2 {
		for i, v := range xs {
			ys[i] = v * v
		}
	} else {
		for i, v := range xs {
			ys[i] = math.Pow(v, f.p)
		}
	}
	f.xs = xs
	return y
}

// VJP: ∂xᵖ/∂x = p·xᵖ⁻¹ (0 for p = 0, as in PyTorch).
func (f *powFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs, gx, gxs := unaryBuf(g)
	xs := f.xs
	switch f.p {
	case 0:
	case 2:
		for i, v := range gs {
			gxs[i] = 2 * v * xs[i]
		}
	default:
		for i, v := range gs {
			gxs[i] = v * f.p * math.Pow(xs[i], f.p-1)
		}
	}
	return grads(gx)
}

// Abs returns |x| element-wise; its gradient at 0 is 0, as in PyTorch.
func Abs(x *Var) *Var { return Apply(&absFn{}, x) }

type absFn struct{ xs []float64 }

func (f *absFn) Forward(in []*tensor.Dense) *tensor.Dense {
	xs, y, ys := unaryBuf(in[0])
	for i, v := range xs {
		ys[i] = math.Abs(v)
	}
	f.xs = xs
	return y
}

func (f *absFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs, gx, gxs := unaryBuf(g)
	xs := f.xs
	for i, v := range gs {
		switch {
		case xs[i] > 0:
			gxs[i] = v
		case xs[i] < 0:
			gxs[i] = -v
		}
	}
	return grads(gx)
}
