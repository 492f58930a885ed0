package statevec

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// family makes a random k-qubit matrix of one structure; each structure
// drives a different kernel.
type family struct {
	name    string
	minK    int
	maxK    int
	unitary bool
	make    func(rng *rand.Rand, k int) []complex128
}

func diagMatrix(d []complex128) []complex128 {
	K := len(d)
	m := make([]complex128, K*K)
	for i, v := range d {
		m[i*K+i] = v
	}
	return m
}

func randPhases(rng *rand.Rand, K int) []complex128 {
	d := make([]complex128, K)
	for i := range d {
		d[i] = cmplx.Rect(1, 2*math.Pi*rng.Float64())
	}
	return d
}

// controlledBlock returns identity(K−K/2 block) ⊕ u: a matrix whose first
// wire acts as a control.
func controlledBlock(u []complex128) []complex128 {
	h := isqrt(len(u))
	K := 2 * h
	m := make([]complex128, K*K)
	for i := 0; i < h; i++ {
		m[i*K+i] = 1
		for j := 0; j < h; j++ {
			m[(h+i)*K+h+j] = u[i*h+j]
		}
	}
	return m
}

var families = []family{
	{"unitary", 1, 4, true, func(rng *rand.Rand, k int) []complex128 { return randUnitary(rng, 1<<k) }},
	{"general", 1, 3, false, func(rng *rand.Rand, k int) []complex128 { return randMatrix(rng, 1<<k) }},
	{"real", 1, 3, true, func(rng *rand.Rand, k int) []complex128 { return randOrthogonal(rng, 1<<k) }},
	{"diag", 1, 3, true, func(rng *rand.Rand, k int) []complex128 { return diagMatrix(randPhases(rng, 1<<k)) }},
	{"phase", 1, 2, true, func(rng *rand.Rand, k int) []complex128 {
		d := randPhases(rng, 1<<k)
		d[0] = 1
		return diagMatrix(d)
	}},
	{"anti", 1, 1, true, func(rng *rand.Rand, k int) []complex128 {
		d := randPhases(rng, 2)
		return []complex128{0, d[0], d[1], 0}
	}},
	{"X", 1, 1, true, func(*rand.Rand, int) []complex128 { return []complex128{0, 1, 1, 0} }},
	{"SWAP", 2, 2, true, func(*rand.Rand, int) []complex128 {
		return []complex128{1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1}
	}},
	{"ctrl-U", 2, 3, true, func(rng *rand.Rand, k int) []complex128 { return controlledBlock(randUnitary(rng, 1<<(k-1))) }},
	{"ctrl-ctrl-U", 3, 3, true, func(rng *rand.Rand, k int) []complex128 {
		return controlledBlock(controlledBlock(randUnitary(rng, 2)))
	}},
	{"CNOT", 2, 2, true, func(*rand.Rand, int) []complex128 { return controlledBlock(pX) }},
	{"Toffoli", 3, 3, true, func(*rand.Rand, int) []complex128 { return controlledBlock(controlledBlock(pX)) }},
	{"ctrl-diag", 2, 2, true, func(rng *rand.Rand, k int) []complex128 {
		return controlledBlock(diagMatrix(randPhases(rng, 2)))
	}},
}

// applyCase is one configuration of a gate application.
type applyCase struct {
	n                 int
	controls, targets []int
}

func (c applyCase) String() string {
	return fmt.Sprintf("n=%d/c=%v/t=%v", c.n, c.controls, c.targets)
}

// applyCases enumerates configurations: every single target with no control
// and with every single control on small n, then random wire lists (unsorted,
// non-adjacent) with up to two controls.
func applyCases(rng *rand.Rand) []applyCase {
	var cs []applyCase
	for n := 1; n <= 5; n++ {
		for t := 0; t < n; t++ {
			cs = append(cs, applyCase{n: n, targets: []int{t}})
			for c := 0; c < n; c++ {
				if c != t {
					cs = append(cs, applyCase{n: n, controls: []int{c}, targets: []int{t}})
				}
			}
		}
	}
	for n := 2; n <= 4; n++ {
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				if a != b {
					cs = append(cs, applyCase{n: n, targets: []int{a, b}})
				}
			}
		}
	}
	for i := 0; i < 60; i++ {
		n := 2 + rng.IntN(7) // 2..8
		k := 1 + rng.IntN(min(4, n))
		nc := rng.IntN(min(2, n-k) + 1)
		w := randWires(rng, n, k+nc)
		cs = append(cs, applyCase{n: n, targets: w[:k], controls: w[k:]})
	}
	return cs
}

// apply runs the method under test for a case.
func (c applyCase) apply(s *Batch, m []complex128, each bool) {
	switch {
	case len(c.controls) == 0 && each:
		s.ApplyEach(c.targets, m)
	case len(c.controls) == 0:
		s.Apply(c.targets, m)
	case each:
		s.ApplyControlledEach(c.controls, c.targets, m)
	default:
		s.ApplyControlled(c.controls, c.targets, m)
	}
}

// TestApplyAgainstDense runs every case on every kernel path: the pure-Go
// loops, and the vector kernels where the CPU has them.
func TestApplyAgainstDense(t *testing.T) {
	t.Parallel()
	for _, kp := range kernelPaths() {
		t.Run(kp.name, func(t *testing.T) {
			t.Parallel()
			applyAgainstDense(t, kp)
		})
	}
}

func applyAgainstDense(t *testing.T, kp kernelPath) {
	rng := newRNG(1)
	const B = 3
	for _, c := range applyCases(rng) {
		k := len(c.targets)
		for _, f := range families {
			if k < f.minK || k > f.maxK {
				continue
			}
			for _, each := range []bool{false, true} {
				s := randBatch(rng, c.n, B)
				s.pureGo = !kp.asm
				want := make([][]complex128, B)
				var ms []complex128
				shared := f.make(rng, k)
				for b := 0; b < B; b++ {
					m := shared
					if each {
						m = f.make(rng, k)
						ms = append(ms, m...)
					}
					want[b] = matVec(denseOp(c.n, c.controls, c.targets, m), s.Sample(b))
				}
				if !each {
					ms = shared
				}
				c.apply(s, ms, each)
				name := fmt.Sprintf("%v/%s/each=%v", c, f.name, each)
				checkStates(t, name, s, want)
				if f.unitary {
					checkNorms(t, name, s)
				}
			}
		}
	}
}

// checkNorms checks that every sample still has norm 1.
func checkNorms(t *testing.T, name string, s *Batch) {
	t.Helper()
	nrm := make([]float64, s.Len())
	s.Norms(nrm)
	for b, v := range nrm {
		if math.Abs(v-1) > tol {
			t.Errorf("%s: sample %d has norm %.16g after a unitary", name, b, v)
		}
	}
}

func TestApplyDiagAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(2)
	const B = 3
	for i := 0; i < 80; i++ {
		n := 1 + rng.IntN(8)
		k := 1 + rng.IntN(min(n, 7)) // up to 7 wires: the heap offset table
		wires := randWires(rng, n, k)
		for _, each := range []bool{false, true} {
			s := randBatch(rng, n, B)
			want := make([][]complex128, B)
			var ds []complex128
			shared := randPhases(rng, 1<<k)
			shared[0] = 1
			for b := 0; b < B; b++ {
				d := shared
				if each {
					d = randPhases(rng, 1<<k)
					ds = append(ds, d...)
				}
				want[b] = matVec(denseOp(n, nil, wires, diagMatrix(d)), s.Sample(b))
			}
			if each {
				s.ApplyDiagEach(wires, ds)
			} else {
				s.ApplyDiag(wires, shared)
			}
			name := fmt.Sprintf("n=%d/wires=%v/each=%v", n, wires, each)
			checkStates(t, name, s, want)
			checkNorms(t, name, s)
		}
	}
}

// TestApplyLargeK covers gates on more than six qubits (heap offset tables
// and per-chunk scratch) on a single and on several workers.
func TestApplyLargeK(t *testing.T) {
	t.Parallel()
	rng := newRNG(3)
	for _, workers := range []int{1, 3} {
		n, k := 8, 7
		wires := randWires(rng, n, k)
		u := randUnitary(rng, 1<<k)
		s := randBatch(rng, n, 3)
		s.Workers = workers
		want := make([][]complex128, 3)
		op := denseOp(n, nil, wires, u)
		for b := range want {
			want[b] = matVec(op, s.Sample(b))
		}
		s.Apply(wires, u)
		checkStates(t, fmt.Sprintf("k=7/workers=%d", workers), s, want)
	}
}

func TestPermutationsAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(4)
	swap := []complex128{1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1}
	for i := 0; i < 60; i++ {
		n := 3 + rng.IntN(5)
		w := randWires(rng, n, 3)
		cases := []struct {
			name              string
			do                func(s *Batch)
			controls, targets []int
			m                 []complex128
		}{
			{"X", func(s *Batch) { s.ApplyX(w[0]) }, nil, w[:1], pX},
			{"CNOT", func(s *Batch) { s.ApplyCNOT(w[0], w[1]) }, w[:1], w[1:2], pX},
			{"Toffoli", func(s *Batch) { s.ApplyToffoli(w[0], w[1], w[2]) }, w[:2], w[2:3], pX},
			{"MCX", func(s *Batch) { s.ApplyMultiControlledX(w[1:], w[0]) }, w[1:], w[:1], pX},
			{"SWAP", func(s *Batch) { s.ApplySWAP(w[0], w[1]) }, nil, w[:2], swap},
			{"CSWAP", func(s *Batch) { s.ApplyCSWAP(w[2], w[0], w[1]) }, w[2:], w[:2], swap},
		}
		for _, c := range cases {
			s := randBatch(rng, n, 3)
			op := denseOp(n, c.controls, c.targets, c.m)
			want := make([][]complex128, 3)
			for b := range want {
				want[b] = matVec(op, s.Sample(b))
			}
			c.do(s)
			checkStates(t, fmt.Sprintf("%s/n=%d/w=%v", c.name, n, w), s, want)
		}
	}
}

func TestApplyPauliRotAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(5)
	for i := 0; i < 60; i++ {
		n := 1 + rng.IntN(6)
		word := randWord(rng, n)
		if i%5 == 0 { // Z-only words take the diagonal path
			word = ""
			for range n {
				word += string("IZ"[rng.IntN(2)])
			}
		}
		P, x, z, ny := pauliDense(word)
		D := 1 << n
		for _, each := range []bool{false, true} {
			s := randBatch(rng, n, 3)
			thetas := []float64{rng.NormFloat64() * 3, rng.NormFloat64() * 3, rng.NormFloat64() * 3}
			want := make([][]complex128, 3)
			for b := range want {
				th := thetas[0]
				if each {
					th = thetas[b]
				}
				// exp(−iθ/2·P) = cos(θ/2)·I − i·sin(θ/2)·P since P² = I.
				op := make([]complex128, D*D)
				for r := 0; r < D; r++ {
					for c := 0; c < D; c++ {
						op[r*D+c] = complex(0, -math.Sin(th/2)) * P[r*D+c]
					}
					op[r*D+r] += complex(math.Cos(th/2), 0)
				}
				want[b] = matVec(op, s.Sample(b))
			}
			if each {
				s.ApplyPauliRotEach(x, z, ny, thetas)
			} else {
				s.ApplyPauliRot(x, z, ny, thetas[0])
			}
			checkStates(t, fmt.Sprintf("%s/each=%v", word, each), s, want)
		}
	}
}

// TestGatesOnBasisStates checks textbook results that need no oracle: the
// Bell and GHZ states.
func TestGatesOnBasisStates(t *testing.T) {
	t.Parallel()
	h := complex(1/math.Sqrt2, 0)
	H := []complex128{h, h, h, -h}
	s := New(3, 2)
	s.Apply([]int{0}, H)
	s.ApplyCNOT(0, 1)
	s.ApplyCNOT(1, 2)
	for b := 0; b < 2; b++ {
		want := make([]complex128, 8)
		want[0], want[7] = h, h
		if d := numtest.MaxDiffC(s.Sample(b), want); d > 1e-15 {
			t.Errorf("GHZ sample %d: %v", b, s.Sample(b))
		}
	}
	// X on wire 0 of 2 qubits sends |00⟩ to index 2 (wire 0 is the MSB).
	s = New(2, 1)
	s.ApplyX(0)
	if s.Sample(0)[2] != 1 {
		t.Errorf("X on wire 0: %v", s.Sample(0))
	}
}

// TestStagedPathsMatchPlain: batches larger than the L2 cache read targets
// at bits 5–9 through a stack buffer (stageAmps). Each sample of such a batch
// must come out as the same sample applied alone, on the plain path that
// the dense tests verify.
func TestStagedPathsMatchPlain(t *testing.T) {
	t.Parallel()
	const n = 10
	size := stageAmps >> n // just large enough to stage
	rng := newRNG(6)
	u, r := randUnitary(rng, 2), randOrthogonal(rng, 2)
	for _, kp := range kernelPaths() {
		for _, bit := range []int{5, 6, 8} {
			stagedMatchesPlain(t, kp, n, size, bit, u, r)
		}
	}
}

func stagedMatchesPlain(t *testing.T, kp kernelPath, n, size, bit int, u, r []complex128) {
	rng := newRNG(uint64(7 + bit))
	w := n - 1 - bit
	ops := []struct {
		name string
		do   func(s *Batch)
	}{
		{"dense", func(s *Batch) { s.Apply([]int{w}, u) }},
		{"real", func(s *Batch) { s.Apply([]int{w}, r) }},
		{"controlled", func(s *Batch) { s.ApplyControlled([]int{0}, []int{w}, u) }},
		{"cnot", func(s *Batch) { s.ApplyCNOT(0, w) }},
		{"x", func(s *Batch) { s.ApplyX(w) }},
	}
	for _, op := range ops {
		big := randBatch(rng, n, size)
		big.pureGo = !kp.asm
		if len(big.amp) < stageAmps {
			t.Fatalf("batch of %d amplitudes does not reach the staged path", len(big.amp))
		}
		want := make([][]complex128, size)
		for b := range want {
			one := New(n, 1)
			one.pureGo = !kp.asm
			one.SetSample(0, big.Sample(b))
			op.do(one)
			want[b] = one.Sample(0)
		}
		op.do(big)
		for b := range want {
			if d := numtest.MaxDiffC(big.Sample(b), want[b]); d != 0 {
				t.Errorf("%s bit %d %s: sample %d differs from the plain path by %.3g", kp.name, bit, op.name, b, d)
				break
			}
		}
	}
}
