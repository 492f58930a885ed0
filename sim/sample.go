package sim

import (
	"fmt"
	"math/bits"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/statevec"
)

// checkWires validates measured wires, which come from outside, and
// returns them (every wire, in order, for none).
func (r *Result) checkWires(wires []int, shots int, rng *rand.Rand) ([]int, error) {
	if rng == nil {
		return nil, fmt.Errorf("sim: sampling needs a random source")
	}
	if shots < 1 {
		return nil, fmt.Errorf("sim: %d shots, want at least 1", shots)
	}
	if err := Probs(wires...).check(r.p.n); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	if len(wires) == 0 {
		for w := 0; w < r.p.n; w++ {
			wires = append(wires, w)
		}
	}
	return wires, nil
}

// Shots measures the wires of every sample's final state shots times and
// returns the outcomes, B rows of shots values; an outcome reads the wires
// with wires[0] as the most significant bit. Shots are drawn from rng in
// order, so a seeded source reproduces them. No wires means every wire.
func (r *Result) Shots(rng *rand.Rand, wires []int, shots int) ([]int, error) {
	wires, err := r.checkWires(wires, shots, rng)
	if err != nil {
		return nil, err
	}
	dst := make([]int, r.size*shots)
	if err := r.psi.SampleShots(rng, wires, shots, dst); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return dst, nil
}

// Counts measures the wires shots times per sample and returns how often
// each outcome occurred: B rows of 2ᵏ counts.
func (r *Result) Counts(rng *rand.Rand, wires []int, shots int) ([]int, error) {
	wires, err := r.checkWires(wires, shots, rng)
	if err != nil {
		return nil, err
	}
	dst := make([]int, r.size<<uint(len(wires)))
	if err := r.psi.SampleCounts(rng, wires, shots, dst); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return dst, nil
}

// Estimate returns estimates of the outputs from shots measurements per
// sample and setting, as hardware would give them: probabilities are the
// frequencies of the outcomes; an expectation value of Σ c_t·P_t measures
// each word P_t separately, after rotating its X letters with H and its Y
// letters with H·S† into the Z basis, and averages the parity
// (−1)^(number of ones) over its shots. An estimate of a word has standard
// deviation √((1 − ⟨P⟩²)/shots).
func (r *Result) Estimate(rng *rand.Rand, shots int) ([]float64, error) {
	if _, err := r.checkWires(nil, shots, rng); err != nil {
		return nil, err
	}
	p := r.p
	est := make([]float64, r.size*p.width)
	var rot *statevec.Batch
	for i := range p.outs {
		o := &p.outs[i]
		switch o.kind {
		case outProbs:
			counts := make([]int, r.size*o.width)
			if err := r.psi.SampleCounts(rng, o.wires, shots, counts); err != nil {
				return nil, fmt.Errorf("sim: %w", err)
			}
			for b := 0; b < r.size; b++ {
				for a := 0; a < o.width; a++ {
					est[b*p.width+o.off+a] = float64(counts[b*o.width+a]) / float64(shots)
				}
			}
		case outExpval:
			for _, t := range o.terms {
				if t.x == 0 && t.z == 0 {
					for b := 0; b < r.size; b++ {
						est[b*p.width+o.off] += t.coeff
					}
					continue
				}
				if rot == nil {
					rot = statevec.New(p.n, r.size)
					rot.Workers = r.psi.Workers
				}
				mean, err := r.wordEstimate(rot, rng, t, shots)
				if err != nil {
					return nil, err
				}
				for b, m := range mean {
					est[b*p.width+o.off] += t.coeff * m
				}
			}
		}
	}
	return est, nil
}

// Basis rotations to the Z basis: H for X, H·S† for Y.
var (
	hadamard = []complex128{complex(1/sqrt2, 0), complex(1/sqrt2, 0), complex(1/sqrt2, 0), complex(-1/sqrt2, 0)}
	hsdg     = []complex128{complex(1/sqrt2, 0), complex(0, -1/sqrt2), complex(1/sqrt2, 0), complex(0, 1/sqrt2)}
)

const sqrt2 = 1.4142135623730951

// wordEstimate returns, per sample, the mean of (−1)^parity over shots
// measurements of the Pauli word t in its eigenbasis.
func (r *Result) wordEstimate(rot *statevec.Batch, rng *rand.Rand, t term, shots int) ([]float64, error) {
	n := r.p.n
	rot.CopyFrom(r.psi)
	var wires []int
	for w := 0; w < n; w++ {
		bit := uint64(1) << uint(n-1-w)
		switch {
		case t.x&bit != 0 && t.z&bit != 0:
			rot.Apply([]int{w}, hsdg)
		case t.x&bit != 0:
			rot.Apply([]int{w}, hadamard)
		case t.z&bit == 0:
			continue
		}
		wires = append(wires, w)
	}
	out := make([]int, r.size*shots)
	if err := rot.SampleShots(rng, wires, shots, out); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	mean := make([]float64, r.size)
	for b := range mean {
		s := 0
		for _, a := range out[b*shots : (b+1)*shots] {
			s += 1 - 2*(bits.OnesCount(uint(a))&1)
		}
		mean[b] = float64(s) / float64(shots)
	}
	return mean, nil
}

// Sample runs the circuit and measures the wires of every sample shots
// times: B rows of shots outcomes (see Result.Shots).
func Sample(c *circuit.Circuit, weights, inputs []float64, wires []int, shots int, rng *rand.Rand, opt Options) ([]int, error) {
	r, err := Forward(c, weights, inputs, []Output{Probs(wires...)}, opt)
	if err != nil {
		return nil, err
	}
	return r.Shots(rng, wires, shots)
}
