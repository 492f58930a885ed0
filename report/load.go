package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/quanta-qml/quanta/experiment"
)

// Errors that Load and Merge wrap, so callers can tell bad input kinds
// apart with errors.Is.
var (
	// ErrDuplicate: a run finished twice, or an epoch recorded twice, with
	// different values.
	ErrDuplicate = errors.New("duplicate record")
	// ErrInconsistent: records that cannot describe the same run or
	// configuration.
	ErrInconsistent = errors.New("inconsistent run")
	// ErrEmpty: the input holds no records.
	ErrEmpty = errors.New("no results")
)

// File is the records of one results file with the line each came from.
type File struct {
	// Name identifies the file in error messages (typically its path).
	Name    string
	Records []experiment.Record
	// Lines[i] is the 1-based line of Records[i]; nil means line i+1.
	Lines []int
}

// Run is one training run merged from its records.
type Run struct {
	ID        string
	Model     string
	Config    string
	Dataset   string
	Classical bool
	Seed      uint64
	// Epochs is the number of epochs planned for the run.
	Epochs int
	Params experiment.ParamCount
	// History holds one record per recorded epoch, by ascending Epoch.
	History []experiment.Record
	// Final is the run record; nil while the run is unfinished.
	Final *experiment.Record
	// Source is the file:line of the run's first record.
	Source string
}

// Finished reports whether the run has a "run" record.
func (r *Run) Finished() bool { return r.Final != nil }

// Results is a merged, consistent set of runs.
type Results struct {
	// Runs are ordered by model, dataset, configuration (natural order),
	// seed and run id.
	Runs []*Run
	// Files are the names of the files merged, in the order read.
	Files []string
	// Duplicates counts identical duplicate lines that were dropped.
	Duplicates int
	// Options controls the presentation; the zero value is usable.
	Options Options
}

// Options controls how results are presented.
type Options struct {
	// Title heads the Markdown and HTML reports; default "quanta results".
	Title string
	// Order lists configuration names in the order to show them after the
	// baseline; configurations not listed follow in natural name order.
	Order []string
}

// Load reads results from files and directories and merges them. A
// directory contributes every *.jsonl file directly inside it, in name
// order; a path named twice is read once.
func Load(paths ...string) (*Results, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("report: %w: no results files given", ErrEmpty)
	}
	var files []File
	seen := map[string]bool{}
	add := func(p string) error {
		key := filepath.Clean(p)
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if seen[key] {
			return nil
		}
		seen[key] = true
		f, err := ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if !st.IsDir() {
			if err := add(p); err != nil {
				return nil, err
			}
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		n := 0
		for _, e := range entries { // os.ReadDir sorts by name
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".jsonl") {
				continue
			}
			n++
			if err := add(filepath.Join(p, e.Name())); err != nil {
				return nil, err
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("report: %w: directory %s holds no *.jsonl files", ErrEmpty, p)
		}
	}
	return Merge(files...)
}

// ReadFile reads one JSON Lines results file, keeping each record's line.
func ReadFile(path string) (File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("report: %w", err)
	}
	recs, err := experiment.ReadRecords(bytes.NewReader(data), path)
	if err != nil {
		return File{}, fmt.Errorf("report: %w", err)
	}
	lines, err := recordLines(data)
	if err != nil {
		return File{}, fmt.Errorf("report: %s: %w", path, err)
	}
	if len(lines) != len(recs) {
		return File{}, fmt.Errorf("report: %s: %d records on %d non-blank lines", path, len(recs), len(lines))
	}
	return File{Name: path, Records: recs, Lines: lines}, nil
}

// recordLines returns the 1-based numbers of the non-blank lines of data,
// scanning exactly as experiment.ReadRecords does.
func recordLines(data []byte) ([]int, error) {
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}

// loc is where a record came from.
type loc struct {
	file string
	line int
}

func (l loc) String() string { return fmt.Sprintf("%s:%d", l.file, l.line) }

type located struct {
	rec experiment.Record
	at  loc
}

// runAcc gathers the records of one run while merging.
type runAcc struct {
	first  located
	epochs []located
	index  map[int]int // epoch → position in epochs
	final  *located
}

// Merge combines the records of files into one consistent set of runs
// (see the package documentation for what it refuses).
func Merge(files ...File) (*Results, error) {
	res := &Results{}
	// Runs are gathered in order of first appearance; byID only indexes
	// them, so nothing depends on map order.
	var accs []*runAcc
	byID := map[string]int{}
	total := 0
	for _, f := range files {
		res.Files = append(res.Files, f.Name)
		if f.Lines != nil && len(f.Lines) != len(f.Records) {
			panic(fmt.Sprintf("report: File %s has %d records but %d lines", f.Name, len(f.Records), len(f.Lines)))
		}
		for i, rec := range f.Records {
			at := loc{f.Name, i + 1}
			if f.Lines != nil {
				at.line = f.Lines[i]
			}
			total++
			cur := located{rec, at}
			k, ok := byID[rec.Run]
			if !ok {
				k = len(accs)
				byID[rec.Run] = k
				accs = append(accs, &runAcc{first: cur, index: map[int]int{}})
			}
			dup, err := accs[k].add(cur)
			if err != nil {
				return nil, err
			}
			if dup {
				res.Duplicates++
			}
		}
	}
	// Checks that need all records of a run (the run record against its
	// last epoch) or all runs (one seed, one id) come after reading.
	if total == 0 {
		return nil, fmt.Errorf("report: %w: no records in %s", ErrEmpty, strings.Join(res.Files, ", "))
	}
	for _, a := range accs {
		r, err := a.run()
		if err != nil {
			return nil, err
		}
		res.Runs = append(res.Runs, r)
	}
	sort.SliceStable(res.Runs, func(i, j int) bool { return runLess(res.Runs[i], res.Runs[j]) })
	if err := checkAcrossRuns(res.Runs); err != nil {
		return nil, err
	}
	return res, nil
}

// add checks cur against the run's first record and its earlier records,
// and stores it. dup reports an identical duplicate that was dropped.
func (a *runAcc) add(cur located) (dup bool, err error) {
	// Identity: every record of a run must describe the same training.
	f, r := a.first.rec, cur.rec
	for _, c := range []struct {
		name string
		a, b any
	}{
		{"model", f.Model, r.Model},
		{"config", f.Config, r.Config},
		{"dataset", f.Dataset, r.Dataset},
		{"seed", f.Seed, r.Seed},
		{"epochs", f.Epochs, r.Epochs},
		{"classical", f.Classical, r.Classical},
	} {
		if c.a != c.b {
			return false, fmt.Errorf("report: %v: %w %q: %s is %s here but %s at %v",
				cur.at, ErrInconsistent, r.Run, c.name, quote(c.b), quote(c.a), a.first.at)
		}
	}
	if f.Params != r.Params {
		return false, fmt.Errorf("report: %v: %w %q: parameter counts change: %s here but %s at %v",
			cur.at, ErrInconsistent, r.Run, paramString(r.Params), paramString(f.Params), a.first.at)
	}
	if r.Epoch < 1 || (r.Epochs > 0 && r.Epoch > r.Epochs) {
		return false, fmt.Errorf("report: %v: %w %q: epoch %d outside 1..%d", cur.at, ErrInconsistent, r.Run, r.Epoch, r.Epochs)
	}
	// A record seen before is dropped when identical (a retried write)
	// and refused otherwise: two attempts at one run must not mix.
	if r.Kind == experiment.KindRun {
		if a.final != nil {
			if sameRecord(a.final.rec, r) {
				return true, nil
			}
			return false, fmt.Errorf("report: %v and %v: %w: run %q finished twice (%s)",
				a.final.at, cur.at, ErrDuplicate, r.Run, firstDifference(a.final.rec, r))
		}
		a.final = &cur
		return false, nil
	}
	if k, ok := a.index[r.Epoch]; ok {
		prev := a.epochs[k]
		if sameRecord(prev.rec, r) {
			return true, nil
		}
		return false, fmt.Errorf("report: %v and %v: %w: run %q epoch %d recorded twice with different values (%s)",
			prev.at, cur.at, ErrDuplicate, r.Run, r.Epoch, firstDifference(prev.rec, r))
	}
	a.index[r.Epoch] = len(a.epochs)
	a.epochs = append(a.epochs, cur)
	return false, nil
}

// run checks the run record against the epochs and builds the Run.
func (a *runAcc) run() (*Run, error) {
	f := a.first.rec
	r := &Run{
		ID: f.Run, Model: f.Model, Config: f.Config, Dataset: f.Dataset,
		Classical: f.Classical, Seed: f.Seed, Epochs: f.Epochs, Params: f.Params,
		Source: a.first.at.String(),
	}
	// Epochs may arrive in any order across files; a.index keeps epoch
	// numbers unique, so the sort is total.
	sort.Slice(a.epochs, func(i, j int) bool { return a.epochs[i].rec.Epoch < a.epochs[j].rec.Epoch })
	if a.final != nil {
		fin := a.final.rec
		if n := len(a.epochs); n > 0 && a.epochs[n-1].rec.Epoch > fin.Epoch {
			last := a.epochs[n-1]
			return nil, fmt.Errorf("report: %v and %v: %w %q: epoch %d recorded after the run finished at epoch %d",
				a.final.at, last.at, ErrInconsistent, f.Run, last.rec.Epoch, fin.Epoch)
		}
		if _, ok := a.index[fin.Epoch]; ok {
			ep := a.epochByNumber(fin.Epoch) // a.epochs is sorted now
			if d := metricDifference(ep.rec, fin); d != "" {
				return nil, fmt.Errorf("report: %v and %v: %w %q: the run record differs from its final epoch (%s)",
					ep.at, a.final.at, ErrInconsistent, f.Run, d)
			}
		} else {
			a.epochs = append(a.epochs, *a.final)
		}
		r.Final = &a.final.rec
	}
	r.History = make([]experiment.Record, len(a.epochs))
	for i, e := range a.epochs {
		r.History[i] = e.rec
	}
	return r, nil
}

func (a *runAcc) epochByNumber(epoch int) located {
	i := sort.Search(len(a.epochs), func(i int) bool { return a.epochs[i].rec.Epoch >= epoch })
	return a.epochs[i]
}

// checkAcrossRuns refuses two run ids for one model/config/dataset/seed and
// configurations whose seeds disagree on the classical flag. runs are
// sorted, so such runs are neighbours or share a group.
func checkAcrossRuns(runs []*Run) error {
	for i := 1; i < len(runs); i++ {
		p, r := runs[i-1], runs[i]
		if !sameConfig(p, r) {
			continue
		}
		if p.Seed == r.Seed {
			return fmt.Errorf("report: %s and %s: %w: runs %q and %q are the same model, configuration, dataset and seed",
				p.Source, r.Source, ErrDuplicate, p.ID, r.ID)
		}
		if p.Classical != r.Classical {
			return fmt.Errorf("report: %s and %s: %w: configuration %q of %s on %s is classical in one seed and not in the other",
				p.Source, r.Source, ErrInconsistent, r.Config, r.Model, r.Dataset)
		}
	}
	return nil
}

func sameConfig(a, b *Run) bool {
	return a.Model == b.Model && a.Dataset == b.Dataset && a.Config == b.Config
}

func runLess(a, b *Run) bool {
	if c := naturalCompare(a.Model, b.Model); c != 0 {
		return c < 0
	}
	if c := naturalCompare(a.Dataset, b.Dataset); c != 0 {
		return c < 0
	}
	if c := naturalCompare(a.Config, b.Config); c != 0 {
		return c < 0
	}
	if a.Seed != b.Seed {
		return a.Seed < b.Seed
	}
	return a.ID < b.ID
}

// feq is float equality that treats NaN as equal to NaN.
func feq(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// sameRecord reports whether two records are identical field by field
// (NaN equal to NaN).
func sameRecord(a, b experiment.Record) bool {
	if metricDifference(a, b) != "" || !feq(a.EpochSeconds, b.EpochSeconds) || !feq(a.WallSeconds, b.WallSeconds) {
		return false
	}
	a.TrainLoss, a.TrainAcc, a.TestLoss, a.TestAcc, a.EpochSeconds, a.WallSeconds = 0, 0, 0, 0, 0, 0
	b.TrainLoss, b.TrainAcc, b.TestLoss, b.TestAcc, b.EpochSeconds, b.WallSeconds = 0, 0, 0, 0, 0, 0
	return a == b
}

// firstDifference describes the first field in which two records of the
// same run differ, with both values, for error messages.
func firstDifference(a, b experiment.Record) string {
	if d := metricDifference(a, b); d != "" {
		return d
	}
	switch {
	case !feq(a.EpochSeconds, b.EpochSeconds):
		return fmt.Sprintf("epoch_seconds %v vs %v", a.EpochSeconds, b.EpochSeconds)
	case !feq(a.WallSeconds, b.WallSeconds):
		return fmt.Sprintf("wall_seconds %v vs %v", a.WallSeconds, b.WallSeconds)
	case a.Epoch != b.Epoch:
		return fmt.Sprintf("epoch %d vs %d", a.Epoch, b.Epoch)
	case a.Provenance != b.Provenance:
		return fmt.Sprintf("provenance %+v vs %+v", a.Provenance, b.Provenance)
	case a.Time != b.Time:
		return fmt.Sprintf("time %s vs %s", a.Time, b.Time)
	}
	return "other fields differ"
}

// metricDifference compares the training and test metrics of two records.
func metricDifference(a, b experiment.Record) string {
	for _, f := range []struct {
		name string
		x, y float64
	}{
		{"test_acc", a.TestAcc, b.TestAcc},
		{"test_loss", a.TestLoss, b.TestLoss},
		{"train_acc", a.TrainAcc, b.TrainAcc},
		{"train_loss", a.TrainLoss, b.TrainLoss},
	} {
		if !feq(f.x, f.y) {
			return fmt.Sprintf("%s %v vs %v", f.name, f.x, f.y)
		}
	}
	return ""
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

func paramString(p experiment.ParamCount) string {
	return fmt.Sprintf("%s total (classical %s, quantum %s)", thousands(p.Total), thousands(p.Classical), thousands(p.Quantum))
}

// naturalCompare orders strings with digit runs compared as numbers, so
// "L2" < "L10". Ties fall back to plain string order.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				if len(na) < len(nb) {
					return -1
				}
				return 1
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	if c := (len(a) - i) - (len(b) - j); c != 0 {
		if c < 0 {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
