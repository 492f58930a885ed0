package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/tensor"
)

// blobs returns n samples of k Gaussian clusters in f dimensions (label
// i%k), drawn from a seeded source.
func blobs(n, f, k int, seed uint64) *dataset.Set {
	r := rand.New(rand.NewPCG(seed, 1))
	centers := tensor.RandN(rand.New(rand.NewPCG(42, 42)), k, f)
	x := tensor.New(n, f)
	y := make([]int, n)
	for i := range n {
		y[i] = i % k
		for j := range f {
			x.Set(2*centers.At(y[i], j)+0.6*r.NormFloat64(), i, j)
		}
	}
	classes := make([]string, k)
	for i := range classes {
		classes[i] = string(rune('a' + i))
	}
	return &dataset.Set{X: x, Y: y, Classes: classes, Name: "blobs"}
}

// cosLayer computes cos(x + θ) element-wise with a trainable phase θ per
// feature, tagged as a quantum parameter: a stand-in for a quantum layer,
// an ordinary module with its own autograd.Function.
type cosLayer struct {
	nn.Base
	Theta *autograd.Var
}

func newCosLayer(r *rand.Rand, f int) *cosLayer {
	l := &cosLayer{}
	l.Theta = l.RegisterParam("theta", autograd.Param(tensor.RandU(r, -math.Pi, math.Pi, f)), nn.Quantum)
	return l
}

func (l *cosLayer) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Apply(&cosFn{}, x, l.Theta)
}

// cosFn is cos(x + θ) with θ broadcast over the batch.
type cosFn struct{ arg *tensor.Dense }

func (f *cosFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x, th := in[0].Contiguous(), in[1].Data()
	b, n := x.Dim(0), x.Dim(1)
	f.arg = tensor.New(b, n)
	out := tensor.New(b, n)
	for i := range b {
		for j := range n {
			a := x.Data()[i*n+j] + th[j]
			f.arg.Data()[i*n+j] = a
			out.Data()[i*n+j] = math.Cos(a)
		}
	}
	return out
}

func (f *cosFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	g = g.Contiguous()
	b, n := g.Dim(0), g.Dim(1)
	gx, gth := tensor.New(b, n), tensor.New(n)
	for i := range b {
		for j := range n {
			d := -math.Sin(f.arg.Data()[i*n+j]) * g.Data()[i*n+j]
			gx.Data()[i*n+j] = d
			gth.Data()[j] += d
		}
	}
	out := []*tensor.Dense{nil, nil}
	if needs[0] {
		out[0] = gx
	}
	if needs[1] {
		out[1] = gth
	}
	return out
}

// TestCosLayerGradient checks the test layer's VJP against central
// finite differences, so that the models below train on a correct
// gradient.
func TestCosLayerGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	l := newCosLayer(r, 3)
	x := autograd.Param(tensor.RandN(r, 2, 3))
	w := tensor.RandN(r, 2, 3)
	f := func() float64 {
		return autograd.Sum(autograd.Mul(l.Forward(x), autograd.Const(w)), false).Item()
	}
	autograd.Sum(autograd.Mul(l.Forward(x), autograd.Const(w)), false).Backward()
	for _, v := range []*autograd.Var{x, l.Theta} {
		d := v.Value().Data()
		for i := range d {
			old := d[i]
			d[i] = old + 1e-6
			up := f()
			d[i] = old - 1e-6
			down := f()
			d[i] = old
			if fd, got := (up-down)/2e-6, v.Grad().Data()[i]; math.Abs(fd-got) > 1e-7 {
				t.Errorf("gradient %d: %v, finite differences %v", i, got, fd)
			}
		}
	}
}

// testModel is a small hybrid classifier whose training depends on every
// kind of state a checkpoint must carry: BatchNorm buffers, dropout masks
// and a custom (quantum-kind) layer.
func testModel(seed uint64) *nn.Sequential {
	r := rand.New(rand.NewPCG(seed, 0))
	return nn.NewSequential(
		nn.NewLinear(r, 4, 12, true),
		nn.NewBatchNorm1d(12),
		nn.NewReLU(),
		nn.NewDropout(0.25, nil),
		newCosLayer(r, 12),
		nn.NewLinear(r, 12, 3, true),
	)
}

// setup is a training run on blobs: 90 samples in batches of 16 (6
// steps per epoch, the last of 10), Adam with a per-epoch StepLR, and the
// given hooks plus an Eval hook.
type setup struct {
	modelSeed uint64
	epochs    int
	loss      LossFunc
	hooks     []Hook
	hash      string
	batch     int
	noDropout bool
}

func (s setup) build(t testing.TB) (*Loop, *nn.Sequential, optim.Optimizer) {
	t.Helper()
	m := testModel(s.modelSeed)
	var rngs []RNG
	if s.noDropout {
		m.At(3).(*nn.Dropout).P = 0
	} else {
		rngs = DropoutRNGs(m, 7)
	}
	opt, err := optim.NewAdam(nn.Params(m), optim.AdamOptions{LR: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := optim.NewScheduler(opt, optim.StepLR{StepSize: 1, Gamma: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	bs := s.batch
	if bs == 0 {
		bs = 16
	}
	epochs := s.epochs
	if epochs == 0 {
		epochs = 3
	}
	hooks := append([]Hook{NewEval(&dataset.Loader{Set: blobs(45, 4, 3, 9), BatchSize: 20})}, s.hooks...)
	l, err := New(Config{
		Model: m, Optimizer: opt, Scheduler: sched, Loss: s.loss,
		Train:  &dataset.Loader{Set: blobs(90, 4, 3, 5), BatchSize: bs, Shuffle: true, Seed: 3},
		Epochs: epochs, RNGs: rngs, Hooks: hooks, ConfigHash: s.hash,
	})
	if err != nil {
		t.Fatal(err)
	}
	return l, m, opt
}

// sameBits reports the first tensor of a and b (named alike, in order)
// that differs in any bit, or "".
func sameBits(a, b []nn.NamedTensor) string {
	if len(a) != len(b) {
		return "different lengths"
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return "names " + a[i].Name + " / " + b[i].Name
		}
		x, y := a[i].Value.Contiguous().Data(), b[i].Value.Contiguous().Data()
		if len(x) != len(y) {
			return a[i].Name + ": sizes"
		}
		for j := range x {
			if math.Float64bits(x[j]) != math.Float64bits(y[j]) {
				return a[i].Name
			}
		}
	}
	return ""
}
