package statevec

import "github.com/quanta-qml/quanta/internal/bitidx"

// runs enumerates the amplitudes whose control bits are all set when every
// control lies above the target bits. They form runs of 2^runLog contiguous
// amplitudes (runLog is the lowest control position, or n without
// controls), and each run holds whole blocks of the targets, so the
// uncontrolled loops apply to every run unchanged.
type runs struct {
	ins    bitidx.Inserter // control positions
	or     int             // control mask
	runLog int
}

// minRunBlocks is the log2 of the fewest target blocks per run worth the
// per-run set-up; with shorter runs the general layout is faster.
const minRunBlocks = 3

// newRuns returns the runs of n qubits under the given control positions
// and mask, and whether to use them: every control lies above every target
// position, and each run holds at least 2^minRunBlocks blocks of the
// targets.
func newRuns(n int, targets, controls []int, mask uint64) (runs, bool) {
	r := runs{ins: bitidx.NewInserter(controls...), or: int(mask), runLog: n}
	for _, c := range controls {
		r.runLog = min(r.runLog, c)
	}
	top := 0
	for _, t := range targets {
		top = max(top, t+1)
	}
	return r, len(controls) == 0 || r.runLog >= top+minRunBlocks
}

// next returns the run that holds unit lo of [lo, hi), where a unit spans
// 2^unitLog amplitudes: the run's amplitudes, the unit's index inside it
// and how many of [lo, hi) it holds. a is a sample or a whole batch.
func (r *runs) next(a []complex128, unitLog, lo, hi int) (run []complex128, off, cnt int) {
	perLog := r.runLog - unitLog
	g := lo >> uint(perLog)
	off = lo & (1<<uint(perLog) - 1)
	cnt = min(1<<uint(perLog)-off, hi-lo)
	base := int(r.ins.Insert(uint64(g)<<uint(r.runLog))) | r.or
	return a[base : base+1<<uint(r.runLog)], off, cnt
}
