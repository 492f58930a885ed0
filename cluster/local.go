package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// TaskFunc runs one array task of a sweep in process: it runs the task's
// remaining runs (Sweep.Remaining) and appends their records to the task's
// results file (Sweep.ResultsFile), exactly as the command of a Slurm array
// task does. It should return promptly with ctx.Err() when ctx is done.
type TaskFunc func(ctx context.Context, task int) error

// RunLocal runs the sweep on this machine with up to workers tasks at once
// (workers < 1 means 1): every task that has unfinished runs, in task order,
// through run. It writes the same files as a Slurm sweep, so Status and
// Results read a local sweep like a Slurm one. A task that returns nil but
// leaves runs unfinished is an error. When ctx is done, no further task
// starts; RunLocal waits for the running ones and returns.
//
// The error joins one error per failed task ("task 3: ...", in task order)
// and ctx.Err() if the sweep was cancelled.
func RunLocal(ctx context.Context, s *Sweep, workers int, run TaskFunc) error {
	var todo []int
	for t := range s.Plan.NumTasks() {
		rem, err := s.Remaining(t)
		if err != nil {
			return err
		}
		if len(rem) > 0 {
			todo = append(todo, t)
		}
	}
	workers = max(1, min(workers, len(todo)))
	errs := make([]error, len(todo))
	var mu sync.Mutex
	next := 0
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next == len(todo) || ctx.Err() != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	parfor.For(workers, workers, 1, func(_, _, _ int) {
		for {
			k, ok := take()
			if !ok {
				return
			}
			errs[k] = runLocalTask(ctx, s, todo[k], run)
		}
	})
	for k, err := range errs {
		if err != nil {
			errs[k] = fmt.Errorf("task %d: %w", todo[k], err)
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("local sweep %s stopped: %w", s.Dir, err))
	}
	return errors.Join(errs...)
}

// runLocalTask runs one task and checks that it finished its runs.
func runLocalTask(ctx context.Context, s *Sweep, task int, run TaskFunc) error {
	if err := run(ctx, task); err != nil {
		return err
	}
	rem, err := s.Remaining(task)
	if err != nil {
		return err
	}
	if len(rem) > 0 {
		ids := make([]string, len(rem))
		for i, r := range rem {
			ids[i] = r.ID
		}
		return fmt.Errorf("returned without finishing runs %s", strings.Join(ids, ", "))
	}
	return nil
}
