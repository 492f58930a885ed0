package report

import (
	"math"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
)

// approx reports whether a and b agree to 1e-12 (both NaN counts as equal).
func approx(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12
}

func checkStat(t *testing.T, what string, got, want Stat) {
	t.Helper()
	if got.N != want.N || !approx(got.Mean, want.Mean) || !approx(got.Std, want.Std) ||
		!approx(got.Min, want.Min) || !approx(got.Max, want.Max) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

var nan = math.NaN()

// TestSummariesSweep compares the statistics of the fixture with values
// computed by hand from the literals in fixture_test.go.
func TestSummariesSweep(t *testing.T) {
	t.Parallel()
	cs := loadSweep(t).Comparisons()
	if len(cs) != 2 || cs[0].Model != "hybridnet" || cs[1].Model != "tinynet" {
		t.Fatalf("comparisons: %d, want hybridnet then tinynet", len(cs))
	}
	h := cs[0]
	if h.Baseline != 0 || h.Seeds != 3 || h.MinEpochs != 3 || h.MaxEpochs != 3 || len(h.Unfinished) != 1 {
		t.Errorf("hybridnet: baseline %d, seeds %d, epochs %d–%d, unfinished %d; want 0, 3, 3–3, 1",
			h.Baseline, h.Seeds, h.MinEpochs, h.MaxEpochs, len(h.Unfinished))
	}
	// L0: 0.90 0.92 0.94: mean 0.92, deviations ∓0.02, 0 → s² = 0.0008/2.
	// Its best epochs: 0.90, 0.92 and 0.95 (seed 3 peaks at epoch 2).
	// L1: 0.88 0.91 0.91: mean 0.90, deviations −0.02, +0.01, +0.01 →
	// s² = 0.0006/2 = 0.0003. L2 (two finished seeds): 0.93 0.96: mean
	// 0.945, s² = 2·0.015²/1 = 0.00045.
	s0, s1, s2 := math.Sqrt(0.0004), math.Sqrt(0.0003), math.Sqrt(0.00045)
	want := []struct {
		config               string
		baseline             bool
		acc, best, loss, sec Stat
		unfinished           int
		params               experiment.ParamCount
		delta, deltaErr      float64
		curve                []float64 // mean test accuracy per epoch
	}{
		{
			config: "L0", baseline: true,
			acc:  Stat{3, 0.92, s0, 0.90, 0.94},
			best: Stat{3, (0.90 + 0.92 + 0.95) / 3, math.Sqrt((sq(0.90-0.9233333333333333) + sq(0.92-0.9233333333333333) + sq(0.95-0.9233333333333333)) / 2), 0.90, 0.95},
			loss: Stat{3, 0.26, math.Sqrt((sq(0.04) + sq(0.02) + sq(0.06)) / 2), 0.20, 0.30},
			// 9 epochs: three each at 12.1, 12.2, 12.3 s.
			sec:    Stat{9, 12.2, math.Sqrt(6 * sq(0.1) / 8), 12.1, 12.3},
			params: experiment.ParamCount{Classical: 130394, Total: 130394},
			delta:  nan, deltaErr: nan,
			// epoch 1: 0.80 0.82 0.85; epoch 2: 0.85 0.87 0.95; epoch 3: finals.
			curve: []float64{(0.80 + 0.82 + 0.85) / 3, (0.85 + 0.87 + 0.95) / 3, 0.92},
		},
		{
			config: "L1",
			acc:    Stat{3, 0.90, s1, 0.88, 0.91},
			best:   Stat{3, 0.90, s1, 0.88, 0.91},
			loss:   Stat{3, 0.33, 0.02, 0.31, 0.35},
			sec:    Stat{9, 22, math.Sqrt(6.0 / 8), 21, 23},
			params: experiment.ParamCount{Classical: 133634, Quantum: 24, Total: 133658},
			// −0.02 ± √(0.0003/3 + 0.0004/3)
			delta: -0.02, deltaErr: math.Sqrt(0.0007 / 3),
			curve: []float64{0.80, 0.85, 0.90},
		},
		{
			config: "L2", unfinished: 1,
			acc:  Stat{2, 0.945, s2, 0.93, 0.96},
			best: Stat{2, 0.945, s2, 0.93, 0.96},
			loss: Stat{2, 0.23, math.Sqrt(2 * sq(0.02)), 0.21, 0.25},
			// six epochs at 30 s, two at 34 s (the unfinished seed): 248/8.
			sec:    Stat{8, 31, math.Sqrt((6*sq(1) + 2*sq(3)) / 7), 30, 34},
			params: experiment.ParamCount{Classical: 120000, Quantum: 48, Total: 120048},
			// +0.025 ± √(0.00045/2 + 0.0004/3)
			delta: 0.025, deltaErr: math.Sqrt(0.00045/2 + 0.0004/3),
			// epoch 1: 0.83 0.86 0.80; epoch 2: 0.88 0.91 0.85; epoch 3: 0.93 0.96.
			curve: []float64{0.83, 0.88, 0.945},
		},
	}
	if len(h.Configs) != len(want) {
		t.Fatalf("%d configurations, want %d", len(h.Configs), len(want))
	}
	for i, w := range want {
		s := h.Configs[i]
		if s.Config != w.config || s.Baseline != w.baseline || s.Classical != w.baseline {
			t.Errorf("config %d = %s (baseline %v, classical %v), want %s (%v)", i, s.Config, s.Baseline, s.Classical, w.config, w.baseline)
			continue
		}
		checkStat(t, w.config+" TestAcc", s.TestAcc, w.acc)
		checkStat(t, w.config+" BestAcc", s.BestAcc, w.best)
		checkStat(t, w.config+" TestLoss", s.TestLoss, w.loss)
		checkStat(t, w.config+" EpochSeconds", s.EpochSeconds, w.sec)
		if s.Unfinished != w.unfinished || s.Seeds() != w.acc.N || s.Params != w.params || s.ParamsVary {
			t.Errorf("%s: unfinished %d, seeds %d, params %+v (vary %v)", w.config, s.Unfinished, s.Seeds(), s.Params, s.ParamsVary)
		}
		if !approx(s.Delta, w.delta) || !approx(s.DeltaErr, w.deltaErr) {
			t.Errorf("%s: Δ = %v ± %v, want %v ± %v", w.config, s.Delta, s.DeltaErr, w.delta, w.deltaErr)
		}
		if len(s.Curve) != len(w.curve) {
			t.Errorf("%s: curve has %d epochs, want %d", w.config, len(s.Curve), len(w.curve))
			continue
		}
		for e, m := range w.curve {
			if s.Curve[e].Epoch != e+1 || math.Abs(s.Curve[e].TestAcc.Mean-m) > 1e-12 {
				t.Errorf("%s epoch %d: mean %v, want %v", w.config, e+1, s.Curve[e].TestAcc.Mean, m)
			}
		}
	}
	if n := h.Configs[2].Curve[2].TestAcc.N; n != 2 {
		t.Errorf("L2 epoch 3 has %d runs, want 2", n)
	}
	if len(h.Warnings) != 0 {
		t.Errorf("hybridnet warnings %q, want none", h.Warnings)
	}
	if len(h.Provenance) != 1 || h.Provenance[0].Runs != 9 || h.Provenance[0].Commit != "abc1234" {
		t.Errorf("hybridnet provenance %+v, want one entry with 9 runs", h.Provenance)
	}

	// tinynet: one seed, so no spread and no uncertainty on Δ.
	tn := cs[1]
	q := tn.Configs[1]
	checkStat(t, "quantum 4q TestAcc", q.TestAcc, Stat{1, 0.7667, nan, 0.7667, 0.7667})
	if !approx(q.Delta, 0.7667-0.8) || !math.IsNaN(q.DeltaErr) {
		t.Errorf("quantum 4q: Δ = %v ± %v, want %v ± NaN", q.Delta, q.DeltaErr, 0.7667-0.8)
	}
	if len(tn.Warnings) != 1 || !strings.Contains(tn.Warnings[0], "2 machines") {
		t.Errorf("tinynet warnings %q, want one about 2 machines", tn.Warnings)
	}
}

func sq(x float64) float64 { return x * x }

func TestNewStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		xs   []float64
		want Stat
	}{
		{"empty", nil, Stat{0, nan, nan, nan, nan}},
		{"one", []float64{0.5}, Stat{1, 0.5, nan, 0.5, 0.5}},
		// mean 5, squared deviations sum to 32, sample variance 32/7
		{"eight", []float64{2, 4, 4, 4, 5, 5, 7, 9}, Stat{8, 5, math.Sqrt(32.0 / 7), 2, 9}},
		{"with NaN", []float64{1, nan, 3}, Stat{3, nan, nan, nan, nan}},
		{"equal", []float64{0.25, 0.25}, Stat{2, 0.25, 0, 0.25, 0.25}},
	}
	for _, tc := range tests {
		checkStat(t, tc.name, newStat(tc.xs), tc.want)
	}
}

// mergeConfigs merges one finished run (seed 1) of each configuration,
// with edit applied to every record.
func mergeConfigs(t *testing.T, configs []string, classical map[string]bool, edit func(*experiment.Record)) *Results {
	t.Helper()
	var recs []experiment.Record
	for _, c := range configs {
		for _, r := range finished(c, 1, 0.9) {
			r.Classical = classical[c]
			if edit != nil {
				edit(&r)
			}
			recs = append(recs, r)
		}
	}
	res, err := Merge(File{Name: "mem", Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func configOrder(c Comparison) string {
	var names []string
	for _, s := range c.Configs {
		n := s.Config
		if s.Baseline {
			n += "*"
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

func TestOrderAndBaseline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		configs   []string
		classical map[string]bool
		order     []string
		want      string
		warning   string
	}{
		{"natural order", []string{"L10", "L2", "L1", "base"}, map[string]bool{"base": true}, nil, "base* L1 L2 L10", ""},
		{"given order", []string{"L10", "L2", "L1", "base"}, map[string]bool{"base": true}, []string{"L10", "L1"}, "base* L10 L1 L2", ""},
		{"no baseline", []string{"B", "A"}, nil, nil, "A B", "no classical baseline"},
		{"two classical", []string{"Q", "C2", "C1"}, map[string]bool{"C1": true, "C2": true}, []string{"C2"}, "C2* C1 Q", "2 classical configurations (C2, C1): differences are against C2"},
	}
	for _, tc := range tests {
		res := mergeConfigs(t, tc.configs, tc.classical, nil)
		res.Options.Order = tc.order
		c := res.Comparisons()[0]
		if got := configOrder(c); got != tc.want {
			t.Errorf("%s: order %q, want %q", tc.name, got, tc.want)
		}
		joined := strings.Join(c.Warnings, "\n")
		if (tc.warning == "") != (joined == "") || !strings.Contains(joined, tc.warning) {
			t.Errorf("%s: warnings %q, want %q", tc.name, joined, tc.warning)
		}
		if tc.warning == "no classical baseline" {
			if c.Baseline != -1 || !math.IsNaN(c.Configs[1].Delta) {
				t.Errorf("%s: Baseline %d, Δ %v; want -1 and NaN", tc.name, c.Baseline, c.Configs[1].Delta)
			}
		}
	}
}

func TestProvenanceWarnings(t *testing.T) {
	t.Parallel()
	res := mergeConfigs(t, []string{"C", "Q"}, map[string]bool{"C": true}, func(r *experiment.Record) {
		if r.Config == "Q" {
			r.Provenance.Commit = "c2"
		}
		if r.Config == "Q" && r.Epoch == 3 {
			r.Provenance.Threads = 4 // resumed on another machine
		}
	})
	c := res.Comparisons()[0]
	if len(c.Provenance) != 3 {
		t.Fatalf("provenance %+v, want 3 entries", c.Provenance)
	}
	if c.Provenance[1].Runs != 1 || c.Provenance[2].Runs != 1 {
		t.Errorf("run counts %+v, want 1 and 1", c.Provenance)
	}
	joined := strings.Join(c.Warnings, "\n")
	for _, w := range []string{"2 commits (c1, c2)", "2 machines (cpu, unknown, 1 threads; cpu, unknown, 4 threads)"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", joined, w)
		}
	}
}

func TestParamsVary(t *testing.T) {
	t.Parallel()
	var recs []experiment.Record
	recs = append(recs, finished("Q", 1, 0.9)...)
	recs = append(recs, finished("Q", 2, 0.9, func(r *experiment.Record) { r.Params.Total = 13 })...)
	res, err := Merge(File{Name: "mem", Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Comparisons()[0]
	if !c.Configs[0].ParamsVary || !strings.Contains(strings.Join(c.Warnings, "\n"), "parameter counts differ between the seeds of Q") {
		t.Errorf("ParamsVary %v, warnings %q", c.Configs[0].ParamsVary, c.Warnings)
	}
}
