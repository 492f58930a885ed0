package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
)

// ErrNoShiftRule is wrapped by the error of ParamShift for a differentiated
// op whose gate has no parameter-shift rule (SpecialUnitary, Evolve, the
// amplitude embedding, gates outside package gate without ShiftRule).
var ErrNoShiftRule = errors.New("no parameter-shift rule")

// ShiftOptions configures ParamShift. The zero value differentiates with
// respect to weights and inputs with exact expectations.
type ShiftOptions struct {
	Options

	// NoInputs skips the Jacobian with respect to the inputs, so that ops
	// whose parameters depend on the inputs only (an amplitude embedding,
	// an Evolve of an image) need no rule.
	NoInputs bool

	// Shots, when positive, estimates every output of every shifted circuit
	// from this many shots (Result.Estimate) instead of computing it
	// exactly: the hardware-style estimator. Rng is then required.
	Shots int
	Rng   *rand.Rand
}

// Jacobian holds the derivatives of every output of every sample.
type Jacobian struct {
	B, K, W, P int
	// Weights[(b·K + k)·W + j] = ∂values[b·K+k]/∂weights[j].
	Weights []float64
	// Inputs[(b·K + k)·P + i] = ∂values[b·K+k]/∂inputs[b·P+i] (an output of
	// sample b depends on that sample's inputs only); nil with NoInputs.
	Inputs []float64
}

// ParamShift returns the Jacobian of the outputs by the parameter-shift
// rules of the gates: for every gate parameter that depends on the weights
// (or the inputs), ∂f/∂θ = Σ_t c_t·f(θ + s_t) over the terms of the gate's
// rule (two terms for rotations and phase gates, four for controlled
// rotations), then the chain rule of the parameter references. It costs
// two or four runs of the whole batch per parameter, and works unchanged
// with shot estimates, as on hardware. Gates without a rule are an error
// wrapping ErrNoShiftRule that names the op.
func ParamShift(c *circuit.Circuit, weights, inputs []float64, outs []Output, opt ShiftOptions) (*Jacobian, error) {
	if opt.Shots > 0 && opt.Rng == nil {
		return nil, fmt.Errorf("sim: ParamShift with %d shots needs a random source", opt.Shots)
	}
	p, err := Compile(c, outs, opt.Options)
	if err != nil {
		return nil, err
	}
	r, err := p.Forward(weights, inputs)
	if err != nil {
		return nil, err
	}
	size, nin := r.size, p.nin
	jac := &Jacobian{B: size, K: p.width, W: p.nw, P: nin, Weights: make([]float64, size*p.width*p.nw)}
	if !opt.NoInputs {
		jac.Inputs = make([]float64, size*p.width*nin)
	}
	// Check every rule first, so that a missing one fails fast.
	for i := 0; i < c.NumOps(); i++ {
		o := c.Op(i)
		if o.IsAmplitude() {
			if !opt.NoInputs {
				return nil, fmt.Errorf("sim: ParamShift: op %d (AmplitudeEmbedding): %w (set NoInputs)", i, ErrNoShiftRule)
			}
			continue
		}
		for j := 0; j < o.NumParams(); j++ {
			if !differentiated(o.Param(j), opt.NoInputs) {
				continue
			}
			if _, ok := o.Gate().(gate.ShiftRuler); !ok {
				return nil, fmt.Errorf("sim: ParamShift: op %d (%s) parameter %d: %w", i, o.Name(), j, ErrNoShiftRule)
			}
		}
	}
	d := make([]float64, size*p.width)
	for i := 0; i < c.NumOps(); i++ {
		o := c.Op(i)
		if o.IsAmplitude() {
			continue
		}
		for j := 0; j < o.NumParams(); j++ {
			pr := o.Param(j)
			if !differentiated(pr, opt.NoInputs) {
				continue
			}
			clear(d)
			for _, t := range o.Gate().(gate.ShiftRuler).ShiftRule(j) {
				vals, err := r.shifted(i, j, t.Shift, opt)
				if err != nil {
					return nil, err
				}
				for e, v := range vals {
					d[e] += t.Coeff * v
				}
			}
			for b := 0; b < size; b++ {
				x := r.row(b)
				for k := 0; k < p.width; k++ {
					e := b*p.width + k
					var in []float64
					if jac.Inputs != nil {
						in = jac.Inputs[e*nin : (e+1)*nin]
					}
					pr.AddGrad(in, jac.Weights[e*p.nw:(e+1)*p.nw], x, d[e])
				}
			}
		}
	}
	r.shiftOp = -1
	return jac, nil
}

// differentiated reports whether a parameter enters the Jacobian.
func differentiated(p circuit.Param, noInputs bool) bool {
	return p.UsesWeight() || (p.UsesInput() && !noInputs)
}

// shifted reruns the forward pass with parameter j of op i offset by by
// and returns the outputs (exact, or estimated from shots).
func (r *Result) shifted(i, j int, by float64, opt ShiftOptions) ([]float64, error) {
	r.shiftOp, r.shiftJ, r.shiftBy = i, j, by
	defer func() { r.shiftOp = -1 }()
	if err := r.computeShared(r.ws[0]); err != nil {
		return nil, err
	}
	r.forEachGroup(passForward)
	for _, e := range r.errs {
		if e != nil {
			return nil, e
		}
	}
	if opt.Shots > 0 {
		return r.Estimate(opt.Rng, opt.Shots)
	}
	return r.values, nil
}
