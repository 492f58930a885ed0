// Package report turns experiment results into comparisons a person can
// read: a terminal table, a Markdown report with SVG plots beside it, and a
// self-contained HTML page.
//
// # Overview
//
// The experiment runner writes JSON Lines results (see
// [experiment.Record]): one "epoch" record after every finished epoch and
// one "run" record when a run finishes. [Load] reads one or many such files
// (a file, several files, or directories of *.jsonl files, e.g. one file per
// Slurm array task) and [Merge] combines them into one consistent
// [Results]. The writers then group the runs into one [Comparison] per
// model and dataset, with one [Summary] per configuration:
//
//	res, err := report.Load("results/")
//	if err != nil { ... }
//	res.WriteTable(os.Stdout)
//	err = res.Write("out/") // report.md, report.html and the SVG plots
//
// # Merging
//
// Runs are identified by their run id. Merging refuses, with an error that
// names both file:line locations:
//   - a run finished twice with different records, or the same epoch of a
//     run recorded twice with different values ([ErrDuplicate]);
//   - records of one run that disagree on model, configuration, dataset,
//     seed, planned epochs, the classical flag or the parameter counts; a
//     run record whose metrics differ from its final epoch record; two run
//     ids for the same model, configuration, dataset and seed; seeds of one
//     configuration that disagree on the classical flag ([ErrInconsistent]).
//
// Identical duplicate lines (a retried task that rewrote the same record,
// or the same file given twice) are dropped and counted in
// [Results.Duplicates]. A run without a "run" record is unfinished: its
// epochs appear in the per-epoch curves and in the time per epoch, but not
// in final-accuracy statistics, and the reports list it. A run record whose
// final epoch has no epoch record of its own supplies that epoch.
//
// # Statistics and conventions
//
// Accuracies are stored as fractions and shown as percentages with two
// decimals. "±" after an accuracy is the sample standard deviation over
// seeds (n−1 in the denominator); with a single seed there is no spread
// estimate and it is shown as "± —". The difference Δ to the classical
// baseline of the same model and dataset is in percentage points; its "±"
// is the standard error of a difference of two means, √(s²/n + s₀²/n₀),
// shown only when both sides have at least two seeds. The best-epoch
// accuracy is each run's highest test accuracy over its epochs, averaged
// over seeds. Seconds per epoch average the wall time of every epoch
// record, unfinished runs included. NaN values are carried through and
// shown as "NaN"; a missing value is shown as "—".
//
// The baseline is the classical configuration (Classical: true) of a model
// and dataset; when there are several, the first in display order is the
// reference. Configurations are shown baseline first, then in the order of
// [Options.Order], then in natural name order ("L2" before "L10").
// Comparisons are ordered by model, then dataset.
//
// Provenance (version, commit, Go version, OS, CPU, threads) is collected
// from every record; a comparison whose runs come from several commits or
// machines carries a warning, since its timings (or results) may not be
// comparable.
//
// # Plots
//
// Each comparison has four SVG plots (gonum/plot, Liberation Sans): test
// accuracy per epoch (mean line, min–max band over seeds), final accuracy
// per configuration (mean ± std, every seed as a ring, the baseline's mean
// dashed), final accuracy against total parameter count (labelled points),
// and wall time per epoch. Report.md shows them as files beside it;
// report.html inlines them, with its CSS, so that it is one
// self-contained file.
//
// All output is deterministic for given input: no map iteration, no clock.
// Files are written atomically (a temporary file in the same directory,
// then a rename).
package report
