package statevec

import "github.com/quanta-qml/quanta/internal/bitidx"

// layout enumerates the groups of amplitudes a kernel acts on. The bit
// positions of a gate's targets and controls are fixed; the remaining free
// bits form a rest index r ∈ [0, units). Group r starts at index
// Insert(r) | or, where or sets the control bits to one. Consecutive rest
// indices form runs of 2^runLog groups whose start indices step by
// 2^stepLog, so kernels iterate runs with simple strided (usually
// contiguous) inner loops.
type layout struct {
	ins     bitidx.Inserter
	or      int // bits forced to one (controls)
	units   int // number of rest indices
	stepLog int // log2 index step inside a run
	runLog  int // log2 rest indices per run
}

// newLayout returns the layout for n qubits with the given fixed positions
// (targets and controls, distinct) and control mask.
func newLayout(n int, fixed []int, ctrl uint64) layout {
	l := layout{ins: bitidx.NewInserter(fixed...), or: int(ctrl)}
	l.units = 1 << uint(n-len(fixed))
	l.stepLog, l.runLog = l.ins.LowRun(n)
	return l
}

// seg returns the run segment that starts at rest index r and does not pass
// hi: its first index and its number of groups.
func (l *layout) seg(r, hi int) (i0, cnt int) {
	i0 = int(l.ins.Insert(uint64(r))) | l.or
	run := 1 << uint(l.runLog)
	cnt = run - r&(run-1)
	if cnt > hi-r {
		cnt = hi - r
	}
	return i0, cnt
}
