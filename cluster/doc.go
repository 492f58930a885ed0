// Package cluster runs the sweeps that outgrow one machine as Slurm job
// arrays, and the same sweeps locally, with a results directory on shared
// storage as the only shared state: no daemon of its own.
//
// # Overview
//
// A sweep is a deterministic list of runs (an opaque id and JSON payload
// each, expanded from a spec by the caller) split into array tasks of a
// fixed number of runs (a Plan). Create writes it as plan.json into the
// results directory, with the hash of the spec, so that status and
// resubmission refuse a directory that belongs to another spec (Open with
// the spec, ErrForeignPlan).
//
// The results directory holds:
//
//	plan.json                  the plan (written atomically, once)
//	results/task-0007.jsonl    the experiment.Record lines of task 7's runs
//	logs/task-0007-job-12.out  Slurm stdout/stderr of task 7 in job 12 (.err)
//	slurm/submit-001.sh        the batch script of every submission
//	slurm/jobs.json            the journal: job id, tasks, options per submission
//
// The task command (for example `quanta run-task --plan DIR/plan.json
// --index N`) opens the sweep, asks Sweep.Remaining for its unfinished runs,
// runs them and appends their records to Sweep.ResultsFile. A run is
// finished when a record of kind "run" for it is in its task's file; that
// is the filesystem truth that Status combines with what Slurm reports
// (scontrol, and sacct when accounting answers). Resubmit submits only the
// tasks with failed or missing runs, and the runner's skip of finished runs
// means no finished run is repeated. Results merges the records in plan
// order, independently of scheduling, so RunLocal (the same tasks through an
// in-process TaskFunc, N at a time) gives the same results as Slurm.
//
// # Conventions
//
// Slurm commands run through a Runner (ExecRunner by default), so tests use
// a scripted fake. Wait polls squeue (DefaultPoll, 0.3 s) rather than
// sbatch --wait. Anything from outside (files, Slurm output, options from
// the command line) gives an error that names the file or command; a task
// index out of range in Plan.TaskRuns or Sweep.ResultsFile is a caller bug
// and panics with a message prefixed "cluster:". Files are written to a
// temporary name and renamed. Paths in batch scripts are quoted for sbatch's
// own #SBATCH parser (double quotes, "%%" for a literal '%') and for the shell
// (single quotes), so results directories may contain spaces, quotes, '#'
// and '%'; line breaks and backslashes are refused.
//
// One process at a time submits or resubmits a sweep; any number may read
// its status.
package cluster
