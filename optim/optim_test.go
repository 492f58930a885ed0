package optim

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	p := autograd.Param(tensor.New(2))
	ps := []*autograd.Var{p}
	view := autograd.Param(tensor.New(2, 3).T())
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"SGD negative lr", func() error { _, err := NewSGD(ps, SGDOptions{LR: -1}); return err }},
		{"SGD NaN momentum", func() error { _, err := NewSGD(ps, SGDOptions{LR: 1, Momentum: math.NaN()}); return err }},
		{"SGD Nesterov without momentum", func() error { _, err := NewSGD(ps, SGDOptions{LR: 1, Nesterov: true}); return err }},
		{"SGD Nesterov with dampening", func() error {
			_, err := NewSGD(ps, SGDOptions{LR: 1, Momentum: 0.9, Dampening: 0.1, Nesterov: true})
			return err
		}},
		{"SGD repeated parameter", func() error { _, err := NewSGD([]*autograd.Var{p, p}, SGDOptions{LR: 1}); return err }},
		{"SGD nil parameter", func() error { _, err := NewSGD([]*autograd.Var{nil}, SGDOptions{LR: 1}); return err }},
		{"SGD view parameter", func() error { _, err := NewSGD([]*autograd.Var{view}, SGDOptions{LR: 1}); return err }},
		{"Adam beta1 = 1", func() error { _, err := NewAdam(ps, AdamOptions{Beta1: 1}); return err }},
		{"Adam negative eps", func() error { _, err := NewAdam(ps, AdamOptions{Eps: -1}); return err }},
		{"AdamW negative weight decay", func() error { _, err := NewAdamW(ps, AdamOptions{WeightDecay: -1}); return err }},
		{"RMSprop alpha > 1", func() error { _, err := NewRMSprop(ps, RMSpropOptions{Alpha: 2}); return err }},
		{"RMSprop negative momentum", func() error { _, err := NewRMSprop(ps, RMSpropOptions{Momentum: -0.1}); return err }},
	} {
		if err := c.f(); !errors.Is(err, ErrConfig) || !strings.HasPrefix(err.Error(), "optim: ") {
			t.Errorf("%s: error %v, want an optim: error wrapping ErrConfig", c.name, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	ps := []*autograd.Var{autograd.Param(tensor.New(1))}
	a, _ := NewAdam(ps, AdamOptions{})
	w, _ := NewAdamW(ps, AdamOptions{})
	r, _ := NewRMSprop(ps, RMSpropOptions{})
	for _, c := range []struct {
		name      string
		got, want AdamOptions
	}{
		{"Adam", a.opt, AdamOptions{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"AdamW", w.opt, AdamOptions{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2}},
	} {
		if c.got != c.want {
			t.Errorf("%s defaults %+v, want PyTorch's %+v", c.name, c.got, c.want)
		}
	}
	if want := (RMSpropOptions{LR: 1e-2, Alpha: 0.99, Eps: 1e-8}); r.opt != want {
		t.Errorf("RMSprop defaults %+v, want PyTorch's %+v", r.opt, want)
	}
}

// TestStepSkipsParamsWithoutGrad checks PyTorch's rule that a parameter
// whose gradient is None is neither updated nor given state.
func TestStepSkipsParamsWithoutGrad(t *testing.T) {
	t.Parallel()
	for _, s := range setups() {
		p := autograd.Param(tensor.FromSlice([]float64{1, 2}, 2))
		q := autograd.Param(tensor.FromSlice([]float64{3}, 1))
		autograd.Sum(autograd.Mul(p, p), false).Backward()
		o, err := s.opt([]*autograd.Var{p, q})
		if err != nil {
			t.Fatal(err)
		}
		o.Step()
		if q.Value().Data()[0] != 3 {
			t.Errorf("%s: parameter without gradient changed", s.name)
		}
		if slices.Equal(p.Value().Data(), []float64{1, 2}) {
			t.Errorf("%s: parameter with gradient unchanged", s.name)
		}
		for _, e := range o.State() {
			if strings.HasPrefix(e.Name, "1.") {
				t.Errorf("%s: state %s for a parameter without gradient", s.name, e.Name)
			}
		}
	}
}

// TestStepDoesNotAllocate checks that an update allocates nothing once
// the state buffers exist.
func TestStepDoesNotAllocate(t *testing.T) {
	for _, s := range setups() {
		r := newRand(3)
		ps := []*autograd.Var{autograd.Param(tensor.RandN(r, 4, 5)), autograd.Param(tensor.RandN(r, 5))}
		for _, p := range ps {
			p.BackwardWith(tensor.RandN(r, p.Shape()...))
		}
		o, err := s.opt(ps)
		if err != nil {
			t.Fatal(err)
		}
		o.Step()
		if n := testing.AllocsPerRun(10, o.Step); n != 0 {
			t.Errorf("%s: Step allocates %v times", s.name, n)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	t.Parallel()
	grad := func(vs ...float64) *autograd.Var {
		p := autograd.Param(tensor.New(len(vs)))
		p.BackwardWith(tensor.FromSlice(slices.Clone(vs), len(vs)))
		return p
	}
	// ‖(3, 4)‖ = 5 over two parameters; max 1 scales by 1/(5 + 1e-6).
	a, b := grad(3), grad(4)
	norm, err := ClipGradNorm([]*autograd.Var{a, b}, 1, 2)
	if err != nil || norm != 5 {
		t.Fatalf("norm %v, err %v, want 5", norm, err)
	}
	if got, want := a.Grad().Data()[0], 3/(5+1e-6); got != want {
		t.Errorf("clipped gradient %v, want %v", got, want)
	}
	// No gradients at all: norm 0.
	if n, err := ClipGradNorm([]*autograd.Var{autograd.Param(tensor.New(2))}, 1, 2); n != 0 || err != nil {
		t.Errorf("no gradients: %v, %v", n, err)
	}
	// Non-finite norms: an error naming the parameter, gradients untouched.
	for _, c := range []struct {
		vals  []float64
		where string
	}{
		{[]float64{1, math.NaN()}, "parameter 1"},
		{[]float64{math.Inf(-1), 0}, "parameter 1"},
		{[]float64{1e300, 1e300}, "overflowed"},
	} {
		ok, bad := grad(1), grad(c.vals...)
		n, err := ClipGradNorm([]*autograd.Var{ok, bad}, 1, 2)
		if !errors.Is(err, ErrNonFiniteNorm) || !strings.Contains(err.Error(), c.where) {
			t.Errorf("%v: error %v, want ErrNonFiniteNorm mentioning %q", c.vals, err, c.where)
		}
		if !math.IsNaN(n) && !math.IsInf(n, 1) {
			t.Errorf("%v: norm %v, want NaN or +Inf", c.vals, n)
		}
		if ok.Grad().Data()[0] != 1 {
			t.Errorf("%v: gradients changed despite the error", c.vals)
		}
	}
	for _, bad := range [][2]float64{{1, 0}, {1, -2}, {1, math.NaN()}, {-1, 2}} {
		if _, err := ClipGradNorm([]*autograd.Var{grad(1)}, bad[0], bad[1]); err == nil {
			t.Errorf("max norm %v, norm type %v accepted", bad[0], bad[1])
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	t.Parallel()
	ps := []*autograd.Var{autograd.Param(tensor.New(1))}
	sgd, _ := NewSGD(ps, SGDOptions{LR: 0.1})
	for _, s := range []Schedule{
		StepLR{}, StepLR{StepSize: 1, Gamma: -1}, ExponentialLR{}, CosineAnnealingLR{},
		CosineAnnealingWarmRestarts{}, CosineAnnealingWarmRestarts{T0: 2, TMult: -1},
		OneCycleLR{TotalSteps: 5}, OneCycleLR{MaxLR: 1}, OneCycleLR{MaxLR: 1, TotalSteps: 5, PctStart: 2},
		OneCycleLR{MaxLR: 1, TotalSteps: 5, AnnealStrategy: "exp"},
	} {
		if _, err := NewScheduler(sgd, s); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: error %v, want ErrConfig", s, err)
		}
	}
	// A momentum-cycling schedule needs an optimiser with momentum.
	if _, err := NewScheduler(noMomentum{sgd}, OneCycleLR{MaxLR: 1, TotalSteps: 5}); !errors.Is(err, ErrConfig) {
		t.Errorf("OneCycleLR on an optimiser without momentum: %v", err)
	}
	if _, err := NewScheduler(noMomentum{sgd}, OneCycleLR{MaxLR: 1, TotalSteps: 5, NoCycleMomentum: true}); err != nil {
		t.Errorf("OneCycleLR without momentum cycling: %v", err)
	}
	// Stepping OneCycleLR past TotalSteps panics, as PyTorch raises.
	sc, err := NewScheduler(sgd, OneCycleLR{MaxLR: 1, TotalSteps: 2})
	if err != nil {
		t.Fatal(err)
	}
	sc.Step()
	sc.Step()
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "OneCycleLR stepped 3 times") {
			t.Errorf("panic %q", msg)
		}
	}()
	sc.Step()
}

// noMomentum hides the momentum methods of an optimiser.
type noMomentum struct{ Optimizer }

// TestScheduleAnalytic checks closed forms at points where they are
// known exactly, independently of the PyTorch values.
func TestScheduleAnalytic(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		s    Schedule
		t    int
		want float64
	}{
		{"cosine half period", CosineAnnealingLR{TMax: 10, EtaMin: 0.2}, 5, 0.6},
		{"cosine end", CosineAnnealingLR{TMax: 10, EtaMin: 0.2}, 10, 0.2},
		{"cosine full period", CosineAnnealingLR{TMax: 10, EtaMin: 0.2}, 20, 1},
		{"restart", CosineAnnealingWarmRestarts{T0: 3, TMult: 2}, 3, 1},
		{"second period midpoint", CosineAnnealingWarmRestarts{T0: 3, TMult: 2}, 6, 0.5},
		{"third period start", CosineAnnealingWarmRestarts{T0: 3, TMult: 2}, 9, 1},
		{"step", StepLR{StepSize: 2, Gamma: 0.5}, 5, 0.25},
		{"exponential", ExponentialLR{Gamma: 0.5}, 3, 0.125},
		{"onecycle start", OneCycleLR{MaxLR: 2, TotalSteps: 10}, 0, 2.0 / 25},
		{"onecycle peak", OneCycleLR{MaxLR: 2, TotalSteps: 10}, 2, 2},
		{"onecycle end", OneCycleLR{MaxLR: 2, TotalSteps: 10}, 9, 2.0 / 25 / 1e4},
	} {
		if got := c.s.LR(1, c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: LR(1, %d) = %v, want %v", c.name, c.t, got, c.want)
		}
	}
}

// TestXOR trains a small MLP on XOR with Adam: a seeded, deterministic
// end-to-end run of nn and optim together.
func TestXOR(t *testing.T) {
	t.Parallel()
	train := func() ([]float64, float64, int) {
		r := newRand(42)
		net := nn.NewSequential(nn.NewLinear(r, 2, 8, true), nn.NewTanh(), nn.NewLinear(r, 8, 2, true))
		opt, err := NewAdam(nn.Params(net), AdamOptions{LR: 0.05})
		if err != nil {
			t.Fatal(err)
		}
		x := autograd.Const(tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2))
		y := []int{0, 1, 1, 0}
		var loss float64
		for range 300 {
			opt.ZeroGrad()
			l := nn.CrossEntropyLoss{}.Forward(net.Forward(x), y)
			l.Backward()
			opt.Step()
			loss = l.Item()
		}
		correct := 0
		for i, c := range tensor.ArgMax(net.Forward(autograd.NoGrad(x.Value())).Value(), 1) {
			if c == y[i] {
				correct++
			}
		}
		return nn.StateDict(net)[0].Value.Data(), loss, correct
	}
	w1, loss, correct := train()
	t.Logf("XOR: final loss %.3g", loss)
	if correct != 4 || loss > 0.05 {
		t.Errorf("XOR: %d/4 correct, final loss %v (want 4/4 and < 0.05)", correct, loss)
	}
	if w2, _, _ := train(); !slices.Equal(w1, w2) {
		t.Error("two seeded runs differ")
	}
}
