package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
)

// Event is a point of the loop at which hooks run.
type Event int

const (
	// EventBegin comes once, before the first step (after Restore, if
	// any).
	EventBegin Event = iota
	// EventBatch comes after each batch's forward and backward pass and
	// before the optimiser step: the loss and the gradients are known and
	// the parameters are still those that produced them. The Guard runs
	// here, so a non-finite loss never reaches the weights.
	EventBatch
	// EventStep comes after each optimiser (and per-batch scheduler) step;
	// the step counters include the step.
	EventStep
	// EventEpoch comes at the end of each epoch, after the per-epoch
	// scheduler step, with the epoch's training metrics in State.Metrics
	// (the last entry of State.History).
	EventEpoch
	// EventEnd comes once when the loop ends, for whatever reason:
	// State.Err is the error Run is about to return (nil on success or
	// after ErrStop).
	EventEnd
)

var eventNames = [...]string{"begin", "batch", "step", "epoch", "end"}

func (e Event) String() string {
	if e >= 0 && int(e) < len(eventNames) {
		return eventNames[e]
	}
	return fmt.Sprintf("Event(%d)", int(e))
}

// Hook is a named step of the loop that runs at every Event, in
// ascending Order (hooks of equal order in the order given to Config).
// Returning ErrStop ends training gracefully once the remaining hooks of
// the event have run; any other error aborts the run at once (the hooks
// of EventEnd still run) and Run returns it.
type Hook interface {
	Name() string
	Order() int
	On(e Event, s *State) error
}

// StatefulHook is a Hook whose state a checkpoint saves (EarlyStopping's
// best value and patience counter), so that a resumed run decides as an
// uninterrupted one would. State returns copies.
type StatefulHook interface {
	Hook
	State() []nn.NamedTensor
	LoadState(st []nn.NamedTensor) error
}

// Orders of the built-in hooks: the guard sees every batch first; the
// evaluation adds its metrics before early stopping reads them; the
// checkpoint saves the early-stopping decision; logging and the progress
// bar report what the others did.
const (
	OrderGuard         = 100
	OrderEval          = 200
	OrderEarlyStopping = 300
	OrderCheckpoint    = 400
	OrderLog           = 500
	OrderProgress      = 600
)

// HookFunc makes a Hook from a name, an order and a function.
func HookFunc(name string, order int, f func(e Event, s *State) error) Hook {
	return &funcHook{name, order, f}
}

type funcHook struct {
	name  string
	order int
	f     func(Event, *State) error
}

func (h *funcHook) Name() string               { return h.name }
func (h *funcHook) Order() int                 { return h.order }
func (h *funcHook) On(e Event, s *State) error { return h.f(e, s) }

// ErrStop is returned by a hook to end training after the current event
// (early stopping). Run then returns a nil error.
var ErrStop = errors.New("train: stop requested")

// LossFunc returns the loss of a batch given the model's output: a
// one-element Var that Backward differentiates.
type LossFunc func(out *autograd.Var, b dataset.Batch) *autograd.Var

// CrossEntropy is the default LossFunc: the mean cross-entropy of the
// logits out [B, C] against the batch's labels (nn.CrossEntropyLoss).
func CrossEntropy(out *autograd.Var, b dataset.Batch) *autograd.Var {
	return autograd.CrossEntropy(out, b.Y, 0)
}

// Config describes a training run. Model, Optimizer, Train and Epochs are
// required; the zero value of every other field is usable.
type Config struct {
	// Model is any single-input module: classical, quantum or hybrid.
	Model nn.Layer
	// Optimizer updates the model's parameters (usually made from
	// nn.Params(Model)).
	Optimizer optim.Optimizer
	// Scheduler, if set, is stepped once per epoch, or once per batch
	// with SchedulerPerBatch.
	Scheduler         *optim.Scheduler
	SchedulerPerBatch bool
	// Loss is the training loss; nil means CrossEntropy.
	Loss LossFunc
	// Train yields the training batches; epoch e visits
	// Train.Epoch(e, 0), a pure function of the loader's seed and e.
	Train *dataset.Loader
	// Epochs is the number of epochs to train (at least 1).
	Epochs int
	// ClipNorm, if positive, clips the gradients' joint 2-norm to it
	// before every optimiser step (optim.ClipGradNorm).
	ClipNorm float64
	// RNGs are the random sources the model draws from while training
	// (dropout masks); checkpoints save their states. New refuses a model
	// with active dropout and no RNGs, since a resumed run could not
	// repeat its masks; DropoutRNGs builds the list.
	RNGs []RNG
	// Hooks run at every Event in ascending Order. A Guard is added when
	// no hook is named "guard".
	Hooks []Hook
	// ConfigHash identifies the configuration (any string the caller
	// derives from it). It is saved in checkpoints, and Restore refuses a
	// checkpoint whose hash differs.
	ConfigHash string
	// Metadata is saved in every checkpoint's metadata (versions, commit,
	// seed…). Keys starting with "train." are reserved.
	Metadata map[string]string
}

// State is what hooks see of the loop. Epochs and steps count from 0.
type State struct {
	Loop   *Loop
	Epoch  int // current epoch
	Epochs int // Config.Epochs
	// Step counts the batches of the current epoch already applied: at
	// EventBatch the index of the batch in hand, at EventStep one more.
	Step  int
	Steps int // batches per epoch
	// GlobalStep counts the optimiser steps since the start of training,
	// like Step.
	GlobalStep int
	// Batch, Output and Loss are those of the batch in hand (EventBatch
	// and EventStep). Batch is owned by the loader and valid only during
	// the event.
	Batch  dataset.Batch
	Output *autograd.Var
	Loss   float64
	// Metrics holds the current epoch's metrics; complete at EventEpoch.
	Metrics *Metrics
	// History holds the metrics of every finished epoch (at EventEpoch,
	// the current one last).
	History []*Metrics
	// Err is, at EventEnd, the error that ends the run (nil on success).
	Err error
}

// Result is what Run returns.
type Result struct {
	History    []*Metrics // metrics of every finished epoch
	GlobalStep int        // optimiser steps taken, restored ones included
	StoppedBy  string     // name of the hook that returned ErrStop, or ""
}

// Loop runs the epochs × batches of a Config. It is not safe for
// concurrent use; Run may be called once.
type Loop struct {
	cfg    Config
	loss   LossFunc
	hooks  []Hook
	params []*autograd.Var

	epoch, step, global int
	epochEnded          bool // the epoch's steps are done: a checkpoint resumes at epoch+1
	acc                 epochAcc
	history             []*Metrics
	resumed             *Checkpoint
	broken              error
	ran                 bool
	state               State
}

// epochAcc accumulates the training metrics of the epoch in progress.
type epochAcc struct {
	lossSum       float64 // Σ batch loss × batch size
	correct, seen int64
	noAcc         bool // the model's output is not [B, C≥2]
	seconds       float64
}

// New checks cfg and returns a Loop ready to Run (or to Restore first).
func New(cfg Config) (*Loop, error) {
	switch {
	case cfg.Model == nil:
		return nil, errors.New("train: Config.Model is nil")
	case cfg.Optimizer == nil:
		return nil, errors.New("train: Config.Optimizer is nil")
	case cfg.Train == nil || cfg.Train.Set == nil:
		return nil, errors.New("train: Config.Train has no set")
	case cfg.Train.Len() == 0:
		return nil, fmt.Errorf("train: Config.Train yields no batches (batch size %d, %d samples)", cfg.Train.BatchSize, cfg.Train.Set.Len())
	case cfg.Epochs < 1:
		return nil, fmt.Errorf("train: Config.Epochs = %d, want ≥ 1", cfg.Epochs)
	case !(cfg.ClipNorm >= 0) || math.IsInf(cfg.ClipNorm, 1):
		return nil, fmt.Errorf("train: Config.ClipNorm = %v, want a finite value ≥ 0", cfg.ClipNorm)
	}
	for k := range cfg.Metadata {
		if strings.HasPrefix(k, reservedPrefix) {
			return nil, fmt.Errorf("train: metadata key %q: the prefix %q is reserved", k, reservedPrefix)
		}
	}
	if err := checkRNGs(cfg.Model, cfg.RNGs); err != nil {
		return nil, err
	}
	hooks := slices.Clone(cfg.Hooks)
	names := map[string]bool{}
	for i, h := range hooks {
		if h == nil {
			return nil, fmt.Errorf("train: hook %d is nil", i)
		}
		if h.Name() == "" || strings.Contains(h.Name(), ".") || names[h.Name()] {
			return nil, fmt.Errorf("train: hook %d: name %q is empty, has a dot or repeats", i, h.Name())
		}
		names[h.Name()] = true
	}
	if !names[guardName] {
		hooks = append(hooks, NewGuard())
	}
	slices.SortStableFunc(hooks, func(a, b Hook) int { return a.Order() - b.Order() })
	l := &Loop{cfg: cfg, loss: cfg.Loss, hooks: hooks, params: cfg.Optimizer.Params()}
	if l.loss == nil {
		l.loss = CrossEntropy
	}
	l.state = State{Loop: l, Epochs: cfg.Epochs, Steps: cfg.Train.Len(), Metrics: &Metrics{}}
	return l, nil
}

// Model returns the model being trained.
func (l *Loop) Model() nn.Layer { return l.cfg.Model }

// LossFunc returns the training loss (Config.Loss or CrossEntropy).
func (l *Loop) LossFunc() LossFunc { return l.loss }

// Params returns the optimiser's parameters.
func (l *Loop) Params() []*autograd.Var { return l.params }

// Hooks returns the hooks in the order they run.
func (l *Loop) Hooks() []Hook { return slices.Clone(l.hooks) }

// Resumed returns the checkpoint the loop was restored from, or nil.
func (l *Loop) Resumed() *Checkpoint { return l.resumed }

// Run trains until Config.Epochs epochs are done, a hook returns ErrStop
// or an error, or ctx is cancelled; a restored loop continues from its
// checkpoint's position. The model is left in training mode.
func (l *Loop) Run(ctx context.Context) (*Result, error) {
	if l.broken != nil {
		return nil, fmt.Errorf("train: Run after a failed Restore: %w", l.broken)
	}
	if l.ran {
		return nil, errors.New("train: Run called twice")
	}
	l.ran = true
	stoppedBy, err := l.run(ctx)
	s := &l.state
	s.Err = err
	_, endErr := l.fire(EventEnd)
	if err == nil {
		err = endErr
	}
	res := &Result{History: l.history, GlobalStep: l.global, StoppedBy: stoppedBy}
	return res, err
}

// run is Run without EventEnd.
func (l *Loop) run(ctx context.Context) (string, error) {
	nn.SetTraining(l.cfg.Model, true)
	if stop, err := l.fire(EventBegin); err != nil || stop != "" {
		return stop, err
	}
	s := &l.state
	for l.epoch < l.cfg.Epochs {
		if l.epochEnded { // the previous epoch is complete
			l.epoch++
			l.step = 0
			l.epochEnded = false
			l.acc = epochAcc{}
			continue
		}
		s.Epoch, s.Metrics = l.epoch, &Metrics{Epoch: l.epoch}
		stop, err := l.runEpoch(ctx)
		if err != nil || stop != "" {
			return stop, err
		}
	}
	return "", nil
}

// runEpoch runs the remaining batches of the current epoch and its end.
func (l *Loop) runEpoch(ctx context.Context) (string, error) {
	s := &l.state
	start := time.Now()
	seconds0 := l.acc.seconds
	for b, err := range l.cfg.Train.Epoch(l.epoch, l.step) {
		if err != nil {
			return "", fmt.Errorf("train: epoch %d: %w", l.epoch+1, err)
		}
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("train: epoch %d, step %d: %w", l.epoch+1, l.step+1, err)
		}
		stop, err := l.trainStep(b)
		l.acc.seconds = seconds0 + time.Since(start).Seconds()
		if err != nil || stop != "" {
			return stop, err
		}
	}
	if l.cfg.Scheduler != nil && !l.cfg.SchedulerPerBatch {
		l.cfg.Scheduler.Step()
	}
	m := s.Metrics
	if l.acc.seen > 0 {
		m.Set(TrainLoss, l.acc.lossSum/float64(l.acc.seen))
		if !l.acc.noAcc {
			m.Set(TrainAcc, float64(l.acc.correct)/float64(l.acc.seen))
		}
	}
	m.Set(EpochSeconds, l.acc.seconds)
	l.history = append(l.history, m)
	s.History = l.history
	l.epochEnded = true
	s.Batch, s.Output = dataset.Batch{}, nil
	return l.fire(EventEpoch)
}

// trainStep runs one batch: forward, loss, backward, hooks, update.
func (l *Loop) trainStep(b dataset.Batch) (string, error) {
	s := &l.state
	s.Step, s.GlobalStep = l.step, l.global
	l.cfg.Optimizer.ZeroGrad()
	out := l.cfg.Model.Forward(autograd.Const(b.X))
	loss := l.loss(out, b)
	s.Batch, s.Output, s.Loss = b, out, loss.Item()
	if !loss.RequiresGrad() {
		return "", fmt.Errorf("train: epoch %d, step %d: the loss does not depend on any trainable parameter", l.epoch+1, l.step+1)
	}
	loss.Backward()
	if stop, err := l.fire(EventBatch); err != nil || stop != "" {
		return stop, err
	}
	if l.cfg.ClipNorm > 0 {
		if norm, err := optim.ClipGradNorm(l.params, l.cfg.ClipNorm, 2); err != nil {
			return "", &NonFiniteError{What: "gradient norm", Value: norm, Epoch: l.epoch, Step: l.step, GlobalStep: l.global, Err: err}
		}
	}
	l.cfg.Optimizer.Step()
	if l.cfg.Scheduler != nil && l.cfg.SchedulerPerBatch {
		l.cfg.Scheduler.Step()
	}
	m := len(b.Y)
	l.acc.lossSum += s.Loss * float64(m)
	l.acc.seen += int64(m)
	if c, ok := countCorrect(out, b.Y); ok {
		l.acc.correct += int64(c)
	} else {
		l.acc.noAcc = true
	}
	l.step++
	l.global++
	s.Step, s.GlobalStep = l.step, l.global
	return l.fire(EventStep)
}

// fire runs the hooks for e. It returns the name of the first hook that
// asked to stop, or the first error (after which no hook runs).
func (l *Loop) fire(e Event) (string, error) {
	stop := ""
	var errs []error
	for _, h := range l.hooks {
		err := h.On(e, &l.state)
		switch {
		case err == nil:
		case errors.Is(err, ErrStop):
			if stop == "" {
				stop = h.Name()
			}
		case e == EventEnd: // every hook gets to finish
			errs = append(errs, fmt.Errorf("train: hook %q at end: %w", h.Name(), err))
		default:
			var nf *NonFiniteError
			if errors.As(err, &nf) {
				return "", err
			}
			return "", fmt.Errorf("train: hook %q at %s: %w", h.Name(), l.where(e), err)
		}
	}
	return stop, errors.Join(errs...)
}

// where describes the loop's position at event e for messages (counting
// from 1).
func (l *Loop) where(e Event) string {
	s := &l.state
	switch e {
	case EventBegin:
		return "the start"
	case EventBatch:
		return fmt.Sprintf("epoch %d, batch %d", s.Epoch+1, s.Step+1)
	case EventStep:
		return fmt.Sprintf("epoch %d, after step %d", s.Epoch+1, s.Step)
	case EventEpoch:
		return fmt.Sprintf("the end of epoch %d", s.Epoch+1)
	}
	return e.String()
}

// countCorrect returns the number of rows of out [B, C≥2] whose first
// maximum is at the label, and false when out is not of that form.
func countCorrect(out *autograd.Var, y []int) (int, bool) {
	v := out.Value()
	if v.Dims() != 2 || v.Dim(0) != len(y) || v.Dim(1) < 2 {
		return 0, false
	}
	d := v.Contiguous().Data()
	c := v.Dim(1)
	n := 0
	for i, label := range y {
		row := d[i*c : (i+1)*c]
		best := 0
		for j, x := range row {
			if x > row[best] || (math.IsNaN(x) && !math.IsNaN(row[best])) {
				best = j
			}
		}
		if best == label {
			n++
		}
	}
	return n, true
}

// NonFiniteError reports a NaN or infinite loss or gradient norm, with
// the (0-based) position of the batch that produced it. Its message
// counts from 1.
type NonFiniteError struct {
	What       string  // "loss" or "gradient norm"
	Value      float64 // the offending value
	Epoch      int
	Step       int // batch index within the epoch
	GlobalStep int
	Err        error // an underlying error, if any
}

// ErrNonFinite is wrapped by every *NonFiniteError.
var ErrNonFinite = errors.New("non-finite value")

func (e *NonFiniteError) Error() string {
	msg := fmt.Sprintf("train: non-finite %s %v at epoch %d, step %d (global step %d): training stopped before the update; the last checkpoint is unchanged",
		e.What, e.Value, e.Epoch+1, e.Step+1, e.GlobalStep+1)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrNonFinite and the underlying error.
func (e *NonFiniteError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrNonFinite, e.Err}
	}
	return []error{ErrNonFinite}
}

// Evaluation is the result of Evaluate.
type Evaluation struct {
	Loss     float64 // mean loss per sample
	Accuracy float64 // fraction classified right; NaN when the output is not [B, C≥2]
	N        int     // samples seen
}

// Evaluate runs model over every batch of loader's epoch 0 in
// evaluation mode without recording gradients, and returns the mean loss
// (loss nil means CrossEntropy) and accuracy. The model's mode is
// restored afterwards.
func Evaluate(model nn.Layer, loader *dataset.Loader, loss LossFunc) (Evaluation, error) {
	if loss == nil {
		loss = CrossEntropy
	}
	was := nn.IsTraining(model)
	nn.SetTraining(model, false)
	defer nn.SetTraining(model, was)
	var sum float64
	var correct int
	n, hasAcc := 0, true
	for b, err := range loader.Epoch(0, 0) {
		if err != nil {
			return Evaluation{}, fmt.Errorf("train: evaluation: %w", err)
		}
		out := model.Forward(autograd.NoGrad(b.X))
		sum += loss(out, b).Item() * float64(len(b.Y))
		c, ok := countCorrect(out, b.Y)
		correct += c
		hasAcc = hasAcc && ok
		n += len(b.Y)
	}
	if n == 0 {
		return Evaluation{}, errors.New("train: evaluation set is empty")
	}
	ev := Evaluation{Loss: sum / float64(n), Accuracy: math.NaN(), N: n}
	if hasAcc {
		ev.Accuracy = float64(correct) / float64(n)
	}
	return ev, nil
}
