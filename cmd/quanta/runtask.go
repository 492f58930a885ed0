package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/quanta-qml/quanta/cluster"
	"github.com/quanta-qml/quanta/experiment"
	"github.com/spf13/cobra"
)

func newRunTaskCmd() *cobra.Command {
	var plan string
	var index, threads int
	var quiet bool
	cmd := &cobra.Command{
		Use:   "run-task",
		Short: "Run one array task of a sweep (what each Slurm task executes)",
		Long: `Opens the sweep whose plan.json is given, and runs the task's runs that are
not finished yet, in plan order, appending their records to the task's
results file (DIR/results/task-NNNN.jsonl), each record one complete line
written at once. Runs resume from their checkpoints under DIR/checkpoints/,
so a task killed by Slurm (time limit, preemption) and resubmitted continues
where it stopped and never repeats a finished run.

It exits with status 1 if a run fails (training diverged) or the task is
interrupted.`,
		Example: `  quanta run-task --plan sweep/plan.json --index 3`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if plan == "" {
				return usageError{fmt.Errorf("--plan is required")}
			}
			if index < 0 {
				return usageError{fmt.Errorf("--index %d: want a task index ≥ 0", index)}
			}
			if threads < 0 {
				return usageError{fmt.Errorf("--threads %d: want at least 1", threads)}
			}
			if threads > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
			}
			s, err := cluster.Open(filepath.Dir(plan), nil)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var log io.Writer
			if !quiet {
				log = cmd.ErrOrStderr()
			}
			return runTask(ctx, s, index, log)
		},
	}
	f := cmd.Flags()
	f.StringVar(&plan, "plan", "", "the sweep's plan.json")
	f.IntVar(&index, "index", -1, "the array task index")
	f.IntVar(&threads, "threads", 0, "threads (GOMAXPROCS); 0 keeps the default")
	f.BoolVar(&quiet, "quiet", false, "no progress bars or per-run lines")
	return cmd
}

// runTask runs the unfinished runs of task i of the sweep. log receives
// progress bars and per-run lines; nil is quiet.
func runTask(ctx context.Context, s *cluster.Sweep, i int, log io.Writer) error {
	remaining, err := s.Remaining(i)
	if err != nil {
		return err
	}
	var runs []experiment.Run
	for _, cr := range remaining {
		var run experiment.Run
		if err := json.Unmarshal(cr.Payload, &run); err != nil {
			return fmt.Errorf("%s: run %s: payload: %w", s.PlanPath(), cr.ID, err)
		}
		if run.ID != cr.ID {
			return fmt.Errorf("%s: run %s has the payload of run %s", s.PlanPath(), cr.ID, run.ID)
		}
		runs = append(runs, run)
	}
	r := &experiment.Runner{
		Results:     s.ResultsFile(i),
		Checkpoints: filepath.Join(s.Dir, checkpointsDir),
		Provenance:  experiment.CurrentProvenance(version),
		Progress:    log,
		Log:         log,
	}
	sum, err := r.RunAll(ctx, runs)
	if err != nil {
		return fmt.Errorf("task %d: %w", i, err)
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("task %d: %w: %d of %d (first: %s: %s)", i, errWorkFailed, len(sum.Failed), len(runs), sum.Failed[0].Run, sum.Failed[0].Error)
	}
	return nil
}
