package optim

import (
	"errors"
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/autograd"
)

// ErrNonFiniteNorm is wrapped by ClipGradNorm's error when the gradient
// norm is NaN or infinite.
var ErrNonFiniteNorm = errors.New("non-finite gradient norm")

// ClipGradNorm scales the gradients of params in place so that their
// joint normType-norm is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_ in PyTorch 1.13, and returns the norm
// before clipping. The norm is taken over the per-parameter norms
// (the same value as over all elements), ignoring parameters without a
// gradient; normType is a p > 0 or math.Inf(1) (the largest absolute
// value). Every gradient is multiplied by min(1, maxNorm/(norm + 1e-6)),
// so a norm just under maxNorm is scaled by a factor slightly below 1, as
// in PyTorch. With no gradients at all it returns 0.
//
// When the norm is NaN or ±Inf it returns the norm and an error wrapping
// ErrNonFiniteNorm that names the first parameter with a non-finite
// gradient, and leaves the gradients unchanged (PyTorch's
// error_if_nonfinite=True; with False PyTorch would write NaNs into the
// gradients). An invalid normType or a negative or NaN maxNorm is also an
// error.
func ClipGradNorm(params []*autograd.Var, maxNorm, normType float64) (float64, error) {
	if !(normType > 0) {
		return 0, fmt.Errorf("optim: ClipGradNorm: norm type %v, want > 0 or +Inf", normType)
	}
	if !(maxNorm >= 0) {
		return 0, fmt.Errorf("optim: ClipGradNorm: max norm %v, want ≥ 0", maxNorm)
	}
	inf := math.IsInf(normType, 1)
	total, found := 0.0, false
	for _, p := range params {
		g := p.Grad()
		if g == nil {
			continue
		}
		found = true
		n := pnorm(g.Data(), normType)
		if inf {
			total = max(total, n)
		} else {
			total += math.Pow(n, normType)
		}
	}
	if !found {
		return 0, nil
	}
	if !inf {
		total = math.Pow(total, 1/normType)
	}
	if math.IsNaN(total) || math.IsInf(total, 0) {
		where := "the sum overflowed"
		if i := firstNonFinite(params); i >= 0 {
			where = fmt.Sprintf("first non-finite gradient in parameter %d", i)
		}
		return total, fmt.Errorf("optim: ClipGradNorm: %w %v (%s)", ErrNonFiniteNorm, total, where)
	}
	coef := min(maxNorm/(total+1e-6), 1)
	if coef == 1 {
		return total, nil // PyTorch multiplies by 1.0, which changes nothing
	}
	for _, p := range params {
		if g := p.Grad(); g != nil {
			d := g.Data()
			for j := range d {
				d[j] *= coef
			}
		}
	}
	return total, nil
}

// pnorm returns the p-norm of xs (the largest |x| for p = +Inf).
func pnorm(xs []float64, p float64) float64 {
	s := 0.0
	switch {
	case math.IsInf(p, 1):
		for _, x := range xs {
			if math.IsNaN(x) {
				return math.NaN()
			}
			s = max(s, math.Abs(x))
		}
		return s
	case p == 2:
		for _, x := range xs {
			s += x * x
		}
		return math.Sqrt(s)
	case p == 1:
		for _, x := range xs {
			s += math.Abs(x)
		}
		return s
	}
	for _, x := range xs {
		s += math.Pow(math.Abs(x), p)
	}
	return math.Pow(s, 1/p)
}

// firstNonFinite returns the index of the first parameter whose gradient
// holds a NaN or infinity, or −1 (the norm overflowed from finite values).
func firstNonFinite(params []*autograd.Var) int {
	for i, p := range params {
		if g := p.Grad(); g != nil {
			for _, x := range g.Data() {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return i
				}
			}
		}
	}
	return -1
}
