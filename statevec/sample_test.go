package statevec

import (
	"errors"
	"math"
	"math/cmplx"
	"strings"
	"testing"
)

// samplingState returns a 4-qubit state with a spread of probabilities and
// one outcome of probability zero (index 5).
func samplingState() *Batch {
	s := New(4, 2)
	for b := 0; b < 2; b++ {
		v := make([]complex128, 16)
		var t float64
		for j := range v {
			if j == 5 {
				continue
			}
			w := float64(j%7+1) * float64(b+1+j%3)
			v[j] = cmplx.Rect(math.Sqrt(w), float64(j))
			t += w
		}
		for j := range v {
			v[j] /= complex(math.Sqrt(t), 0)
		}
		s.SetSample(b, v)
	}
	return s
}

// TestSampleCountsMatchDistribution draws 100k shots per sample and checks
// the counts against the exact distribution (computed by hand from |ψ|²).
//
// Bounds: each count is Binomial(N, p); we allow 5 standard deviations
// plus one, and the chi-square statistic must stay below 60. Under the null
// hypothesis a 5σ deviation has probability below 1e-6 per outcome (16
// outcomes, 2 samples) and P(χ² > 60) is below 1e-6 for 15 degrees of
// freedom, so the test is not tuned to its seed: nearly every seed passes,
// while a wrong bit order or a biased draw fails by hundreds of σ.
func TestSampleCountsMatchDistribution(t *testing.T) {
	t.Parallel()
	const N = 100000
	s := samplingState()
	for _, wires := range [][]int{{0, 1, 2, 3}, {2, 0}, {3}} {
		K := 1 << len(wires)
		counts := make([]int, 2*K)
		if err := s.SampleCounts(newRNG(21), wires, N, counts); err != nil {
			t.Fatal(err)
		}
		for b := 0; b < 2; b++ {
			p := probsByHand(s.Sample(b), 4, wires)
			var chi2 float64
			total := 0
			for a, pa := range p {
				c := counts[b*K+a]
				total += c
				mean := N * pa
				if pa == 0 {
					if c != 0 {
						t.Errorf("wires %v sample %d: outcome %d has probability 0 but %d shots", wires, b, a, c)
					}
					continue
				}
				sd := math.Sqrt(N * pa * (1 - pa))
				if math.Abs(float64(c)-mean) > 5*sd+1 {
					t.Errorf("wires %v sample %d outcome %d: %d shots, expected %.0f ± %.0f", wires, b, a, c, mean, sd)
				}
				chi2 += (float64(c) - mean) * (float64(c) - mean) / mean
			}
			if total != N {
				t.Errorf("wires %v sample %d: %d shots counted, want %d", wires, b, total, N)
			}
			if chi2 > 60 {
				t.Errorf("wires %v sample %d: chi-square %.1f over %d outcomes", wires, b, chi2, K)
			}
		}
	}
}

// TestSampleShotsAgreesWithCounts: the same seed draws the same outcomes.
func TestSampleShotsAgreesWithCounts(t *testing.T) {
	t.Parallel()
	s := samplingState()
	const N = 1000
	wires := []int{1, 3}
	counts := make([]int, 2*4)
	shots := make([]int, 2*N)
	if err := s.SampleCounts(newRNG(7), wires, N, counts); err != nil {
		t.Fatal(err)
	}
	if err := s.SampleShots(newRNG(7), wires, N, shots); err != nil {
		t.Fatal(err)
	}
	hist := make([]int, 2*4)
	for b := 0; b < 2; b++ {
		for _, o := range shots[b*N : (b+1)*N] {
			hist[b*4+o]++
		}
	}
	for i := range hist {
		if hist[i] != counts[i] {
			t.Fatalf("shots histogram %v, counts %v", hist, counts)
		}
	}
}

func TestSampleZeroStateIsAnError(t *testing.T) {
	t.Parallel()
	s := New(2, 3)
	s.Sample(1)[0] = 0 // sample 1 has no probability
	err := s.SampleCounts(newRNG(1), []int{0}, 10, make([]int, 3*2))
	if !errors.Is(err, ErrProbability) {
		t.Fatalf("err = %v, want ErrProbability", err)
	}
	if err == nil || !strings.Contains(err.Error(), "sample 1") {
		t.Errorf("error %q does not name the sample", err)
	}
	s.Sample(1)[0] = complex(math.NaN(), 0)
	if err := s.SampleShots(newRNG(1), []int{0}, 10, make([]int, 3*10)); !errors.Is(err, ErrProbability) {
		t.Errorf("NaN state: err = %v", err)
	}
}
