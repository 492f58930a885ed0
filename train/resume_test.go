package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

var errKilled = errors.New("killed")

// killAt returns a hook that fails the run after the checkpoint hook has
// run at event e of global step n: the "kill".
func killAt(e Event, n int) Hook {
	return HookFunc("kill", OrderCheckpoint+50, func(ev Event, s *State) error {
		if ev == e && s.GlobalStep == n {
			return errKilled
		}
		return nil
	})
}

// trainedState is what a finished run is compared by.
type trainedState struct {
	model, opt []nn.NamedTensor
	history    []*Metrics
	global     int
}

func runToEnd(t *testing.T, l *Loop, m nn.Module, opt interface{ State() []nn.NamedTensor }) trainedState {
	t.Helper()
	res, err := l.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return trainedState{nn.StateDict(m), opt.State(), res.History, res.GlobalStep}
}

// compareRuns fails unless two finished runs agree bit for bit in
// weights, buffers, optimiser state and metrics (wall times excepted).
func compareRuns(t *testing.T, want, got trainedState) {
	t.Helper()
	if d := sameBits(want.model, got.model); d != "" {
		t.Errorf("model state differs at %s", d)
	}
	if d := sameBits(want.opt, got.opt); d != "" {
		t.Errorf("optimiser state differs at %s", d)
	}
	if want.global != got.global || len(want.history) != len(got.history) {
		t.Fatalf("global step %d, %d epochs; want %d, %d", got.global, len(got.history), want.global, len(want.history))
	}
	for i := range want.history {
		for n, v := range want.history[i].All() {
			if n == EpochSeconds {
				continue
			}
			if g, ok := got.history[i].Get(n); !ok || math.Float64bits(g) != math.Float64bits(v) {
				t.Errorf("epoch %d %s = %v, want %v", i, n, g, v)
			}
		}
	}
}

// TestResumeIsBitIdentical trains a model with BatchNorm, dropout and a
// custom layer, kills the run at various points (mid-epoch, right after
// a checkpoint, at an epoch's end, at the last step), resumes a fresh
// loop with a differently initialised model from the checkpoint on disk,
// and compares the end state with an uninterrupted run, bit for bit.
func TestResumeIsBitIdentical(t *testing.T) {
	dir := t.TempDir()
	ref := setup{modelSeed: 1, hooks: []Hook{NewCheckpointer(filepath.Join(dir, "ref.ckpt"), 4)}}
	l, m, opt := ref.build(t)
	want := runToEnd(t, l, m, opt)
	if len(want.history) != 3 || want.global != 18 {
		t.Fatalf("reference run: %d epochs, %d steps", len(want.history), want.global)
	}

	cases := []struct {
		name  string
		event Event
		at    int // global step of the kill
		from  int // global step of the checkpoint it resumes from
	}{
		{"mid-epoch, right after a checkpoint", EventStep, 4, 4},
		{"mid-epoch, three steps after a checkpoint", EventStep, 11, 8},
		{"last step of an epoch", EventStep, 6, 4},
		{"after an epoch's end", EventEpoch, 12, 12},
		{"last step of the run", EventStep, 18, 16},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "run.ckpt")
			killed := setup{modelSeed: 1, hooks: []Hook{NewCheckpointer(path, 4), killAt(c.event, c.at)}}
			l, _, _ := killed.build(t)
			if _, err := l.Run(context.Background()); !errors.Is(err, errKilled) {
				t.Fatalf("killed run: %v", err)
			}
			// A fresh process: other initial weights, fresh optimiser.
			fresh := setup{modelSeed: 99, hooks: []Hook{NewCheckpointer(path, 4)}}
			l2, m2, opt2 := fresh.build(t)
			ok, err := l2.Resume(path)
			if err != nil || !ok {
				t.Fatalf("Resume: %v, %v", ok, err)
			}
			if got := l2.Resumed().GlobalStep; got != c.from {
				t.Fatalf("resumed from global step %d, want %d", got, c.from)
			}
			compareRuns(t, want, runToEnd(t, l2, m2, opt2))
		})
	}
}

// TestResumeNeedsRNGAndBuffers shows that the comparison above can fail:
// resuming with a dropout source or a BatchNorm buffer that differs from
// the saved one changes the end state.
func TestResumeNeedsRNGAndBuffers(t *testing.T) {
	ref := setup{modelSeed: 1}
	l, m, opt := ref.build(t)
	want := runToEnd(t, l, m, opt)

	path := filepath.Join(t.TempDir(), "run.ckpt")
	killed := setup{modelSeed: 1, hooks: []Hook{NewCheckpointer(path, 4), killAt(EventStep, 8)}}
	kl, _, _ := killed.build(t)
	if _, err := kl.Run(context.Background()); !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	tamper := []struct {
		name string
		f    func(l *Loop, m *nn.Sequential)
	}{
		{"dropout source", func(l *Loop, _ *nn.Sequential) {
			state, _ := rand.NewPCG(123, 456).MarshalBinary()
			l.cfg.RNGs[0].Source.UnmarshalBinary(state)
		}},
		{"BatchNorm running variance", func(_ *Loop, m *nn.Sequential) {
			m.At(1).(*nn.BatchNorm).RunningVar.Data()[0] += 1e-9
		}},
	}
	for _, c := range tamper {
		t.Run(c.name, func(t *testing.T) {
			l2, m2, opt2 := setup{modelSeed: 1}.build(t)
			if ok, err := l2.Resume(path); !ok || err != nil {
				t.Fatal(ok, err)
			}
			c.f(l2, m2)
			got := runToEnd(t, l2, m2, opt2)
			if sameBits(want.model, got.model) == "" {
				t.Error("end state unchanged although restored state was tampered with")
			}
		})
	}
}

// TestNaNStopsWithLastGoodCheckpoint injects a NaN loss at a known step:
// training must stop with an error naming that epoch and step, before the
// update, and the checkpoint on disk must be byte for byte the one
// written after the last good step.
func TestNaNStopsWithLastGoodCheckpoint(t *testing.T) {
	const nanAt = 9 // 9th training batch: epoch 2, step 3 (counting from 1)
	path := filepath.Join(t.TempDir(), "run.ckpt")
	calls := 0
	loss := func(out *autograd.Var, b dataset.Batch) *autograd.Var {
		l := CrossEntropy(out, b)
		if out.IsNoGrad() { // evaluation
			return l
		}
		if calls++; calls == nanAt {
			return autograd.Scale(l, math.NaN())
		}
		return l
	}
	var lastGood []byte
	snap := HookFunc("snapshot", OrderCheckpoint+1, func(e Event, s *State) error {
		if e == EventStep || e == EventEpoch {
			var err error
			lastGood, err = os.ReadFile(path)
			return err
		}
		return nil
	})
	l, m, _ := setup{modelSeed: 1, loss: loss, hooks: []Hook{NewCheckpointer(path, 1), snap}}.build(t)
	_, err := l.Run(context.Background())
	var nf *NonFiniteError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNonFinite) {
		t.Fatalf("error %v, want a NonFiniteError", err)
	}
	if nf.What != "loss" || !math.IsNaN(nf.Value) || nf.Epoch != 1 || nf.Step != 2 || nf.GlobalStep != nanAt-1 {
		t.Errorf("error fields %+v", nf)
	}
	if msg := err.Error(); !strings.Contains(msg, "loss NaN at epoch 2, step 3 (global step 9)") {
		t.Errorf("message %q does not name the epoch and step", msg)
	}
	onDisk, rerr := os.ReadFile(path)
	if rerr != nil || !bytes.Equal(onDisk, lastGood) {
		t.Fatalf("checkpoint on disk changed after the NaN step (%v)", rerr)
	}
	c, err := ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.GlobalStep != nanAt-1 || c.Epoch != 1 || c.Step != 2 {
		t.Errorf("checkpoint at epoch %d step %d global %d", c.Epoch, c.Step, c.GlobalStep)
	}
	// The parameters in memory were not updated by the NaN batch either
	// (its forward pass did update BatchNorm's running statistics).
	var saved, live []nn.NamedTensor
	for _, p := range nn.NamedParams(m) {
		i := slices.IndexFunc(c.Model, func(nt nn.NamedTensor) bool { return nt.Name == p.Name })
		saved = append(saved, c.Model[i])
		live = append(live, nn.NamedTensor{Name: p.Name, Value: p.Var.Value()})
	}
	if d := sameBits(saved, live); d != "" {
		t.Errorf("parameter %s differs from the last good checkpoint", d)
	}
}

// spikeFn is the identity whose gradient becomes +Inf at one call.
type spikeFn struct{ bad bool }

func (f *spikeFn) Forward(in []*tensor.Dense) *tensor.Dense { return in[0].Copy() }
func (f *spikeFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	if f.bad {
		return []*tensor.Dense{tensor.MulScalar(g, math.Inf(1))}
	}
	return []*tensor.Dense{g}
}

type spike struct {
	nn.Base
	calls, at int
}

func (s *spike) Forward(x *autograd.Var) *autograd.Var {
	if x.IsNoGrad() {
		return x
	}
	s.calls++
	return autograd.Apply(&spikeFn{bad: s.calls == s.at}, x)
}

// TestInfiniteGradientStops checks the gradient-norm check with a finite
// loss whose gradient is infinite at the 5th batch.
func TestInfiniteGradientStops(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	m := nn.NewSequential(nn.NewLinear(r, 4, 8, true), &spike{at: 5}, nn.NewLinear(r, 8, 3, true))
	opt := mustAdam(t, m)
	l, err := New(Config{Model: m, Optimizer: opt, Epochs: 2,
		Train: &dataset.Loader{Set: blobs(40, 4, 3, 1), BatchSize: 10}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Run(context.Background())
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.What != "gradient norm" || nf.GlobalStep != 4 || nf.Epoch != 1 || nf.Step != 0 {
		t.Fatalf("error %v (%+v), want a gradient-norm error at epoch 2, step 1", err, nf)
	}
	for _, p := range nn.Params(m) {
		for _, v := range p.Value().Data() {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				t.Fatal("a non-finite gradient reached the weights")
			}
		}
	}
}
