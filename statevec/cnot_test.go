package statevec

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// TestCNOTEveryPair checks the CNOT kernel for every control and target
// bit of small states, on one and on three states back to back, against
// the dense operator (through ApplyCNOT) and against the index
// permutation (through the flat CNOT, also on a state split into many
// chunks).
func TestCNOTEveryPair(t *testing.T) {
	t.Parallel()
	for n := 2; n <= 7; n++ {
		for c := 0; c < n; c++ {
			for tg := 0; tg < n; tg++ {
				if c == tg {
					continue
				}
				name := fmt.Sprintf("n=%d/c=%d/t=%d", n, c, tg)
				// Wires: bit p is wire n−1−p.
				s := randBatch(newRNG(uint64(n*100+c*10+tg)), n, 3)
				op := denseOp(n, []int{n - 1 - c}, []int{n - 1 - tg}, pX)
				want := make([][]complex128, 3)
				for b := range want {
					want[b] = matVec(op, s.Sample(b))
				}
				s.ApplyCNOT(n-1-c, n-1-tg)
				checkStates(t, name, s, want)

				a := randAmps(uint64(n), 3<<n)
				perm := make([]complex128, len(a))
				for j := range a {
					src := j
					if j>>c&1 == 1 {
						src = j ^ 1<<tg
					}
					perm[j] = a[src]
				}
				CNOT(a, c, tg, 1)
				if d := numtest.MaxDiffC(a, perm); d != 0 {
					t.Errorf("%s: flat CNOT is not the permutation", name)
				}
				// The kernel over ranges cut at every pair: each boundary
				// falls inside runs, at odd and even pairs.
				b := randAmps(uint64(n), 3<<n)
				k := cnotK{amp: b, lo: min(c, tg), hi: max(c, tg), cm: 1 << c, tm: 1 << tg}
				for r := 0; r < 3<<(n-2); r++ {
					k.run(0, r, r+1)
				}
				if d := numtest.MaxDiffC(b, perm); d != 0 {
					t.Errorf("%s: CNOT pair by pair is not the permutation", name)
				}
				// Three chunks of a parallel run.
				b = randAmps(uint64(n), 3<<n)
				cs := Batch{Workers: 3, chunkLogOverride: 2, n: n, size: 3, dim: 1 << n, amp: b}
				cs.cnot(c, tg)
				if d := numtest.MaxDiffC(b, perm); d != 0 {
					t.Errorf("%s: CNOT cut into three chunks is not the permutation", name)
				}
			}
		}
	}
}

// TestCNOTLongRuns covers runs long enough for the buffered paths (both
// bits at 5 or above), in the variant for states in cache and in the one
// for states in memory, whole and cut into ranges at odd pairs.
func TestCNOTLongRuns(t *testing.T) {
	t.Parallel()
	for _, n := range []int{9, 11} {
		for c := 0; c < n; c++ {
			for tg := 0; tg < n; tg++ {
				if c == tg {
					continue
				}
				a := randAmps(uint64(n*c+tg), 2<<n)
				perm := make([]complex128, len(a))
				for j := range a {
					src := j
					if j>>c&1 == 1 {
						src = j ^ 1<<tg
					}
					perm[j] = a[src]
				}
				units := 2 << (n - 2)
				for _, inMem := range []bool{false, true} {
					for _, cuts := range [][]int{{0, units}, {0, 7, units/2 + 3, units}} {
						b := append([]complex128(nil), a...)
						k := cnotK{amp: b, lo: min(c, tg), hi: max(c, tg), cm: 1 << c, tm: 1 << tg, inMem: inMem}
						for i := 0; i+1 < len(cuts); i++ {
							k.run(0, cuts[i], cuts[i+1])
						}
						if d := numtest.MaxDiffC(b, perm); d != 0 {
							t.Errorf("n=%d c=%d t=%d inMem=%v cuts=%v: not the permutation", n, c, tg, inMem, cuts)
						}
					}
				}
			}
		}
	}
}

func TestCNOTPanics(t *testing.T) {
	t.Parallel()
	a := make([]complex128, 8)
	expectPanic(t, "same bit", "statevec: CNOT: control bit 1 and target bit 1 must differ", func() { CNOT(a, 1, 1, 1) })
	expectPanic(t, "negative", "statevec: CNOT: control bit -1", func() { CNOT(a, -1, 1, 1) })
	expectPanic(t, "length", "statevec: CNOT: 8 amplitudes are not whole blocks of 2^4", func() { CNOT(a, 3, 0, 1) })
}
