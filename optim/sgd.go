package optim

import (
	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// SGDOptions configures SGD. The zero value is plain gradient descent
// with learning rate 0, so LR must be set.
type SGDOptions struct {
	LR          float64 // learning rate (PyTorch requires it; no default)
	Momentum    float64 // momentum factor μ; 0 means none
	Dampening   float64 // dampening τ of the momentum
	WeightDecay float64 // L2 penalty λ added to the gradient
	Nesterov    bool    // Nesterov momentum (needs Momentum > 0, Dampening = 0)
}

// SGD is stochastic gradient descent exactly as torch.optim.SGD in
// PyTorch 1.13 (Sutskever et al., 2013, for the momentum form). For each
// parameter p with gradient g:
//
//	d ← g + λ·p
//	if μ ≠ 0: b ← d on the first step, else b ← μ·b + (1−τ)·d
//	          d ← d + μ·b (Nesterov) or d ← b
//	p ← p − lr·d
type SGD struct {
	opt    SGDOptions
	params []*autograd.Var
	states []*paramState // momentum buffer, nil until the first momentum step
}

var sgdSlots = []slot{{name: "momentum_buffer"}}

// NewSGD returns SGD over params. It returns an error wrapping ErrConfig
// for negative hyperparameters, Nesterov without momentum or with
// dampening, and nil or repeated parameters.
func NewSGD(params []*autograd.Var, opt SGDOptions) (*SGD, error) {
	if err := checkParams("SGD", params); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"LR", opt.LR}, {"Momentum", opt.Momentum}, {"Dampening", opt.Dampening}, {"WeightDecay", opt.WeightDecay}} {
		if err := checkMin("SGD", c.name, c.v, 0); err != nil {
			return nil, err
		}
	}
	if opt.Nesterov && (opt.Momentum <= 0 || opt.Dampening != 0) {
		return nil, configErr("SGD: Nesterov momentum requires Momentum > 0 and Dampening = 0")
	}
	return &SGD{opt: opt, params: params, states: make([]*paramState, len(params))}, nil
}

// Step applies one SGD update.
func (o *SGD) Step() {
	lr, mu, damp, wd, nesterov := o.opt.LR, o.opt.Momentum, o.opt.Dampening, o.opt.WeightDecay, o.opt.Nesterov
	for i, p := range o.params {
		if p.Grad() == nil {
			continue
		}
		ps, gs := p.Value().Data(), p.Grad().Data()
		var buf []float64
		first := false
		if mu != 0 {
			if o.states[i] == nil {
				o.states[i] = newState(len(ps), sgdSlots)
				first = true
			}
			buf = o.states[i].bufs[0]
		}
		for j, g := range gs {
			d := g
			if wd != 0 {
				d += wd * ps[j]
			}
			if mu != 0 {
				if first {
					buf[j] = d
				} else {
					buf[j] = buf[j]*mu + (1-damp)*d
				}
				if nesterov {
					d += mu * buf[j]
				} else {
					d = buf[j]
				}
			}
			ps[j] -= lr * d
		}
	}
}

// ZeroGrad zeroes the gradients of the parameters.
func (o *SGD) ZeroGrad() { zeroGrad(o.params) }

// LR returns the learning rate.
func (o *SGD) LR() float64 { return o.opt.LR }

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.opt.LR = lr }

// Momentum returns the momentum factor.
func (o *SGD) Momentum() float64 { return o.opt.Momentum }

// SetMomentum sets the momentum factor (OneCycleLR cycles it).
func (o *SGD) SetMomentum(m float64) { o.opt.Momentum = m }

// Params returns the parameters.
func (o *SGD) Params() []*autograd.Var { return o.params }

// State returns "lr", "momentum" and "<i>.momentum_buffer" for every
// parameter that has taken a momentum step.
func (o *SGD) State() []nn.NamedTensor {
	hyper := []nn.NamedTensor{{Name: "lr", Value: tensor.Scalar(o.opt.LR)}, {Name: "momentum", Value: tensor.Scalar(o.opt.Momentum)}}
	return stateExport(hyper, o.params, sgdSlots, o.states)
}

// LoadState restores a State of an SGD over parameters of the same
// shapes.
func (o *SGD) LoadState(st []nn.NamedTensor) error {
	h, states, err := stateImport("SGD", []string{"lr", "momentum"}, o.params, sgdSlots, st)
	if err != nil {
		return err
	}
	o.opt.LR, o.opt.Momentum, o.states = h[0], h[1], states
	return nil
}
