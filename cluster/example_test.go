package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quanta-qml/quanta/cluster"
	"github.com/quanta-qml/quanta/experiment"
)

// The batch script of a sweep of 5 runs, 2 per array task, at most 2 tasks
// at a time. A dry run prints exactly this; Submit writes it into the
// results directory and passes it to sbatch.
func ExampleScript() {
	var runs []cluster.Run
	for seed := 1; seed <= 5; seed++ {
		runs = append(runs, cluster.Run{ID: fmt.Sprintf("hybridnet/L2/mnist/seed=%d", seed)})
	}
	plan, err := cluster.NewPlan([]byte("model: hybridnet\nseeds: 5\n"), runs, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := &cluster.Sweep{Dir: "/scratch/creep sweep", Plan: plan}
	script, err := cluster.Script(s, cluster.JobOptions{
		Command:     []string{"quanta", "run-task", "--plan", cluster.PlanArg, "--index", cluster.TaskArg},
		Partition:   "cpu",
		MaxParallel: 2,
	}, []int{0, 1, 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(script)
	// Output:
	// #!/bin/bash
	// #SBATCH --job-name="quanta"
	// #SBATCH --array=0-2%2
	// #SBATCH --partition="cpu"
	// #SBATCH --chdir="/scratch/creep sweep"
	// #SBATCH --output="/scratch/creep sweep/logs/task-%4a-job-%A.out"
	// #SBATCH --error="/scratch/creep sweep/logs/task-%4a-job-%A.err"
	// #
	// # quanta sweep: array tasks 0-2 (3 of 3) of the plan in the results
	// # directory below, spec sha256:68d0c0c480754d145f15d3d13503da30cf10a29103d9690249368cfb231e40e2.
	// # Each task appends its runs' records to results/task-NNNN.jsonl there
	// # and skips the runs that are already finished.
	// set -euo pipefail
	// cd '/scratch/creep sweep'
	// exec quanta run-task --plan '/scratch/creep sweep/plan.json' --index "$SLURM_ARRAY_TASK_ID"
}

func ExampleArraySpec() {
	fmt.Println(cluster.ArraySpec([]int{7, 3, 9, 10, 11, 0}))
	// Output: 0,3,7,9-11
}

// A sweep run on this machine with 2 workers. The task function plays the
// part of `quanta run-task`: it runs the task's unfinished runs and appends
// a run record for each.
func ExampleRunLocal() {
	dir, err := os.MkdirTemp("", "sweep")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	runs := []cluster.Run{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	plan, err := cluster.NewPlan([]byte("spec"), runs, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := cluster.Create(filepath.Join(dir, "results"), plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	task := func(ctx context.Context, i int) error {
		todo, err := s.Remaining(i)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(s.ResultsFile(i), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		for _, r := range todo {
			line, _ := json.Marshal(experiment.Record{Kind: experiment.KindRun, Run: r.ID, TestAcc: 0.9})
			if _, err := f.Write(append(line, '\n')); err != nil {
				return err
			}
		}
		return nil
	}
	if err := cluster.RunLocal(context.Background(), s, 2, task); err != nil {
		fmt.Println(err)
		return
	}
	st, err := (&cluster.Slurm{}).Status(context.Background(), s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d tasks, done: %v, %+v\n", len(st.Tasks), st.Done(), st.Total)
	// Output: 2 tasks, done: true, {Finished:3 Failed:0 Running:0 Pending:0 Missing:0}
}
