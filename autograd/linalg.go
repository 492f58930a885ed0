package autograd

import (
	"github.com/quanta-qml/quanta/tensor"
)

// MatMul returns the matrix product over the last two axes of a [..., m, k]
// and b [..., k, n], broadcasting leading (batch) axes like NumPy.
func MatMul(a, b *Var) *Var { return Apply(&matmulFn{}, a, b) }

type matmulFn struct{ a, b *tensor.Dense }

func (f *matmulFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.a, f.b = in[0], in[1]
	return tensor.MatMul(in[0], in[1])
}

// VJP: g_a = g·bᵀ and g_b = aᵀ·g, summed over broadcast batch axes.
func (f *matmulFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	var ga, gb *tensor.Dense
	if needs[0] {
		ga = tensor.SumTo(tensor.MatMulNT(g, f.b), f.a.Shape())
	}
	if needs[1] {
		if f.b.Dims() == 2 && f.a.Dims() > 2 {
			// A shared matrix: one GEMM over all batch rows at once.
			k, n := f.a.Dim(-1), g.Dim(-1)
			gb = tensor.MatMulTN(f.a.Reshape(-1, k), g.Reshape(-1, n))
		} else {
			gb = tensor.SumTo(tensor.MatMulTN(f.a, g), f.b.Shape())
		}
	}
	return grads(ga, gb)
}

// Linear returns x·wᵀ + b, PyTorch's linear layer: x [..., in], weight w
// [out, in], bias b [out] or nil, result [..., out]. The bias is added by
// the same GEMM (beta = 1), and the backward pass is three GEMM-shaped
// products: g·w, gᵀ·x and the column sums of g.
func Linear(x, w, b *Var) *Var {
	if b == nil {
		return Apply(&linearFn{}, x, w)
	}
	return Apply(&linearFn{bias: true}, x, w, b)
}

type linearFn struct {
	bias  bool
	x2, w *tensor.Dense // input as [rows, in], weight
	shape []int         // input shape
}

func (f *linearFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x, w := in[0], in[1]
	if w.Dims() != 2 || x.Dims() < 1 || x.Dim(-1) != w.Dim(1) {
		panicf("Linear of input %v with weight %v (need [..., in] and [out, in])", x.Shape(), w.Shape())
	}
	nout := w.Dim(0)
	f.shape, f.w = x.Shape(), w
	f.x2 = x.Reshape(-1, w.Dim(1))
	y := tensor.New(f.x2.Dim(0), nout)
	beta := 0.0
	if f.bias {
		b := in[2]
		mustShape("Linear bias", b.Shape(), []int{nout})
		y.CopyFrom(b)
		beta = 1
	}
	tensor.Gemm(false, true, 1, f.x2, w, beta, y)
	return y.Reshape(append(f.shape[:len(f.shape)-1:len(f.shape)-1], nout)...)
}

func (f *linearFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	g2 := g.Reshape(-1, f.w.Dim(0))
	gs := make([]*tensor.Dense, len(needs))
	if needs[0] {
		gs[0] = tensor.MatMul(g2, f.w).Reshape(f.shape...)
	}
	if needs[1] {
		gs[1] = tensor.MatMulTN(g2, f.x2)
	}
	if f.bias && needs[2] {
		gs[2] = tensor.Sum(g2, false, 0)
	}
	return gs
}
