package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// MultiheadAttention is torch.nn.MultiheadAttention(E, heads,
// batch_first=True) used as self-attention (query = key = value = x,
// Vaswani et al., "Attention Is All You Need", 2017). For x [N, L, E]
// with head size d = E/heads:
//
//	[q k v] = x·InProjWeightᵀ + InProjBias      (each [N, L, E], split into heads)
//	A = softmax(q·kᵀ/√d + mask)                  ([N, heads, L, L])
//	y = concat_heads(A·v)·OutProj.Weightᵀ + OutProj.Bias
//
// With Causal, mask is −∞ above the diagonal (position i attends to
// positions ≤ i), PyTorch's attn_mask = triu(ones(L, L), 1) as booleans.
// In training mode with Dropout > 0 the attention weights A go through
// dropout drawn from Rand, as in PyTorch. Parameters are named
// in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias.
type MultiheadAttention struct {
	Base
	EmbedDim, NumHeads int
	Causal             bool
	Dropout            float64    // dropout on the attention weights (training mode)
	Rand               *rand.Rand // draws the dropout masks
	InProjWeight       *autograd.Var
	InProjBias         *autograd.Var // nil without bias
	OutProj            *Linear
}

// NewMultiheadAttention returns self-attention over embedDim features
// with numHeads heads (embedDim must be a multiple of numHeads),
// initialised like PyTorch: OutProj.Weight as a Linear layer, InProjWeight
// from xavier_uniform_, both biases zero (drawn from r in PyTorch's order).
func NewMultiheadAttention(r *rand.Rand, embedDim, numHeads int, bias bool) *MultiheadAttention {
	if embedDim <= 0 || numHeads <= 0 || embedDim%numHeads != 0 {
		panic(fmt.Sprintf("nn: MultiheadAttention(%d, %d): embed dim must be a positive multiple of the heads", embedDim, numHeads))
	}
	a := &MultiheadAttention{EmbedDim: embedDim, NumHeads: numHeads}
	out := NewLinear(r, embedDim, embedDim, bias)
	w := XavierUniform(r, tensor.New(3*embedDim, embedDim), 1)
	a.InProjWeight = a.RegisterParam("in_proj_weight", autograd.Param(w), Classical)
	if bias {
		a.InProjBias = a.RegisterParam("in_proj_bias", autograd.Param(tensor.New(3*embedDim)), Classical)
		Zeros(out.Bias.Value())
	}
	a.OutProj = out
	a.RegisterModule("out_proj", out)
	return a
}

// Forward returns the self-attention of x [N, L, E], shape [N, L, E].
func (a *MultiheadAttention) Forward(x *autograd.Var) *autograd.Var {
	y, _ := a.attend(x, false)
	return y
}

// ForwardWeights returns the output of Forward and the attention weights
// averaged over the heads [N, L, L], PyTorch's need_weights=True with
// average_attn_weights=True (after dropout, as PyTorch returns them).
func (a *MultiheadAttention) ForwardWeights(x *autograd.Var) (y, weights *autograd.Var) {
	return a.attend(x, true)
}

func (a *MultiheadAttention) attend(x *autograd.Var, weights bool) (*autograd.Var, *autograd.Var) {
	s := x.Shape()
	e, h := a.EmbedDim, a.NumHeads
	if len(s) != 3 || s[2] != e {
		panic(fmt.Sprintf("nn: MultiheadAttention of input %v, want [N, L, %d]", s, e))
	}
	n, l, d := s[0], s[1], e/h
	qkv := autograd.Linear(x, a.InProjWeight, a.InProjBias)
	heads := func(k int) *autograd.Var {
		part := autograd.Reshape(autograd.Narrow(qkv, 2, k*e, e), n, l, h, d)
		return autograd.Permute(part, 0, 2, 1, 3) // [N, h, L, d]
	}
	q := autograd.Scale(heads(0), 1/math.Sqrt(float64(d)))
	scores := autograd.MatMul(q, autograd.Transpose(heads(1), 2, 3)) // [N, h, L, L]
	if a.Causal {
		scores = autograd.Add(scores, autograd.Const(causalMask(l)))
	}
	attn := autograd.Softmax(scores, -1)
	if a.Training() && a.Dropout > 0 {
		if a.Rand == nil {
			panic("nn: MultiheadAttention dropout in training mode without a *rand.Rand")
		}
		attn = autograd.Dropout(attn, a.Dropout, a.Rand)
	}
	o := autograd.Permute(autograd.MatMul(attn, heads(2)), 0, 2, 1, 3) // [N, L, h, d]
	y := a.OutProj.Forward(autograd.Reshape(o, n, l, e))
	if !weights {
		return y, nil
	}
	return y, autograd.Mean(attn, false, 1)
}

// causalMask returns the additive [L, L] mask with −∞ above the diagonal.
func causalMask(l int) *tensor.Dense {
	m := tensor.New(l, l)
	d := m.Data()
	for i := range l {
		for j := i + 1; j < l; j++ {
			d[i*l+j] = math.Inf(-1)
		}
	}
	return m
}
