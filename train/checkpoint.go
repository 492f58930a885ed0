package train

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Checkpoint is everything a killed run needs to continue with results
// identical, bit for bit, to an uninterrupted run with the same seed and
// worker count: the position, the model's parameters and buffers
// (nn.StateDict), the optimiser's and scheduler's state, the states of
// the model's random sources and of stateful hooks, the partial sums of
// the epoch in progress, the metrics history and metadata.
//
// Data shuffling needs no state: the loader's order of epoch e is a pure
// function of its seed and e, and the run continues at batch Step of
// epoch Epoch.
type Checkpoint struct {
	// Epoch and Step locate the next batch to run (Step 0 of Epoch after
	// an epoch's end); GlobalStep counts the optimiser steps taken.
	Epoch, Step, GlobalStep int
	// StepsPerEpoch is the number of batches per epoch of the run that
	// wrote the checkpoint; Restore requires the same.
	StepsPerEpoch int
	Model         []nn.NamedTensor // nn.StateDict of the model
	Optimizer     []nn.NamedTensor // Optimizer.State
	Scheduler     []nn.NamedTensor // Scheduler.State; nil without a scheduler
	RNGs          []RNGState
	Hooks         []HookState
	// LossSum, Correct, Seen, NoAccuracy and Seconds are the running
	// totals of the epoch in progress (zero at an epoch boundary).
	LossSum       float64
	Correct, Seen int64
	NoAccuracy    bool
	Seconds       float64
	History       []*Metrics // metrics of the finished epochs
	// Metadata holds Config.Metadata and the reserved "train." keys
	// (format version, config hash, Go version, BLAS backend, workers).
	Metadata map[string]string
}

// RNGState is the saved state of a named random source.
type RNGState struct {
	Name  string
	State []byte // from MarshalBinary
}

// HookState is the saved state of a StatefulHook.
type HookState struct {
	Hook  string
	State []nn.NamedTensor
}

// Reserved metadata keys.
const (
	reservedPrefix = "train."
	keyFormat      = "train.format"
	keyConfigHash  = "train.config_hash"
	keyGoVersion   = "train.go_version"
	keyBLAS        = "train.blas"
	keyWorkers     = "train.workers"
	keyHistory     = "train.history"
	formatName     = "quanta-checkpoint-1"
)

// Tensor names and prefixes in a checkpoint file.
const (
	prefModel     = "model."
	prefOptimizer = "optim."
	prefScheduler = "sched."
	prefRNG       = "rng."
	prefHook      = "hook."
	namePosition  = "loop.position" // I64 [epoch, step, global step, steps per epoch]
	nameCounts    = "loop.counts"   // I64 [correct, seen, no accuracy]
	nameSums      = "loop.sums"     // F64 [loss sum, seconds]
)

// Checkpoint returns a snapshot of the loop's state, independent of the
// loop (hooks call it through State.Loop; the Checkpointer writes it). It
// fails only when a random source cannot marshal its state.
func (l *Loop) Checkpoint() (*Checkpoint, error) {
	c := &Checkpoint{
		Epoch: l.epoch, Step: l.step, GlobalStep: l.global,
		StepsPerEpoch: l.cfg.Train.Len(),
		Model:         nn.StateDict(l.cfg.Model),
		Optimizer:     l.cfg.Optimizer.State(),
		LossSum:       l.acc.lossSum, Correct: l.acc.correct, Seen: l.acc.seen,
		NoAccuracy: l.acc.noAcc, Seconds: l.acc.seconds,
		Metadata: map[string]string{
			keyFormat:    formatName,
			keyGoVersion: runtime.Version(),
			keyBLAS:      tensor.Backend(),
			keyWorkers:   strconv.Itoa(runtime.GOMAXPROCS(0)),
		},
	}
	if l.epochEnded {
		c.Epoch, c.Step = l.epoch+1, 0
		c.LossSum, c.Correct, c.Seen, c.NoAccuracy, c.Seconds = 0, 0, 0, false, 0
	}
	if l.cfg.Scheduler != nil {
		c.Scheduler = l.cfg.Scheduler.State()
	}
	for _, r := range l.cfg.RNGs {
		b, err := r.Source.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("train: saving random source %q: %w", r.Name, err)
		}
		c.RNGs = append(c.RNGs, RNGState{r.Name, b})
	}
	for _, h := range l.hooks {
		if sh, ok := h.(StatefulHook); ok {
			c.Hooks = append(c.Hooks, HookState{h.Name(), sh.State()})
		}
	}
	for _, m := range l.history {
		c.History = append(c.History, m.clone())
	}
	for k, v := range l.cfg.Metadata {
		c.Metadata[k] = v
	}
	if l.cfg.ConfigHash != "" {
		c.Metadata[keyConfigHash] = l.cfg.ConfigHash
	}
	return c, nil
}

// ErrMismatch is wrapped by Restore's errors when a checkpoint belongs to
// a different configuration.
var ErrMismatch = errors.New("checkpoint does not match the run")

// Restore puts the loop in the state of c: model, optimiser, scheduler,
// random sources, stateful hooks, position, partial sums and history. It
// refuses (wrapping ErrMismatch) a checkpoint with another config hash,
// another number of batches per epoch, a position past Config.Epochs, a
// scheduler where there is none (or none where there is one), or random
// sources that differ from Config.RNGs by name; a model or optimiser
// state that does not fit is an error too. Stateful hooks without saved
// state start fresh. After an error the loop must not be run.
func (l *Loop) Restore(c *Checkpoint) error {
	mismatch := func(format string, args ...any) error {
		return fmt.Errorf("train: restore: "+format+": %w", append(args, ErrMismatch)...)
	}
	if h := c.Metadata[keyConfigHash]; h != l.cfg.ConfigHash {
		return mismatch("config hash %q, the run's is %q", h, l.cfg.ConfigHash)
	}
	if n := l.cfg.Train.Len(); c.StepsPerEpoch != n {
		return mismatch("%d batches per epoch, the run has %d", c.StepsPerEpoch, n)
	}
	if c.Epoch < 0 || c.Epoch > l.cfg.Epochs || c.Step < 0 || c.Step > c.StepsPerEpoch ||
		(c.Epoch == l.cfg.Epochs && c.Step != 0) || c.GlobalStep < 0 {
		return mismatch("position epoch %d, step %d outside the run's %d epochs of %d steps", c.Epoch, c.Step, l.cfg.Epochs, c.StepsPerEpoch)
	}
	if len(c.History) != c.Epoch {
		return mismatch("history of %d epochs at epoch %d", len(c.History), c.Epoch)
	}
	if (c.Scheduler != nil) != (l.cfg.Scheduler != nil) {
		return mismatch("scheduler state present: %v, run has a scheduler: %v", c.Scheduler != nil, l.cfg.Scheduler != nil)
	}
	var want, got []string
	for _, r := range l.cfg.RNGs {
		want = append(want, r.Name)
	}
	for _, r := range c.RNGs {
		got = append(got, r.Name)
	}
	if !slices.Equal(want, got) {
		return mismatch("random sources %v, the run has %v", got, want)
	}
	fail := func(err error) error {
		l.broken = err
		return err
	}
	if err := nn.LoadStateDict(l.cfg.Model, c.Model); err != nil {
		return fmt.Errorf("train: restore model: %w", err) // nothing changed yet
	}
	if err := l.cfg.Optimizer.LoadState(c.Optimizer); err != nil {
		return fail(fmt.Errorf("train: restore optimiser: %w", err))
	}
	if l.cfg.Scheduler != nil {
		if err := l.cfg.Scheduler.LoadState(c.Scheduler); err != nil {
			return fail(fmt.Errorf("train: restore scheduler: %w", err))
		}
	}
	for i, r := range l.cfg.RNGs {
		if err := r.Source.UnmarshalBinary(c.RNGs[i].State); err != nil {
			return fail(fmt.Errorf("train: restore random source %q: %w", r.Name, err))
		}
	}
	for _, h := range l.hooks {
		sh, ok := h.(StatefulHook)
		if !ok {
			continue
		}
		for _, hs := range c.Hooks {
			if hs.Hook == h.Name() {
				if err := sh.LoadState(hs.State); err != nil {
					return fail(fmt.Errorf("train: restore hook %q: %w", h.Name(), err))
				}
			}
		}
	}
	l.epoch, l.step, l.global, l.epochEnded = c.Epoch, c.Step, c.GlobalStep, false
	l.acc = epochAcc{lossSum: c.LossSum, correct: c.Correct, seen: c.Seen, noAcc: c.NoAccuracy, seconds: c.Seconds}
	l.history = nil
	for _, m := range c.History {
		l.history = append(l.history, m.clone())
	}
	l.state.Epoch, l.state.Step, l.state.GlobalStep = l.epoch, l.step, l.global
	l.state.History = l.history
	l.resumed = c
	return nil
}

// Resume restores the loop from the checkpoint file at path if it
// exists, and reports whether it did; a missing file means a fresh start.
func (l *Loop) Resume(path string) (bool, error) {
	c, err := ReadCheckpoint(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := l.Restore(c); err != nil {
		return false, fmt.Errorf("%w (checkpoint %s)", err, path)
	}
	return true, nil
}

// Safetensors returns c in its file form: F64 tensors "model.<name>",
// "optim.<name>", "sched.<name>", "hook.<hook>.<name>" and "loop.sums",
// U8 "rng.<name>", I64 "loop.position" and "loop.counts"; the history
// (JSON) and c.Metadata go into the metadata.
func (c *Checkpoint) Safetensors() *Safetensors {
	s := &Safetensors{Metadata: make(map[string]string, len(c.Metadata)+1)}
	for k, v := range c.Metadata {
		s.Metadata[k] = v
	}
	s.Metadata[keyHistory] = encodeHistory(c.History)
	add := func(prefix string, nts []nn.NamedTensor) {
		for _, nt := range nts {
			s.Tensors = append(s.Tensors, FromDense(prefix+nt.Name, nt.Value))
		}
	}
	add(prefModel, c.Model)
	add(prefOptimizer, c.Optimizer)
	add(prefScheduler, c.Scheduler)
	for _, h := range c.Hooks {
		add(prefHook+h.Hook+".", h.State)
	}
	for _, r := range c.RNGs {
		s.Tensors = append(s.Tensors, FromBytes(prefRNG+r.Name, r.State))
	}
	noAcc := int64(0)
	if c.NoAccuracy {
		noAcc = 1
	}
	s.Tensors = append(s.Tensors,
		FromInt64s(namePosition, nil, []int64{int64(c.Epoch), int64(c.Step), int64(c.GlobalStep), int64(c.StepsPerEpoch)}),
		FromInt64s(nameCounts, nil, []int64{c.Correct, c.Seen, noAcc}),
		FromDense(nameSums, tensor.FromSlice([]float64{c.LossSum, c.Seconds}, 2)))
	return s
}

// CheckpointFromSafetensors interprets a decoded safetensors file as a
// checkpoint (hook names contain no dot, so "hook.<hook>.<name>" splits
// at the first two dots).
func CheckpointFromSafetensors(s *Safetensors) (*Checkpoint, error) {
	if f := s.Metadata[keyFormat]; f != formatName {
		return nil, fmt.Errorf("train: not a checkpoint: metadata %s = %q, want %q", keyFormat, f, formatName)
	}
	c := &Checkpoint{Metadata: map[string]string{}}
	for k, v := range s.Metadata {
		if k != keyHistory {
			c.Metadata[k] = v
		}
	}
	var err error
	if c.History, err = decodeHistory(s.Metadata[keyHistory]); err != nil {
		return nil, fmt.Errorf("train: checkpoint metadata %s: %w", keyHistory, err)
	}
	var pos, counts []int64
	var sums *tensor.Dense
	for _, t := range s.Tensors {
		name := t.Name
		dense := func() (*tensor.Dense, error) {
			if t.DType != F64 {
				return nil, fmt.Errorf("train: checkpoint tensor %q has dtype %s, want F64", name, t.DType)
			}
			return t.Dense()
		}
		switch {
		case strings.HasPrefix(name, prefModel), strings.HasPrefix(name, prefOptimizer),
			strings.HasPrefix(name, prefScheduler), strings.HasPrefix(name, prefHook):
			v, err := dense()
			if err != nil {
				return nil, err
			}
			prefix, rest, _ := strings.Cut(name, ".")
			switch prefix + "." {
			case prefModel:
				c.Model = append(c.Model, nn.NamedTensor{Name: rest, Value: v})
			case prefOptimizer:
				c.Optimizer = append(c.Optimizer, nn.NamedTensor{Name: rest, Value: v})
			case prefScheduler:
				c.Scheduler = append(c.Scheduler, nn.NamedTensor{Name: rest, Value: v})
			case prefHook:
				hook, key, ok := strings.Cut(rest, ".")
				if !ok || hook == "" || key == "" {
					return nil, fmt.Errorf("train: checkpoint tensor %q: want hook.<hook>.<name>", name)
				}
				i := slices.IndexFunc(c.Hooks, func(h HookState) bool { return h.Hook == hook })
				if i < 0 {
					c.Hooks = append(c.Hooks, HookState{Hook: hook})
					i = len(c.Hooks) - 1
				}
				c.Hooks[i].State = append(c.Hooks[i].State, nn.NamedTensor{Name: key, Value: v})
			}
		case strings.HasPrefix(name, prefRNG):
			if t.DType != U8 || len(t.Shape) != 1 {
				return nil, fmt.Errorf("train: checkpoint tensor %q: want a 1-d U8 tensor, got %s %v", name, t.DType, t.Shape)
			}
			c.RNGs = append(c.RNGs, RNGState{Name: strings.TrimPrefix(name, prefRNG), State: slices.Clone(t.Data)})
		case name == namePosition || name == nameCounts:
			v, err := t.Int64s()
			if err != nil || t.DType != I64 || len(t.Shape) != 1 {
				return nil, fmt.Errorf("train: checkpoint tensor %q: want a 1-d I64 tensor, got %s %v", name, t.DType, t.Shape)
			}
			if name == namePosition {
				pos = v
			} else {
				counts = v
			}
		case name == nameSums:
			if sums, err = dense(); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("train: checkpoint tensor %q: unknown name", name)
		}
	}
	switch {
	case len(pos) != 4:
		return nil, fmt.Errorf("train: checkpoint: %s missing or not of length 4", namePosition)
	case len(counts) != 3:
		return nil, fmt.Errorf("train: checkpoint: %s missing or not of length 3", nameCounts)
	case sums == nil || sums.Size() != 2:
		return nil, fmt.Errorf("train: checkpoint: %s missing or not of length 2", nameSums)
	}
	for _, v := range pos {
		if v < 0 || v > 1<<40 {
			return nil, fmt.Errorf("train: checkpoint: %s = %v out of range", namePosition, pos)
		}
	}
	c.Epoch, c.Step, c.GlobalStep, c.StepsPerEpoch = int(pos[0]), int(pos[1]), int(pos[2]), int(pos[3])
	c.Correct, c.Seen, c.NoAccuracy = counts[0], counts[1], counts[2] != 0
	c.LossSum, c.Seconds = sums.Data()[0], sums.Data()[1]
	return c, nil
}

// WriteCheckpoint writes c to path atomically (see WriteSafetensorsFile):
// a crash during the write leaves the previous checkpoint in place.
func WriteCheckpoint(path string, c *Checkpoint) error {
	return WriteSafetensorsFile(path, c.Safetensors())
}

// ReadCheckpoint reads the checkpoint file at path. A missing file gives
// an error wrapping fs.ErrNotExist.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	s, err := ReadSafetensorsFile(path)
	if err != nil {
		return nil, err
	}
	c, err := CheckpointFromSafetensors(s)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return c, nil
}
