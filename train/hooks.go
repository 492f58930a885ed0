package train

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
	"github.com/schollz/progressbar/v3"
)

const guardName = "guard"

// Guard stops training at the first non-finite loss or gradient norm,
// before the optimiser step, with a *NonFiniteError naming the epoch and
// step. Since it runs before any checkpoint of that step, the last
// checkpoint on disk stays the last good one. New adds a Guard when no
// hook is named "guard".
type Guard struct {
	// SkipGradNorm turns off the gradient check (the loss is always
	// checked). The check costs one pass over the gradients per step.
	SkipGradNorm bool
}

// NewGuard returns a Guard that checks the loss and the gradient norm.
func NewGuard() *Guard { return &Guard{} }

// Name returns "guard".
func (*Guard) Name() string { return guardName }

// Order returns OrderGuard.
func (*Guard) Order() int { return OrderGuard }

// On checks the loss and the 2-norm of the gradients at EventBatch.
func (g *Guard) On(e Event, s *State) error {
	if e != EventBatch {
		return nil
	}
	if math.IsNaN(s.Loss) || math.IsInf(s.Loss, 0) {
		return &NonFiniteError{What: "loss", Value: s.Loss, Epoch: s.Epoch, Step: s.Step, GlobalStep: s.GlobalStep}
	}
	if g.SkipGradNorm {
		return nil
	}
	sq := 0.0
	for _, p := range s.Loop.Params() {
		if gr := p.Grad(); gr != nil {
			for _, x := range gr.Data() {
				sq += x * x
			}
		}
	}
	if n := math.Sqrt(sq); math.IsNaN(n) || math.IsInf(n, 0) {
		return &NonFiniteError{What: "gradient norm", Value: n, Epoch: s.Epoch, Step: s.Step, GlobalStep: s.GlobalStep}
	}
	return nil
}

// Eval evaluates the model on a held-out set at the end of every epoch
// (or every Every epochs) with Evaluate, in evaluation mode and without
// recording gradients, and records EvalLoss and EvalAcc.
type Eval struct {
	Loader *dataset.Loader
	Loss   LossFunc // nil: the loop's loss
	Every  int      // evaluate every Every epochs (and after the last); 0 or 1: every epoch
}

// NewEval returns an Eval hook over loader.
func NewEval(loader *dataset.Loader) *Eval { return &Eval{Loader: loader} }

// Name returns "eval".
func (*Eval) Name() string { return "eval" }

// Order returns OrderEval.
func (*Eval) Order() int { return OrderEval }

// On evaluates at EventEpoch.
func (h *Eval) On(e Event, s *State) error {
	if e != EventEpoch {
		return nil
	}
	if h.Every > 1 && (s.Epoch+1)%h.Every != 0 && s.Epoch+1 != s.Epochs {
		return nil
	}
	loss := h.Loss
	if loss == nil {
		loss = s.Loop.LossFunc()
	}
	ev, err := Evaluate(s.Loop.Model(), h.Loader, loss)
	if err != nil {
		return err
	}
	s.Metrics.Set(EvalLoss, ev.Loss)
	if !math.IsNaN(ev.Accuracy) {
		s.Metrics.Set(EvalAcc, ev.Accuracy)
	}
	return nil
}

// Mode says whether a monitored metric should go down or up.
type Mode int

const (
	Min Mode = iota // lower is better (losses)
	Max             // higher is better (accuracies)
)

// EarlyStopping ends training when the monitored metric has not improved
// by more than MinDelta for Patience consecutive epochs (Keras' and
// Lightning's rule). Its state is saved in checkpoints, so a resumed run
// stops at the same epoch, and a run that had stopped stays stopped.
type EarlyStopping struct {
	Monitor  string  // metric name, e.g. EvalLoss
	Mode     Mode    // Min or Max
	Patience int     // epochs without improvement before stopping (≥ 1)
	MinDelta float64 // smallest change that counts as an improvement

	best      float64
	bestEpoch int
	bad       int
	seen      bool
	stopped   bool
}

// NewEarlyStopping returns an EarlyStopping on monitor.
func NewEarlyStopping(monitor string, mode Mode, patience int) *EarlyStopping {
	return &EarlyStopping{Monitor: monitor, Mode: mode, Patience: patience}
}

// Name returns "early_stopping".
func (*EarlyStopping) Name() string { return "early_stopping" }

// Order returns OrderEarlyStopping.
func (*EarlyStopping) Order() int { return OrderEarlyStopping }

// Best returns the best value seen and its epoch (false before the first
// epoch end).
func (h *EarlyStopping) Best() (value float64, epoch int, ok bool) {
	return h.best, h.bestEpoch, h.seen
}

// On updates the counter at EventEpoch and returns ErrStop when patience
// runs out; at EventBegin it returns ErrStop if a restored run had
// stopped.
func (h *EarlyStopping) On(e Event, s *State) error {
	switch e {
	case EventBegin:
		if h.Patience < 1 {
			return fmt.Errorf("early stopping: patience %d, want ≥ 1", h.Patience)
		}
		if h.stopped {
			return ErrStop
		}
	case EventEpoch:
		v, ok := s.Metrics.Get(h.Monitor)
		if !ok {
			return fmt.Errorf("early stopping: metric %q was not recorded (recorded: %s)", h.Monitor, s.Metrics)
		}
		better := !h.seen
		if h.seen && !math.IsNaN(v) {
			if h.Mode == Max {
				better = v > h.best+h.MinDelta
			} else {
				better = v < h.best-h.MinDelta
			}
		}
		if better && !math.IsNaN(v) {
			h.best, h.bestEpoch, h.bad, h.seen = v, s.Epoch, 0, true
			return nil
		}
		h.bad++
		if h.bad >= h.Patience {
			h.stopped = true
			return ErrStop
		}
	}
	return nil
}

// State returns best, best_epoch, bad_epochs, seen and stopped as 0-d
// tensors.
func (h *EarlyStopping) State() []nn.NamedTensor {
	return []nn.NamedTensor{
		{Name: "best", Value: tensor.Scalar(h.best)},
		{Name: "best_epoch", Value: tensor.Scalar(float64(h.bestEpoch))},
		{Name: "bad_epochs", Value: tensor.Scalar(float64(h.bad))},
		{Name: "seen", Value: tensor.Scalar(b2f(h.seen))},
		{Name: "stopped", Value: tensor.Scalar(b2f(h.stopped))},
	}
}

// LoadState restores a State.
func (h *EarlyStopping) LoadState(st []nn.NamedTensor) error {
	v := make([]*tensor.Dense, 5)
	var targets []nn.Target
	for i, name := range []string{"best", "best_epoch", "bad_epochs", "seen", "stopped"} {
		v[i] = tensor.Scalar(0)
		targets = append(targets, nn.Target{Name: name, Value: v[i]})
	}
	if _, err := nn.LoadState(targets, st); err != nil {
		return err
	}
	h.best, h.bestEpoch, h.bad = v[0].Item(), int(v[1].Item()), int(v[2].Item())
	h.seen, h.stopped = v[3].Item() != 0, v[4].Item() != 0
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Checkpointer writes the loop's Checkpoint to Path, atomically, every
// Every optimiser steps (counted from the start of training; 0 means
// never mid-epoch) and at the end of every epoch. It never writes after a
// failed step, so the file is always the last good state.
type Checkpointer struct {
	Path  string
	Every int
	// Written counts the checkpoints written by this hook.
	Written int
}

// NewCheckpointer returns a Checkpointer writing to path.
func NewCheckpointer(path string, every int) *Checkpointer {
	return &Checkpointer{Path: path, Every: every}
}

// Name returns "checkpoint".
func (*Checkpointer) Name() string { return "checkpoint" }

// Order returns OrderCheckpoint.
func (*Checkpointer) Order() int { return OrderCheckpoint }

// On writes at EventStep (every Every steps) and EventEpoch.
func (h *Checkpointer) On(e Event, s *State) error {
	switch {
	case e == EventEpoch, e == EventStep && h.Every > 0 && s.GlobalStep%h.Every == 0:
		c, err := s.Loop.Checkpoint()
		if err != nil {
			return err
		}
		if err := WriteCheckpoint(h.Path, c); err != nil {
			return err
		}
		h.Written++
	}
	return nil
}

// Logger logs the run through log/slog: its start (and the resume
// position), every Every steps (0: never), every epoch's metrics, and its
// end or failure.
type Logger struct {
	Log   *slog.Logger
	Every int
}

// NewLogger returns a Logger writing to l.
func NewLogger(l *slog.Logger) *Logger { return &Logger{Log: l} }

// Name returns "log".
func (*Logger) Name() string { return "log" }

// Order returns OrderLog.
func (*Logger) Order() int { return OrderLog }

// On logs the events.
func (h *Logger) On(e Event, s *State) error {
	switch e {
	case EventBegin:
		args := []any{"epochs", s.Epochs, "steps_per_epoch", s.Steps,
			"params", nn.NumParams(s.Loop.Model()), "workers", runtime.GOMAXPROCS(0), "blas", tensor.Backend()}
		if c := s.Loop.Resumed(); c != nil {
			args = append(args, "resume_epoch", c.Epoch+1, "resume_step", c.Step)
			if w := c.Metadata[keyWorkers]; w != strconv.Itoa(runtime.GOMAXPROCS(0)) {
				h.Log.Warn("resuming with another worker count; results may differ in the last bits",
					"checkpoint_workers", w, "workers", runtime.GOMAXPROCS(0))
			}
		}
		h.Log.Info("training started", args...)
	case EventStep:
		if h.Every > 0 && s.GlobalStep%h.Every == 0 {
			h.Log.Info("step", "epoch", s.Epoch+1, "step", s.Step, "global_step", s.GlobalStep, "loss", s.Loss)
		}
	case EventEpoch:
		args := []any{"epoch", s.Epoch + 1, "epochs", s.Epochs}
		for n, v := range s.Metrics.All() {
			args = append(args, n, v)
		}
		h.Log.Info("epoch done", args...)
	case EventEnd:
		if s.Err != nil {
			h.Log.Error("training failed", "err", s.Err)
			return nil
		}
		h.Log.Info("training finished", "global_step", s.GlobalStep, "epochs_done", len(s.History))
	}
	return nil
}

// Progress draws a progress bar per epoch (count, rate in batches per
// second, elapsed time and ETA) with github.com/schollz/progressbar/v3,
// and a line with the metrics after each epoch. Quiet draws nothing.
type Progress struct {
	W     io.Writer
	Quiet bool
	// Throttle is the least time between two redraws. The zero value
	// means 100 ms on a terminal and 10 s elsewhere (a log file, a pipe),
	// so that a long run's log holds a line every few seconds, not ten a
	// second.
	Throttle time.Duration
	bar      *progressbar.ProgressBar
}

// NewProgress returns a Progress writing to w.
func NewProgress(w io.Writer) *Progress { return &Progress{W: w} }

// Name returns "progress".
func (*Progress) Name() string { return "progress" }

// Order returns OrderProgress.
func (*Progress) Order() int { return OrderProgress }

// On advances the bar.
func (h *Progress) On(e Event, s *State) error {
	if h.Quiet {
		return nil
	}
	switch e {
	case EventBatch:
		if h.bar == nil {
			th := h.Throttle
			if th == 0 {
				th = defaultThrottle(h.W)
			}
			h.bar = progressbar.NewOptions(s.Steps,
				progressbar.OptionSetWriter(h.W),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", s.Epoch+1, s.Epochs)),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString("batch"),
				progressbar.OptionSetElapsedTime(true),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetWidth(20),
				progressbar.OptionThrottle(th))
			if s.Step > 0 {
				h.bar.Set(s.Step) // resumed mid-epoch
			}
		}
	case EventStep:
		if h.bar != nil {
			h.bar.Add(1)
		}
	case EventEpoch:
		if h.bar != nil {
			h.bar.Finish()
			h.bar = nil
			fmt.Fprintln(h.W)
		}
		fmt.Fprintf(h.W, "epoch %d/%d: %s\n", s.Epoch+1, s.Epochs, s.Metrics)
	case EventEnd:
		if h.bar != nil {
			h.bar.Exit()
			h.bar = nil
			fmt.Fprintln(h.W)
		}
	}
	return nil
}

// defaultThrottle is Progress's redraw interval on w: 100 ms for a
// terminal (a character device), 10 s for anything else.
func defaultThrottle(w io.Writer) time.Duration {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return 100 * time.Millisecond
		}
	}
	return 10 * time.Second
}
