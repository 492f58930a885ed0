package optim

import (
	"math"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// AdamOptions configures Adam and AdamW. A zero field takes PyTorch's
// default, so the zero value is torch.optim.Adam() (or AdamW()); β₁ = 0
// and ε = 0 are therefore not expressible.
type AdamOptions struct {
	LR          float64 // learning rate; default 1e-3
	Beta1       float64 // first-moment decay β₁ in [0, 1); default 0.9
	Beta2       float64 // second-moment decay β₂ in [0, 1); default 0.999
	Eps         float64 // ε added to the denominator; default 1e-8
	WeightDecay float64 // λ: Adam adds λ·p to the gradient (default 0); AdamW decays p by lr·λ (default 1e-2)
	AMSGrad     bool    // use the running maximum of the second moment (Reddi et al., 2018)
}

// Adam is torch.optim.Adam in PyTorch 1.13 (Kingma and Ba, "Adam", 2015).
// For each parameter p with gradient g, at step t:
//
//	g ← g + λ·p                     (Adam's L2 weight decay, when λ ≠ 0)
//	m ← β₁·m + (1−β₁)·g
//	v ← β₂·v + (1−β₂)·g²
//	v̂ ← max(v̂, v) with AMSGrad, else v̂ = v
//	p ← p − lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + ε)
//
// ε is added after the bias-corrected square root (RMSprop adds it to the
// plain root).
type Adam struct {
	opt       AdamOptions
	decoupled bool
	params    []*autograd.Var
	slots     []slot
	states    []*paramState
}

// AdamW is torch.optim.AdamW in PyTorch 1.13 (Loshchilov and Hutter,
// "Decoupled Weight Decay Regularization", 2019): Adam without the L2
// term, with p ← p·(1 − lr·λ) before the update instead.
type AdamW struct{ Adam }

// NewAdam returns Adam over params. It returns an error wrapping
// ErrConfig for out-of-range hyperparameters and nil or repeated
// parameters.
func NewAdam(params []*autograd.Var, opt AdamOptions) (*Adam, error) {
	return newAdam("Adam", params, opt, false)
}

// NewAdamW returns AdamW over params (see NewAdam).
func NewAdamW(params []*autograd.Var, opt AdamOptions) (*AdamW, error) {
	a, err := newAdam("AdamW", params, opt, true)
	if err != nil {
		return nil, err
	}
	return &AdamW{*a}, nil
}

func newAdam(kind string, params []*autograd.Var, opt AdamOptions, decoupled bool) (*Adam, error) {
	if err := checkParams(kind, params); err != nil {
		return nil, err
	}
	opt.LR = orDefault(opt.LR, 1e-3)
	opt.Beta1 = orDefault(opt.Beta1, 0.9)
	opt.Beta2 = orDefault(opt.Beta2, 0.999)
	opt.Eps = orDefault(opt.Eps, 1e-8)
	if decoupled {
		opt.WeightDecay = orDefault(opt.WeightDecay, 1e-2)
	}
	for _, err := range []error{
		checkMin(kind, "LR", opt.LR, 0),
		checkBelow(kind, "Beta1", opt.Beta1, 0, 1),
		checkBelow(kind, "Beta2", opt.Beta2, 0, 1),
		checkMin(kind, "Eps", opt.Eps, 0),
		checkMin(kind, "WeightDecay", opt.WeightDecay, 0),
	} {
		if err != nil {
			return nil, err
		}
	}
	slots := []slot{{name: "step", scalar: true}, {name: "exp_avg"}, {name: "exp_avg_sq"}}
	if opt.AMSGrad {
		slots = append(slots, slot{name: "max_exp_avg_sq"})
	}
	return &Adam{opt: opt, decoupled: decoupled, params: params, slots: slots, states: make([]*paramState, len(params))}, nil
}

// Step applies one Adam (or AdamW) update.
func (o *Adam) Step() {
	lr, b1, b2, eps, wd := o.opt.LR, o.opt.Beta1, o.opt.Beta2, o.opt.Eps, o.opt.WeightDecay
	for i, p := range o.params {
		if p.Grad() == nil {
			continue
		}
		ps, gs := p.Value().Data(), p.Grad().Data()
		if o.states[i] == nil {
			o.states[i] = newState(len(ps), o.slots)
		}
		st := o.states[i]
		st.step++
		m, v := st.bufs[1], st.bufs[2]
		var vmax []float64
		if o.opt.AMSGrad {
			vmax = st.bufs[3]
		}
		if o.decoupled && wd != 0 {
			decay := 1 - lr*wd
			for j := range ps {
				ps[j] *= decay
			}
		}
		stepSize := lr / (1 - math.Pow(b1, st.step))
		bc2 := math.Sqrt(1 - math.Pow(b2, st.step))
		for j, g := range gs {
			if !o.decoupled && wd != 0 {
				g += wd * ps[j]
			}
			m[j] = m[j]*b1 + (1-b1)*g
			v[j] = v[j]*b2 + (1-b2)*g*g
			vh := v[j]
			if vmax != nil {
				vmax[j] = max(vmax[j], vh)
				vh = vmax[j]
			}
			ps[j] += -stepSize * (m[j] / (math.Sqrt(vh)/bc2 + eps))
		}
	}
}

// ZeroGrad zeroes the gradients of the parameters.
func (o *Adam) ZeroGrad() { zeroGrad(o.params) }

// LR returns the learning rate.
func (o *Adam) LR() float64 { return o.opt.LR }

// SetLR sets the learning rate.
func (o *Adam) SetLR(lr float64) { o.opt.LR = lr }

// Momentum returns β₁.
func (o *Adam) Momentum() float64 { return o.opt.Beta1 }

// SetMomentum sets β₁ (OneCycleLR cycles it, as PyTorch does for Adam's
// betas[0]).
func (o *Adam) SetMomentum(m float64) { o.opt.Beta1 = m }

// Params returns the parameters.
func (o *Adam) Params() []*autograd.Var { return o.params }

// State returns "lr", "beta1" and, for every parameter updated at least
// once, "<i>.step", "<i>.exp_avg", "<i>.exp_avg_sq" and, with AMSGrad,
// "<i>.max_exp_avg_sq".
func (o *Adam) State() []nn.NamedTensor {
	hyper := []nn.NamedTensor{{Name: "lr", Value: tensor.Scalar(o.opt.LR)}, {Name: "beta1", Value: tensor.Scalar(o.opt.Beta1)}}
	return stateExport(hyper, o.params, o.slots, o.states)
}

// LoadState restores a State of an optimiser of the same kind and
// AMSGrad setting over parameters of the same shapes.
func (o *Adam) LoadState(st []nn.NamedTensor) error {
	kind := "Adam"
	if o.decoupled {
		kind = "AdamW"
	}
	h, states, err := stateImport(kind, []string{"lr", "beta1"}, o.params, o.slots, st)
	if err != nil {
		return err
	}
	o.opt.LR, o.opt.Beta1, o.states = h[0], h[1], states
	return nil
}
