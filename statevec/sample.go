package statevec

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrProbability is wrapped by the errors of the sampling functions when a
// sample has no probability to draw from (zero, NaN or infinite total).
var ErrProbability = errors.New("total probability is not a positive finite number")

// cumulative replaces p by its running sums and returns the total, or an
// error when the total is not a positive finite number.
func cumulative(what string, b int, p []float64) (float64, error) {
	var t float64
	for i, v := range p {
		t += v
		p[i] = t
	}
	if !(t > 0) || math.IsInf(t, 0) {
		return 0, fmt.Errorf("statevec: %s: sample %d: total probability %v: %w", what, b, t, ErrProbability)
	}
	return t, nil
}

// draw returns the outcome of one shot: the first index whose running sum
// exceeds a uniform number in [0, total). Outcomes of probability zero are
// never drawn.
func draw(rng *rand.Rand, cdf []float64, total float64) int {
	u := rng.Float64() * total
	lo, hi := 0, len(cdf)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cdf[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	// u can round up to total: fall back to the last outcome that has
	// probability.
	for lo > 0 && cdf[lo] == cdf[lo-1] {
		lo--
	}
	return lo
}

// marginals returns the probabilities of the wires for every sample, with
// the sample count and outcome count checked against dst.
func (s *Batch) marginals(what string, wires []int, shots int) ([]float64, int) {
	if shots < 0 {
		panic(fmt.Sprintf("statevec: %s: %d shots", what, shots))
	}
	var pos [MaxQubits]int
	p, _ := s.positions(&pos, wires, what)
	K := 1 << uint(len(p))
	probs := make([]float64, s.size*K)
	s.Probabilities(wires, probs)
	return probs, K
}

// SampleCounts measures the wires of every sample shots times and sets
// dst[b·2ᵏ + a] to the number of shots of sample b that read a (wires[0]
// most significant). Outcomes are drawn from |ψ_b|² normalised per sample,
// sequentially from rng, so a seeded rng gives reproducible counts. It
// returns an error, leaving dst unspecified, if a sample has zero or
// non-finite total probability. len(dst) must be Len()·2ᵏ.
func (s *Batch) SampleCounts(rng *rand.Rand, wires []int, shots int, dst []int) error {
	probs, K := s.marginals("SampleCounts", wires, shots)
	s.checkLen("SampleCounts", "dst", len(dst), s.size*K)
	clear(dst)
	for b := 0; b < s.size; b++ {
		cdf := probs[b*K : (b+1)*K]
		total, err := cumulative("SampleCounts", b, cdf)
		if err != nil {
			return err
		}
		counts := dst[b*K : (b+1)*K]
		for range shots {
			counts[draw(rng, cdf, total)]++
		}
	}
	return nil
}

// SampleShots measures the wires of every sample shots times and sets
// dst[b·shots + t] to the outcome of shot t of sample b, read as in
// [Batch.SampleCounts]. It returns an error under the same conditions.
// len(dst) must be Len()·shots.
func (s *Batch) SampleShots(rng *rand.Rand, wires []int, shots int, dst []int) error {
	probs, K := s.marginals("SampleShots", wires, shots)
	s.checkLen("SampleShots", "dst", len(dst), s.size*shots)
	for b := 0; b < s.size; b++ {
		cdf := probs[b*K : (b+1)*K]
		total, err := cumulative("SampleShots", b, cdf)
		if err != nil {
			return err
		}
		for t := range shots {
			dst[b*shots+t] = draw(rng, cdf, total)
		}
	}
	return nil
}
