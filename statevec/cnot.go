package statevec

import "fmt"

// CNOT. With control bit c and target bit t, only the quarter of the
// indices with bit c set and bit t clear move: each swaps with its partner
// across bit t. The kernel enumerates exactly those pairs, so it reads and
// writes only the amplitudes that move. With c ≥ 2 the moving amplitudes
// and their partners fill whole 64-byte cache lines, those whose index has
// bit c set, and the other half of the state's lines is never touched;
// with c at 0 or 1 every line holds a moving amplitude and the whole state
// streams through (for the CNOT ring (q, q+1 mod n), two gates of n).
//
// Pair r, in the order the kernel walks them, splits as
//
//	r = top·2^(hi−1) + mid·2^lo + low   (lo, hi = min, max(c, t), low < 2^lo)
//
// and moves index top·2^(hi+1) + mid·2^(lo+1) + low + 2^c with its partner
// 2^t further: runs of L = 2^lo amplitudes in address order, each run
// upwards. How a run is exchanged depends on L and on where the state
// lives (BenchmarkCNOTRingGates, and the swap loops measured alone at
// n = 16, 20 and 24 on the development machine):
//
//   - L = 1 or 2: element by element, with bits 0 and 1 together on groups
//     of four amplitudes and with both bits below 4 on chunks of sixteen
//     with the pairs at fixed positions;
//   - L = 4, 8, 16: run by run with fixed-size array moves, the position of
//     each run computed from r directly (a function call per block cost as
//     much as the moves: 1.5–2 times slower at n = 20);
//   - 32 ≤ L ≤ 256 with c > t in a state larger than the last-level cache:
//     the partners are adjacent runs of one contiguous region (the half of
//     a block with the control set), which is read in tiles into a stack
//     buffer and written back exchanged, so that reads and writes are
//     sequential (reading the two runs side by side ran at 400–700 Mamp/s,
//     through the buffer at 1100, in the swap loops alone at n = 24);
//   - other runs up to 2^9 amplitudes, and longer runs of states that fit
//     the last-level cache: three copies through the buffer (the runtime's
//     vectorised memmove), twice as fast as the element loop in cache;
//   - longer runs of states larger than the last-level cache: element by
//     element, two plain streams (1.3 to 2 times the buffered copies).

// cnotK swaps the pairs of a CNOT; a unit is one pair.
type cnotK struct {
	amp    []complex128
	lo, hi int // min and max of the two bits
	cm, tm int // 2^c, 2^t
	inMem  bool
}

const (
	// cnotStageMin and cnotStageMax bound the run lengths read through
	// tiles of the buffer when the partners are adjacent.
	cnotStageMin = 1 << 5
	cnotStageMax = 1 << 8
	// cnotBufMax is the longest run swapped through the buffer in states
	// larger than cnotMemAmps.
	cnotBufMax = 1 << 9
	// cnotMemAmps: from 2²² amplitudes (64 MiB, twice the last-level cache
	// of the development machine) a batch streams from memory.
	cnotMemAmps = 1 << 22
	// cnotChunkLog: gates with both bits below it and a run of one or two
	// amplitudes work on chunks of 2^cnotChunkLog amplitudes.
	cnotChunkLog = 4
)

// CNOT applies CNOT with control bit c and target bit t to the amplitudes
// a: every amplitude whose index has bit c set swaps with its partner
// across bit t. a is one state or several stored back to back (wire w of
// an n-qubit state is bit n−1−w); len(a) must be a multiple of
// 2^(max(c,t)+1), and c ≠ t, or CNOT panics. Large arrays are split
// between up to workers goroutines (zero means GOMAXPROCS); on one worker
// it does not allocate.
func CNOT(a []complex128, c, t, workers int) {
	if c == t || c < 0 || t < 0 || c >= MaxQubits || t >= MaxQubits {
		panic(fmt.Sprintf("statevec: CNOT: control bit %d and target bit %d must differ and lie in [0, %d)", c, t, MaxQubits))
	}
	n := max(c, t) + 1
	checkPairs("CNOT", len(a), n-1)
	s := Batch{Workers: workers, n: n, size: len(a) >> uint(n), dim: 1 << uint(n), amp: a}
	s.cnot(c, t)
}

// cnot applies CNOT with control bit c and target bit t to every sample.
func (s *Batch) cnot(c, t int) {
	k := cnotK{amp: s.amp, lo: min(c, t), hi: max(c, t), cm: 1 << uint(c), tm: 1 << uint(t),
		inMem: len(s.amp) >= cnotMemAmps}
	forUnits(s, 1<<uint(s.n-2), 1, k)
}

func (k cnotK) run(_, r0, r1 int) {
	switch {
	case k.hi == 1:
		// Bits 0 and 1: one pair in every group of four amplitudes.
		a, tm := k.amp, k.tm
		i0 := k.cm
		for g := r0; g < r1; g++ {
			i := g<<2 | i0
			a[i], a[i+tm] = a[i+tm], a[i]
		}
	case k.lo >= 2 && k.lo <= 4:
		k.shortRuns(r0, r1)
	case k.hi < cnotChunkLog:
		k.chunks(r0, r1)
	case k.lo >= log2(cnotStageMin):
		// Runs long enough for the buffer: one buffer per call (zeroing
		// it costs a pass over 8 KiB).
		var buf [swapBuf]complex128
		k.blocks(r0, r1, &buf)
	default:
		k.blocks(r0, r1, nil)
	}
}

// blocks swaps the pairs [r0, r1) block by block (blocks of 2^(hi+1)
// amplitudes); buf is needed for runs of at least cnotStageMin.
func (k *cnotK) blocks(r0, r1 int, buf *[swapBuf]complex128) {
	hi := k.hi
	perTop := 1 << uint(hi-1) // pairs per block
	// The span of a block from its first moving index to its last
	// partner: the upper half when c > t, else up to the block's end.
	span := 1 << uint(hi)
	if k.cm < k.tm {
		span = 2<<uint(hi) - k.cm
	}
	for r := r0; r < r1; {
		top := r >> uint(hi-1)
		end := min(r1, (top+1)*perTop)
		base := top<<uint(hi+1) | k.cm
		k.block(k.amp[base:base+span:base+span], r-top*perTop, end-top*perTop, buf)
		r = end
	}
}

// index returns the first index of pair r.
func (k *cnotK) index(r int) int {
	lo, hi := k.lo, k.hi
	low := r & (1<<uint(lo) - 1)
	mid := r >> uint(lo) & (1<<uint(hi-lo-1) - 1)
	top := r >> uint(hi-1)
	return top<<uint(hi+1) | mid<<uint(lo+1) | low | k.cm
}

// chunks swaps the pairs [r0, r1) when both bits lie below cnotChunkLog
// and one of them below 2: every chunk of 16 amplitudes holds four pairs
// at fixed positions.
func (k *cnotK) chunks(r0, r1 int) {
	a, tm := k.amp, k.tm
	const per = 1 << (cnotChunkLog - 2) // pairs per chunk
	for ; r0 < r1 && r0%per != 0; r0++ {
		i := k.index(r0)
		a[i], a[i+tm] = a[i+tm], a[i]
	}
	var p [per]int
	for j := range p {
		p[j] = k.index(j)
	}
	// Masked positions into an array pointer: no bounds checks.
	const m = 1<<cnotChunkLog - 1
	p0, p1, p2, p3 := p[0]&m, p[1]&m, p[2]&m, p[3]&m
	q0, q1, q2, q3 := (p[0]+tm)&m, (p[1]+tm)&m, (p[2]+tm)&m, (p[3]+tm)&m
	c0, c1 := r0/per, r1/per
	for c := c0; c < c1; c++ {
		x := (*[1 << cnotChunkLog]complex128)(a[c<<cnotChunkLog:])
		x[p0], x[q0] = x[q0], x[p0]
		x[p1], x[q1] = x[q1], x[p1]
		x[p2], x[q2] = x[q2], x[p2]
		x[p3], x[q3] = x[q3], x[p3]
	}
	for r := max(r0, c1*per); r < r1; r++ {
		i := k.index(r)
		a[i], a[i+tm] = a[i+tm], a[i]
	}
}

// shortRuns swaps the pairs [r0, r1) when runs hold 4, 8 or 16
// amplitudes, run by run with fixed-size moves: a call per block would
// cost as much as the moves (measured: 300–600 Mamp/s at n = 20 for the
// ring's gates with control bit 4 to 6, against 4000 for the high ones).
func (k *cnotK) shortRuns(r0, r1 int) {
	a, tm, lo, hi := k.amp, k.tm, k.lo, k.hi
	run := 1 << uint(lo)
	midBits := uint(hi - lo - 1)
	midMask := 1<<midBits - 1
	r := r0
	if low := r & (run - 1); low != 0 {
		cnt := min(run-low, r1-r)
		i := k.index(r)
		swapShort(a[i:i+cnt], a[i+tm:i+tm+cnt])
		r += cnt
	}
	g0, g1 := r>>uint(lo), r1>>uint(lo)
	sh, sl := uint(hi+1), uint(lo+1)
	switch lo {
	case 2:
		for g := g0; g < g1; g++ {
			i := (g>>midBits)<<sh | (g&midMask)<<sl | k.cm
			x, y := (*[4]complex128)(a[i:]), (*[4]complex128)(a[i+tm:])
			*x, *y = *y, *x
		}
	case 3:
		for g := g0; g < g1; g++ {
			i := (g>>midBits)<<sh | (g&midMask)<<sl | k.cm
			x, y := (*[8]complex128)(a[i:]), (*[8]complex128)(a[i+tm:])
			*x, *y = *y, *x
		}
	default:
		for g := g0; g < g1; g++ {
			i := (g>>midBits)<<sh | (g&midMask)<<sl | k.cm
			x, y := (*[16]complex128)(a[i:]), (*[16]complex128)(a[i+tm:])
			*x, *y = *y, *x
		}
	}
	if r = max(r, g1<<uint(lo)); r < r1 {
		i := k.index(r)
		swapShort(a[i:i+r1-r], a[i+tm:i+tm+r1-r])
	}
}

// block swaps the pairs [q0, q1) of one block, whose first moving index
// is x[0]: pair q moves x[2(q−low) + low] (low = q mod 2^lo) with the
// amplitude 2^t further.
func (k *cnotK) block(x []complex128, q0, q1 int, buf *[swapBuf]complex128) {
	tm, lo := k.tm, k.lo
	switch lo {
	case 0:
		// Runs of one amplitude, 2 apart.
		for q := q0; q < q1; q++ {
			i := q << 1
			x[i], x[i+tm] = x[i+tm], x[i]
		}
		return
	case 1:
		// Runs of two amplitudes, 4 apart.
		q := q0
		if q&1 == 1 {
			i := (q>>1)<<2 | 1
			x[i], x[i+tm] = x[i+tm], x[i]
			q++
		}
		for ; q+2 <= q1; q += 2 {
			i := q << 1
			x[i], x[i+1], x[i+tm], x[i+tm+1] = x[i+tm], x[i+tm+1], x[i], x[i+1]
		}
		if q < q1 {
			i := q << 1
			x[i], x[i+tm] = x[i+tm], x[i]
		}
		return
	}
	run := 1 << uint(lo)
	if k.inMem && k.cm > tm && run >= cnotStageMin && run <= cnotStageMax && q0 == 0 && q1 == len(x)/2 {
		// The whole control half of the block: adjacent runs.
		swapAdjacentRuns(x, run, buf)
		return
	}
	useBuf := run >= cnotStageMin && (!k.inMem || run <= cnotBufMax)
	for q := q0; q < q1; {
		low := q & (run - 1)
		cnt := min(run-low, q1-q)
		i := (q-low)<<1 + low
		if useBuf {
			swapRuns(x[i:i+cnt], x[i+tm:i+tm+cnt], buf)
		} else {
			swapShort(x[i:i+cnt], x[i+tm:i+tm+cnt])
		}
		q += cnt
	}
}

// swapAdjacentRuns exchanges the runs x[2jL:(2j+1)L] and
// x[(2j+1)L:(2j+2)L] for every j (L = run ≤ swapBuf/2; len(x) a multiple
// of 2L), reading x in tiles into a buffer and writing it back exchanged.
func swapAdjacentRuns(x []complex128, run int, buf *[swapBuf]complex128) {
	tile := swapBuf / (2 * run) * 2 * run
	for len(x) > 0 {
		t := min(tile, len(x))
		b := buf[:t]
		copy(b, x[:t])
		for p := 0; p < t; p += 2 * run {
			copy(x[p:p+run], b[p+run:p+2*run])
			copy(x[p+run:p+2*run], b[p:p+run])
		}
		x = x[t:]
	}
}
