package optim

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Schedule gives a learning rate as a pure function of the base rate (the
// optimiser's rate when the Scheduler was made, PyTorch's initial_lr) and
// of t, the number of Scheduler.Step calls so far (PyTorch's last_epoch).
// The schedules here are PyTorch 1.13's in closed form; PyTorch updates
// some of them recursively, which agrees to rounding.
type Schedule interface {
	LR(base float64, t int) float64
}

// MomentumSchedule is a Schedule that also drives the optimiser's
// momentum (OneCycleLR).
type MomentumSchedule interface {
	Schedule
	// Momentum returns the momentum at t, and false when the schedule
	// leaves momentum alone.
	Momentum(t int) (float64, bool)
}

// validator is implemented by schedules that check their settings.
type validator interface{ validate() error }

// Scheduler applies a Schedule to an optimiser, like PyTorch's
// LRScheduler: NewScheduler sets the rate for t = 0 and every Step
// advances t and sets the rate for it. Whether t counts epochs or batches
// is the caller's choice, as in PyTorch: call Step once per epoch for
// StepLR, ExponentialLR, CosineAnnealingLR and CosineAnnealingWarmRestarts
// (with their periods in epochs), and once per batch for OneCycleLR
// (TotalSteps = epochs × batches per epoch). Per-batch stepping of the
// other schedules works the same with periods given in batches; for
// CosineAnnealingWarmRestarts that equals PyTorch's fractional
// step(epoch + i/iters).
type Scheduler struct {
	opt   Optimizer
	sched Schedule
	base  float64
	t     int
}

// NewScheduler attaches s to opt, takes opt's current rate as the base
// rate and sets the rate (and momentum, for a MomentumSchedule) for
// t = 0. It returns an error wrapping ErrConfig when s's settings are
// invalid or s cycles momentum and opt has none.
func NewScheduler(opt Optimizer, s Schedule) (*Scheduler, error) {
	if v, ok := s.(validator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	if ms, ok := s.(MomentumSchedule); ok {
		if _, cycles := ms.Momentum(0); cycles {
			if _, ok := opt.(Momentum); !ok {
				return nil, configErr("%T cycles momentum, but %T has none", s, opt)
			}
		}
	}
	sc := &Scheduler{opt: opt, sched: s, base: opt.LR()}
	sc.apply()
	return sc, nil
}

// apply sets the optimiser's rate (and momentum) for the current t.
func (s *Scheduler) apply() {
	s.opt.SetLR(s.sched.LR(s.base, s.t))
	if ms, ok := s.sched.(MomentumSchedule); ok {
		if m, cycles := ms.Momentum(s.t); cycles {
			s.opt.(Momentum).SetMomentum(m)
		}
	}
}

// Step advances the schedule by one epoch or batch and updates the
// optimiser. Call it after the optimiser's Step, as in PyTorch.
func (s *Scheduler) Step() {
	s.t++
	s.apply()
}

// LastEpoch returns t, the number of Step calls (PyTorch's last_epoch).
func (s *Scheduler) LastEpoch() int { return s.t }

// LR returns the rate the scheduler last set (PyTorch's get_last_lr).
func (s *Scheduler) LR() float64 { return s.sched.LR(s.base, s.t) }

// State returns "last_epoch" and "base_lr", what a resumed run needs
// besides the optimiser's own state.
func (s *Scheduler) State() []nn.NamedTensor {
	return []nn.NamedTensor{
		{Name: "last_epoch", Value: tensor.Scalar(float64(s.t))},
		{Name: "base_lr", Value: tensor.Scalar(s.base)},
	}
}

// LoadState restores a State and sets the optimiser's rate (and
// momentum) for the restored t. It returns an error and changes nothing
// when names or values do not fit.
func (s *Scheduler) LoadState(st []nn.NamedTensor) error {
	t, base := tensor.Scalar(0), tensor.Scalar(0)
	if _, err := nn.LoadState([]nn.Target{{Name: "last_epoch", Value: t}, {Name: "base_lr", Value: base}}, st); err != nil {
		return fmt.Errorf("optim: scheduler state: %w", err)
	}
	if v := t.Item(); v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
		return fmt.Errorf("optim: scheduler state: last_epoch = %v is not a step count", v)
	}
	s.t, s.base = int(t.Item()), base.Item()
	s.apply()
	return nil
}

// StepLR is torch.optim.lr_scheduler.StepLR: base·Gamma^⌊t/StepSize⌋.
type StepLR struct {
	StepSize int     // period of the decay, > 0
	Gamma    float64 // decay factor; 0 means PyTorch's default 0.1
}

// LR returns base·Gamma^⌊t/StepSize⌋.
func (s StepLR) LR(base float64, t int) float64 {
	return base * math.Pow(orDefault(s.Gamma, 0.1), float64(t/s.StepSize))
}

func (s StepLR) validate() error {
	if s.StepSize <= 0 {
		return configErr("StepLR: StepSize = %d, want > 0", s.StepSize)
	}
	return checkMin("StepLR", "Gamma", s.Gamma, 0)
}

// ExponentialLR is torch.optim.lr_scheduler.ExponentialLR: base·Gammaᵗ.
type ExponentialLR struct {
	Gamma float64 // decay factor per step, > 0 (PyTorch requires it)
}

// LR returns base·Gammaᵗ.
func (s ExponentialLR) LR(base float64, t int) float64 {
	return base * math.Pow(s.Gamma, float64(t))
}

func (s ExponentialLR) validate() error {
	if !(s.Gamma > 0) {
		return configErr("ExponentialLR: Gamma = %v, want > 0", s.Gamma)
	}
	return nil
}

// CosineAnnealingLR is torch.optim.lr_scheduler.CosineAnnealingLR
// (Loshchilov and Hutter, "SGDR", 2017, without restarts):
// EtaMin + (base − EtaMin)·(1 + cos(π·t/TMax))/2. Past TMax the cosine
// continues, so the rate rises again, as in PyTorch.
type CosineAnnealingLR struct {
	TMax   int     // half period, > 0
	EtaMin float64 // minimum rate
}

// LR returns the annealed rate at t.
func (s CosineAnnealingLR) LR(base float64, t int) float64 {
	return s.EtaMin + (base-s.EtaMin)*(1+math.Cos(math.Pi*float64(t)/float64(s.TMax)))/2
}

func (s CosineAnnealingLR) validate() error {
	if s.TMax <= 0 {
		return configErr("CosineAnnealingLR: TMax = %d, want > 0", s.TMax)
	}
	return nil
}

// CosineAnnealingWarmRestarts is
// torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (SGDR): cosine
// annealing from base to EtaMin over T₀ steps, restarted at base, each
// period TMult times the previous one.
type CosineAnnealingWarmRestarts struct {
	T0     int     // first period, > 0
	TMult  int     // period growth factor ≥ 1; 0 means PyTorch's default 1
	EtaMin float64 // minimum rate
}

// LR returns EtaMin + (base − EtaMin)·(1 + cos(π·T_cur/T_i))/2, where T_i
// is the current period and T_cur the steps since the last restart
// (integer arithmetic, as PyTorch's step() without an epoch argument).
func (s CosineAnnealingWarmRestarts) LR(base float64, t int) float64 {
	ti, cur, mult := s.T0, t, max(s.TMult, 1)
	for cur >= ti {
		cur -= ti
		ti *= mult
	}
	return s.EtaMin + (base-s.EtaMin)*(1+math.Cos(math.Pi*float64(cur)/float64(ti)))/2
}

func (s CosineAnnealingWarmRestarts) validate() error {
	if s.T0 <= 0 || s.TMult < 0 {
		return configErr("CosineAnnealingWarmRestarts: T0 = %d, TMult = %d, want T0 > 0 and TMult ≥ 1", s.T0, s.TMult)
	}
	return nil
}

// OneCycleLR is torch.optim.lr_scheduler.OneCycleLR (Smith and Topin,
// "Super-Convergence", 2018), stepped once per batch. The rate rises from
// MaxLR/DivFactor to MaxLR over the first PctStart of TotalSteps, then
// falls to MaxLR/(DivFactor·FinalDivFactor); with ThreePhase it first
// falls back to MaxLR/DivFactor symmetrically and only then to the
// minimum. Momentum moves the opposite way between MaxMomentum and
// BaseMomentum unless NoCycleMomentum is set. The base rate of the
// optimiser is ignored, as in PyTorch. Zero fields take PyTorch's
// defaults.
type OneCycleLR struct {
	MaxLR           float64 // peak rate, > 0
	TotalSteps      int     // number of steps in the cycle, > 0
	PctStart        float64 // fraction of the cycle spent rising; default 0.3
	AnnealStrategy  string  // "cos" (default) or "linear"
	DivFactor       float64 // initial rate = MaxLR/DivFactor; default 25
	FinalDivFactor  float64 // minimum rate = initial/FinalDivFactor; default 1e4
	ThreePhase      bool    // use PyTorch's three-phase variant
	NoCycleMomentum bool    // leave momentum alone (PyTorch's cycle_momentum=False)
	BaseMomentum    float64 // lowest momentum; default 0.85
	MaxMomentum     float64 // highest momentum; default 0.95
}

// phase is one segment of the cycle: rate and momentum annealed from
// start to end while t goes up to end step.
type phase struct {
	end        float64
	lr0, lr1   float64
	mom0, mom1 float64
}

func (s OneCycleLR) phases() []phase {
	pct := orDefault(s.PctStart, 0.3)
	initial := s.MaxLR / orDefault(s.DivFactor, 25)
	minLR := initial / orDefault(s.FinalDivFactor, 1e4)
	base, top := orDefault(s.BaseMomentum, 0.85), orDefault(s.MaxMomentum, 0.95)
	n := float64(s.TotalSteps)
	if s.ThreePhase {
		return []phase{
			{end: pct*n - 1, lr0: initial, lr1: s.MaxLR, mom0: top, mom1: base},
			{end: 2*pct*n - 2, lr0: s.MaxLR, lr1: initial, mom0: base, mom1: top},
			{end: n - 1, lr0: initial, lr1: minLR, mom0: top, mom1: top},
		}
	}
	return []phase{
		{end: pct*n - 1, lr0: initial, lr1: s.MaxLR, mom0: top, mom1: base},
		{end: n - 1, lr0: s.MaxLR, lr1: minLR, mom0: base, mom1: top},
	}
}

// at returns the rate and momentum at t, following PyTorch's get_lr: the
// first phase whose end is ≥ t (or the last one), annealed by the
// fraction of it elapsed. It panics when t > TotalSteps, where PyTorch
// raises "Tried to step … times".
func (s OneCycleLR) at(t int) (lr, mom float64) {
	if t > s.TotalSteps {
		panic(fmt.Sprintf("optim: OneCycleLR stepped %d times, more than TotalSteps = %d", t, s.TotalSteps))
	}
	anneal := func(a, b, pct float64) float64 { return b + (a-b)/2*(math.Cos(math.Pi*pct)+1) }
	if s.AnnealStrategy == "linear" {
		anneal = func(a, b, pct float64) float64 { return (b-a)*pct + a }
	}
	ph := s.phases()
	start := 0.0
	x := float64(t)
	for i, p := range ph {
		if x <= p.end || i == len(ph)-1 {
			pct := (x - start) / (p.end - start)
			return anneal(p.lr0, p.lr1, pct), anneal(p.mom0, p.mom1, pct)
		}
		start = p.end
	}
	panic("optim: OneCycleLR has no phase") // unreachable: the last phase always matches
}

// LR returns the rate at t; base is ignored.
func (s OneCycleLR) LR(_ float64, t int) float64 {
	lr, _ := s.at(t)
	return lr
}

// Momentum returns the momentum at t, or false with NoCycleMomentum.
func (s OneCycleLR) Momentum(t int) (float64, bool) {
	if s.NoCycleMomentum {
		return 0, false
	}
	_, m := s.at(t)
	return m, true
}

func (s OneCycleLR) validate() error {
	switch {
	case !(s.MaxLR > 0):
		return configErr("OneCycleLR: MaxLR = %v, want > 0", s.MaxLR)
	case s.TotalSteps <= 0:
		return configErr("OneCycleLR: TotalSteps = %d, want > 0", s.TotalSteps)
	case !(s.PctStart >= 0 && s.PctStart <= 1):
		return configErr("OneCycleLR: PctStart = %v, want in [0, 1]", s.PctStart)
	case s.AnnealStrategy != "" && s.AnnealStrategy != "cos" && s.AnnealStrategy != "linear":
		return configErr("OneCycleLR: AnnealStrategy %q, want \"cos\" or \"linear\"", s.AnnealStrategy)
	case s.DivFactor < 0 || s.FinalDivFactor < 0:
		return configErr("OneCycleLR: negative DivFactor or FinalDivFactor")
	}
	return nil
}
