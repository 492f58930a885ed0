package experiment

import (
	"fmt"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// reshape is a layer that gives every sample a new shape (the batch axis
// is kept).
type reshape struct {
	nn.Base
	shape []int
}

func newReshape(shape []int) *reshape { return &reshape{shape: append([]int(nil), shape...)} }

// Forward returns x reshaped to [B, shape...].
func (l *reshape) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Reshape(x, append([]int{x.Shape()[0]}, l.shape...)...)
}

// fitter is a layer whose values are fitted on the training inputs before
// training (and then kept fixed): the fitted layers of a model spec, such
// as pca and minmax. Their fitted values are buffers (zero until fitted),
// so checkpoints keep them.
type fitter interface {
	nn.Layer
	// fit fits the layer on x [N, ...], the training inputs as they reach
	// the layer.
	fit(x *tensor.Dense) error
}

// pcaLayer projects each sample (flattened) on the first principal axes
// fitted on the training set: y = (x − mean)·Cᵀ (dataset.FitPCA).
type pcaLayer struct {
	nn.Base
	k          int
	mean, comp *tensor.Dense // [F], [k, F]: zero until fitted
}

func newPCALayer(k, f int) *pcaLayer {
	l := &pcaLayer{k: k}
	l.mean = l.RegisterBuffer("mean", tensor.New(f))
	l.comp = l.RegisterBuffer("components", tensor.New(k, f))
	return l
}

func (l *pcaLayer) fit(x *tensor.Dense) error {
	n := x.Dim(0)
	f := x.Size() / max(n, 1)
	set := &dataset.Set{X: x.Contiguous().Reshape(n, f), Y: make([]int, n), Classes: []string{"0"}}
	p, err := dataset.FitPCA(set, l.k)
	if err != nil {
		return fmt.Errorf("pca: %w", err)
	}
	if f != l.mean.Size() {
		return fmt.Errorf("pca: %d features, fitted for %d", f, l.mean.Size())
	}
	copy(l.mean.Data(), p.Mean)
	l.comp.CopyFrom(p.Components)
	return nil
}

// Forward returns the projections [B, k].
func (l *pcaLayer) Forward(x *autograd.Var) *autograd.Var {
	b := x.Shape()[0]
	h := autograd.Reshape(x, b, -1)
	h = autograd.Sub(h, autograd.Const(l.mean))
	return autograd.MatMul(h, autograd.Const(l.comp.T()))
}

// minMaxLayer maps every feature affinely so that the training set spans
// [lo, hi] (dataset.FitMinMax): y = x·scale + shift.
type minMaxLayer struct {
	nn.Base
	lo, hi       float64
	scale, shift *tensor.Dense // [F]: zero until fitted
}

func newMinMaxLayer(lo, hi float64, f int) *minMaxLayer {
	l := &minMaxLayer{lo: lo, hi: hi}
	l.scale = l.RegisterBuffer("scale", tensor.New(f))
	l.shift = l.RegisterBuffer("shift", tensor.New(f))
	return l
}

func (l *minMaxLayer) fit(x *tensor.Dense) error {
	n := x.Dim(0)
	f := x.Size() / max(n, 1)
	if n == 0 {
		return fmt.Errorf("minmax: no training samples")
	}
	set := &dataset.Set{X: x.Contiguous().Reshape(n, f), Y: make([]int, n), Classes: []string{"0"}}
	m := dataset.FitMinMax(set, l.lo, l.hi)
	if f != l.scale.Size() {
		return fmt.Errorf("minmax: %d features, fitted for %d", f, l.scale.Size())
	}
	sc, sh := l.scale.Data(), l.shift.Data()
	for j := range f {
		r := m.Max[j] - m.Min[j]
		if r == 0 {
			r = 1
		}
		sc[j] = (l.hi - l.lo) / r
		sh[j] = l.lo - m.Min[j]*sc[j]
	}
	return nil
}

// Forward returns the scaled features, in x's shape.
func (l *minMaxLayer) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	h := autograd.Reshape(x, s[0], -1)
	h = autograd.Add(autograd.Mul(h, autograd.Const(l.scale)), autograd.Const(l.shift))
	return autograd.Reshape(h, s...)
}
