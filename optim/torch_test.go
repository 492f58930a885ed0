package optim

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// torchFile is testdata/torch.json, written by testdata/gen_torch.py (see
// testdata/README.md for its provenance).
type torchFile struct {
	TorchVersion string                `json:"torch_version"`
	Init         map[string]torchArray `json:"init"`
	X            torchArray            `json:"x"`
	Y            torchArray            `json:"y"`
	Trajectories []struct {
		Name     string       `json:"name"`
		Kind     string       `json:"kind"`
		Options  torchOptions `json:"options"`
		Schedule *struct {
			Kind    string       `json:"kind"`
			Options torchOptions `json:"options"`
		} `json:"schedule"`
		Losses []float64               `json:"losses"`
		Params []map[string]torchArray `json:"params"`
		State  map[string]torchArray   `json:"state"`
	} `json:"trajectories"`
	Schedules []struct {
		Name      string       `json:"name"`
		Kind      string       `json:"kind"`
		Options   torchOptions `json:"options"`
		Optimizer string       `json:"optimizer"`
		BaseLR    float64      `json:"base_lr"`
		LRs       []float64    `json:"lrs"`
		Momentums []float64    `json:"momentums"`
	} `json:"schedules"`
	Clip []struct {
		Name     string          `json:"name"`
		MaxNorm  float64         `json:"max_norm"`
		NormType json.RawMessage `json:"norm_type"`
		Grads    []torchArray    `json:"grads"`
		Norm     float64         `json:"norm"`
		Clipped  []torchArray    `json:"clipped"`
	} `json:"clip"`
}

type torchArray struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (a torchArray) dense() *tensor.Dense { return tensor.FromSlice(slices.Clone(a.Data), a.Shape...) }

// torchOptions holds the keyword arguments of PyTorch's optimisers and
// schedulers that the cases use.
type torchOptions struct {
	LR             float64   `json:"lr"`
	Momentum       float64   `json:"momentum"`
	Dampening      float64   `json:"dampening"`
	WeightDecay    float64   `json:"weight_decay"`
	Nesterov       bool      `json:"nesterov"`
	Betas          []float64 `json:"betas"`
	Eps            float64   `json:"eps"`
	AMSGrad        bool      `json:"amsgrad"`
	Alpha          float64   `json:"alpha"`
	Centered       bool      `json:"centered"`
	StepSize       int       `json:"step_size"`
	Gamma          float64   `json:"gamma"`
	TMax           int       `json:"T_max"`
	EtaMin         float64   `json:"eta_min"`
	T0             int       `json:"T_0"`
	TMult          int       `json:"T_mult"`
	MaxLR          float64   `json:"max_lr"`
	TotalSteps     int       `json:"total_steps"`
	PctStart       float64   `json:"pct_start"`
	AnnealStrategy string    `json:"anneal_strategy"`
	ThreePhase     bool      `json:"three_phase"`
	DivFactor      float64   `json:"div_factor"`
	FinalDivFactor float64   `json:"final_div_factor"`
	BaseMomentum   float64   `json:"base_momentum"`
	MaxMomentum    float64   `json:"max_momentum"`
	CycleMomentum  *bool     `json:"cycle_momentum"`
}

func loadTorch(t *testing.T) *torchFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var f torchFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("testdata/torch.json: %v", err)
	}
	if len(f.Trajectories) == 0 || len(f.Schedules) == 0 || len(f.Clip) == 0 {
		t.Fatal("testdata/torch.json lacks a group of cases")
	}
	return &f
}

// near reports |got − want| ≤ 1e-12 + 1e-10·|want|: the float64
// operations agree with PyTorch's to rounding.
func near(got, want float64) bool { return math.Abs(got-want) <= 1e-12+1e-10*math.Abs(want) }

func closeAll(got, want []float64) (int, bool) {
	if len(got) != len(want) {
		return -1, false
	}
	for i := range want {
		if !near(got[i], want[i]) {
			return i, false
		}
	}
	return 0, true
}

// newOptimizer builds the optimiser of a case from PyTorch's keyword
// arguments.
func newOptimizer(t *testing.T, kind string, o torchOptions, params []*autograd.Var) Optimizer {
	t.Helper()
	var opt Optimizer
	var err error
	switch kind {
	case "sgd":
		opt, err = NewSGD(params, SGDOptions{LR: o.LR, Momentum: o.Momentum, Dampening: o.Dampening, WeightDecay: o.WeightDecay, Nesterov: o.Nesterov})
	case "adam", "adamw":
		ao := AdamOptions{LR: o.LR, Beta1: o.Betas[0], Beta2: o.Betas[1], Eps: o.Eps, WeightDecay: o.WeightDecay, AMSGrad: o.AMSGrad}
		if kind == "adam" {
			opt, err = NewAdam(params, ao)
		} else {
			opt, err = NewAdamW(params, ao)
		}
	case "rmsprop":
		opt, err = NewRMSprop(params, RMSpropOptions{LR: o.LR, Alpha: o.Alpha, Eps: o.Eps, WeightDecay: o.WeightDecay, Momentum: o.Momentum, Centered: o.Centered})
	default:
		t.Fatalf("unknown optimiser %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// newSchedule maps PyTorch's scheduler arguments to a Schedule.
func newSchedule(t *testing.T, kind string, o torchOptions) Schedule {
	t.Helper()
	switch kind {
	case "step":
		return StepLR{StepSize: o.StepSize, Gamma: o.Gamma}
	case "exponential":
		return ExponentialLR{Gamma: o.Gamma}
	case "cosine":
		return CosineAnnealingLR{TMax: o.TMax, EtaMin: o.EtaMin}
	case "warm_restarts":
		return CosineAnnealingWarmRestarts{T0: o.T0, TMult: o.TMult, EtaMin: o.EtaMin}
	case "onecycle":
		return OneCycleLR{MaxLR: o.MaxLR, TotalSteps: o.TotalSteps, PctStart: o.PctStart, AnnealStrategy: o.AnnealStrategy,
			DivFactor: o.DivFactor, FinalDivFactor: o.FinalDivFactor, ThreePhase: o.ThreePhase,
			NoCycleMomentum: o.CycleMomentum != nil && !*o.CycleMomentum, BaseMomentum: o.BaseMomentum, MaxMomentum: o.MaxMomentum}
	}
	t.Fatalf("unknown schedule %q", kind)
	return nil
}

// smallNet is the trajectories' network: Linear(3,4) → Tanh → Linear(4,2).
func smallNet(t *testing.T, f *torchFile) *nn.Sequential {
	t.Helper()
	r := newRand(1) // overwritten by the initial state
	net := nn.NewSequential(nn.NewLinear(r, 3, 4, true), nn.NewTanh(), nn.NewLinear(r, 4, 2, true))
	var sd []nn.NamedTensor
	for _, e := range nn.StateDict(net) {
		a, ok := f.Init[e.Name]
		if !ok {
			t.Fatalf("initial state lacks %s", e.Name)
		}
		sd = append(sd, nn.NamedTensor{Name: e.Name, Value: a.dense()})
	}
	if err := nn.LoadStateDict(net, sd); err != nil {
		t.Fatal(err)
	}
	return net
}

func TestTrajectoriesAgainstPyTorch(t *testing.T) {
	t.Parallel()
	f := loadTorch(t)
	x, y := autograd.Const(f.X.dense()), autograd.Const(f.Y.dense())
	for _, c := range f.Trajectories {
		t.Run(c.Name, func(t *testing.T) {
			net := smallNet(t, f)
			opt := newOptimizer(t, c.Kind, c.Options, nn.Params(net))
			var sched *Scheduler
			if c.Schedule != nil {
				var err error
				if sched, err = NewScheduler(opt, newSchedule(t, c.Schedule.Kind, c.Schedule.Options)); err != nil {
					t.Fatal(err)
				}
			}
			for step, want := range c.Params {
				opt.ZeroGrad()
				loss := nn.MSELoss{}.Forward(net.Forward(x), y)
				if !near(loss.Item(), c.Losses[step]) {
					t.Fatalf("step %d: loss %.15g, PyTorch %.15g", step, loss.Item(), c.Losses[step])
				}
				loss.Backward()
				opt.Step()
				if sched != nil {
					sched.Step()
				}
				for _, p := range nn.NamedParams(net) {
					if i, ok := closeAll(p.Var.Value().Data(), want[p.Name].Data); !ok {
						t.Fatalf("after step %d: %s[%d] = %.15g, PyTorch %.15g", step+1, p.Name, i,
							p.Var.Value().Data()[max(i, 0)], want[p.Name].Data[max(i, 0)])
					}
				}
			}
			// Every buffer of PyTorch's optimiser state is in ours, under
			// the same name and with the same values.
			ours := map[string]*tensor.Dense{}
			for _, e := range opt.State() {
				ours[e.Name] = e.Value
			}
			if len(c.State) == 0 && c.Kind != "sgd" {
				t.Fatal("PyTorch state is empty")
			}
			for _, name := range slices.Sorted(maps.Keys(c.State)) {
				got, ok := ours[name]
				if !ok {
					t.Errorf("state %s missing", name)
					continue
				}
				if i, ok := closeAll(got.Data(), c.State[name].Data); !ok {
					t.Errorf("state %s[%d] differs from PyTorch", name, i)
				}
			}
		})
	}
}

func TestSchedulesAgainstPyTorch(t *testing.T) {
	t.Parallel()
	for _, c := range loadTorch(t).Schedules {
		t.Run(c.Name, func(t *testing.T) {
			p := autograd.Param(tensor.New(1))
			var opt Optimizer
			var err error
			if c.Optimizer == "sgd" {
				opt, err = NewSGD([]*autograd.Var{p}, SGDOptions{LR: c.BaseLR, Momentum: 0.9})
			} else {
				opt, err = NewAdam([]*autograd.Var{p}, AdamOptions{LR: c.BaseLR})
			}
			if err != nil {
				t.Fatal(err)
			}
			sched, err := NewScheduler(opt, newSchedule(t, c.Kind, c.Options))
			if err != nil {
				t.Fatal(err)
			}
			for step := range c.LRs {
				if step > 0 {
					sched.Step()
				}
				if got := opt.LR(); !near(got, c.LRs[step]) {
					t.Errorf("t=%d: lr %.15g, PyTorch %.15g", step, got, c.LRs[step])
				}
				if got := sched.LR(); got != opt.LR() {
					t.Errorf("t=%d: Scheduler.LR %v differs from the optimiser's %v", step, got, opt.LR())
				}
				if got := opt.(Momentum).Momentum(); !near(got, c.Momentums[step]) {
					t.Errorf("t=%d: momentum %.15g, PyTorch %.15g", step, got, c.Momentums[step])
				}
			}
			if sched.LastEpoch() != len(c.LRs)-1 {
				t.Errorf("LastEpoch %d, want %d", sched.LastEpoch(), len(c.LRs)-1)
			}
		})
	}
}

func TestClipAgainstPyTorch(t *testing.T) {
	t.Parallel()
	for _, c := range loadTorch(t).Clip {
		normType := math.Inf(1)
		if string(c.NormType) != `"inf"` {
			if err := json.Unmarshal(c.NormType, &normType); err != nil {
				t.Fatal(err)
			}
		}
		var params []*autograd.Var
		for _, g := range c.Grads {
			p := autograd.Param(tensor.New(g.Shape...))
			p.BackwardWith(g.dense()) // a leaf's gradient is its seed
			params = append(params, p)
		}
		params = append(params, autograd.Param(tensor.New(2))) // no gradient: ignored
		norm, err := ClipGradNorm(params, c.MaxNorm, normType)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !near(norm, c.Norm) {
			t.Errorf("%s: norm %.15g, PyTorch %.15g", c.Name, norm, c.Norm)
		}
		for i, want := range c.Clipped {
			if j, ok := closeAll(params[i].Grad().Data(), want.Data); !ok {
				t.Errorf("%s: clipped gradient %d differs at %d", c.Name, i, j)
			}
		}
		if params[len(params)-1].Grad() != nil {
			t.Errorf("%s: a parameter without gradient got one", c.Name)
		}
	}
}
