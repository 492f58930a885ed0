package autograd

import (
	"math"
	"slices"

	"github.com/quanta-qml/quanta/tensor"
)

// checkTargets panics unless logits is [N, C] and targets holds N class
// indices in [0, C).
func checkTargets(op string, shape []int, targets []int) (n, c int) {
	if len(shape) != 2 || shape[0] != len(targets) {
		panicf("%s of shape %v with %d targets (need [N, C] and N targets)", op, shape, len(targets))
	}
	n, c = shape[0], shape[1]
	for i, t := range targets {
		if t < 0 || t >= c {
			panicf("%s target %d at %d outside [0, %d)", op, t, i, c)
		}
	}
	return n, c
}

// CrossEntropy returns the mean cross-entropy between logits [N, C] and
// integer class targets (N values), exactly as
// torch.nn.CrossEntropyLoss(label_smoothing=smoothing): with
// log-probabilities ℓ = log_softmax(logits) and ε = smoothing, each sample
// contributes −(1−ε)·ℓ[target] − (ε/C)·Σ_c ℓ[c], and the result is the mean
// over the N samples (a 0-d Var). Label smoothing is Szegedy et al.,
// "Rethinking the Inception Architecture", 2016; PyTorch mixes the uniform
// distribution over all C classes, the target included.
func CrossEntropy(logits *Var, targets []int, smoothing float64) *Var {
	if smoothing < 0 || smoothing > 1 {
		panicf("CrossEntropy label smoothing %v outside [0, 1]", smoothing)
	}
	return Apply(&crossEntropyFn{targets: slices.Clone(targets), eps: smoothing}, logits)
}

type crossEntropyFn struct {
	targets []int
	eps     float64
	p       []float64 // softmax probabilities
}

func (f *crossEntropyFn) Forward(in []*tensor.Dense) *tensor.Dense {
	n, c := checkTargets("CrossEntropy", in[0].Shape(), f.targets)
	xs := in[0].Contiguous().Data()
	logp := make([]float64, len(xs))
	softmaxInto(logp, xs, axisLayout{outer: n, n: c, inner: 1}, true)
	loss := 0.0
	for i, t := range f.targets {
		row := logp[i*c : (i+1)*c]
		s := 0.0
		for _, v := range row {
			s += v
		}
		loss -= (1-f.eps)*row[t] + f.eps/float64(c)*s
	}
	for i, v := range logp {
		logp[i] = math.Exp(v)
	}
	f.p = logp
	return tensor.Scalar(loss / float64(max(1, n)))
}

// VJP: ∂loss/∂logits[i, k] = (p[i, k] − q[i, k])/N with the smoothed
// target distribution q = (1−ε)·onehot + ε/C.
func (f *crossEntropyFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	n := len(f.targets)
	c := len(f.p) / max(1, n)
	s := g.Item() / float64(max(1, n))
	gx := tensor.New(n, c)
	gxs := gx.Data()
	u := f.eps / float64(c)
	for i, v := range f.p {
		gxs[i] = s * (v - u)
	}
	for i, t := range f.targets {
		gxs[i*c+t] -= s * (1 - f.eps)
	}
	return grads(gx)
}

// NLLLoss returns the mean negative log-likelihood −(1/N)·Σ logp[i,
// target[i]] of log-probabilities logp [N, C], PyTorch's nll_loss.
func NLLLoss(logp *Var, targets []int) *Var {
	return Apply(&nllFn{targets: slices.Clone(targets)}, logp)
}

type nllFn struct {
	targets []int
	c       int
}

func (f *nllFn) Forward(in []*tensor.Dense) *tensor.Dense {
	n, c := checkTargets("NLLLoss", in[0].Shape(), f.targets)
	f.c = c
	s := 0.0
	for i, t := range f.targets {
		s -= in[0].At(i, t)
	}
	return tensor.Scalar(s / float64(max(1, n)))
}

func (f *nllFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	n := len(f.targets)
	gx := tensor.New(n, f.c)
	v, d := -g.Item()/float64(max(1, n)), gx.Data()
	for i, t := range f.targets {
		d[i*f.c+t] = v
	}
	return grads(gx)
}

// MSELoss returns the mean squared error mean((pred − target)²); the two
// must have the same shape. target may require a gradient too.
func MSELoss(pred, target *Var) *Var {
	mustShape("MSELoss", target.Shape(), pred.Shape())
	return Apply(&mseFn{}, pred, target)
}

type mseFn struct{ d *tensor.Dense }

func (f *mseFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.d = tensor.Sub(in[0], in[1])
	s := 0.0
	for _, v := range f.d.Data() {
		s += v * v
	}
	return tensor.Scalar(s / float64(max(1, f.d.Size())))
}

func (f *mseFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	gp := tensor.MulScalar(f.d, 2*g.Item()/float64(max(1, f.d.Size())))
	var gt *tensor.Dense
	if needs[1] {
		gt = tensor.MulScalar(gp, -1)
	}
	if !needs[0] {
		gp = nil
	}
	return grads(gp, gt)
}

// BCEWithLogitsLoss returns the mean binary cross-entropy between
// sigmoid(logits) and targets in [0, 1] of the same shape, computed stably
// as max(x, 0) − x·y + log(1 + e^(−|x|)) (PyTorch's
// binary_cross_entropy_with_logits, mean reduction).
func BCEWithLogitsLoss(logits, targets *Var) *Var {
	mustShape("BCEWithLogitsLoss", targets.Shape(), logits.Shape())
	return Apply(&bceFn{}, logits, targets)
}

type bceFn struct {
	xs, ys []float64
	shape  []int
}

func (f *bceFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.shape = in[0].Shape()
	f.xs, f.ys = in[0].Contiguous().Data(), in[1].Contiguous().Data()
	s := 0.0
	for i, x := range f.xs {
		s += max(x, 0) - x*f.ys[i] + math.Log1p(math.Exp(-math.Abs(x)))
	}
	return tensor.Scalar(s / float64(max(1, len(f.xs))))
}

// VJP: ∂/∂x = (σ(x) − y)/M and ∂/∂y = −x/M.
func (f *bceFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	m := g.Item() / float64(max(1, len(f.xs)))
	var gx, gy *tensor.Dense
	if needs[0] {
		gx = tensor.New(f.shape...)
		d := gx.Data()
		for i, x := range f.xs {
			d[i] = m * (sigmoid(x) - f.ys[i])
		}
	}
	if needs[1] {
		gy = tensor.New(f.shape...)
		d := gy.Data()
		for i, x := range f.xs {
			d[i] = -m * x
		}
	}
	return grads(gx, gy)
}
