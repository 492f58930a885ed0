package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/train"
)

// Names of the hooks the runner adds to every training loop.
const (
	hookRecord   = "record"
	hookDeadline = "deadline"
	// EvalSeconds is the metric holding the evaluation time of an epoch.
	EvalSeconds = "eval_seconds"
)

// Runner trains runs one after the other and appends their records to a
// results file: an "epoch" record after every epoch and a "run" record
// when a run finishes. A run is resumable: its checkpoint (under
// Checkpoints) is written before each epoch's record, with the epoch's
// metrics in its history, so a run killed at any point continues from its
// last checkpoint, a record lost between the two writes is written from
// the checkpoint, and finished runs are skipped. With the same seed and
// thread count the records of a resumed run equal those of an
// uninterrupted one, except for wall times and the time of writing.
type Runner struct {
	// Results is the JSON Lines file the records are appended to.
	Results string
	// Checkpoints is the directory of the per-run checkpoints
	// (<model>/<config>/<dataset>/seed=<seed>.safetensors).
	Checkpoints string
	// Failures, if set, is a JSON file listing the runs that failed (a
	// diverged loss, a non-finite metric); those runs are skipped later
	// unless RetryFailed is set.
	Failures    string
	RetryFailed bool
	// Progress receives a progress bar per epoch (count, rate, ETA) and a
	// line with the metrics of every finished epoch; nil draws nothing.
	Progress io.Writer
	// Log receives one line per run: its start, a skip, its end or its
	// failure; nil writes nothing.
	Log io.Writer
	// Deadline, if not zero, stops the runner cleanly once passed: the run
	// in progress writes a checkpoint after its current step and stops,
	// and no further run starts.
	Deadline time.Time
	// Provenance is recorded in every record.
	Provenance Provenance
	// Hooks are added to every run's training loop (custom logging,
	// stopping rules); they must have names other than the runner's.
	Hooks []train.Hook
	// Now gives the time written in records; nil means time.Now.
	Now func() time.Time

	cacheKey  string
	cacheData *Data
}

// Outcome says how a call of Runner.Run ended.
type Outcome int

const (
	Finished Outcome = iota // all epochs done and the run record written
	Skipped                 // finished before (or failed before and not retried)
	Stopped                 // the deadline passed or the context was cancelled; resumable
	Failed                  // training diverged or a metric was not finite
)

// Failure is a run that failed, as listed in the failures file.
type Failure struct {
	Run   string `json:"run"`
	Error string `json:"error"`
	Time  string `json:"time"`
}

// Summary is what RunAll did.
type Summary struct {
	Finished int // runs finished by this call
	Skipped  int // runs found finished
	Failed   []Failure
	// Stopped reports that the deadline (or a cancelled context) ended
	// the call before every run was finished; Remaining counts the runs
	// left to do.
	Stopped   bool
	Remaining int
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", args...)
	}
}

// CheckpointPath returns the checkpoint file of a run.
func (r *Runner) CheckpointPath(run Run) string {
	return filepath.Join(r.Checkpoints, filepath.FromSlash(run.ID)+".safetensors")
}

// RunAll runs every run in order, skipping finished ones, until all are
// done, the deadline passes or ctx is cancelled (then it returns ctx's
// error with the summary). A failed run is listed and the others go on.
// Any other error (a results file that cannot be written, a checkpoint of
// another run) ends the call.
func (r *Runner) RunAll(ctx context.Context, runs []Run) (*Summary, error) {
	recs, err := ReadRecordsFile(r.Results)
	if err != nil {
		return nil, err
	}
	var failed []Failure
	if r.Failures != "" && !r.RetryFailed {
		if failed, err = readFailures(r.Failures); err != nil {
			return nil, err
		}
	}
	sum := &Summary{}
	for i, run := range runs {
		if finishedIn(recs, run.ID) {
			sum.Skipped++
			continue
		}
		if k := slices.IndexFunc(failed, func(f Failure) bool { return f.Run == run.ID }); k >= 0 {
			r.logf("run %d/%d %s: failed before, skipped (%s)", i+1, len(runs), run.ID, failed[k].Error)
			sum.Failed = append(sum.Failed, failed[k])
			continue
		}
		if err := ctx.Err(); err != nil || r.pastDeadline() {
			sum.Stopped, sum.Remaining = true, countUnfinished(recs, runs[i:])
			return sum, err
		}
		r.logf("run %d/%d %s", i+1, len(runs), run.ID)
		out, err := r.Run(ctx, run)
		switch {
		case out == Failed:
			f := Failure{Run: run.ID, Error: err.Error(), Time: r.now().UTC().Format(time.RFC3339)}
			sum.Failed = append(sum.Failed, f)
			r.logf("run %s failed: %v", run.ID, err)
			if r.Failures != "" {
				if werr := addFailure(r.Failures, f); werr != nil {
					return sum, werr
				}
			}
		case err != nil && out != Stopped:
			return sum, err
		case out == Stopped:
			if recs, err = ReadRecordsFile(r.Results); err != nil {
				return sum, err
			}
			sum.Stopped, sum.Remaining = true, countUnfinished(recs, runs[i:])
			return sum, ctx.Err()
		case out == Finished:
			sum.Finished++
		case out == Skipped:
			sum.Skipped++
		}
	}
	return sum, nil
}

func (r *Runner) pastDeadline() bool { return !r.Deadline.IsZero() && r.now().After(r.Deadline) }

func finishedIn(recs []Record, id string) bool {
	return slices.ContainsFunc(recs, func(rec Record) bool { return rec.Kind == KindRun && rec.Run == id })
}

func countUnfinished(recs []Record, runs []Run) int {
	n := 0
	for _, run := range runs {
		if !finishedIn(recs, run.ID) {
			n++
		}
	}
	return n
}

// Run trains one run to its end (or resumes it from its checkpoint) and
// appends its records. It returns Skipped for a run already finished in
// the results file, Stopped with ctx's error when ctx is cancelled (after
// saving a checkpoint) or with a nil error when the deadline passed, and
// Failed with the reason when training diverges.
func (r *Runner) Run(ctx context.Context, run Run) (Outcome, error) {
	recs, err := ReadRecordsFile(r.Results)
	if err != nil {
		return Failed, err
	}
	recorded := map[int]bool{}
	for _, rec := range recs {
		if rec.Run != run.ID {
			continue
		}
		if rec.Kind == KindRun {
			return Skipped, nil
		}
		recorded[rec.Epoch] = true
	}
	data, err := r.data(ctx, run)
	if err != nil {
		return Failed, err
	}
	model, err := BuildRun(run, data)
	if err != nil {
		return Failed, err
	}
	t := run.Training
	trainLoader := &dataset.Loader{Set: data.Train, BatchSize: t.BatchSize, Shuffle: true, Seed: run.Seed}
	testLoader := &dataset.Loader{Set: data.Test, BatchSize: t.EvalBatchSize}
	opt, sched, perBatch, err := newOptimizer(model.Layer, t, trainLoader.Len())
	if err != nil {
		return Failed, fmt.Errorf("experiment: run %s: %w", run.ID, err)
	}
	ckpt := r.CheckpointPath(run)
	if err := os.MkdirAll(filepath.Dir(ckpt), 0o755); err != nil {
		return Failed, fmt.Errorf("experiment: %w", err)
	}
	payload, _ := json.Marshal(run)
	rh := &recordHook{r: r, run: run, params: model.Params, recorded: recorded}
	hooks := []train.Hook{
		timedEval{train.NewEval(testLoader)},
		train.NewCheckpointer(ckpt, t.CheckpointEvery),
		train.HookFunc(hookRecord, train.OrderCheckpoint+50, rh.on),
		train.HookFunc(hookDeadline, train.OrderCheckpoint+60, r.deadlineHook(ckpt)),
	}
	if r.Progress != nil {
		hooks = append(hooks, train.NewProgress(r.Progress))
	}
	hooks = append(hooks, r.Hooks...)
	loop, err := train.New(train.Config{
		Model: model.Layer, Optimizer: opt, Scheduler: sched, SchedulerPerBatch: perBatch,
		Train: trainLoader, Epochs: t.Epochs, ClipNorm: t.ClipNorm,
		RNGs:  train.DropoutRNGs(model.Layer, run.Seed),
		Hooks: hooks, ConfigHash: run.Hash(),
		Metadata: map[string]string{"quanta.run": string(payload), "quanta.version": r.Provenance.Version,
			"quanta.commit": r.Provenance.Commit},
	})
	if err != nil {
		return Failed, fmt.Errorf("experiment: run %s: %w", run.ID, err)
	}
	resumed, err := loop.Resume(ckpt)
	if err != nil {
		if errors.Is(err, train.ErrMismatch) {
			return Failed, fmt.Errorf("experiment: run %s: %w (delete %s to start the run over)", run.ID, err, ckpt)
		}
		return Failed, fmt.Errorf("experiment: run %s: resuming: %w", run.ID, err)
	}
	if resumed {
		c := loop.Resumed()
		r.logf("  resumed at epoch %d, step %d", c.Epoch+1, c.Step+1)
		// A record lost between its checkpoint and its own write.
		for k := range c.History {
			if !recorded[k+1] {
				if err := rh.write(c.History, k); err != nil {
					return Failed, err
				}
			}
		}
	}
	res, err := loop.Run(ctx)
	var nf *train.NonFiniteError
	switch {
	case errors.As(err, &nf), errors.Is(err, errNonFiniteMetric):
		return Failed, err
	case err != nil && ctx.Err() != nil:
		// Keep the work since the last checkpoint: the loop stopped
		// between two steps.
		if c, cerr := loop.Checkpoint(); cerr == nil {
			if werr := train.WriteCheckpoint(ckpt, c); werr != nil {
				return Stopped, fmt.Errorf("%w (and saving the checkpoint: %v)", ctx.Err(), werr)
			}
		}
		return Stopped, ctx.Err()
	case err != nil:
		return Failed, err
	}
	if len(res.History) < t.Epochs {
		r.logf("  stopped by the time limit after %d of %d epochs; run the same command again to continue", len(res.History), t.Epochs)
		return Stopped, nil
	}
	final := rh.record(res.History, len(res.History)-1)
	final.Kind = KindRun
	if err := AppendRecord(r.Results, final); err != nil {
		return Failed, err
	}
	r.logf("  finished: test accuracy %.2f %%, loss %.4f", 100*final.TestAcc, final.TestLoss)
	return Finished, nil
}

// BuildRun builds the model of a run for its data (the model spec travels
// with the run) and fits its fitted layers on the training split.
func BuildRun(run Run, data *Data) (*Model, error) {
	spec, err := ParseModelSpec(run.ModelFile, []byte(run.ModelSource))
	if err != nil {
		return nil, err
	}
	model, err := spec.Build(Configuration{Name: run.Config, Choice: run.Choice}, data.Train.SampleShape(), run.Seed,
		BuildOptions{NonUnitary: run.Training.NonUnitary})
	if err != nil {
		return nil, err
	}
	if len(model.Output) != 1 || model.Output[0] < len(data.Train.Classes) {
		return nil, fmt.Errorf("experiment: run %s: the model gives %v outputs per sample for %d classes", run.ID, model.Output, len(data.Train.Classes))
	}
	if err := model.Fit(data.Train.X); err != nil {
		return nil, err
	}
	return model, nil
}

// data returns the prepared data of a run, reusing the last prepared set
// when the pipeline is the same.
func (r *Runner) data(ctx context.Context, run Run) (*Data, error) {
	spec, err := ParseModelSpec(run.ModelFile, []byte(run.ModelSource))
	if err != nil {
		return nil, err
	}
	key := cacheKey(run.Dataset, spec.Data, run.Training.TrainSize, run.Training.TestSize)
	if key == r.cacheKey && r.cacheData != nil {
		return r.cacheData, nil
	}
	r.cacheKey, r.cacheData = "", nil // release the previous sets first
	r.logf("  preparing %s", run.DatasetLabel)
	d, err := PrepareData(ctx, run.Dataset, spec.Data, run.Training.TrainSize, run.Training.TestSize)
	if err != nil {
		return nil, err
	}
	r.cacheKey, r.cacheData = key, d
	return d, nil
}

// newOptimizer returns the optimiser and scheduler of t over the model's
// parameters.
func newOptimizer(m nn.Module, t Training, stepsPerEpoch int) (optim.Optimizer, *optim.Scheduler, bool, error) {
	params := nn.Params(m)
	var opt optim.Optimizer
	var err error
	switch t.Optimizer {
	case "adam", "":
		opt, err = optim.NewAdam(params, optim.AdamOptions{LR: t.LR, WeightDecay: t.WeightDecay})
	case "adamw":
		opt, err = optim.NewAdamW(params, optim.AdamOptions{LR: t.LR, WeightDecay: t.WeightDecay})
	case "sgd":
		opt, err = optim.NewSGD(params, optim.SGDOptions{LR: t.LR, Momentum: t.Momentum, WeightDecay: t.WeightDecay})
	case "rmsprop":
		opt, err = optim.NewRMSprop(params, optim.RMSpropOptions{LR: t.LR, Momentum: t.Momentum, WeightDecay: t.WeightDecay})
	default:
		return nil, nil, false, fmt.Errorf("unknown optimizer %q", t.Optimizer)
	}
	if err != nil || t.Schedule == nil {
		return opt, nil, false, err
	}
	var s optim.Schedule
	perBatch := false
	switch sc := t.Schedule; sc.Kind {
	case "step":
		s = optim.StepLR{StepSize: sc.StepSize, Gamma: sc.Gamma}
	case "exponential":
		s = optim.ExponentialLR{Gamma: sc.Gamma}
	case "cosine":
		s = optim.CosineAnnealingLR{TMax: sc.TMax, EtaMin: sc.EtaMin}
	case "onecycle":
		s, perBatch = optim.OneCycleLR{MaxLR: sc.MaxLR, TotalSteps: t.Epochs * stepsPerEpoch}, true
	default:
		return nil, nil, false, fmt.Errorf("unknown schedule %q", sc.Kind)
	}
	sched, err := optim.NewScheduler(opt, s)
	return opt, sched, perBatch, err
}

// timedEval is train's Eval hook that also records its own wall time as
// EvalSeconds, so that records report the whole epoch's time.
type timedEval struct{ *train.Eval }

func (h timedEval) On(e train.Event, s *train.State) error {
	if e != train.EventEpoch {
		return nil
	}
	t0 := time.Now()
	err := h.Eval.On(e, s)
	s.Metrics.Set(EvalSeconds, time.Since(t0).Seconds())
	return err
}

// errNonFiniteMetric marks an epoch whose metrics cannot be recorded.
var errNonFiniteMetric = errors.New("non-finite metric")

// recordHook appends an epoch record after each epoch's checkpoint.
type recordHook struct {
	r        *Runner
	run      Run
	params   ParamCount
	recorded map[int]bool // epochs (1-based) already in the results file
}

func (h *recordHook) on(e train.Event, s *train.State) error {
	if e != train.EventEpoch {
		return nil
	}
	return h.write(s.History, len(s.History)-1)
}

// write appends the record of epoch k (0-based) of the history, unless
// the results file has it (a run restarted without its checkpoint).
func (h *recordHook) write(hist []*train.Metrics, k int) error {
	if h.recorded[k+1] {
		return nil
	}
	h.recorded[k+1] = true
	rec := h.record(hist, k)
	err := AppendRecord(h.r.Results, rec)
	if err != nil && strings.Contains(err.Error(), "non-finite metric") {
		return fmt.Errorf("%w: %v", errNonFiniteMetric, err)
	}
	return err
}

// record builds the epoch record of epoch k from the metrics history.
func (h *recordHook) record(hist []*train.Metrics, k int) Record {
	get := func(m *train.Metrics, name string) float64 { v, _ := m.Get(name); return v }
	wall := 0.0
	for _, m := range hist[:k+1] {
		wall += get(m, train.EpochSeconds) + get(m, EvalSeconds)
	}
	m := hist[k]
	run := h.run
	return Record{
		Kind: KindEpoch, Run: run.ID, Model: run.Model, Config: run.Config, Classical: run.Classical,
		Dataset: run.DatasetLabel, Seed: run.Seed, Epoch: k + 1, Epochs: run.Training.Epochs,
		TrainLoss: get(m, train.TrainLoss), TrainAcc: get(m, train.TrainAcc),
		TestLoss: get(m, train.EvalLoss), TestAcc: get(m, train.EvalAcc),
		Params: h.params, EpochSeconds: get(m, train.EpochSeconds) + get(m, EvalSeconds), WallSeconds: wall,
		Provenance: h.r.Provenance, Time: h.r.now().UTC().Format(time.RFC3339),
	}
}

// deadlineHook stops the loop once the deadline has passed: after a step
// (writing a checkpoint of that position) or after an epoch's record.
func (r *Runner) deadlineHook(ckpt string) func(train.Event, *train.State) error {
	return func(e train.Event, s *train.State) error {
		if (e != train.EventStep && e != train.EventEpoch) || !r.pastDeadline() {
			return nil
		}
		if e == train.EventStep && s.Step < s.Steps {
			c, err := s.Loop.Checkpoint()
			if err != nil {
				return err
			}
			if err := train.WriteCheckpoint(ckpt, c); err != nil {
				return err
			}
		}
		return train.ErrStop
	}
}

func readFailures(path string) ([]Failure, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	var out []Failure
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", path, err)
	}
	return out, nil
}

func addFailure(path string, f Failure) error {
	all, err := readFailures(path)
	if err != nil {
		return err
	}
	all = slices.DeleteFunc(all, func(g Failure) bool { return g.Run == f.Run })
	if err := writeJSONAtomic(path, append(all, f)); err != nil {
		return fmt.Errorf("experiment: %s: %w", path, err)
	}
	return nil
}

// RunFromCheckpoint returns the run a checkpoint belongs to (saved in its
// metadata by the runner).
func RunFromCheckpoint(c *train.Checkpoint) (Run, error) {
	var run Run
	s, ok := c.Metadata["quanta.run"]
	if !ok {
		return run, errors.New("experiment: the checkpoint was not written by the experiment runner (no quanta.run metadata)")
	}
	if err := json.Unmarshal([]byte(s), &run); err != nil {
		return run, fmt.Errorf("experiment: checkpoint metadata quanta.run: %w", err)
	}
	return run, nil
}
