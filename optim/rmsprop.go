package optim

import (
	"math"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// RMSpropOptions configures RMSprop. A zero field takes PyTorch's
// default, so the zero value is torch.optim.RMSprop() (α = 0 and ε = 0 are
// therefore not expressible).
type RMSpropOptions struct {
	LR          float64 // learning rate; default 1e-2
	Alpha       float64 // smoothing constant α in [0, 1); default 0.99
	Eps         float64 // ε added to the root; default 1e-8
	WeightDecay float64 // L2 penalty λ added to the gradient; default 0
	Momentum    float64 // momentum factor μ; default 0
	Centered    bool    // divide by the estimated variance instead of the raw second moment
}

// RMSprop is torch.optim.RMSprop in PyTorch 1.13 (Hinton's lecture 6e;
// Graves, 2013, for the centered form). For each parameter p with
// gradient g:
//
//	g ← g + λ·p
//	s ← α·s + (1−α)·g²
//	a ← α·a + (1−α)·g,  r = √(s − a²) + ε   (centered)
//	r = √s + ε                               (otherwise)
//	b ← μ·b + g/r,  p ← p − lr·b             (μ > 0)
//	p ← p − lr·g/r                           (μ = 0)
//
// ε is added to the root, unlike Adam, which adds it after bias
// correction.
type RMSprop struct {
	opt    RMSpropOptions
	params []*autograd.Var
	slots  []slot
	states []*paramState
}

// NewRMSprop returns RMSprop over params. It returns an error wrapping
// ErrConfig for out-of-range hyperparameters and nil or repeated
// parameters.
func NewRMSprop(params []*autograd.Var, opt RMSpropOptions) (*RMSprop, error) {
	if err := checkParams("RMSprop", params); err != nil {
		return nil, err
	}
	opt.LR = orDefault(opt.LR, 1e-2)
	opt.Alpha = orDefault(opt.Alpha, 0.99)
	opt.Eps = orDefault(opt.Eps, 1e-8)
	for _, err := range []error{
		checkMin("RMSprop", "LR", opt.LR, 0),
		checkBelow("RMSprop", "Alpha", opt.Alpha, 0, 1),
		checkMin("RMSprop", "Eps", opt.Eps, 0),
		checkMin("RMSprop", "WeightDecay", opt.WeightDecay, 0),
		checkMin("RMSprop", "Momentum", opt.Momentum, 0),
	} {
		if err != nil {
			return nil, err
		}
	}
	// The momentum buffer exists even when μ = 0, so that a schedule may
	// switch momentum on later (OneCycleLR does).
	slots := []slot{{name: "step", scalar: true}, {name: "square_avg"}, {name: "momentum_buffer"}}
	if opt.Centered {
		slots = append(slots, slot{name: "grad_avg"})
	}
	return &RMSprop{opt: opt, params: params, slots: slots, states: make([]*paramState, len(params))}, nil
}

// Step applies one RMSprop update.
func (o *RMSprop) Step() {
	lr, alpha, eps, wd, mu := o.opt.LR, o.opt.Alpha, o.opt.Eps, o.opt.WeightDecay, o.opt.Momentum
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
		sq, buf := st.bufs[1], st.bufs[2]
		var ga []float64
		if o.opt.Centered {
			ga = st.bufs[3]
		}
		for j, g := range gs {
			if wd != 0 {
				g += wd * ps[j]
			}
			sq[j] = sq[j]*alpha + (1-alpha)*g*g
			var r float64
			if ga != nil {
				ga[j] = ga[j]*alpha + (1-alpha)*g
				r = math.Sqrt(sq[j]-ga[j]*ga[j]) + eps
			} else {
				r = math.Sqrt(sq[j]) + eps
			}
			if mu > 0 {
				buf[j] = buf[j]*mu + g/r
				ps[j] += -lr * buf[j]
			} else {
				ps[j] += -lr * (g / r)
			}
		}
	}
}

// ZeroGrad zeroes the gradients of the parameters.
func (o *RMSprop) ZeroGrad() { zeroGrad(o.params) }

// LR returns the learning rate.
func (o *RMSprop) LR() float64 { return o.opt.LR }

// SetLR sets the learning rate.
func (o *RMSprop) SetLR(lr float64) { o.opt.LR = lr }

// Momentum returns the momentum factor.
func (o *RMSprop) Momentum() float64 { return o.opt.Momentum }

// SetMomentum sets the momentum factor (OneCycleLR cycles it).
func (o *RMSprop) SetMomentum(m float64) { o.opt.Momentum = m }

// Params returns the parameters.
func (o *RMSprop) Params() []*autograd.Var { return o.params }

// State returns "lr", "momentum" and, for every parameter updated at
// least once, "<i>.step", "<i>.square_avg", "<i>.momentum_buffer" and,
// when centered, "<i>.grad_avg".
func (o *RMSprop) State() []nn.NamedTensor {
	hyper := []nn.NamedTensor{{Name: "lr", Value: tensor.Scalar(o.opt.LR)}, {Name: "momentum", Value: tensor.Scalar(o.opt.Momentum)}}
	return stateExport(hyper, o.params, o.slots, o.states)
}

// LoadState restores a State of an RMSprop with the same Centered setting
// over parameters of the same shapes.
func (o *RMSprop) LoadState(st []nn.NamedTensor) error {
	h, states, err := stateImport("RMSprop", []string{"lr", "momentum"}, o.params, o.slots, st)
	if err != nil {
		return err
	}
	o.opt.LR, o.opt.Momentum, o.states = h[0], h[1], states
	return nil
}
