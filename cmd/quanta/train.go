package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/quanta-qml/quanta/experiment"
	"github.com/quanta-qml/quanta/report"
	"github.com/spf13/cobra"
)

// Files of an experiment's output directory (besides the checkpoints
// folder and the report files).
const (
	resultsFile    = "results.jsonl"
	experimentFile = "experiment.json"
	failuresFile   = "failed.json"
	checkpointsDir = "checkpoints"
)

// runOptions are the flags shared by creep and train.
type runOptions struct {
	out         string
	timeLimit   time.Duration
	quiet       bool
	threads     int
	retryFailed bool
}

func (o *runOptions) addFlags(cmd *cobra.Command, outHelp string) {
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", outHelp)
	f.DurationVar(&o.timeLimit, "time-limit", 0, "stop cleanly after this wall time (e.g. 4m), leaving a resumable state and a partial report")
	f.BoolVar(&o.quiet, "quiet", false, "no progress bars or per-run lines (for scripts and Slurm)")
	f.IntVar(&o.threads, "threads", 0, "threads (GOMAXPROCS); 0 keeps the default, all cores")
	f.BoolVar(&o.retryFailed, "retry-failed", false, "train again the runs listed as failed (diverged) in failed.json")
}

func (o *runOptions) check() error {
	if o.threads < 0 {
		return fmt.Errorf("--threads %d: want at least 1 (or 0 for the default)", o.threads)
	}
	if o.timeLimit < 0 {
		return fmt.Errorf("--time-limit %v: want a positive duration", o.timeLimit)
	}
	return nil
}

func newTrainCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "train SPEC",
		Short: "Train every run of an experiment spec and report the comparison",
		Long: `Trains every run of the experiment spec (YAML; see the experiment package
documentation): each configuration of the model, for each seed and data
set. Results go to the spec's output directory (or --out): one JSON line per
epoch and per finished run in results.jsonl, a checkpoint per run under
checkpoints/, and report.md and report.html with the comparison, whose table
is also printed.

Running the same command again continues where it stopped: finished runs are
skipped and an interrupted run resumes from its checkpoint. The directory
refuses a run whose settings changed; adding runs (more seeds, more
configurations) is fine.`,
		Example: `  quanta train creep.yaml
  quanta train creep.yaml --out results/creep --time-limit 2h --quiet`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return usageError{err}
			}
			spec, err := experiment.LoadSpec(args[0])
			if err != nil {
				return err
			}
			if o.out == "" {
				o.out = spec.Output
			}
			title := fmt.Sprintf("quanta train %s: %s", spec.Name, spec.Model.Name)
			return runExperiment(cmd.Context(), spec, o, title, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.addFlags(cmd, "results directory (default: the spec's output)")
	return cmd
}

// errWorkFailed reports runs that failed; the rest of the work was done.
var errWorkFailed = errors.New("some runs failed")

// runExperiment runs the spec's runs into o.out, then prints the table and
// writes the report.
func runExperiment(ctx context.Context, spec *experiment.Spec, o runOptions, title string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(o.threads))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	runs := spec.Runs()
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if err := claimDir(o.out, runs); err != nil {
		return err
	}
	r := &experiment.Runner{
		Results:     filepath.Join(o.out, resultsFile),
		Checkpoints: filepath.Join(o.out, checkpointsDir),
		Failures:    filepath.Join(o.out, failuresFile),
		RetryFailed: o.retryFailed,
		Provenance:  experiment.CurrentProvenance(version),
	}
	if !o.quiet {
		r.Progress, r.Log = stderr, stderr
	}
	if o.timeLimit > 0 {
		r.Deadline = start.Add(o.timeLimit)
	}
	sum, runErr := r.RunAll(ctx, runs)
	if sum != nil {
		fmt.Fprintf(stderr, "%d of %d runs finished (%d before this call)", sum.Finished+sum.Skipped, len(runs), sum.Skipped)
		if len(sum.Failed) > 0 {
			fmt.Fprintf(stderr, ", %d failed (see %s)", len(sum.Failed), filepath.Join(o.out, failuresFile))
		}
		fmt.Fprintf(stderr, " in %s\n", time.Since(start).Round(time.Second))
		if sum.Stopped {
			why := "time limit reached"
			if runErr != nil {
				why = "interrupted"
			}
			fmt.Fprintf(stderr, "%s: %d runs to go; run the same command again to continue\n", why, sum.Remaining)
		}
	}
	var order []string
	for _, c := range spec.Configs {
		order = append(order, c.Name)
	}
	if err := writeReportFrom([]string{filepath.Join(o.out, resultsFile)}, o.out, title, order, stdout, stderr); err != nil {
		return err
	}
	switch {
	case runErr != nil && ctx.Err() != nil:
		return fmt.Errorf("interrupted: %w", runErr)
	case runErr != nil:
		return runErr
	case sum != nil && len(sum.Failed) > 0:
		return fmt.Errorf("%w: %d of %d (training diverged; see %s)", errWorkFailed, len(sum.Failed), len(runs), filepath.Join(o.out, failuresFile))
	}
	return nil
}

// dirEntry is one run of experiment.json.
type dirEntry struct {
	ID   string `json:"id"`
	Hash string `json:"hash"`
}

// claimDir checks that dir holds no run of the same id with other
// settings (experiment.json lists the runs written there with their
// hashes) and adds the runs to it.
func claimDir(dir string, runs []experiment.Run) error {
	path := filepath.Join(dir, experimentFile)
	var doc struct {
		Runs []dirEntry `json:"runs"`
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	changed := false
	for _, run := range runs {
		h := run.Hash()
		k := slices.IndexFunc(doc.Runs, func(e dirEntry) bool { return e.ID == run.ID })
		switch {
		case k < 0:
			doc.Runs = append(doc.Runs, dirEntry{ID: run.ID, Hash: h})
			changed = true
		case doc.Runs[k].Hash != h:
			return fmt.Errorf("%s already holds run %s with other settings (epochs, training, model or data); "+
				"use another --out, or remove the directory to start over", dir, run.ID)
		}
	}
	if !changed {
		return nil
	}
	data, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'))
}

// writeReportFrom prints the table of the results at paths (see
// loadResults) and writes report.md and report.html into dir. Without any
// record yet it writes a short report saying so.
func writeReportFrom(paths []string, dir, title string, order []string, stdout, stderr io.Writer) error {
	res, err := loadResults(paths)
	if errors.Is(err, report.ErrEmpty) || errors.Is(err, fs.ErrNotExist) {
		msg := "No epoch has finished yet: there are no results to compare.\nRun the same command again to continue.\n"
		fmt.Fprint(stdout, msg)
		md := "# " + title + "\n\n" + msg
		html := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title +
			"</h1><p>" + strings.ReplaceAll(strings.TrimSpace(msg), "\n", " ") + "</p></body></html>\n"
		if err := writeFileAtomic(filepath.Join(dir, report.MarkdownFile), []byte(md)); err != nil {
			return err
		}
		return writeFileAtomic(filepath.Join(dir, report.HTMLFile), []byte(html))
	}
	if err != nil {
		return err
	}
	res.Options = report.Options{Title: title, Order: order}
	if err := res.WriteTable(stdout); err != nil {
		return err
	}
	if err := res.Write(dir); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "report: %s, %s\n", filepath.Join(dir, report.MarkdownFile), filepath.Join(dir, report.HTMLFile))
	return nil
}
