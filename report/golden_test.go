package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
)

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

func TestGoldenTable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := loadSweep(t).WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "table.txt", b.Bytes())
	for i, line := range strings.Split(b.String(), "\n") {
		if width(line) > TableWidth {
			t.Errorf("line %d is %d columns wide: %q", i+1, width(line), line)
		}
	}
}

func TestGoldenMarkdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := loadSweep(t)
	res.Options.Title = "Sweep | fixture"
	if err := res.WriteMarkdown(dir); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.md", md)
	// Every image the Markdown shows lies beside it.
	for _, line := range strings.Split(string(md), "\n") {
		if f, ok := strings.CutPrefix(line, "!["); ok {
			file := f[strings.Index(f, "](")+2 : len(f)-1]
			if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
				t.Errorf("image %s: %v", file, err)
			}
		}
	}
}

// TestTableFitsWidth: long configuration names are shortened so every line
// stays within TableWidth.
func TestTableFitsWidth(t *testing.T) {
	t.Parallel()
	long := "A=quanv(4 qubits, 2 layers) B=conv(32) C=linear(128) D=quantum-linear"
	res := mergeConfigs(t, []string{"C", long}, map[string]bool{"C": true}, func(r *experiment.Record) {
		r.Params = experiment.ParamCount{Classical: 12345678, Quantum: 1234567, Total: 13580245}
		r.EpochSeconds = 12345.6
	})
	var b bytes.Buffer
	if err := res.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, line := range strings.Split(out, "\n") {
		if width(line) > TableWidth {
			t.Errorf("line %d is %d columns wide: %q", i+1, width(line), line)
		}
	}
	if !strings.Contains(out, "A=quanv(4 qubits") || !strings.Contains(out, "…") || !strings.Contains(out, "13,580,245 (1,234,567)") {
		t.Errorf("table lacks the shortened name or the parameters:\n%s", out)
	}
}

// TestNaN: NaN losses and accuracies (possible from in-memory records) are
// shown as "NaN" in every output, and plotting them does not fail.
func TestNaN(t *testing.T) {
	t.Parallel()
	var recs []experiment.Record
	recs = append(recs, finished("C", 1, 0.9)...)
	recs = append(recs, finished("Q", 1, 0.9, func(r *experiment.Record) {
		r.TestLoss = math.NaN()
		if r.Epoch == 3 {
			r.TestAcc = math.NaN()
		}
	})...)
	recs = append(recs, finished("Q", 2, 0.8)...)
	res, err := Merge(File{Name: "mem", Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	q := strings.Split(b.String(), "\n")[3]
	if !strings.HasPrefix(q, "Q ") || strings.Count(q, "NaN") != 2 { // accuracy and Δ
		t.Errorf("row of Q = %q, want NaN accuracy and Δ", q)
	}
	dir := t.TempDir()
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| Q | 2 | NaN | NaN | 80.00 | NaN | NaN |") {
		t.Errorf("Markdown row of Q lacks NaN cells:\n%s", md)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{pct(0.9123), "91.23"},
		{pct(1), "100.00"},
		{pct(math.NaN()), "NaN"},
		{signed(-0.28, 2), "−0.28"},
		{signed(2.5, 2), "+2.50"},
		{signed(-0.001, 2), "0.00"},
		{signed(math.Inf(-1), 2), "−Inf"},
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(130394), "130,394"},
		{thousands(-1234567), "−1,234,567"},
		{seconds(0.0404), "0.040"},
		{seconds(1.5), "1.50"},
		{seconds(12.34), "12.3"},
		{seconds(1234.5), "1234"},
		{accCell(Stat{}), "—"},
		{accCell(Stat{1, 0.5, nan, 0.5, 0.5}), "50.00 ± —"},
		{accCell(Stat{2, 0.5, 0.01, 0.49, 0.51}), "50.00 ± 1.00"},
		{accCell(Stat{2, nan, nan, nan, nan}), "NaN"},
		{rangeCell(Stat{2, 0.5, 0.01, 0.49, 0.51}), "49.00–51.00"},
		{lossString(math.NaN()), "NaN"},
		{truncate("abcdef", 4), "abc…"},
		{truncate("abc", 4), "abc"},
		{slug("Hybrid Net/MNIST (v2)"), "hybrid-net-mnist-v2"},
		{slug("??"), "comparison"},
		{mdEscape("a|b*c_d"), `a\|b\*c\_d`},
		{strings.Join(wrap("aa bb cc dd", 5, " "), "/"), "aa bb/ cc/ dd"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestIntegerTicks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lo, hi float64
		want   string
	}{
		{0.5, 1.5, "1"},
		{0.5, 3.5, "1 2 3"},
		{0.5, 10.5, "2 4 6 8 10"},
		{0.5, 40.5, "5 10 15 20 25 30 35 40"},
		{0.5, 100.5, "20 40 60 80 100"},
	}
	for _, tc := range tests {
		var got []string
		for _, tk := range (integerTicks{}).Ticks(tc.lo, tc.hi) {
			got = append(got, tk.Label)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("ticks on [%v, %v] = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}
