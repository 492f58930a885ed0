package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// cell holds the four parameters that PyTorch's RNN cells share:
// WeightIH [G·H, in], WeightHH [G·H, H], BiasIH and BiasHH [G·H], G gates.
type cell struct {
	Base
	InputSize, HiddenSize int
	WeightIH, WeightHH    *autograd.Var
	BiasIH, BiasHH        *autograd.Var // nil without bias
}

// build registers the parameters in PyTorch's order and draws them all
// from U(−1/√H, 1/√H) in that order, as torch's RNNCellBase does.
func (c *cell) build(r *rand.Rand, name string, gates, in, hidden int, bias bool) {
	if in <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("nn: %s(%d, %d)", name, in, hidden))
	}
	c.InputSize, c.HiddenSize = in, hidden
	k := 1 / math.Sqrt(float64(hidden))
	p := func(name string, shape ...int) *autograd.Var {
		return c.RegisterParam(name, autograd.Param(Uniform(r, tensor.New(shape...), -k, k)), Classical)
	}
	c.WeightIH = p("weight_ih", gates*hidden, in)
	c.WeightHH = p("weight_hh", gates*hidden, hidden)
	if bias {
		c.BiasIH = p("bias_ih", gates*hidden)
		c.BiasHH = p("bias_hh", gates*hidden)
	}
}

// state returns h, or zeros [N, H] when h is nil, after checking shapes.
func (c *cell) state(name string, x, h *autograd.Var) *autograd.Var {
	xs := x.Shape()
	if len(xs) != 2 || xs[1] != c.InputSize {
		panic(fmt.Sprintf("nn: %s input %v, want [N, %d]", name, xs, c.InputSize))
	}
	if h == nil {
		return autograd.Const(tensor.New(xs[0], c.HiddenSize))
	}
	if hs := h.Shape(); len(hs) != 2 || hs[0] != xs[0] || hs[1] != c.HiddenSize {
		panic(fmt.Sprintf("nn: %s state %v, want [%d, %d]", name, hs, xs[0], c.HiddenSize))
	}
	return h
}

// LSTMCell is torch.nn.LSTMCell (Hochreiter and Schmidhuber, 1997, with
// forget gate) with PyTorch's gate order i, f, g, o in the rows of the
// weights:
//
//	(i, f, g, o) = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh
//	c' = σ(f)⊙c + σ(i)⊙tanh(g)
//	h' = σ(o)⊙tanh(c')
//
// Its fields InputSize, HiddenSize, WeightIH [4H, in], WeightHH [4H, H],
// BiasIH and BiasHH [4H] (nil without bias) hold the parameters, named
// weight_ih, weight_hh, bias_ih, bias_hh as in PyTorch.
type LSTMCell struct{ cell }

// NewLSTMCell returns an LSTMCell with all parameters drawn from
// U(−1/√hidden, 1/√hidden), PyTorch's initialisation.
func NewLSTMCell(r *rand.Rand, in, hidden int, bias bool) *LSTMCell {
	l := &LSTMCell{}
	l.build(r, "LSTMCell", 4, in, hidden, bias)
	return l
}

// Forward runs one step on x [N, in] from the state h, c [N, H] (nil
// means zeros, as in PyTorch) and returns the new h and c.
func (l *LSTMCell) Forward(x, h, c *autograd.Var) (*autograd.Var, *autograd.Var) {
	h = l.state("LSTMCell", x, h)
	c = l.state("LSTMCell", x, c)
	hs := l.HiddenSize
	gates := autograd.Add(autograd.Linear(x, l.WeightIH, l.BiasIH), autograd.Linear(h, l.WeightHH, l.BiasHH))
	i := autograd.Sigmoid(autograd.Narrow(gates, 1, 0, hs))
	f := autograd.Sigmoid(autograd.Narrow(gates, 1, hs, hs))
	g := autograd.Tanh(autograd.Narrow(gates, 1, 2*hs, hs))
	o := autograd.Sigmoid(autograd.Narrow(gates, 1, 3*hs, hs))
	c2 := autograd.Add(autograd.Mul(f, c), autograd.Mul(i, g))
	return autograd.Mul(o, autograd.Tanh(c2)), c2
}

// GRUCell is torch.nn.GRUCell (Cho et al., 2014) with PyTorch's gate
// order r, z, n in the rows of the weights:
//
//	r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)
//	z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
//	n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))
//	h' = (1 − z)⊙n + z⊙h, computed as n + z⊙(h − n) like PyTorch
//
// Its fields are those of LSTMCell with 3H rows instead of 4H.
type GRUCell struct{ cell }

// NewGRUCell returns a GRUCell with all parameters drawn from
// U(−1/√hidden, 1/√hidden), PyTorch's initialisation.
func NewGRUCell(r *rand.Rand, in, hidden int, bias bool) *GRUCell {
	l := &GRUCell{}
	l.build(r, "GRUCell", 3, in, hidden, bias)
	return l
}

// Forward runs one step on x [N, in] from h [N, H] (nil means zeros) and
// returns the new h.
func (l *GRUCell) Forward(x, h *autograd.Var) *autograd.Var {
	h = l.state("GRUCell", x, h)
	hs := l.HiddenSize
	gi := autograd.Linear(x, l.WeightIH, l.BiasIH)
	gh := autograd.Linear(h, l.WeightHH, l.BiasHH)
	part := func(g *autograd.Var, k int) *autograd.Var { return autograd.Narrow(g, 1, k*hs, hs) }
	r := autograd.Sigmoid(autograd.Add(part(gi, 0), part(gh, 0)))
	z := autograd.Sigmoid(autograd.Add(part(gi, 1), part(gh, 1)))
	n := autograd.Tanh(autograd.Add(part(gi, 2), autograd.Mul(r, part(gh, 2))))
	return autograd.Add(n, autograd.Mul(z, autograd.Sub(h, n)))
}
