package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/internal/gradcheck"
	"github.com/quanta-qml/quanta/tensor"
)

const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

// checkGrad checks the gradients of f with respect to wrt against central
// finite differences (gradcheck.Check, step fdStep, tolerance fdTol).
func checkGrad(t *testing.T, name string, wrt []*autograd.Var, f func() *autograd.Var) {
	t.Helper()
	gradcheck.Check(t, name, wrt, f, fdStep, fdTol)
}

// withParams returns the input followed by the parameters of m.
func withParams(x *autograd.Var, m Module) []*autograd.Var {
	return append([]*autograd.Var{x}, Params(m)...)
}

// jitter perturbs every parameter of m so that initial zeros and ones
// (biases, normalisation weights) do not hide mistakes.
func jitter(r *rand.Rand, m Module) {
	for _, p := range Params(m) {
		d := p.Value().Data()
		for i := range d {
			d[i] += 0.3 * r.NormFloat64()
		}
	}
}

// awayFromZero returns normal samples with |v| ≥ 0.05, far from the kinks
// of ReLU-like functions compared with the finite-difference step.
func awayFromZero(r *rand.Rand, shape ...int) *tensor.Dense {
	return tensor.Apply(tensor.RandN(r, shape...), func(v float64) float64 { return math.Copysign(0.05+math.Abs(v), v) })
}

// distinct returns a shuffled grid of well-separated values, so that
// maxima are unique by far more than the finite-difference step.
func distinct(r *rand.Rand, shape ...int) *tensor.Dense {
	t := tensor.New(shape...)
	for i, p := range r.Perm(t.Size()) {
		t.Data()[i] = 0.1*float64(p) - 1
	}
	return t
}

func TestLayerGradients(t *testing.T) {
	t.Parallel()
	type gcase struct {
		name  string
		layer Layer
		x     *tensor.Dense
		eval  bool
		reset func() // run before every forward pass (reseeds dropout)
	}
	r := newRand(7)
	drop := NewDropout(0.4, nil)
	attnDrop := NewMultiheadAttention(r, 4, 2, true)
	attnDrop.Dropout = 0.25
	causal := NewMultiheadAttention(r, 6, 3, true)
	causal.Causal = true
	bnEval := NewBatchNorm2d(3)
	Uniform(r, bnEval.RunningMean, -1, 1)
	Uniform(r, bnEval.RunningVar, 0.5, 2)
	seqDrop := NewDropout(0.2, nil)
	cnn := NewSequential(
		NewConv2d(r, 2, 3, [2]int{3, 3}, Conv2dOptions{Padding: [2]int{1, 1}, NoBias: true}), // BatchNorm cancels a bias
		NewBatchNorm2d(3),
		NewReLU(),
		NewMaxPool2d([2]int{2, 2}, [2]int{}, [2]int{}),
		NewFlatten(),
		NewLinear(r, 12, 5, true),
		NewGELU(),
		seqDrop,
		NewLinear(r, 5, 2, false),
	)
	cases := []gcase{
		{name: "Linear", layer: NewLinear(r, 4, 3, true), x: tensor.RandN(r, 2, 4)},
		{name: "Linear/3d-input/no-bias", layer: NewLinear(r, 4, 3, false), x: tensor.RandN(r, 2, 3, 4)},
		{name: "Conv2d/s1p0", layer: NewConv2d(r, 2, 3, [2]int{3, 2}, Conv2dOptions{}), x: tensor.RandN(r, 2, 2, 5, 4)},
		{name: "Conv2d/s2x1p1x2/no-bias", layer: NewConv2d(r, 2, 2, [2]int{3, 3}, Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 2}, NoBias: true}), x: tensor.RandN(r, 1, 2, 6, 5)},
		{name: "MaxPool2d", layer: NewMaxPool2d([2]int{3, 3}, [2]int{2, 2}, [2]int{1, 1}), x: distinct(r, 2, 2, 5, 5)},
		{name: "AvgPool2d", layer: NewAvgPool2d([2]int{3, 2}, [2]int{2, 1}, [2]int{1, 1}), x: tensor.RandN(r, 2, 2, 5, 4)},
		{name: "AdaptiveAvgPool2d", layer: NewAdaptiveAvgPool2d([2]int{3, 2}), x: tensor.RandN(r, 2, 2, 5, 7)},
		{name: "ConstantPad2d", layer: NewConstantPad2d([4]int{1, 2, 0, 1}, 0.5), x: tensor.RandN(r, 2, 2, 3, 3)},
		{name: "BatchNorm1d/train/2d", layer: NewBatchNorm1d(3), x: tensor.RandN(r, 5, 3)},
		{name: "BatchNorm1d/train/3d", layer: NewBatchNorm1d(3), x: tensor.RandN(r, 3, 3, 4)},
		{name: "BatchNorm2d/train", layer: NewBatchNorm2d(3), x: tensor.RandN(r, 2, 3, 3, 4)},
		{name: "BatchNorm2d/eval", layer: bnEval, x: tensor.RandN(r, 2, 3, 3, 4), eval: true},
		{name: "LayerNorm", layer: NewLayerNorm(3, 4), x: tensor.RandN(r, 2, 2, 3, 4)},
		{name: "Dropout/train", layer: drop, x: tensor.RandN(r, 4, 6), reset: func() { drop.Rand = newRand(3) }},
		{name: "Dropout/eval", layer: NewDropout(0.4, nil), x: tensor.RandN(r, 4, 6), eval: true},
		{name: "Flatten", layer: NewFlatten(), x: tensor.RandN(r, 2, 3, 2, 2)},
		{name: "ReLU", layer: NewReLU(), x: awayFromZero(r, 3, 5)},
		{name: "LeakyReLU", layer: NewLeakyReLU(0.1), x: awayFromZero(r, 3, 5)},
		{name: "GELU", layer: NewGELU(), x: tensor.RandN(r, 3, 5)},
		{name: "GELU/tanh", layer: &GELU{Approximate: "tanh"}, x: tensor.RandN(r, 3, 5)},
		{name: "Tanh", layer: NewTanh(), x: tensor.RandN(r, 3, 5)},
		{name: "Sigmoid", layer: NewSigmoid(), x: tensor.RandN(r, 3, 5)},
		{name: "Softmax", layer: NewSoftmax(1), x: tensor.RandN(r, 3, 5)},
		{name: "LogSoftmax", layer: NewLogSoftmax(-1), x: tensor.RandN(r, 3, 5)},
		{name: "Identity", layer: NewIdentity(), x: tensor.RandN(r, 3, 5)},
		{name: "MultiheadAttention", layer: NewMultiheadAttention(r, 4, 2, true), x: tensor.RandN(r, 2, 3, 4)},
		{name: "MultiheadAttention/causal", layer: causal, x: tensor.RandN(r, 2, 4, 6)},
		{name: "MultiheadAttention/no-bias", layer: NewMultiheadAttention(r, 4, 1, false), x: tensor.RandN(r, 1, 3, 4)},
		{name: "MultiheadAttention/dropout", layer: attnDrop, x: tensor.RandN(r, 2, 3, 4), reset: func() { attnDrop.Rand = newRand(4) }},
		{name: "Sequential/CNN", layer: cnn, x: tensor.RandN(r, 3, 2, 4, 4), reset: func() { seqDrop.Rand = newRand(5) }},
	}
	for _, c := range cases {
		jitter(r, c.layer)
		SetTraining(c.layer, !c.eval)
		x := autograd.Param(c.x)
		checkGrad(t, c.name, withParams(x, c.layer), func() *autograd.Var {
			if c.reset != nil {
				c.reset()
			}
			return c.layer.Forward(x)
		})
	}
}

func TestCellGradients(t *testing.T) {
	t.Parallel()
	r := newRand(8)
	for _, bias := range []bool{true, false} {
		lstm := NewLSTMCell(r, 3, 4, bias)
		x, h, c := autograd.Param(tensor.RandN(r, 2, 3)), autograd.Param(tensor.RandN(r, 2, 4)), autograd.Param(tensor.RandN(r, 2, 4))
		checkGrad(t, "LSTMCell", append([]*autograd.Var{x, h, c}, Params(lstm)...), func() *autograd.Var {
			h2, c2 := lstm.Forward(x, h, c)
			return autograd.Concat(1, h2, c2)
		})
		// Two steps from the zero state: the second step differentiates
		// through the first one's outputs.
		checkGrad(t, "LSTMCell/two-steps", append([]*autograd.Var{x}, Params(lstm)...), func() *autograd.Var {
			h1, c1 := lstm.Forward(x, nil, nil)
			h2, _ := lstm.Forward(autograd.Scale(x, -0.5), h1, c1)
			return h2
		})
		gru := NewGRUCell(r, 3, 4, bias)
		checkGrad(t, "GRUCell", append([]*autograd.Var{x, h}, Params(gru)...), func() *autograd.Var {
			return gru.Forward(x, h)
		})
		checkGrad(t, "GRUCell/two-steps", append([]*autograd.Var{x}, Params(gru)...), func() *autograd.Var {
			return gru.Forward(autograd.Scale(x, 2), gru.Forward(x, nil))
		})
	}
}

func TestLossGradients(t *testing.T) {
	t.Parallel()
	r := newRand(9)
	targets := []int{2, 0, 1, 2}
	x := autograd.Param(tensor.RandN(r, 4, 3))
	y := autograd.Param(tensor.RandN(r, 4, 3))
	p := autograd.Param(tensor.RandU(r, 0, 1, 4, 3))
	for _, c := range []struct {
		name string
		wrt  []*autograd.Var
		f    func() *autograd.Var
	}{
		{"CrossEntropy", []*autograd.Var{x}, func() *autograd.Var { return CrossEntropyLoss{}.Forward(x, targets) }},
		{"CrossEntropy/smoothing", []*autograd.Var{x}, func() *autograd.Var {
			return CrossEntropyLoss{LabelSmoothing: 0.15}.Forward(x, targets)
		}},
		{"NLL", []*autograd.Var{x}, func() *autograd.Var { return NLLLoss{}.Forward(autograd.LogSoftmax(x, 1), targets) }},
		{"MSE", []*autograd.Var{x, y}, func() *autograd.Var { return MSELoss{}.Forward(x, y) }},
		{"BCEWithLogits", []*autograd.Var{x, p}, func() *autograd.Var { return BCEWithLogitsLoss{}.Forward(x, p) }},
	} {
		checkGrad(t, c.name, c.wrt, c.f)
	}
}

// TestOutputShapes checks every layer's output shape against PyTorch's
// shape formulas.
func TestOutputShapes(t *testing.T) {
	t.Parallel()
	r := newRand(10)
	for _, c := range []struct {
		name  string
		layer Layer
		in    []int
		want  []int
	}{
		{"Linear", NewLinear(r, 5, 7, true), []int{3, 5}, []int{3, 7}},
		{"Linear/3d", NewLinear(r, 5, 7, true), []int{2, 3, 5}, []int{2, 3, 7}},
		// ⌊(9 + 2·1 − 3)/2⌋ + 1 = 5, ⌊(8 + 0 − 2)/1⌋ + 1 = 7
		{"Conv2d", NewConv2d(r, 3, 4, [2]int{3, 2}, Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 0}}), []int{2, 3, 9, 8}, []int{2, 4, 5, 7}},
		{"MaxPool2d", NewMaxPool2d([2]int{2, 2}, [2]int{}, [2]int{}), []int{2, 3, 9, 8}, []int{2, 3, 4, 4}},
		{"AvgPool2d", NewAvgPool2d([2]int{3, 3}, [2]int{2, 2}, [2]int{1, 1}), []int{2, 3, 9, 8}, []int{2, 3, 5, 4}},
		{"AdaptiveAvgPool2d", NewAdaptiveAvgPool2d([2]int{1, 1}), []int{2, 3, 9, 8}, []int{2, 3, 1, 1}},
		{"ConstantPad2d", NewConstantPad2d([4]int{1, 2, 3, 4}, 0), []int{2, 3, 5, 5}, []int{2, 3, 12, 8}},
		{"BatchNorm1d", NewBatchNorm1d(4), []int{3, 4}, []int{3, 4}},
		{"BatchNorm2d", NewBatchNorm2d(4), []int{3, 4, 2, 2}, []int{3, 4, 2, 2}},
		{"LayerNorm", NewLayerNorm(6), []int{2, 3, 6}, []int{2, 3, 6}},
		{"Dropout", NewDropout(0.5, newRand(1)), []int{2, 3}, []int{2, 3}},
		{"Flatten", NewFlatten(), []int{2, 3, 4, 5}, []int{2, 60}},
		{"Flatten/1..2", &Flatten{StartDim: 1, EndDim: 2}, []int{2, 3, 4, 5}, []int{2, 12, 5}},
		{"Softmax", NewSoftmax(-1), []int{2, 3}, []int{2, 3}},
		{"MultiheadAttention", NewMultiheadAttention(r, 8, 4, true), []int{2, 5, 8}, []int{2, 5, 8}},
		{"Sequential", NewSequential(NewFlatten(), NewLinear(r, 12, 3, true), NewReLU()), []int{4, 3, 2, 2}, []int{4, 3}},
	} {
		got := c.layer.Forward(autograd.Const(tensor.RandN(r, c.in...))).Shape()
		if !slices.Equal(got, c.want) {
			t.Errorf("%s of %v: shape %v, want %v", c.name, c.in, got, c.want)
		}
	}
	h, cs := NewLSTMCell(r, 3, 5, true).Forward(autograd.Const(tensor.RandN(r, 2, 3)), nil, nil)
	g := NewGRUCell(r, 3, 5, true).Forward(autograd.Const(tensor.RandN(r, 2, 3)), nil)
	for _, v := range []*autograd.Var{h, cs, g} {
		if !slices.Equal(v.Shape(), []int{2, 5}) {
			t.Errorf("cell output shape %v, want [2 5]", v.Shape())
		}
	}
}
