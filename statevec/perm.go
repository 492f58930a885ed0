package statevec

// Permutation kernels: X with no control or with two or more (X, Toffoli,
// multi-controlled X) swaps the pair (i, i+h) of every group; SWAP with any
// controls swaps the amplitudes |…0…1…⟩ and |…1…0…⟩ of the two wires. No
// arithmetic, only moves. X with one control is CNOT (cnot.go).

// kswap swaps a[i0+t·step+o1] and a[i0+t·step+o2] over the runs of a layout.
type kswap struct {
	amp    []complex128
	l      layout
	o1, o2 int
	hc     runs // X whose controls all lie above the target (free)
	free   bool
}

func (k kswap) run(_, lo, hi int) {
	// Permutations never depend on the sample: the batch is one long array
	// whose group structure repeats every 2ⁿ amplitudes.
	var h int // length of the contiguous runs to exchange
	switch {
	case k.free:
		h = k.o2
	case k.l.stepLog == 0:
		h = 1 << uint(k.l.runLog)
	}
	if h >= swapMin {
		k.runBuffered(lo, hi)
		return
	}
	k.runPlain(lo, hi)
}

// runPlain exchanges short runs element by element.
func (k *kswap) runPlain(lo, hi int) {
	a := k.amp
	if k.free && k.hc.ins.Len() == 0 {
		swapPairs(a, k.o2, lo, hi) // no controls: a is one run
		return
	}
	if k.free {
		for lo < hi {
			run, off, cnt := k.hc.next(a, 1, lo, hi)
			swapPairs(run, k.o2, off, off+cnt)
			lo += cnt
		}
		return
	}
	step := 1 << uint(k.l.stepLog)
	o1, o2 := k.o1, k.o2
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		switch {
		case step == 1:
			swapShort(a[i0+o1:i0+o1+cnt], a[i0+o2:i0+o2+cnt])
		case o1 == 0 && o2 == 1 && step == 2:
			swapAdjacent(a[i0 : i0+2*cnt])
		default:
			for j := i0; j < i0+cnt*step; j += step {
				a[j+o1], a[j+o2] = a[j+o2], a[j+o1]
			}
		}
	}
}

// runBuffered exchanges runs of at least swapMin amplitudes through a stack
// buffer.
func (k *kswap) runBuffered(lo, hi int) {
	var buf [swapBuf]complex128
	a := k.amp
	if k.free {
		// X: swap the halves of the blocks of each run.
		h := k.o2
		for lo < hi {
			run, off, cnt := k.hc.next(a, 1, lo, hi)
			for r := off; r < off+cnt; {
				o := r & (h - 1)
				c := min(h-o, off+cnt-r)
				i0 := (r-o)<<1 + o
				swapRuns(run[i0:i0+c], run[i0+h:i0+h+c], &buf)
				r += c
			}
			lo += cnt
		}
		return
	}
	o1, o2 := k.o1, k.o2
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		swapRuns(a[i0+o1:i0+o1+cnt], a[i0+o2:i0+o2+cnt], &buf)
	}
}

// swapPairs exchanges the pairs [lo, hi) of an array of whole blocks of 2h
// amplitudes, h < swapMin: pair r is (2h⌊r/h⌋ + r mod h, that + h).
func swapPairs(a []complex128, h, lo, hi int) {
	switch h {
	case 1:
		swapAdjacent(a[2*lo : 2*hi])
		return
	case 2:
		// Groups of four hold two pairs: (0, 2) and (1, 3).
		for ; lo < hi && lo&1 == 1; lo++ {
			i := (lo>>1)<<2 | 1
			a[i], a[i+2] = a[i+2], a[i]
		}
		g1 := hi >> 1
		for i := lo << 1; i+4 <= g1<<2; i += 4 {
			q := a[i : i+4 : i+4]
			q[0], q[1], q[2], q[3] = q[2], q[3], q[0], q[1]
		}
		if lo < g1<<1 {
			lo = g1 << 1
		}
		for ; lo < hi; lo++ {
			i := (lo>>1)<<2 | lo&1
			a[i], a[i+2] = a[i+2], a[i]
		}
		return
	}
	for r := lo; r < hi; {
		off := r & (h - 1)
		cnt := min(h-off, hi-r)
		i0 := (r-off)<<1 + off
		swapShort(a[i0:i0+cnt], a[i0+h:i0+h+cnt])
		r += cnt
	}
}

// swapBuf is the size of the stack buffer for swapping runs: runs of at
// least swapMin amplitudes are exchanged with three copies through it, which
// use the runtime's vectorised memmove and read x, then y, in address order
// (see stageMin).
const (
	swapBuf = 512
	swapMin = 64
)

// swapShort exchanges x and y element by element, four at a time (twice
// as fast as one at a time on runs of four).
func swapShort(x, y []complex128) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
		xs[0], xs[1], xs[2], xs[3], ys[0], ys[1], ys[2], ys[3] = ys[0], ys[1], ys[2], ys[3], xs[0], xs[1], xs[2], xs[3]
	}
	for ; i < len(x); i++ {
		x[i], y[i] = y[i], x[i]
	}
}

// swapRuns exchanges x and y.
func swapRuns(x, y []complex128, buf *[swapBuf]complex128) {
	y = y[:len(x)]
	for len(x) > 0 {
		c := min(len(x), swapBuf)
		b := buf[:c]
		copy(b, x[:c])
		copy(x[:c], y[:c])
		copy(y[:c], b)
		x, y = x[c:], y[c:]
	}
}

// swapAdjacent exchanges s[2i] and s[2i+1].
func swapAdjacent(s []complex128) {
	for i := 0; i+2 <= len(s); i += 2 {
		q := s[i : i+2 : i+2]
		q[0], q[1] = q[1], q[0]
	}
}
