package optim

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// run is a training setup: a model, its optimiser and scheduler.
type run struct {
	net   *nn.Sequential
	opt   Optimizer
	sched *Scheduler
}

type setup struct {
	name  string
	opt   func(ps []*autograd.Var) (Optimizer, error)
	sched Schedule
}

func setups() []setup {
	return []setup{
		{"SGD/nesterov/step", func(ps []*autograd.Var) (Optimizer, error) {
			return NewSGD(ps, SGDOptions{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3})
		}, StepLR{StepSize: 3, Gamma: 0.5}},
		{"SGD/onecycle", func(ps []*autograd.Var) (Optimizer, error) {
			return NewSGD(ps, SGDOptions{LR: 0.1})
		}, OneCycleLR{MaxLR: 0.2, TotalSteps: 10}},
		{"Adam/amsgrad/cosine", func(ps []*autograd.Var) (Optimizer, error) {
			return NewAdam(ps, AdamOptions{LR: 0.01, AMSGrad: true, WeightDecay: 1e-3})
		}, CosineAnnealingLR{TMax: 5}},
		{"AdamW/onecycle", func(ps []*autograd.Var) (Optimizer, error) {
			return NewAdamW(ps, AdamOptions{})
		}, OneCycleLR{MaxLR: 0.02, TotalSteps: 10, ThreePhase: true}},
		{"RMSprop/centered/restarts", func(ps []*autograd.Var) (Optimizer, error) {
			return NewRMSprop(ps, RMSpropOptions{Momentum: 0.5, Centered: true})
		}, CosineAnnealingWarmRestarts{T0: 2, TMult: 2}},
	}
}

func newRun(t *testing.T, s setup, seed uint64) *run {
	t.Helper()
	r := newRand(seed)
	net := nn.NewSequential(nn.NewLinear(r, 3, 5, true), nn.NewBatchNorm1d(5), nn.NewTanh(), nn.NewLinear(r, 5, 2, true))
	opt, err := s.opt(nn.Params(net))
	if err != nil {
		t.Fatal(err)
	}
	sched, err := NewScheduler(opt, s.sched)
	if err != nil {
		t.Fatal(err)
	}
	return &run{net, opt, sched}
}

// step trains on batch i of a fixed sequence of batches.
func (u *run) step(i int) {
	r := newRand(uint64(100 + i))
	x := autograd.Const(tensor.RandN(r, 6, 3))
	y := autograd.Const(tensor.RandN(r, 6, 2))
	u.opt.ZeroGrad()
	nn.MSELoss{}.Forward(u.net.Forward(x), y).Backward()
	u.opt.Step()
	u.sched.Step()
}

// TestResumeIsExact checks that a run stopped after 4 steps and resumed
// from exported state (into a model and optimiser built from another seed)
// ends bit for bit where the uninterrupted run ends.
func TestResumeIsExact(t *testing.T) {
	t.Parallel()
	for _, s := range setups() {
		whole := newRun(t, s, 1)
		for i := range 8 {
			whole.step(i)
		}
		first := newRun(t, s, 1)
		for i := range 4 {
			first.step(i)
		}
		model, opt, sched := nn.StateDict(first.net), first.opt.State(), first.sched.State()
		second := newRun(t, s, 2)
		if err := nn.LoadStateDict(second.net, model); err != nil {
			t.Fatal(err)
		}
		if err := second.opt.LoadState(opt); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if err := second.sched.LoadState(sched); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for i := 4; i < 8; i++ {
			second.step(i)
		}
		want, got := nn.StateDict(whole.net), nn.StateDict(second.net)
		for i := range want {
			if !slices.Equal(got[i].Value.Data(), want[i].Value.Data()) {
				t.Errorf("%s: %s differs after resuming", s.name, want[i].Name)
			}
		}
		if whole.opt.LR() != second.opt.LR() {
			t.Errorf("%s: lr %v after resuming, want %v", s.name, second.opt.LR(), whole.opt.LR())
		}
		// Without the optimiser state the resumed run differs: the test
		// above is not vacuous.
		third := newRun(t, s, 2)
		if err := nn.LoadStateDict(third.net, model); err != nil {
			t.Fatal(err)
		}
		if err := third.sched.LoadState(sched); err != nil {
			t.Fatal(err)
		}
		for i := 4; i < 8; i++ {
			third.step(i)
		}
		if slices.Equal(nn.StateDict(third.net)[0].Value.Data(), want[0].Value.Data()) {
			t.Errorf("%s: resuming without optimiser state gave the same result", s.name)
		}
	}
}

func TestStateNames(t *testing.T) {
	t.Parallel()
	p := autograd.Param(tensor.New(2))
	q := autograd.Param(tensor.New(3))
	p.BackwardWith(tensor.Ones(2)) // q has no gradient: no state
	for _, c := range []struct {
		opt  func() (Optimizer, error)
		want []string
	}{
		{func() (Optimizer, error) {
			return NewSGD([]*autograd.Var{p, q}, SGDOptions{LR: 1, Momentum: 0.5})
		}, []string{"lr", "momentum", "0.momentum_buffer"}},
		{func() (Optimizer, error) { return NewSGD([]*autograd.Var{p, q}, SGDOptions{LR: 1}) }, []string{"lr", "momentum"}},
		{func() (Optimizer, error) { return NewAdam([]*autograd.Var{p, q}, AdamOptions{AMSGrad: true}) },
			[]string{"lr", "beta1", "0.step", "0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq"}},
		{func() (Optimizer, error) { return NewRMSprop([]*autograd.Var{p, q}, RMSpropOptions{Centered: true}) },
			[]string{"lr", "momentum", "0.step", "0.square_avg", "0.momentum_buffer", "0.grad_avg"}},
	} {
		o, err := c.opt()
		if err != nil {
			t.Fatal(err)
		}
		o.Step()
		var names []string
		for _, e := range o.State() {
			names = append(names, e.Name)
		}
		if !slices.Equal(names, c.want) {
			t.Errorf("%T state names %v, want %v", o, names, c.want)
		}
		for _, e := range o.State() {
			want := []int{2} // p's shape
			if !strings.HasPrefix(e.Name, "0.") || e.Name == "0.step" {
				want = []int{} // hyperparameters and step counts are 0-d
			}
			if !slices.Equal(e.Value.Shape(), want) {
				t.Errorf("%T: %s has shape %v, want %v", o, e.Name, e.Value.Shape(), want)
			}
		}
	}
}

func TestLoadStateErrors(t *testing.T) {
	t.Parallel()
	s := setups()[2] // Adam with AMSGrad
	src := newRun(t, s, 1)
	src.step(0)
	good := src.opt.State()
	edit := func(f func(st []nn.NamedTensor) []nn.NamedTensor) []nn.NamedTensor {
		st := make([]nn.NamedTensor, len(good))
		for i, e := range good {
			st[i] = nn.NamedTensor{Name: e.Name, Value: e.Value.Copy()}
		}
		return f(st)
	}
	for _, c := range []struct {
		name string
		st   []nn.NamedTensor
		msg  string
	}{
		{"missing lr", edit(func(st []nn.NamedTensor) []nn.NamedTensor { return st[1:] }), "missing lr"},
		{"partial", edit(func(st []nn.NamedTensor) []nn.NamedTensor { return slices.Delete(st, 3, 4) }), "only part of their state"},
		{"shape", edit(func(st []nn.NamedTensor) []nn.NamedTensor {
			st[3].Value = tensor.New(7)
			return st
		}), "shape [7]"},
		{"step count", edit(func(st []nn.NamedTensor) []nn.NamedTensor {
			st[2].Value = tensor.Scalar(1.5)
			return st
		}), "not a step count"},
		{"index out of range", edit(func(st []nn.NamedTensor) []nn.NamedTensor {
			return append(st, nn.NamedTensor{Name: "99.exp_avg", Value: tensor.New(1)})
		}), "unexpected 99.exp_avg"},
		{"other optimiser", (func() []nn.NamedTensor {
			o := newRun(t, setups()[0], 1)
			o.step(0)
			return o.opt.State()
		})(), "unexpected momentum"},
	} {
		dst := newRun(t, s, 2)
		dst.step(0)
		before := dst.opt.State()
		err := dst.opt.LoadState(c.st)
		if err == nil || !strings.HasPrefix(err.Error(), "optim: Adam state: ") || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want one about %q", c.name, err, c.msg)
		}
		var se *nn.StateError
		if strings.Contains(c.msg, "unexpected") && !errors.As(err, &se) {
			t.Errorf("%s: error does not wrap *nn.StateError", c.name)
		}
		after := dst.opt.State()
		for i := range before {
			if after[i].Name != before[i].Name || !slices.Equal(after[i].Value.Data(), before[i].Value.Data()) {
				t.Errorf("%s: state %s changed although loading failed", c.name, before[i].Name)
			}
		}
	}
	// Scheduler state.
	sc := newRun(t, s, 1).sched
	for _, st := range [][]nn.NamedTensor{
		{{Name: "last_epoch", Value: tensor.Scalar(2)}},
		{{Name: "last_epoch", Value: tensor.Scalar(-1)}, {Name: "base_lr", Value: tensor.Scalar(0.1)}},
		{{Name: "last_epoch", Value: tensor.Scalar(2.5)}, {Name: "base_lr", Value: tensor.Scalar(0.1)}},
	} {
		if err := sc.LoadState(st); err == nil {
			t.Errorf("scheduler accepted %v", st)
		}
	}
	if sc.LastEpoch() != 0 {
		t.Errorf("failed scheduler loads changed last_epoch to %d", sc.LastEpoch())
	}
}
