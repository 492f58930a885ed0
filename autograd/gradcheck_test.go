package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x853c49e6748fea9b)) }

// eachIndex calls f with every multi-index of shape in row-major order.
func eachIndex(shape []int, f func(idx []int)) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n == 0 {
		return
	}
	idx := make([]int, len(shape))
	for {
		f(idx)
		d := len(shape) - 1
		for ; d >= 0; d-- {
			if idx[d]++; idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// Input generators. nc makes a non-contiguous view (reversed axes of its
// storage); pos and away keep inputs off domain edges and kinks by more
// than the finite-difference step.
func randn(r *rand.Rand, shape ...int) *tensor.Dense { return tensor.RandN(r, shape...) }

func nc(r *rand.Rand, shape ...int) *tensor.Dense {
	rev := slices.Clone(shape)
	slices.Reverse(rev)
	perm := make([]int, len(shape))
	for i := range perm {
		perm[i] = len(shape) - 1 - i
	}
	return tensor.RandN(r, rev...).Permute(perm...)
}

func pos(r *rand.Rand, shape ...int) *tensor.Dense {
	return tensor.Apply(tensor.RandN(r, shape...), func(v float64) float64 { return 0.5 + math.Abs(v) })
}

func away(r *rand.Rand, shape ...int) *tensor.Dense {
	return tensor.Apply(tensor.RandN(r, shape...), func(v float64) float64 { return math.Copysign(0.05+math.Abs(v), v) })
}

// distinct returns a random permutation of well-separated values, so that
// maxima are unique by far more than the finite-difference step.
func distinct(r *rand.Rand, shape ...int) *tensor.Dense {
	t := tensor.New(shape...)
	for i, p := range r.Perm(t.Size()) {
		t.Data()[i] = 0.1*float64(p) - 1
	}
	return t
}

type gradCase struct {
	name   string
	inputs []*tensor.Dense
	consts []bool // inputs that are data (no gradient); nil: all are parameters
	f      func(v []*Var) *Var
}

const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

// checkGrad compares the analytic gradient of the scalar L = Σ w ⊙ f(x),
// w a random tensor of f's output shape (a random linear functional, so
// every output element counts), with central finite differences of L
// with respect to every element of every input. An element passes when
// |analytic − numeric| ≤ fdTol·(|numeric| + max|numeric|) over its input;
// an input whose numeric gradient is zero everywhere fails, so the check
// is never vacuous.
func checkGrad(t *testing.T, c gradCase) {
	t.Helper()
	checkGradInto(t, c)
}

// tester is the part of testing.T the checker uses, so that a test can
// check the checker.
type tester interface {
	Helper()
	Errorf(format string, args ...any)
}

type fakeT struct {
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msg += fmt.Sprintf(format, args...) + "\n"
}

func checkGradInto(t tester, c gradCase) {
	t.Helper()
	r := newRand(99)
	vars := make([]*Var, len(c.inputs))
	for i, x := range c.inputs {
		vars[i] = NewVar(x, c.consts == nil || !c.consts[i])
	}
	out := c.f(vars)
	w := tensor.RandN(r, out.Shape()...)
	out.BackwardWith(w)

	// The same function without a graph gives the same value.
	cv := make([]*Var, len(c.inputs))
	for i, x := range c.inputs {
		cv[i] = NoGrad(x)
	}
	nog := c.f(cv)
	if nog.RequiresGrad() || !nog.IsLeaf() {
		t.Errorf("%s: a NoGrad input still records a graph", c.name)
	}
	if !slices.Equal(nog.Value().Contiguous().Data(), out.Value().Contiguous().Data()) {
		t.Errorf("%s: forward without a graph differs", c.name)
	}

	loss := func() float64 {
		for i, x := range c.inputs {
			cv[i] = Const(x)
		}
		return tensor.Sum(tensor.Mul(w, c.f(cv).Value()), false).Item()
	}
	for i, x := range c.inputs {
		if c.consts != nil && c.consts[i] {
			if vars[i].Grad() != nil {
				t.Errorf("%s: constant input %d received a gradient", c.name, i)
			}
			continue
		}
		g := vars[i].Grad()
		if g == nil {
			t.Errorf("%s: input %d has no gradient", c.name, i)
			continue
		}
		if !slices.Equal(g.Shape(), x.Shape()) {
			t.Errorf("%s: input %d gradient shape %v, want %v", c.name, i, g.Shape(), x.Shape())
			continue
		}
		var num, ana []float64
		eachIndex(x.Shape(), func(idx []int) {
			v := x.At(idx...)
			x.Set(v+fdStep, idx...)
			lp := loss()
			x.Set(v-fdStep, idx...)
			lm := loss()
			x.Set(v, idx...)
			num = append(num, (lp-lm)/(2*fdStep))
			ana = append(ana, g.At(idx...))
		})
		scale := 0.0
		for _, v := range num {
			scale = max(scale, math.Abs(v))
		}
		if scale == 0 {
			t.Errorf("%s: input %d: numeric gradient is zero everywhere; the case checks nothing", c.name, i)
			continue
		}
		for k := range num {
			if d := math.Abs(ana[k] - num[k]); d > fdTol*(math.Abs(num[k])+scale) || math.IsNaN(d) {
				t.Errorf("%s: input %d element %d: analytic %.12g, numeric %.12g (scale %.3g)", c.name, i, k, ana[k], num[k], scale)
				break
			}
		}
	}
}

func TestGradElementwise(t *testing.T) {
	r := newRand(1)
	bin := []struct {
		name string
		f    func(a, b *Var) *Var
	}{{"Add", Add}, {"Sub", Sub}, {"Mul", Mul}, {"Div", Div}}
	shapes := []struct {
		a, b []int
		nc   bool
	}{
		{[]int{3, 4}, []int{3, 4}, false},
		{[]int{3, 4}, []int{3, 4}, true},
		{[]int{2, 3, 4}, []int{3, 1}, false},
		{[]int{4}, []int{2, 3, 4}, true},
		{[]int{}, []int{2, 3}, false},
		{[]int{2, 1, 3}, []int{1, 4, 1}, true},
	}
	var cases []gradCase
	for _, op := range bin {
		for _, s := range shapes {
			a, b := randn(r, s.a...), pos(r, s.b...)
			if s.nc {
				a, b = nc(r, s.a...), tensor.AddScalar(nc(r, s.b...), 3)
			}
			f := op.f
			cases = append(cases, gradCase{fmt.Sprintf("%s%v%v/nc=%v", op.name, s.a, s.b, s.nc),
				[]*tensor.Dense{a, b}, nil, func(v []*Var) *Var { return f(v[0], v[1]) }})
		}
	}
	un := []struct {
		name string
		in   *tensor.Dense
		f    func(x *Var) *Var
	}{
		{"Neg", nc(r, 3, 4), Neg},
		{"Scale", randn(r, 5), func(x *Var) *Var { return Scale(x, -2.5) }},
		{"AddScalar", nc(r, 2, 3), func(x *Var) *Var { return AddScalar(x, 4) }},
		{"Exp", nc(r, 3, 4), Exp},
		{"Log", pos(r, 3, 4), Log},
		{"Sqrt", pos(r, 2, 5), Sqrt},
		{"Pow2", nc(r, 3, 4), func(x *Var) *Var { return Pow(x, 2) }},
		{"Pow3", randn(r, 6), func(x *Var) *Var { return Pow(x, 3) }},
		{"Pow-1.5", pos(r, 6), func(x *Var) *Var { return Pow(x, -1.5) }},
		{"Abs", away(r, 3, 4), Abs},
		{"Tanh", nc(r, 3, 4), Tanh},
		{"Sigmoid", tensor.MulScalar(randn(r, 20), 8), Sigmoid},
		{"ReLU", away(r, 3, 4), ReLU},
		{"LeakyReLU", away(r, 3, 4), func(x *Var) *Var { return LeakyReLU(x, 0.1) }},
		{"GELU", tensor.MulScalar(nc(r, 4, 5), 2), GELU},
		{"GELUTanh", tensor.MulScalar(randn(r, 20), 2), GELUTanh},
	}
	for _, u := range un {
		f := u.f
		cases = append(cases, gradCase{u.name, []*tensor.Dense{u.in}, nil, func(v []*Var) *Var { return f(v[0]) }})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

func TestGradReduceShape(t *testing.T) {
	r := newRand(2)
	cases := []gradCase{
		{"SumAll", []*tensor.Dense{nc(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Sum(v[0], false) }},
		{"SumAxesKeep", []*tensor.Dense{nc(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Sum(v[0], true, 0, 2) }},
		{"Sum-1", []*tensor.Dense{randn(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Sum(v[0], false, -1) }},
		{"MeanAll", []*tensor.Dense{randn(r, 3, 4)}, nil, func(v []*Var) *Var { return Mean(v[0], false) }},
		{"MeanAxis", []*tensor.Dense{nc(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Mean(v[0], true, 1) }},
		{"MaxKeep", []*tensor.Dense{distinct(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Max(v[0], 1, true) }},
		{"MaxLast", []*tensor.Dense{distinct(r, 3, 5).T()}, nil, func(v []*Var) *Var { return Max(v[0], -1, false) }},
		{"Reshape", []*tensor.Dense{nc(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Reshape(v[0], 4, -1) }},
		{"Flatten", []*tensor.Dense{randn(r, 2, 3, 2, 2)}, nil, func(v []*Var) *Var { return Flatten(v[0], 1, -1) }},
		{"Transpose", []*tensor.Dense{randn(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Mul(Transpose(v[0], 0, 2), Transpose(v[0], 0, 2)) }},
		{"Permute", []*tensor.Dense{nc(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Exp(Permute(v[0], 1, 2, 0)) }},
		{"Narrow", []*tensor.Dense{randn(r, 3, 5)}, nil, func(v []*Var) *Var { return Narrow(v[0], 1, 1, 3) }},
		{"SliceStep", []*tensor.Dense{nc(r, 3, 7)}, nil, func(v []*Var) *Var { return Slice(v[0], -1, 1, 7, 2) }},
		{"Expand", []*tensor.Dense{randn(r, 3, 1)}, nil, func(v []*Var) *Var { return Tanh(Expand(v[0], 2, 3, 4)) }},
		{"Concat", []*tensor.Dense{randn(r, 2, 3), nc(r, 2, 1), randn(r, 2, 2)}, nil,
			func(v []*Var) *Var { return Concat(1, v[0], v[1], v[2]) }},
		{"ConcatConst", []*tensor.Dense{randn(r, 2, 3), randn(r, 1, 3)}, []bool{false, true},
			func(v []*Var) *Var { return Concat(0, v[0], v[1]) }},
		{"Stack", []*tensor.Dense{randn(r, 2, 3), nc(r, 2, 3)}, nil, func(v []*Var) *Var { return Stack(-1, v[0], v[1]) }},
		// Views in the backward pass: Transpose, Concat, Narrow and
		// ConstantPad2d hand strided gradients to the VJPs before them.
		{"ViewGradients", []*tensor.Dense{randn(r, 3, 4), randn(r, 3, 2), randn(r, 5, 6)}, nil, func(v []*Var) *Var {
			h := Concat(1, Tanh(v[0]), Sigmoid(v[1]))           // [3, 6]
			h = Transpose(Softmax(Transpose(h, 0, 1), 0), 0, 1) // softmax along axis 1
			h = Narrow(Linear(h, v[2], nil), 1, 1, 4)           // [3, 4]
			h = LayerNorm(h, []int{4}, nil, nil, 1e-5)
			p := ConstantPad2d(Reshape(h, 1, 3, 4), [4]int{1, 0, 0, 1}, 0.2) // [1, 4, 5]
			y, _, _ := BatchNorm(Reshape(p, 4, 5), nil, nil, 1e-5)
			return Mul(y, Exp(Permute(Reshape(p, 5, 4), 1, 0)))
		}},
		{"SoftmaxMid", []*tensor.Dense{nc(r, 2, 3, 4)}, nil, func(v []*Var) *Var { return Softmax(v[0], 1) }},
		{"SoftmaxLast", []*tensor.Dense{randn(r, 3, 5)}, nil, func(v []*Var) *Var { return Softmax(v[0], -1) }},
		{"LogSoftmax0", []*tensor.Dense{nc(r, 4, 3)}, nil, func(v []*Var) *Var { return LogSoftmax(v[0], 0) }},
		{"LogSoftmaxBig", []*tensor.Dense{tensor.MulScalar(randn(r, 3, 4), 30)}, nil, func(v []*Var) *Var { return LogSoftmax(v[0], -1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

func TestGradLinalg(t *testing.T) {
	r := newRand(3)
	mm := func(v []*Var) *Var { return MatMul(v[0], v[1]) }
	lin := func(v []*Var) *Var { return Linear(v[0], v[1], v[2]) }
	cases := []gradCase{
		{"MatMul2D", []*tensor.Dense{randn(r, 3, 4), randn(r, 4, 5)}, nil, mm},
		{"MatMulNC", []*tensor.Dense{nc(r, 3, 4), nc(r, 4, 5)}, nil, mm},
		{"MatMulBatched", []*tensor.Dense{randn(r, 2, 3, 4), nc(r, 2, 4, 5)}, nil, mm},
		{"MatMulBcastB", []*tensor.Dense{nc(r, 2, 3, 4), randn(r, 4, 5)}, nil, mm},
		{"MatMulBcastA", []*tensor.Dense{randn(r, 3, 4), randn(r, 2, 4, 5)}, nil, mm},
		{"MatMulBcast4D", []*tensor.Dense{randn(r, 2, 1, 3, 4), randn(r, 3, 4, 2)}, nil, mm},
		{"Linear", []*tensor.Dense{randn(r, 5, 4), randn(r, 3, 4), randn(r, 3)}, nil, lin},
		{"LinearNC3D", []*tensor.Dense{nc(r, 2, 3, 4), nc(r, 3, 4), randn(r, 3)}, nil, lin},
		{"LinearNoBias", []*tensor.Dense{randn(r, 5, 4), randn(r, 2, 4)}, nil, func(v []*Var) *Var { return Linear(v[0], v[1], nil) }},
		{"LinearConstX", []*tensor.Dense{randn(r, 5, 4), randn(r, 3, 4), randn(r, 3)}, []bool{true, false, false}, lin},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

func TestGradConvPool(t *testing.T) {
	r := newRand(4)
	conv := func(s, p [2]int) func(v []*Var) *Var {
		return func(v []*Var) *Var { return Conv2d(v[0], v[1], v[2], s, p) }
	}
	cases := []gradCase{
		{"Conv2d", []*tensor.Dense{randn(r, 2, 3, 5, 6), randn(r, 4, 3, 3, 3), randn(r, 4)}, nil, conv([2]int{1, 1}, [2]int{0, 0})},
		{"Conv2dStridePad", []*tensor.Dense{nc(r, 2, 2, 6, 5), randn(r, 3, 2, 3, 2), randn(r, 3)}, nil, conv([2]int{2, 1}, [2]int{1, 2})},
		{"Conv2dConstX", []*tensor.Dense{randn(r, 3, 1, 5, 5), randn(r, 2, 1, 3, 3), randn(r, 2)}, []bool{true, false, false}, conv([2]int{1, 1}, [2]int{1, 1})},
		{"Conv2dNoBias", []*tensor.Dense{randn(r, 2, 2, 4, 4), randn(r, 2, 2, 1, 1)}, nil,
			func(v []*Var) *Var { return Conv2d(v[0], v[1], nil, [2]int{1, 1}, [2]int{0, 0}) }},
		{"MaxPool2x2", []*tensor.Dense{distinct(r, 2, 2, 4, 6)}, nil,
			func(v []*Var) *Var { return MaxPool2d(v[0], [2]int{2, 2}, [2]int{}, [2]int{}) }},
		{"MaxPool3s2p1", []*tensor.Dense{distinct(r, 1, 3, 5, 5)}, nil,
			func(v []*Var) *Var { return MaxPool2d(v[0], [2]int{3, 3}, [2]int{2, 2}, [2]int{1, 1}) }},
		{"AvgPool3s2p1", []*tensor.Dense{nc(r, 2, 2, 5, 6)}, nil,
			func(v []*Var) *Var { return AvgPool2d(v[0], [2]int{3, 3}, [2]int{2, 2}, [2]int{1, 1}) }},
		{"AvgPool2x2", []*tensor.Dense{randn(r, 1, 2, 4, 4)}, nil,
			func(v []*Var) *Var { return AvgPool2d(v[0], [2]int{2, 2}, [2]int{}, [2]int{}) }},
		{"AdaptiveAvg", []*tensor.Dense{nc(r, 2, 2, 5, 7)}, nil, func(v []*Var) *Var { return AdaptiveAvgPool2d(v[0], 3, 4) }},
		{"ConstantPad2d", []*tensor.Dense{randn(r, 2, 3, 4)}, nil,
			func(v []*Var) *Var { return Exp(ConstantPad2d(v[0], [4]int{1, 2, 0, 3}, 0.5)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

func TestGradNormLoss(t *testing.T) {
	r := newRand(5)
	targets := []int{2, 0, 3, 3, 1}
	cases := []gradCase{
		{"BatchNorm1d", []*tensor.Dense{randn(r, 5, 3), pos(r, 3), randn(r, 3)}, nil,
			func(v []*Var) *Var { y, _, _ := BatchNorm(v[0], v[1], v[2], 1e-5); return y }},
		{"BatchNorm2d", []*tensor.Dense{nc(r, 3, 2, 4, 5), pos(r, 2), randn(r, 2)}, nil,
			func(v []*Var) *Var { y, _, _ := BatchNorm(v[0], v[1], v[2], 1e-5); return y }},
		{"BatchNormNoAffine", []*tensor.Dense{randn(r, 4, 3, 2)}, nil,
			func(v []*Var) *Var { y, _, _ := BatchNorm(v[0], nil, nil, 1e-3); return y }},
		{"LayerNorm", []*tensor.Dense{randn(r, 4, 6), pos(r, 6), randn(r, 6)}, nil,
			func(v []*Var) *Var { return LayerNorm(v[0], []int{6}, v[1], v[2], 1e-5) }},
		{"LayerNorm2", []*tensor.Dense{nc(r, 2, 3, 4), pos(r, 3, 4), randn(r, 3, 4)}, nil,
			func(v []*Var) *Var { return LayerNorm(v[0], []int{3, 4}, v[1], v[2], 1e-5) }},
		{"LayerNormNoAffine", []*tensor.Dense{randn(r, 3, 5)}, nil,
			func(v []*Var) *Var { return LayerNorm(v[0], []int{5}, nil, nil, 1e-5) }},
		{"Dropout", []*tensor.Dense{randn(r, 4, 5)}, nil,
			func(v []*Var) *Var { return Dropout(v[0], 0.3, newRand(7)) }},
		{"CrossEntropy", []*tensor.Dense{randn(r, 5, 4)}, nil, func(v []*Var) *Var { return CrossEntropy(v[0], targets, 0) }},
		{"CrossEntropySmooth", []*tensor.Dense{nc(r, 5, 4)}, nil, func(v []*Var) *Var { return CrossEntropy(v[0], targets, 0.1) }},
		{"NLLLoss", []*tensor.Dense{randn(r, 5, 4)}, nil, func(v []*Var) *Var { return NLLLoss(LogSoftmax(v[0], 1), targets) }},
		{"MSELoss", []*tensor.Dense{randn(r, 3, 4), nc(r, 3, 4)}, nil, func(v []*Var) *Var { return MSELoss(v[0], v[1]) }},
		{"BCEWithLogits", []*tensor.Dense{tensor.MulScalar(randn(r, 2, 6), 5), tensor.RandU(r, 0, 1, 2, 6)}, nil,
			func(v []*Var) *Var { return BCEWithLogitsLoss(v[0], v[1]) }},
		{"MLP", []*tensor.Dense{randn(r, 5, 3), randn(r, 6, 3), randn(r, 6), randn(r, 4, 6), randn(r, 4)}, []bool{true, false, false, false, false},
			func(v []*Var) *Var {
				return CrossEntropy(Linear(Tanh(Linear(v[0], v[1], v[2])), v[3], v[4]), targets, 0.05)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

// TestCheckGradCatchesWrongVJP makes sure the checker itself fails on a
// wrong gradient (here: exp's derivative computed as e^x + 1e-4).
func TestCheckGradCatchesWrongVJP(t *testing.T) {
	ft := &fakeT{}
	x := randn(newRand(6), 3)
	c := gradCase{"wrongExp", []*tensor.Dense{x}, nil, func(v []*Var) *Var { return Apply(&wrongExp{}, v[0]) }}
	checkGradInto(ft, c)
	if !ft.failed || !strings.Contains(ft.msg, "analytic") {
		t.Errorf("the gradient checker accepted a wrong VJP (log %q)", ft.msg)
	}
}

type wrongExp struct{ expFn }

func (f *wrongExp) VJP(g *tensor.Dense, n []bool) []*tensor.Dense {
	return grads(tensor.AddScalar(f.expFn.VJP(g, n)[0], 1e-4))
}
