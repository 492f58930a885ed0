package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/quanta-qml/quanta/cluster"
	"github.com/quanta-qml/quanta/experiment"
	"github.com/spf13/cobra"
)

// sweepOptions are the flags of "quanta sweep SPEC".
type sweepOptions struct {
	local, slurm  bool
	jobs          int
	out           string
	runsPerTask   int
	dryRun        bool
	quiet         bool
	threads       int
	exe           string
	name          string
	partition     string
	timeLimit     time.Duration
	cpus          int
	mem           string
	maxConcurrent int
	extra, setup  []string
}

func newSweepCmd() *cobra.Command {
	var o sweepOptions
	cmd := &cobra.Command{
		Use:   "sweep SPEC (--local | --slurm)",
		Short: "Run an experiment spec's grid as a sweep: a Slurm job array, or locally",
		Long: `Expands the experiment spec into its runs (configurations × seeds × data
sets), splits them into array tasks of --runs-per-task runs and writes the
plan into the sweep directory (the spec's output, or --out), then

  --slurm  submits one Slurm job array whose task i runs
           "quanta run-task --plan DIR/plan.json --index i";
  --local  runs the same tasks on this machine, -j at a time.

Each task writes its own results file (DIR/results/task-NNNN.jsonl) and
checkpoints; "quanta report DIR" merges them, "quanta sweep status DIR"
shows what is finished, failed, running or missing, and "quanta sweep
resubmit DIR" submits again the tasks with failed or missing runs (finished
runs are never repeated). Running the same sweep into the same directory
reuses its plan; a directory made from another spec is refused.

The Slurm tasks run the executable given by --quanta (default: this one).
Build it first ("go build ./cmd/quanta"): "go run" deletes its binary when
it exits.`,
		Example: `  quanta sweep creep.yaml --local -j 2
  quanta sweep creep.yaml --slurm --partition cpu --time 2h --cpus-per-task 4 --mem 8G --dry-run
  quanta sweep creep.yaml --slurm --max-concurrent 10 --sbatch=--account=proj42 --setup "module load go"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.local == o.slurm {
				return usageError{errors.New("choose one of --local and --slurm")}
			}
			if o.jobs < 1 || o.runsPerTask < 1 || o.threads < 0 || o.cpus < 0 || o.maxConcurrent < 0 || o.timeLimit < 0 {
				return usageError{errors.New("-j, --runs-per-task must be at least 1; --threads, --cpus-per-task, --max-concurrent and --time must not be negative")}
			}
			spec, err := experiment.LoadSpec(args[0])
			if err != nil {
				return err
			}
			return runSweep(cmd.Context(), spec, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.local, "local", false, "run the tasks on this machine")
	f.BoolVar(&o.slurm, "slurm", false, "submit the tasks as a Slurm job array")
	f.IntVarP(&o.jobs, "jobs", "j", 1, "local: tasks at once")
	f.StringVar(&o.out, "out", "", "sweep directory (default: the spec's output)")
	f.IntVar(&o.runsPerTask, "runs-per-task", 1, "runs per array task")
	f.BoolVar(&o.quiet, "quiet", false, "local: no progress bars or per-run lines")
	f.IntVar(&o.threads, "threads", 0, "threads (GOMAXPROCS) of every task; 0 keeps the default")
	f.BoolVar(&o.dryRun, "dry-run", false, "slurm: print the batch script instead of submitting it")
	f.StringVar(&o.exe, "quanta", "", "slurm: the quanta executable the tasks run (default: this one)")
	f.StringVar(&o.name, "name", "", `slurm: job name (default "quanta")`)
	f.StringVar(&o.partition, "partition", "", "slurm: partition")
	f.DurationVar(&o.timeLimit, "time", 0, "slurm: time limit per task, e.g. 2h (rounded up to minutes)")
	f.IntVar(&o.cpus, "cpus-per-task", 0, "slurm: CPUs per task")
	f.StringVar(&o.mem, "mem", "", "slurm: memory per node, e.g. 8G")
	f.IntVar(&o.maxConcurrent, "max-concurrent", 0, "slurm: most tasks running at once")
	f.StringArrayVar(&o.extra, "sbatch", nil, "slurm: an extra #SBATCH option, e.g. --sbatch=--account=proj42 (repeatable)")
	f.StringArrayVar(&o.setup, "setup", nil, `slurm: a shell line run before each task, e.g. "module load go" (repeatable)`)
	cmd.AddCommand(newSweepStatusCmd(), newSweepResubmitCmd())
	return cmd
}

// planSweep writes the plan of spec into dir (or reuses the same plan).
func planSweep(spec *experiment.Spec, dir string, runsPerTask int) (*cluster.Sweep, error) {
	var runs []cluster.Run
	for _, r := range spec.Runs() {
		payload, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		runs = append(runs, cluster.Run{ID: r.ID, Payload: payload})
	}
	plan, err := cluster.NewPlan(spec.Canonical(), runs, runsPerTask)
	if err != nil {
		return nil, err
	}
	s, err := cluster.Create(dir, plan)
	if errors.Is(err, cluster.ErrForeignPlan) {
		return nil, fmt.Errorf("%w: %s was made for other runs or another split; use another --out", err, dir)
	}
	return s, err
}

func runSweep(ctx context.Context, spec *experiment.Spec, o sweepOptions, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	dir := o.out
	if dir == "" {
		dir = spec.Output
	}
	s, err := planSweep(spec, dir, o.runsPerTask)
	if err != nil {
		return err
	}
	if o.slurm {
		exe := o.exe
		if exe == "" {
			if exe, err = os.Executable(); err != nil {
				return fmt.Errorf("finding this executable for the batch script: %w (use --quanta)", err)
			}
		}
		if abs, err := filepath.Abs(exe); err == nil {
			exe = abs
		}
		command := []string{exe, "run-task", "--plan", cluster.PlanArg, "--index", cluster.TaskArg, "--quiet"}
		if o.threads > 0 {
			command = append(command, "--threads", strconv.Itoa(o.threads))
		}
		jo := cluster.JobOptions{Command: command, Name: o.name, Partition: o.partition, TimeLimit: o.timeLimit,
			CPUsPerTask: o.cpus, Mem: o.mem, MaxParallel: o.maxConcurrent, Extra: o.extra, Setup: o.setup}
		sl := &cluster.Slurm{Runner: cluster.ExecRunner{}, DryRun: o.dryRun}
		sub, err := sl.Submit(ctx, s, jo)
		if err != nil {
			return err
		}
		if o.dryRun {
			fmt.Fprint(stdout, sub.Text)
			return nil
		}
		fmt.Fprintf(stdout, "submitted job %s: %d tasks of %d runs; script %s\n", sub.JobID, len(sub.Tasks), len(s.Plan.Runs),
			filepath.Join(s.Dir, sub.Script))
		fmt.Fprintf(stdout, "follow it with: quanta sweep status %s\n", s.Dir)
		return nil
	}
	if o.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(o.threads))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var log io.Writer
	if !o.quiet && o.jobs == 1 {
		log = stderr
	}
	runErr := cluster.RunLocal(ctx, s, o.jobs, func(ctx context.Context, task int) error {
		return runTask(ctx, s, task, log)
	})
	st, err := (&cluster.Slurm{}).Status(ctx, s)
	if err == nil {
		if err := st.WriteTable(stderr); err != nil {
			return err
		}
	}
	var order []string
	for _, c := range spec.Configs {
		order = append(order, c.Name)
	}
	title := fmt.Sprintf("quanta sweep %s: %s", spec.Name, spec.Model.Name)
	if err := writeReportFrom([]string{s.Dir}, s.Dir, title, order, stdout, stderr); err != nil {
		return err
	}
	return runErr
}

func newSweepStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status DIR",
		Short: "Show which runs of a sweep are finished, failed, running, pending or missing",
		Long: `Combines the sweep directory's results files (a run is finished when its
run record is there) with what Slurm says about the tasks' latest
submission (scontrol, then sacct for tasks the controller has forgotten).
A sweep run with --local needs no Slurm at all.`,
		Example: `  quanta sweep status sweep-dir
  quanta sweep status sweep-dir --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := cluster.Open(args[0], nil)
			if err != nil {
				return err
			}
			st, err := (&cluster.Slurm{Runner: cluster.ExecRunner{}}).Status(cmd.Context(), s)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", " ")
				return enc.Encode(st)
			}
			return st.WriteTable(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

func newSweepResubmitCmd() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "resubmit DIR",
		Short: "Submit again the tasks of a sweep that have failed or missing runs",
		Long: `Submits, as one new job array with the options of the latest submission,
the tasks that have a failed or missing run and no live Slurm job. The
tasks skip their finished runs, so nothing finished is repeated.`,
		Example: `  quanta sweep resubmit sweep-dir
  quanta sweep resubmit sweep-dir --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := cluster.Open(args[0], nil)
			if err != nil {
				return err
			}
			sl := &cluster.Slurm{Runner: cluster.ExecRunner{}, DryRun: dryRun}
			st, err := sl.Status(cmd.Context(), s)
			if err != nil {
				return err
			}
			if len(st.Resubmittable()) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "nothing to resubmit: every run is finished or still queued")
				return nil
			}
			sub, err := sl.Resubmit(cmd.Context(), s, nil)
			if err != nil {
				return err
			}
			switch {
			case len(sub.Tasks) == 0:
				fmt.Fprintln(cmd.OutOrStdout(), "nothing to resubmit: every run is finished or still queued")
			case dryRun:
				fmt.Fprint(cmd.OutOrStdout(), sub.Text)
			default:
				fmt.Fprintf(cmd.OutOrStdout(), "submitted job %s: tasks %s\n", sub.JobID, cluster.ArraySpec(sub.Tasks))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the batch script instead of submitting it")
	return cmd
}
