package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quanta-qml/quanta/cluster"
	"github.com/quanta-qml/quanta/experiment"
	"github.com/quanta-qml/quanta/report"
	"github.com/spf13/cobra"
)

func newReportCmd() *cobra.Command {
	var out, title string
	cmd := &cobra.Command{
		Use:   "report RESULTS...",
		Short: "Merge results files and compare each configuration with its classical twin",
		Long: `Reads JSON Lines results files and directories, merges them and prints the
comparison table: per model and data set, each configuration's final test
accuracy (mean ± standard deviation over seeds), its difference to the
classical baseline, the best epoch, the parameter counts and the time per
epoch. With --out it also writes report.md (with SVG plots beside it) and the
self-contained report.html there.

A directory contributes its *.jsonl files; a sweep directory (one with
plan.json) contributes its task files under results/. Merging refuses runs
recorded twice with different values and records that contradict each
other. A last line cut short by a kill is ignored.`,
		Example: `  quanta report creep-results
  quanta report sweep-dir --out sweep-dir
  quanta report a/results.jsonl b/results.jsonl --out merged --title "MNIST, 5 seeds"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := loadResults(args)
			if err != nil {
				return err
			}
			if title != "" {
				res.Options.Title = title
			}
			if err := res.WriteTable(cmd.OutOrStdout()); err != nil {
				return err
			}
			if res.Duplicates > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d identical duplicate records ignored\n", res.Duplicates)
			}
			if out == "" {
				return nil
			}
			if err := res.Write(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "report: %s, %s\n", filepath.Join(out, report.MarkdownFile), filepath.Join(out, report.HTMLFile))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write report.md, its plots and report.html into this directory")
	cmd.Flags().StringVar(&title, "title", "", `title of the reports (default "quanta results")`)
	return cmd
}

// loadResults reads results files and directories (a sweep directory
// contributes results/*.jsonl) and merges them with report.Merge. A last
// line without its newline, a record cut short by a kill, is left out.
// Configurations are shown in the order they first appear (the order the
// runner ran them), after each comparison's baseline.
func loadResults(paths []string) (*report.Results, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if !slices.Contains(files, p) {
				files = append(files, p)
			}
			continue
		}
		dir := p
		if _, err := os.Stat(filepath.Join(p, cluster.PlanFile)); err == nil {
			dir = filepath.Join(p, cluster.ResultsFolder)
		}
		matches, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%w: directory %s holds no *.jsonl files", report.ErrEmpty, dir)
		}
		slices.Sort(matches)
		for _, m := range matches {
			if !slices.Contains(files, m) {
				files = append(files, m)
			}
		}
	}
	var rf []report.File
	var order []string // configurations in order of first appearance
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if k := bytes.LastIndexByte(data, '\n'); k != len(data)-1 {
			data = data[:k+1]
		}
		recs, err := experiment.ReadRecords(bytes.NewReader(data), f)
		if err != nil {
			return nil, err
		}
		var lines []int
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for n := 1; sc.Scan(); n++ {
			if strings.TrimSpace(sc.Text()) != "" {
				lines = append(lines, n)
			}
		}
		rf = append(rf, report.File{Name: f, Records: recs, Lines: lines})
		for _, r := range recs {
			if !slices.Contains(order, r.Config) {
				order = append(order, r.Config)
			}
		}
	}
	res, err := report.Merge(rf...)
	if err != nil {
		return nil, err
	}
	res.Options.Order = order
	return res, nil
}
