package numtest

import (
	"math"
	"testing"
)

func TestFiniteDiffOfKnownFunction(t *testing.T) {
	f := func(x []float64) float64 { return math.Sin(x[0]) * x[1] * x[1] }
	x := []float64{0.7, -1.3}
	g := FiniteDiff(f, x, 1e-5)
	want := []float64{math.Cos(0.7) * 1.69, 2 * math.Sin(0.7) * -1.3}
	if d := MaxDiff(g, want); d > 1e-8 {
		t.Fatalf("finite difference off by %g:%s", d, Report(g, want, 1e-8))
	}
	if x[0] != 0.7 || x[1] != -1.3 {
		t.Fatalf("x not restored: %v", x)
	}
}

func TestGoldenFileLoads(t *testing.T) {
	cases, err := PennyLane()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 42 {
		t.Fatalf("got %d cases, want 42", len(cases))
	}
	c, err := PennyLaneCase("hea/n4_L2_B3")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Outputs["expval_z"].Shape; len(got) != 2 || got[0] != 3 || got[1] != 4 {
		t.Fatalf("hea expval_z shape %v, want [3 4]", got)
	}
	if _, err := PennyLaneCase("no/such"); err == nil {
		t.Fatal("missing case did not fail")
	}
}

func TestMaxDiffFlagsNaNAndLength(t *testing.T) {
	if !math.IsInf(MaxDiff([]float64{1}, []float64{1, 2}), 1) {
		t.Error("length mismatch not flagged")
	}
	if !math.IsInf(MaxDiff([]float64{math.NaN()}, []float64{1}), 1) {
		t.Error("NaN not flagged")
	}
}
