package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// BatchNorm is torch.nn.BatchNorm1d (NewBatchNorm1d) or BatchNorm2d
// (NewBatchNorm2d) with affine=True and track_running_stats=True (Ioffe
// and Szegedy, "Batch Normalization", 2015). Over each channel c of
// x [N, C, *]:
//
//   - in training mode, y = (x − mean)/√(var + Eps)·Weight + Bias with the
//     batch mean and biased batch variance; then, without gradient,
//     RunningMean ← (1−Momentum)·RunningMean + Momentum·mean,
//     RunningVar ← (1−Momentum)·RunningVar + Momentum·var·m/(m−1) (the
//     unbiased variance over the m = N·H·W values of the channel) and
//     NumBatchesTracked ← NumBatchesTracked + 1;
//   - in evaluation mode, the running statistics replace the batch ones
//     and nothing is updated.
//
// State names are those of PyTorch: weight, bias, running_mean,
// running_var, num_batches_tracked (a 0-d float64 tensor here, int64 in
// PyTorch).
type BatchNorm struct {
	Base
	NumFeatures       int
	Eps               float64 // added to the variance; PyTorch's default 1e-5
	Momentum          float64 // running-average factor; PyTorch's default 0.1
	Weight, Bias      *autograd.Var
	RunningMean       *tensor.Dense
	RunningVar        *tensor.Dense
	NumBatchesTracked *tensor.Dense
	kind              string // "BatchNorm1d" or "BatchNorm2d", for messages
	ranks             []int  // accepted input ranks
}

// NewBatchNorm1d returns PyTorch's BatchNorm1d(c) for x [N, C] or
// [N, C, L]: Weight 1, Bias 0, RunningMean 0, RunningVar 1, Eps 1e-5,
// Momentum 0.1.
func NewBatchNorm1d(c int) *BatchNorm { return newBatchNorm("BatchNorm1d", c, 2, 3) }

// NewBatchNorm2d returns PyTorch's BatchNorm2d(c) for x [N, C, H, W],
// initialised as NewBatchNorm1d.
func NewBatchNorm2d(c int) *BatchNorm { return newBatchNorm("BatchNorm2d", c, 4) }

func newBatchNorm(kind string, c int, ranks ...int) *BatchNorm {
	if c <= 0 {
		panic(fmt.Sprintf("nn: %s(%d)", kind, c))
	}
	b := &BatchNorm{NumFeatures: c, Eps: 1e-5, Momentum: 0.1, kind: kind, ranks: ranks}
	b.Weight = b.RegisterParam("weight", autograd.Param(tensor.Ones(c)), Classical)
	b.Bias = b.RegisterParam("bias", autograd.Param(tensor.New(c)), Classical)
	b.RunningMean = b.RegisterBuffer("running_mean", tensor.New(c))
	b.RunningVar = b.RegisterBuffer("running_var", tensor.Ones(c))
	b.NumBatchesTracked = b.RegisterBuffer("num_batches_tracked", tensor.Scalar(0))
	return b
}

// Forward normalises x with batch statistics (training) or running
// statistics (evaluation); see BatchNorm.
func (b *BatchNorm) Forward(x *autograd.Var) *autograd.Var {
	shape := x.Shape()
	if !slices.Contains(b.ranks, len(shape)) || shape[1] != b.NumFeatures {
		panic(fmt.Sprintf("nn: %s(%d) of input %v", b.kind, b.NumFeatures, shape))
	}
	if b.Training() {
		return b.train(x)
	}
	// Evaluation: y = x·scale + shift with scale = Weight/√(RunningVar+Eps)
	// and shift = Bias − RunningMean·scale, both [1, C, 1, …] so that they
	// broadcast; gradients still reach Weight and Bias.
	c := b.NumFeatures
	inv := tensor.New(c)
	neg := tensor.New(c)
	for i, v := range b.RunningVar.Data() {
		inv.Data()[i] = 1 / math.Sqrt(v+b.Eps)
		neg.Data()[i] = -b.RunningMean.Data()[i]
	}
	bshape := make([]int, len(shape))
	for i := range bshape {
		bshape[i] = 1
	}
	bshape[1] = c
	scale := autograd.Mul(b.Weight, autograd.Const(inv))
	shift := autograd.Add(b.Bias, autograd.Mul(autograd.Const(neg), scale))
	return autograd.Add(autograd.Mul(x, autograd.Reshape(scale, bshape...)), autograd.Reshape(shift, bshape...))
}

func (b *BatchNorm) train(x *autograd.Var) *autograd.Var {
	m := x.Value().Size() / b.NumFeatures
	if m <= 1 {
		panic(fmt.Sprintf("nn: %s needs more than one value per channel in training, got input %v", b.kind, x.Shape()))
	}
	y, mean, bvar := autograd.BatchNorm(x, b.Weight, b.Bias, b.Eps)
	unbias := float64(m) / float64(m-1)
	rm, rv := b.RunningMean.Data(), b.RunningVar.Data()
	for i, mu := range mean.Data() {
		rm[i] = (1-b.Momentum)*rm[i] + b.Momentum*mu
		rv[i] = (1-b.Momentum)*rv[i] + b.Momentum*bvar.Data()[i]*unbias
	}
	b.NumBatchesTracked.Data()[0]++
	return y
}

// LayerNorm is torch.nn.LayerNorm with elementwise_affine=True (Ba, Kiros
// and Hinton, 2016): every slice of x over the trailing NormalizedShape
// axes is shifted to mean 0, scaled by 1/√(var + Eps) (biased variance),
// multiplied by Weight and shifted by Bias.
type LayerNorm struct {
	Base
	NormalizedShape []int
	Eps             float64 // PyTorch's default 1e-5
	Weight, Bias    *autograd.Var
}

// NewLayerNorm returns LayerNorm(shape) with Weight 1, Bias 0 and Eps
// 1e-5, PyTorch's initialisation.
func NewLayerNorm(shape ...int) *LayerNorm {
	if len(shape) == 0 {
		panic("nn: LayerNorm needs a normalized shape")
	}
	l := &LayerNorm{NormalizedShape: slices.Clone(shape), Eps: 1e-5}
	l.Weight = l.RegisterParam("weight", autograd.Param(tensor.Ones(shape...)), Classical)
	l.Bias = l.RegisterParam("bias", autograd.Param(tensor.New(shape...)), Classical)
	return l
}

// Forward returns the normalised x.
func (l *LayerNorm) Forward(x *autograd.Var) *autograd.Var {
	return autograd.LayerNorm(x, l.NormalizedShape, l.Weight, l.Bias, l.Eps)
}

// Dropout is torch.nn.Dropout: in training mode each element is zeroed
// with probability P and the others are scaled by 1/(1−P), the mask drawn
// from Rand (one Float64 per element, row-major); in evaluation mode it
// returns its input.
type Dropout struct {
	Base
	P    float64
	Rand *rand.Rand // owned by the layer; seeds the masks
}

// NewDropout returns a Dropout with probability p drawing its masks from r.
func NewDropout(p float64, r *rand.Rand) *Dropout {
	if p < 0 || p > 1 || math.IsNaN(p) {
		panic(fmt.Sprintf("nn: Dropout probability %v outside [0, 1]", p))
	}
	return &Dropout{P: p, Rand: r}
}

// Forward applies dropout in training mode and is the identity otherwise.
func (d *Dropout) Forward(x *autograd.Var) *autograd.Var {
	if !d.Training() || d.P == 0 {
		return x
	}
	if d.Rand == nil {
		panic("nn: Dropout in training mode without a *rand.Rand")
	}
	return autograd.Dropout(x, d.P, d.Rand)
}
