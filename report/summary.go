package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/quanta-qml/quanta/experiment"
)

// Stat summarises one quantity over seeds or epochs. With N == 0 every
// field but N is NaN; with N == 1 Std is NaN (no spread estimate). A NaN
// value makes Mean, Min and Max NaN.
type Stat struct {
	N                   int
	Mean, Std, Min, Max float64
}

// newStat computes the sample statistics of xs (std with n−1).
func newStat(xs []float64) Stat {
	nan := math.NaN()
	s := Stat{N: len(xs), Mean: nan, Std: nan, Min: nan, Max: nan}
	if len(xs) == 0 {
		return s
	}
	hasNaN := false
	s.Min, s.Max = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if math.IsNaN(x) {
			hasNaN = true
			continue
		}
		s.Min = math.Min(s.Min, x)
		s.Max = math.Max(s.Max, x)
	}
	if hasNaN {
		s.Mean, s.Min, s.Max = nan, nan, nan
		return s
	}
	if len(xs) == 1 {
		s.Mean = xs[0]
		return s
	}
	s.Mean, s.Std = stat.MeanStdDev(xs, nil)
	return s
}

// EpochStat is the test accuracy at one epoch over the runs that reached it.
type EpochStat struct {
	Epoch   int
	TestAcc Stat
}

// Summary aggregates the runs of one configuration of a model on a dataset.
// Accuracies are fractions; TestAcc, BestAcc and TestLoss cover finished
// runs only.
type Summary struct {
	Model, Dataset, Config string
	Classical              bool
	// Baseline marks the reference configuration of the comparison.
	Baseline bool
	// Runs are all runs of the configuration, finished or not, by seed.
	Runs []*Run
	// Unfinished counts runs without a run record.
	Unfinished int
	// Epochs is the largest number of planned epochs among the runs.
	Epochs int
	// Params are the first run's counts; ParamsVary reports that some
	// seed has others.
	Params     experiment.ParamCount
	ParamsVary bool

	TestAcc  Stat // final test accuracy
	BestAcc  Stat // each run's best test accuracy over its epochs
	TestLoss Stat // final test loss
	// EpochSeconds covers every epoch record, unfinished runs included.
	EpochSeconds Stat
	// Curve is the test accuracy per epoch over all runs that reached it.
	Curve []EpochStat

	// Delta is TestAcc.Mean minus the baseline's (a fraction); DeltaErr
	// the standard error of that difference, √(s²/n + s₀²/n₀). Both are
	// NaN where not available (no baseline, the baseline itself, too few
	// seeds for DeltaErr).
	Delta, DeltaErr float64
}

// Seeds returns the number of finished runs, those in the final statistics.
func (s *Summary) Seeds() int { return s.TestAcc.N }

// ProvenanceCount is one distinct build and machine, with the number of
// runs that have at least one record from it.
type ProvenanceCount struct {
	experiment.Provenance
	Runs int
}

// Comparison is one model on one dataset: every configuration beside the
// classical baseline.
type Comparison struct {
	Model, Dataset string
	// Configs are baseline first, then in display order.
	Configs []Summary
	// Baseline is the index of the baseline in Configs (0), or -1 if no
	// configuration is classical.
	Baseline int
	// Seeds counts distinct seeds over all runs.
	Seeds int
	// MinEpochs and MaxEpochs bound the planned epochs of the runs.
	MinEpochs, MaxEpochs int
	// Unfinished lists the runs without a run record.
	Unfinished []*Run
	// Provenance lists the distinct builds and machines, in order of
	// first appearance.
	Provenance []ProvenanceCount
	// Warnings say what makes the comparison less fair than it looks.
	Warnings []string
}

// Comparisons groups the runs by model and dataset, and within each by
// configuration, ordered as described in the package documentation.
func (r *Results) Comparisons() []Comparison {
	var out []Comparison
	for lo := 0; lo < len(r.Runs); {
		hi := lo + 1
		for hi < len(r.Runs) && r.Runs[hi].Model == r.Runs[lo].Model && r.Runs[hi].Dataset == r.Runs[lo].Dataset {
			hi++
		}
		out = append(out, newComparison(r.Runs[lo:hi], r.Options.Order))
		lo = hi
	}
	return out
}

// newComparison builds the comparison of runs that share model and dataset
// and are sorted by configuration and seed.
func newComparison(runs []*Run, order []string) Comparison {
	c := Comparison{Model: runs[0].Model, Dataset: runs[0].Dataset, Baseline: -1}
	// runs are sorted by configuration, so each configuration is one
	// contiguous block.
	for lo := 0; lo < len(runs); {
		hi := lo + 1
		for hi < len(runs) && runs[hi].Config == runs[lo].Config {
			hi++
		}
		c.Configs = append(c.Configs, newSummary(runs[lo:hi]))
		lo = hi
	}
	rank := func(name string) int {
		for i, o := range order {
			if o == name {
				return i
			}
		}
		return len(order)
	}
	sort.SliceStable(c.Configs, func(i, j int) bool {
		ri, rj := rank(c.Configs[i].Config), rank(c.Configs[j].Config)
		if ri != rj {
			return ri < rj
		}
		return naturalCompare(c.Configs[i].Config, c.Configs[j].Config) < 0
	})
	// The first classical configuration in display order is the baseline;
	// it moves to the front, the others keep their order.
	var classical []string
	for i := range c.Configs {
		if !c.Configs[i].Classical {
			continue
		}
		classical = append(classical, c.Configs[i].Config)
		if c.Baseline < 0 {
			c.Baseline = i
		}
	}
	if c.Baseline > 0 {
		b := c.Configs[c.Baseline]
		copy(c.Configs[1:c.Baseline+1], c.Configs[:c.Baseline])
		c.Configs[0] = b
		c.Baseline = 0
	}
	// Differences to the baseline: the standard error of a difference of
	// two independent means, each with its sample variance.
	nan := math.NaN()
	for i := range c.Configs {
		s := &c.Configs[i]
		s.Delta, s.DeltaErr = nan, nan
		if c.Baseline < 0 || i == c.Baseline {
			continue
		}
		b := c.Configs[c.Baseline].TestAcc
		if b.N == 0 || s.TestAcc.N == 0 {
			continue
		}
		s.Delta = s.TestAcc.Mean - b.Mean
		if b.N >= 2 && s.TestAcc.N >= 2 {
			s.DeltaErr = math.Sqrt(s.TestAcc.Std*s.TestAcc.Std/float64(s.TestAcc.N) + b.Std*b.Std/float64(b.N))
		}
	}
	if c.Baseline == 0 {
		c.Configs[0].Baseline = true
	}

	// Distinct seeds over all runs, finished or not.
	var seeds []uint64
	c.MinEpochs, c.MaxEpochs = runs[0].Epochs, runs[0].Epochs
	for _, r := range runs {
		seeds = append(seeds, r.Seed)
		c.MinEpochs = min(c.MinEpochs, r.Epochs)
		c.MaxEpochs = max(c.MaxEpochs, r.Epochs)
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	for i := range seeds {
		if i == 0 || seeds[i] != seeds[i-1] {
			c.Seeds++
		}
	}
	for _, s := range c.Configs {
		for _, r := range s.Runs {
			if !r.Finished() {
				c.Unfinished = append(c.Unfinished, r)
			}
		}
	}
	c.Provenance = provenance(runs)
	c.Warnings = c.warnings(classical)
	return c
}

// newSummary aggregates runs of one configuration, sorted by seed.
func newSummary(runs []*Run) Summary {
	f := runs[0]
	s := Summary{
		Model: f.Model, Dataset: f.Dataset, Config: f.Config, Classical: f.Classical,
		Runs: runs, Params: f.Params,
	}
	var acc, best, loss, secs []float64
	maxEpoch := 0
	for _, r := range runs {
		s.Epochs = max(s.Epochs, r.Epochs)
		if r.Params != f.Params {
			s.ParamsVary = true
		}
		for _, h := range r.History {
			secs = append(secs, h.EpochSeconds)
			maxEpoch = max(maxEpoch, h.Epoch)
		}
		if !r.Finished() {
			s.Unfinished++
			continue
		}
		acc = append(acc, r.Final.TestAcc)
		loss = append(loss, r.Final.TestLoss)
		b := math.NaN()
		for _, h := range r.History {
			if !math.IsNaN(h.TestAcc) && (math.IsNaN(b) || h.TestAcc > b) {
				b = h.TestAcc
			}
		}
		best = append(best, b)
	}
	s.TestAcc, s.BestAcc, s.TestLoss, s.EpochSeconds = newStat(acc), newStat(best), newStat(loss), newStat(secs)
	// The curve takes every run that reached an epoch, so its later
	// epochs may average fewer runs than its first ones.
	byEpoch := make([][]float64, maxEpoch+1)
	for _, r := range runs {
		for _, h := range r.History {
			byEpoch[h.Epoch] = append(byEpoch[h.Epoch], h.TestAcc)
		}
	}
	for e, xs := range byEpoch {
		if len(xs) > 0 {
			s.Curve = append(s.Curve, EpochStat{Epoch: e, TestAcc: newStat(xs)})
		}
	}
	return s
}

// provenance lists the distinct provenances of runs' records, in order of
// first appearance, with how many runs each appears in.
func provenance(runs []*Run) []ProvenanceCount {
	var out []ProvenanceCount
	index := map[experiment.Provenance]int{}
	for _, r := range runs {
		counted := map[int]bool{}
		recs := r.History
		if r.Final != nil {
			recs = append(recs[:len(recs):len(recs)], *r.Final)
		}
		for _, h := range recs {
			k, ok := index[h.Provenance]
			if !ok {
				k = len(out)
				index[h.Provenance] = k
				out = append(out, ProvenanceCount{Provenance: h.Provenance})
			}
			if !counted[k] {
				counted[k] = true
				out[k].Runs++
			}
		}
	}
	return out
}

// warnings lists what a reader must know before trusting the comparison.
func (c *Comparison) warnings(classical []string) []string {
	var w []string
	switch {
	case len(classical) == 0:
		w = append(w, "no classical baseline (no configuration marked classical): differences are not shown")
	case len(classical) > 1:
		w = append(w, fmt.Sprintf("%d classical configurations (%s): differences are against %s",
			len(classical), strings.Join(classical, ", "), c.Configs[0].Config))
	}
	for _, s := range c.Configs {
		if s.ParamsVary {
			w = append(w, fmt.Sprintf("parameter counts differ between the seeds of %s", s.Config))
		}
	}
	commits := distinct(c.Provenance, func(p ProvenanceCount) string { return orUnknown(p.Commit) })
	if len(commits) > 1 {
		w = append(w, fmt.Sprintf("runs come from %d commits (%s): results may not be comparable",
			len(commits), strings.Join(commits, ", ")))
	}
	machines := distinct(c.Provenance, func(p ProvenanceCount) string {
		return fmt.Sprintf("%s, %s, %d threads", orUnknown(p.CPU), orUnknown(p.OS), p.Threads)
	})
	if len(machines) > 1 {
		w = append(w, fmt.Sprintf("runs come from %d machines (%s): times per epoch are not comparable",
			len(machines), strings.Join(machines, "; ")))
	}
	return w
}

// distinct returns the distinct keys of ps in order of first appearance.
func distinct(ps []ProvenanceCount, key func(ProvenanceCount) string) []string {
	var out []string
	for _, p := range ps {
		k := key(p)
		found := false
		for _, o := range out {
			if o == k {
				found = true
				break
			}
		}
		if !found {
			out = append(out, k)
		}
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
