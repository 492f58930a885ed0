package statevec

import (
	"math"
	"testing"
)

// parOp is one kernel call for the parallel-equality test. It may change s
// (gates) and returns what it computed, flattened to complex numbers.
type parOp struct {
	name string
	do   func(s, o *Batch) []complex128
}

func asComplex(x []float64) []complex128 {
	out := make([]complex128, len(x))
	for i, v := range x {
		out[i] = complex(v, 0)
	}
	return out
}

// parOps lists every kernel with arguments that reach its special paths
// (target bits 0 and 1, controls at bit 0, Pauli words with low and high
// bits).
func parOps(n, size int) []parOp {
	rng := newRNG(uint64(31 + n))
	u1, u2, u3 := randUnitary(rng, 2), randUnitary(rng, 4), randUnitary(rng, 8)
	r1 := randOrthogonal(rng, 2)
	each := make([]complex128, 0, 4*size)
	for b := 0; b < size; b++ {
		each = append(each, randUnitary(rng, 2)...)
	}
	d3 := randPhases(rng, 8)
	thetas := make([]float64, size)
	coeffs := make([]float64, size)
	for b := range thetas {
		thetas[b], coeffs[b] = rng.NormFloat64(), rng.NormFloat64()
	}
	last, prev := n-1, n-2 // wires at bits 0 and 1
	g := make([]float64, size*8)
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	gate := func(f func(s *Batch)) func(s, o *Batch) []complex128 {
		return func(s, _ *Batch) []complex128 { f(s); return append([]complex128(nil), s.amp...) }
	}
	return []parOp{
		{"1q/bit0", gate(func(s *Batch) { s.Apply([]int{last}, u1) })},
		{"1q/bit1", gate(func(s *Batch) { s.Apply([]int{prev}, u1) })},
		{"1q/bit2", gate(func(s *Batch) { s.Apply([]int{n - 3}, u1) })},
		{"1q/bit3", gate(func(s *Batch) { s.Apply([]int{n - 4}, u1) })},
		{"1q/real/bit2", gate(func(s *Batch) { s.Apply([]int{n - 3}, r1) })},
		{"1q/high", gate(func(s *Batch) { s.Apply([]int{1}, u1) })},
		{"1q/real/bit0", gate(func(s *Batch) { s.Apply([]int{last}, r1) })},
		{"1q/real/bit1", gate(func(s *Batch) { s.Apply([]int{prev}, r1) })},
		{"1q/each", gate(func(s *Batch) { s.ApplyEach([]int{prev}, each) })},
		{"1q/ctrl-bit0", gate(func(s *Batch) { s.ApplyControlled([]int{last}, []int{2}, u1) })},
		{"2q", gate(func(s *Batch) { s.Apply([]int{last, 0}, u2) })},
		{"3q", gate(func(s *Batch) { s.Apply([]int{2, last, 0}, u3) })},
		{"diag3", gate(func(s *Batch) { s.ApplyDiag([]int{prev, 0, 3}, d3) })},
		{"cnot/t=bit0", gate(func(s *Batch) { s.ApplyCNOT(0, last) })},
		{"cnot/t=bit1", gate(func(s *Batch) { s.ApplyCNOT(0, prev) })},
		{"cnot/t=bit6", gate(func(s *Batch) { s.ApplyCNOT(0, n-7) })},
		{"1q/bit6", gate(func(s *Batch) { s.Apply([]int{n - 7}, u1) })},
		{"1q/ctrl-high/bit1", gate(func(s *Batch) { s.ApplyControlled([]int{0}, []int{prev}, u1) })},
		{"1q/ctrl-high/bit6", gate(func(s *Batch) { s.ApplyControlled([]int{1, 0}, []int{n - 7}, u1) })},
		{"cnot/low", gate(func(s *Batch) { s.ApplyCNOT(last, prev) })},
		{"cnot/high", gate(func(s *Batch) { s.ApplyCNOT(0, 2) })},
		{"swap", gate(func(s *Batch) { s.ApplySWAP(last, 1) })},
		{"pauliRot", gate(func(s *Batch) { s.ApplyPauliRotEach(0b1011, 0b0110, 1, thetas) })},
		{"scale", gate(func(s *Batch) { s.Scale(append([]complex128(nil), asComplex(coeffs)...)) })},
		{"addScaled", func(s, o *Batch) []complex128 {
			o.AddScaled(s, asComplex(coeffs))
			return append([]complex128(nil), o.amp...)
		}},
		{"addPauli", func(s, o *Batch) []complex128 {
			s.AddPauli(o, 0b1101, 0b0101, 1, coeffs)
			return append([]complex128(nil), o.amp...)
		}},
		{"scaleByMarginal", func(s, o *Batch) []complex128 {
			s.ScaleByMarginal([]int{prev, 0, 2}, g, o)
			return append([]complex128(nil), o.amp...)
		}},
		{"expect/z", func(s, _ *Batch) []complex128 {
			d := make([]float64, size)
			s.ExpectPauli(0, 0b100101, 0, d)
			return asComplex(d)
		}},
		{"expect/xy", func(s, _ *Batch) []complex128 {
			d := make([]float64, size)
			s.ExpectPauli(0b1011, 0b0010, 1, d)
			return asComplex(d)
		}},
		{"innerPauli", func(s, o *Batch) []complex128 {
			d := make([]complex128, size)
			s.InnerPauli(o, 0b110, 0b011, 1, d)
			return d
		}},
		{"probs", func(s, _ *Batch) []complex128 {
			d := make([]float64, size*8)
			s.Probabilities([]int{last, 0, 3}, d)
			return asComplex(d)
		}},
		{"reducedOuter", func(s, o *Batch) []complex128 {
			d := make([]complex128, 16)
			ReducedOuter(s, o, []int{prev, 1}, d)
			return d
		}},
		{"reducedOuter1", func(s, o *Batch) []complex128 {
			d := make([]complex128, 4)
			ReducedOuter(s, o, []int{last}, d)
			return d
		}},
		{"reducedOuterEach", func(s, o *Batch) []complex128 {
			d := make([]complex128, size*4)
			ReducedOuterEach(s, o, []int{2}, d)
			return d
		}},
	}
}

// TestParallelMatchesSequential runs every kernel with one and with several
// workers, on a single large state (split inside the state) and on a large
// batch of small states (split between samples), and requires bit-for-bit
// equal results.
func TestParallelMatchesSequential(t *testing.T) {
	t.Parallel()
	type shape struct{ n, size, chunkLog int }
	shapes := []shape{
		{18, 1, 0}, {10, 300, 0}, {17, 3, 0},
		// Tiny chunks: many goroutines, boundaries at odd units.
		{9, 5, 5}, {12, 1, 6},
	}
	if raceEnabled {
		// The race detector slows the large shapes tenfold; the tiny-chunk
		// shapes run the same parallel code on more goroutines.
		shapes = shapes[3:]
	}
	for _, shape := range shapes {
		rng := newRNG(uint64(shape.n))
		base := randBatch(rng, shape.n, shape.size)
		other := randBatch(rng, shape.n, shape.size)
		base.chunkLogOverride, other.chunkLogOverride = shape.chunkLog, shape.chunkLog
		// The shapes must really reach the parallel paths.
		if base.Workers = 4; base.numChunks(base.dim/2, 1) < 2 {
			t.Fatalf("n=%d B=%d: one-qubit gates would not run in parallel", shape.n, shape.size)
		}
		for _, op := range parOps(shape.n, shape.size) {
			var ref []complex128
			for _, w := range []int{1, 2, 3, 4} {
				s, o := base.Clone(), other.Clone()
				s.Workers, o.Workers = w, w
				if w == 1 {
					s.chunkLogOverride, o.chunkLogOverride = 0, 0
				}
				got := op.do(s, o)
				if w == 1 {
					ref = got
					continue
				}
				for i := range ref {
					if got[i] != ref[i] && !(math.IsNaN(real(got[i])) && math.IsNaN(real(ref[i]))) {
						t.Errorf("n=%d B=%d %s: workers=%d differs from workers=1 at %d: %v vs %v",
							shape.n, shape.size, op.name, w, i, got[i], ref[i])
						break
					}
				}
			}
		}
	}
}

// TestReductionBlocksAreSplit makes sure the shapes above exercise the
// block-splitting of reductions (several blocks per sample and per batch).
func TestReductionBlocksAreSplit(t *testing.T) {
	grain := minChunkAmps / blockAmps
	if nb := (1 << 18) / blockUnits(0); nb < 2*grain {
		t.Errorf("an 18-qubit sample has %d reduction blocks, too few to split", nb)
	}
	if nb := 300 * (1 << 8) / blockUnits(4); nb < 2*grain {
		t.Errorf("ReducedOuter on two of 10 qubits over 300 samples has %d blocks, too few to split", nb)
	}
}
