package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/quanta-qml/quanta/experiment"
)

// PlanPath returns the path of the sweep's plan.json.
func (s *Sweep) PlanPath() string { return filepath.Join(s.Dir, PlanFile) }

// ResultsFile returns the JSON Lines results file of task i,
// DIR/results/task-0007.jsonl. The task runner appends experiment.Record
// lines to it; a run is finished once a record of kind "run" for it is
// there. It panics if i is out of range.
func (s *Sweep) ResultsFile(i int) string {
	s.Plan.TaskRuns(i) // range check
	return filepath.Join(s.Dir, ResultsFolder, fmt.Sprintf("task-%04d.jsonl", i))
}

// Remaining returns the runs of task i that are not finished yet, in plan
// order. A task runner calls it first and skips the rest, so a resubmitted
// or re-run task never repeats a finished run. i comes from the command
// line of the task, so an out-of-range index is an error, not a panic.
func (s *Sweep) Remaining(i int) ([]Run, error) {
	if i < 0 || i >= s.Plan.NumTasks() {
		return nil, fmt.Errorf("task %d out of range: plan %s has tasks 0 to %d", i, s.PlanPath(), s.Plan.NumTasks()-1)
	}
	recs, err := s.taskRecords(i)
	if err != nil {
		return nil, err
	}
	done := finishedSet(recs)
	var out []Run
	for _, r := range s.Plan.TaskRuns(i) {
		if !done[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// Results returns the merged results of the finished runs, in plan order.
// For each finished run it lists its epoch records (when an epoch was
// logged more than once, for example by an attempt that was killed and
// resumed, the last one written before the run record wins), sorted by
// epoch, and then its run record. Runs that are not finished are left out.
// The result depends only on what the runs wrote, not on how the tasks were
// scheduled, so a Slurm sweep and a local one give equal results.
func (s *Sweep) Results() ([]experiment.Record, error) {
	var out []experiment.Record
	for i := range s.Plan.NumTasks() {
		recs, err := s.taskRecords(i)
		if err != nil {
			return nil, err
		}
		byRun := make(map[string][]experiment.Record)
		for _, rec := range recs {
			byRun[rec.Run] = append(byRun[rec.Run], rec)
		}
		for _, r := range s.Plan.TaskRuns(i) {
			out = append(out, mergeRun(byRun[r.ID])...)
		}
	}
	return out, nil
}

// mergeRun returns, from the records of one run in file order, the epochs
// (the last write per epoch number) and the first run record, or nothing if
// the run has no run record.
func mergeRun(recs []experiment.Record) []experiment.Record {
	var epochs []experiment.Record
	for _, rec := range recs {
		if rec.Kind == experiment.KindRun {
			sort.SliceStable(epochs, func(a, b int) bool { return epochs[a].Epoch < epochs[b].Epoch })
			return append(epochs, rec)
		}
		replaced := false
		for k := range epochs {
			if epochs[k].Epoch == rec.Epoch {
				epochs[k] = rec
				replaced = true
				break
			}
		}
		if !replaced {
			epochs = append(epochs, rec)
		}
	}
	return nil
}

// taskRecords reads the results file of task i. A missing file means no
// records. A last line without its newline is a write cut short when the
// task was killed: it is ignored. Every record must belong to a run of the
// task; anything else means the file is not this plan's.
func (s *Sweep) taskRecords(i int) ([]experiment.Record, error) {
	path := s.ResultsFile(i)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	if k := bytes.LastIndexByte(b, '\n'); k != len(b)-1 {
		b = b[:k+1]
	}
	recs, err := experiment.ReadRecords(bytes.NewReader(b), path)
	if err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	inTask := make(map[string]bool, s.Plan.RunsPerTask)
	for _, r := range s.Plan.TaskRuns(i) {
		inTask[r.ID] = true
	}
	for _, rec := range recs {
		if !inTask[rec.Run] {
			return nil, fmt.Errorf("%s: record for run %q, which is not in task %d of plan %s", path, rec.Run, i, s.PlanPath())
		}
	}
	return recs, nil
}

// finishedSet returns the ids of the runs that have a run record.
func finishedSet(recs []experiment.Record) map[string]bool {
	done := make(map[string]bool)
	for _, rec := range recs {
		if rec.Kind == experiment.KindRun {
			done[rec.Run] = true
		}
	}
	return done
}
