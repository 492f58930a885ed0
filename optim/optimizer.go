package optim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Optimizer updates parameters from the gradients accumulated in them by
// Backward. SGD, Adam, AdamW and RMSprop implement it.
type Optimizer interface {
	// Step applies one update to every parameter that has a gradient;
	// parameters whose Grad is nil are skipped, as in PyTorch.
	Step()
	// ZeroGrad zeroes the gradients of all parameters.
	ZeroGrad()
	// LR returns the current learning rate.
	LR() float64
	// SetLR changes the learning rate (what a Scheduler does).
	SetLR(lr float64)
	// Params returns the parameters, in the order that names the state.
	Params() []*autograd.Var
	// State returns copies of the optimiser's state as named tensors:
	// the learning rate, any other hyperparameter a schedule may change,
	// and per-parameter step counts and moment buffers, named
	// "<index>.<buffer>" after the parameter's position in Params.
	State() []nn.NamedTensor
	// LoadState restores a State taken from an optimiser of the same
	// kind, configuration and parameter shapes, so that a resumed run
	// continues exactly. On a mismatch it returns an error and changes
	// nothing.
	LoadState(st []nn.NamedTensor) error
}

// Momentum is implemented by optimisers with a momentum coefficient that
// OneCycleLR can cycle: SGD and RMSprop (momentum), Adam and AdamW (β₁).
type Momentum interface {
	Momentum() float64
	SetMomentum(m float64)
}

// ErrConfig is wrapped by the errors of constructors given invalid
// hyperparameters or parameter lists.
var ErrConfig = errors.New("invalid optimiser configuration")

// configErr returns an error wrapping ErrConfig.
func configErr(format string, args ...any) error {
	return fmt.Errorf("optim: "+format+": %w", append(args, ErrConfig)...)
}

// checkParams rejects nil and repeated parameters (a repeated one would
// be updated twice per step) and non-contiguous values.
func checkParams(kind string, params []*autograd.Var) error {
	seen := make(map[*autograd.Var]int, len(params))
	for i, p := range params {
		if p == nil {
			return configErr("%s: parameter %d is nil", kind, i)
		}
		if j, ok := seen[p]; ok {
			return configErr("%s: parameter %d repeats parameter %d", kind, i, j)
		}
		seen[p] = i
		if !p.Value().IsContiguous() {
			return configErr("%s: parameter %d is a non-contiguous view", kind, i)
		}
	}
	return nil
}

// checkMin returns an error unless v ≥ lo (NaN fails).
func checkMin(kind, name string, v, lo float64) error {
	if !(v >= lo) {
		return configErr("%s: %s = %v, want ≥ %v", kind, name, v, lo)
	}
	return nil
}

// checkBelow returns an error unless lo ≤ v < hi (NaN fails).
func checkBelow(kind, name string, v, lo, hi float64) error {
	if !(v >= lo && v < hi) {
		return configErr("%s: %s = %v, want in [%v, %v)", kind, name, v, lo, hi)
	}
	return nil
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// zeroGrad zeroes the gradients of params.
func zeroGrad(params []*autograd.Var) { autograd.ZeroGrad(params...) }

// slot describes one per-parameter state buffer: its name and whether it
// has the parameter's shape (else it is a 0-d step count).
type slot struct {
	name   string
	scalar bool
}

// paramState is the state of one parameter: a step count and buffers in
// the order of the optimiser's slots (nil until the first update).
type paramState struct {
	step float64
	bufs [][]float64
}

// stateExport writes the hyperparameters and per-parameter states as
// named tensors.
func stateExport(hyper []nn.NamedTensor, params []*autograd.Var, slots []slot, states []*paramState) []nn.NamedTensor {
	out := hyper
	for i, st := range states {
		if st == nil {
			continue
		}
		pre := strconv.Itoa(i) + "."
		for k, s := range slots {
			if s.scalar {
				out = append(out, nn.NamedTensor{Name: pre + s.name, Value: tensor.Scalar(st.step)})
				continue
			}
			t := tensor.New(params[i].Shape()...)
			copy(t.Data(), st.bufs[k])
			out = append(out, nn.NamedTensor{Name: pre + s.name, Value: t})
		}
	}
	return out
}

// stateImport checks st against the hyperparameter names and the slots
// of every parameter and returns the hyperparameter values and new
// per-parameter states, or an error. A parameter's slots must be all
// present or all absent (never updated).
func stateImport(kind string, hyper []string, params []*autograd.Var, slots []slot, st []nn.NamedTensor) ([]float64, []*paramState, error) {
	var targets []nn.Target
	hv := make([]*tensor.Dense, len(hyper))
	for i, h := range hyper {
		hv[i] = tensor.Scalar(0)
		targets = append(targets, nn.Target{Name: h, Value: hv[i]})
	}
	first := len(targets)
	for i, p := range params {
		for _, s := range slots {
			t := tensor.Scalar(0)
			if !s.scalar {
				t = tensor.New(p.Shape()...)
			}
			targets = append(targets, nn.Target{Name: strconv.Itoa(i) + "." + s.name, Value: t, Optional: true})
		}
	}
	loaded, err := nn.LoadState(targets, st)
	if err != nil {
		return nil, nil, fmt.Errorf("optim: %s state: %w", kind, err)
	}
	states := make([]*paramState, len(params))
	var partial []string
	for i := range params {
		row := loaded[first+i*len(slots) : first+(i+1)*len(slots)]
		n := 0
		for _, ok := range row {
			if ok {
				n++
			}
		}
		if n == 0 {
			continue
		}
		if n < len(slots) {
			partial = append(partial, strconv.Itoa(i))
			continue
		}
		ps := &paramState{bufs: make([][]float64, len(slots))}
		for k, s := range slots {
			t := targets[first+i*len(slots)+k].Value
			if s.scalar {
				ps.step = t.Item()
				if ps.step < 0 || ps.step != math.Trunc(ps.step) {
					return nil, nil, fmt.Errorf("optim: %s state: %d.%s = %v is not a step count", kind, i, s.name, ps.step)
				}
				continue
			}
			ps.bufs[k] = t.Data()
		}
		states[i] = ps
	}
	if len(partial) > 0 {
		return nil, nil, fmt.Errorf("optim: %s state: parameters %s have only part of their state", kind, strings.Join(partial, ", "))
	}
	vals := make([]float64, len(hyper))
	for i, t := range hv {
		vals[i] = t.Item()
	}
	return vals, states, nil
}

// newState allocates the buffers of one parameter's state, zeroed.
func newState(n int, slots []slot) *paramState {
	ps := &paramState{bufs: make([][]float64, len(slots))}
	for k, s := range slots {
		if !s.scalar {
			ps.bufs[k] = make([]float64, n)
		}
	}
	return ps
}
