package autograd

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

func data(v *Var) []float64 { return v.Grad().Contiguous().Data() }

func TestBackwardDeterministic(t *testing.T) {
	build := func() (*Var, *Var) {
		r := newRand(10)
		x := Param(tensor.RandN(r, 8, 5))
		w := Param(tensor.RandN(r, 4, 5))
		h := Tanh(Linear(x, w, nil))
		// Many paths into x and w with float sums in between.
		loss := Add(Sum(Mul(h, h), false), Mean(Exp(Linear(h, Transpose(Narrow(w, 1, 0, 4), 0, 1), nil)), false))
		loss.Backward()
		return x, w
	}
	x1, w1 := build()
	x2, w2 := build()
	if !slices.Equal(data(x1), data(x2)) || !slices.Equal(data(w1), data(w2)) {
		t.Error("two identical Backward runs gave different bits")
	}
}

func TestBackwardAccumulates(t *testing.T) {
	x := Param(tensor.FromSlice([]float64{1, -2, 3}, 3))
	loss := Sum(Mul(x, x), false) // d/dx = 2x
	loss.Backward()
	loss.Backward()
	if want := []float64{4, -8, 12}; !slices.Equal(data(x), want) {
		t.Errorf("grad after two Backward = %v, want %v", data(x), want)
	}
	// A second graph adds on top until ZeroGrad.
	Sum(Scale(x, 3), false).Backward()
	if want := []float64{7, -5, 15}; !slices.Equal(data(x), want) {
		t.Errorf("grad after a second graph = %v, want %v", data(x), want)
	}
	ZeroGrad(x)
	if want := []float64{0, 0, 0}; !slices.Equal(data(x), want) {
		t.Errorf("grad after ZeroGrad = %v", data(x))
	}
	loss.Backward()
	if want := []float64{2, -4, 6}; !slices.Equal(data(x), want) {
		t.Errorf("grad after ZeroGrad and Backward = %v, want %v", data(x), want)
	}
}

func TestBackwardSharedSubexpression(t *testing.T) {
	// y = u·u + u with u = 3x used three times: dy/dx = 3(2u + 1).
	x := Param(tensor.FromSlice([]float64{0.5, -1, 2}, 3))
	u := Scale(x, 3)
	Sum(Add(Mul(u, u), u), false).Backward()
	for i, v := range x.Value().Data() {
		if want := 3 * (2*3*v + 1); math.Abs(data(x)[i]-want) > 1e-12 {
			t.Errorf("grad[%d] = %v, want %v", i, data(x)[i], want)
		}
	}
}

func TestBackwardDiamond(t *testing.T) {
	// a → b = exp(a), c = a² → d = b·c: dd/da = exp(a)·a² + exp(a)·2a.
	a := Param(tensor.FromSlice([]float64{0.3, -0.7}, 2))
	b, c := Exp(a), Pow(a, 2)
	Sum(Mul(b, c), false).Backward()
	for i, v := range a.Value().Data() {
		if want := math.Exp(v) * (v*v + 2*v); math.Abs(data(a)[i]-want) > 1e-12 {
			t.Errorf("grad[%d] = %v, want %v", i, data(a)[i], want)
		}
	}
}

func TestBackwardLongChain(t *testing.T) {
	const n = 10000
	x := Param(tensor.FromSlice([]float64{1, 2}, 2))
	y := x
	for range n {
		y = Scale(y, 1.0001)
	}
	Sum(y, false).Backward()
	want := math.Pow(1.0001, n)
	for i, g := range data(x) {
		if math.Abs(g-want) > 1e-9*want {
			t.Errorf("grad[%d] after %d nodes = %v, want %v", i, n, g, want)
		}
	}
}

func TestDetachAndNoGradStopGradients(t *testing.T) {
	x := Param(tensor.FromSlice([]float64{2, -3}, 2))
	// y = x·detach(x): the detached factor is a constant, dy/dx = x.
	Sum(Mul(x, x.Detach()), false).Backward()
	if want := []float64{2, -3}; !slices.Equal(data(x), want) {
		t.Errorf("grad through Detach = %v, want %v", data(x), want)
	}
	w := Param(tensor.FromSlice([]float64{1, 1, 1, 1}, 2, 2))
	y := Linear(NoGrad(tensor.FromSlice([]float64{1, 2}, 1, 2)), w, nil)
	if y.RequiresGrad() || !y.IsLeaf() || !y.IsNoGrad() {
		t.Fatalf("Linear of a NoGrad input: requiresGrad=%v leaf=%v noGrad=%v", y.RequiresGrad(), y.IsLeaf(), y.IsNoGrad())
	}
	z := Add(y, w) // NoGrad is contagious even next to a parameter
	if z.RequiresGrad() || !z.IsNoGrad() {
		t.Error("NoGrad did not propagate through Add with a parameter")
	}
	if !slices.Equal(y.Value().Data(), []float64{3, 3}) {
		t.Errorf("NoGrad forward value = %v", y.Value().Data())
	}
	mustPanic(t, "does not require a gradient", func() { Sum(z, false).Backward() })
	if w.Grad() != nil {
		t.Error("a parameter used only under NoGrad received a gradient")
	}
	// Const inputs alone record nothing either.
	if c := Exp(Const(tensor.Ones(2))); c.RequiresGrad() || !c.IsLeaf() {
		t.Error("an operation on constants recorded a node")
	}
	// Freezing a leaf stops its gradient but not its neighbours'.
	a, b := Param(tensor.Ones(2)), Param(tensor.Ones(2))
	a.SetRequiresGrad(false)
	Sum(Mul(a, b), false).Backward()
	if a.Grad() != nil || b.Grad() == nil {
		t.Errorf("frozen leaf: grad a=%v b=%v", a.Grad(), b.Grad())
	}
}

// countFn is a custom Function that records which gradients it was asked
// for: y = a ⊙ b.
type countFn struct {
	a, b  *tensor.Dense
	needs [][]bool
}

func (f *countFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.a, f.b = in[0], in[1]
	return tensor.Mul(in[0], in[1])
}

func (f *countFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	f.needs = append(f.needs, slices.Clone(needs))
	out := make([]*tensor.Dense, 2)
	if needs[0] {
		out[0] = tensor.Mul(g, f.b)
	}
	if needs[1] {
		out[1] = tensor.Mul(g, f.a)
	}
	return out
}

func TestCustomFunctionNeeds(t *testing.T) {
	batch := Const(tensor.FromSlice([]float64{1, 2, 3}, 3))
	w := Param(tensor.FromSlice([]float64{4, 5, 6}, 3))
	f := &countFn{}
	Sum(Apply(f, batch, w), false).Backward()
	if len(f.needs) != 1 || !slices.Equal(f.needs[0], []bool{false, true}) {
		t.Errorf("VJP calls with needs %v, want one call with [false true]", f.needs)
	}
	if !slices.Equal(data(w), []float64{1, 2, 3}) || batch.Grad() != nil {
		t.Errorf("custom function gradients: w %v batch %v", data(w), batch.Grad())
	}
}

type badShapeFn struct{}

func (badShapeFn) Forward(in []*tensor.Dense) *tensor.Dense { return in[0].Copy() }

func (badShapeFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense { return grads(tensor.New(7)) }

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok || !(strings.HasPrefix(msg, "autograd: ") || strings.HasPrefix(msg, "tensor: ")) || !strings.Contains(msg, want) {
			t.Errorf("panic = %v, want an \"autograd: \"/\"tensor: \" message containing %q", r, want)
		}
	}()
	f()
}

func TestPanics(t *testing.T) {
	p := func(shape ...int) *Var { return Param(tensor.New(shape...)) }
	tests := []struct {
		name, want string
		f          func()
	}{
		{"AddShapes", "tensor: shapes [2 3] and [4] do not broadcast", func() { Add(p(2, 3), p(4)) }},
		{"Linear", "Linear of input [2 3] with weight [4 5]", func() { Linear(p(2, 3), p(4, 5), nil) }},
		{"LinearBias", "Linear bias: shape [3]", func() { Linear(p(2, 5), p(4, 5), p(3)) }},
		{"BackwardNonScalar", "needs a seed gradient", func() { Exp(p(2)).Backward() }},
		{"BackwardSeed", "seed: shape [3], want [2]", func() { Exp(p(2)).BackwardWith(tensor.New(3)) }},
		{"VJPShape", "returned shape [7] for input 0", func() { Sum(Apply(badShapeFn{}, p(2)), false).Backward() }},
		{"Target", "target 4 at 1 outside [0, 3)", func() { CrossEntropy(p(2, 3), []int{0, 4}, 0) }},
		{"Targets", "with 3 targets", func() { NLLLoss(p(2, 3), []int{0, 1, 2}) }},
		{"Conv", "Conv2D of input", func() { Conv2d(p(1, 2, 4, 4), p(3, 1, 3, 3), nil, [2]int{1, 1}, [2]int{}) }},
		{"PoolPad", "padding [2 2] larger than half the kernel", func() { MaxPool2d(p(1, 1, 4, 4), [2]int{2, 2}, [2]int{}, [2]int{2, 2}) }},
		{"MSE", "MSELoss: shape [3]", func() { MSELoss(p(2), p(3)) }},
		{"LayerNorm", "LayerNorm over [4]", func() { LayerNorm(p(2, 3), []int{4}, nil, nil, 1e-5) }},
		{"Dropout", "outside [0, 1]", func() { Dropout(p(2), 1.5, newRand(1)) }},
		{"Flatten", "Flatten(2, 1)", func() { Flatten(p(2, 3, 4), 2, 1) }},
		{"SetRequiresGrad", "non-leaf", func() { Exp(p(1)).SetRequiresGrad(false) }},
		{"NilInput", "input 1 of", func() { Add(p(1), nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { mustPanic(t, tc.want, tc.f) })
	}
}

// TestEmptyBatch runs batch-parallel operations on a batch of zero
// samples.
func TestEmptyBatch(t *testing.T) {
	x := Param(tensor.New(0, 2, 5, 5))
	w, b := Param(tensor.Ones(3, 2, 3, 3)), Param(tensor.Ones(3))
	y := MaxPool2d(Conv2d(x, w, b, [2]int{1, 1}, [2]int{1, 1}), [2]int{2, 2}, [2]int{}, [2]int{})
	y = AvgPool2d(AdaptiveAvgPool2d(y, 2, 2), [2]int{2, 2}, [2]int{}, [2]int{})
	if !slices.Equal(y.Shape(), []int{0, 3, 1, 1}) {
		t.Fatalf("shape %v", y.Shape())
	}
	y.BackwardWith(tensor.New(0, 3, 1, 1))
	if !slices.Equal(w.Grad().Data(), make([]float64, 54)) || !slices.Equal(b.Grad().Data(), []float64{0, 0, 0}) {
		t.Errorf("gradients of an empty batch: w %v b %v", w.Grad().Data(), b.Grad().Data())
	}
}

// TestConcurrentNoGradForward runs inference on shared parameters from
// several goroutines (meaningful under -race) and checks every result.
func TestConcurrentNoGradForward(t *testing.T) {
	r := newRand(11)
	w, b := Param(tensor.RandN(r, 3, 4)), Param(tensor.RandN(r, 3))
	x := tensor.RandN(r, 5, 4)
	want := Linear(Const(x), w, b).Value().Data()
	var wg sync.WaitGroup
	errs := make([]bool, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			y := Tanh(Linear(NoGrad(x), w, b))
			errs[i] = y.RequiresGrad() || !slices.Equal(Linear(NoGrad(x), w, b).Value().Data(), want)
		}()
	}
	wg.Wait()
	for i, bad := range errs {
		if bad {
			t.Errorf("goroutine %d: wrong NoGrad forward", i)
		}
	}
}
