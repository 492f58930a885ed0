package statevec

// One-target kernels. A unit is one pair of amplitudes (i, i+h) that differ
// only in the target bit h = 2^p, with every control bit set. The loops are
// specialised by the structure of the matrix (dense, real, diagonal,
// anti-diagonal) and by the shape of the pairs:
//
//   - free: every control lies above the target (or there is none), so the
//     amplitudes with all controls set form runs of whole blocks of 2h
//     contiguous amplitudes, pair t of a block being (t, t+h). Dense
//     matrices, and real ones where the vector kernels exist, run through
//     the pair kernels of onewire.go (pairsRange); the other kinds loop
//     over the two halves of each block, real ones at bits 0, 1 and 2 with
//     unrolled loops (pure Go);
//   - otherwise (a control below the target) the pairs follow the general
//     layout: runs with a contiguous first half (step 1, through runApply
//     for the pair-kernel kinds) or a strided loop.

// kind1 is the structure of a one-target matrix.
type kind1 uint8

const (
	dense1 kind1 = iota // general complex 2×2
	real1               // real entries
	diag1               // diagonal (entries equal to 1 are skipped)
	anti1               // anti-diagonal
)

// m2 holds a 2×2 matrix [[a, b], [c, d]] as real and imaginary parts.
type m2 struct{ ar, ai, br, bi, cr, ci, dr, di float64 }

func newM2(a, b, c, d complex128) m2 {
	return m2{real(a), imag(a), real(b), imag(b), real(c), imag(c), real(d), imag(d)}
}

// k1 applies a one-target matrix (per sample or shared) with any controls.
type k1 struct {
	amp  []complex128
	ulog int    // log2 units per sample
	nlog int    // log2 amplitudes per sample
	l    layout // pairs with any controls
	hc   runs   // runs of whole blocks, when free
	h    int
	kind kind1
	free bool // every control lies above the target
	big  bool // the batch exceeds the L2 cache: stage mid-range targets
	asm  bool // the vector kernels may run (see onewire.go)
	m    mref
}

func (k k1) run(_, lo, hi int) {
	if k.m.stride == 0 {
		// A shared matrix: the batch is one long array whose pair
		// structure repeats every 2ⁿ amplitudes, so no split by sample.
		u := k.mat(0)
		k.span(k.amp, &u, lo, hi)
		return
	}
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.ulog)
		u := k.mat(b)
		k.span(k.amp[b<<uint(k.nlog):(b+1)<<uint(k.nlog)], &u, r, e)
		lo = next
	}
}

// mat returns sample b's matrix.
func (k *k1) mat(b int) Mat2 {
	return mat2Of(k.m.at(b, 0, 0), k.m.at(b, 0, 1), k.m.at(b, 1, 0), k.m.at(b, 1, 1))
}

// vector reports whether the matrix runs through the one-wire pair
// kernels of onewire.go: dense matrices always (their pure-Go loops are
// the reference), real ones when the vector kernels are available, which
// beat the real-only Go loops.
func (k *k1) vector() bool {
	return k.kind == dense1 || k.kind == real1 && k.asm
}

// span applies u to the pairs [lo, hi) of a.
func (k *k1) span(a []complex128, u *Mat2, lo, hi int) {
	if !k.free {
		k.segments(a, u, lo, hi)
		return
	}
	if k.hc.ins.Len() == 0 {
		k.freePairs(a, u, lo, hi) // no controls: a is one run
		return
	}
	for lo < hi {
		run, off, cnt := k.hc.next(a, 1, lo, hi)
		k.freePairs(run, u, off, off+cnt)
		lo += cnt
	}
}

// freePairs applies u to the pairs [lo, hi) of a, which is made of whole
// blocks of 2h amplitudes.
func (k *k1) freePairs(a []complex128, u *Mat2, lo, hi int) {
	isReal := k.kind == real1
	switch {
	case k.staged() && k.vector():
		stagedRange(a, k.h, u, lo, hi, k.asm)
	case k.staged():
		k.stagedReal(a, u.m, lo, hi)
	case k.vector():
		pairsRange(a, k.h, u, lo, hi, k.asm)
	case k.h == 1 && isReal:
		adjReal(a[2*lo:2*hi], u.m)
	case k.h == 2 && isReal:
		pairsP1Real(a, u.m, lo, hi)
	case k.h == 4 && isReal:
		pairsP2Real(a, u.m, lo, hi)
	default:
		k.blocks(a, u.m, lo, hi)
	}
}

// segments walks the pair runs of [lo, hi).
func (k *k1) segments(a []complex128, u *Mat2, lo, hi int) {
	step := 1 << uint(k.l.stepLog)
	h := k.h
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		switch {
		case step == 1:
			x := a[i0 : i0+cnt]
			y := a[i0+h : i0+h+cnt]
			switch {
			case k.vector():
				runApply(x, y, u, k.asm)
			case k.kind == real1:
				runReal(x, y, u.m)
			case k.kind == diag1:
				if d0 := complex(u.m.ar, u.m.ai); !isOne(d0) {
					scaleRun(x, d0)
				}
				if d1 := complex(u.m.dr, u.m.di); !isOne(d1) {
					scaleRun(y, d1)
				}
			case k.kind == anti1:
				runAnti(x, y, u.m)
			}
		case h == 1 && step == 2 && k.vector():
			adjApply(a[i0:i0+2*cnt], u, k.asm)
		case h == 1 && step == 2 && k.kind == real1:
			adjReal(a[i0:i0+2*cnt], u.m)
		default:
			strided1(a, k.kind, u.m, i0, cnt, step, h)
		}
	}
}

// blocks walks the pairs [lo, hi) of an array of whole blocks for the
// kinds that do not run through the pair kernels: pair r is
// (2h⌊r/h⌋ + r mod h, that + h), so runs are the halves of the blocks.
func (k *k1) blocks(a []complex128, u m2, lo, hi int) {
	h := k.h
	for r := lo; r < hi; {
		off := r & (h - 1)
		cnt := min(h-off, hi-r)
		i0 := (r-off)<<1 + off
		x := a[i0 : i0+cnt]
		y := a[i0+h : i0+h+cnt]
		switch k.kind {
		case real1:
			runReal(x, y, u)
		case diag1:
			if d0 := complex(u.ar, u.ai); !isOne(d0) {
				scaleRun(x, d0)
			}
			if d1 := complex(u.dr, u.di); !isOne(d1) {
				scaleRun(y, d1)
			}
		case anti1:
			runAnti(x, y, u)
		}
		r += cnt
	}
}

// staged reports whether the pairs should be read through a buffer (see
// stageMin).
func (k *k1) staged() bool {
	return k.big && k.h >= stageMin && k.h <= stageMax && (k.kind == dense1 || k.kind == real1)
}

// stagedReal is blocks for a real matrix on the pure-Go path, reading the
// first half of each block through a stack buffer (stagedRange serves
// the other staged cases).
func (k *k1) stagedReal(a []complex128, u m2, lo, hi int) {
	var buf [stageMax]complex128
	h := k.h
	for r := lo; r < hi; {
		off := r & (h - 1)
		cnt := min(h-off, hi-r)
		i0 := (r-off)<<1 + off
		x := a[i0 : i0+cnt]
		y := a[i0+h : i0+h+cnt]
		b := buf[:len(x)]
		copy(b, x)
		runRealFrom(x, y, b, u)
		r += cnt
	}
}

// Staging. A gate on a bit p with 5 ≤ p ≤ 9 reads two streams 2^p
// amplitudes (512 B to 8 KiB) apart, within the same pages. For states
// that do not fit the L2 cache the hardware prefetcher serves that pattern
// badly, and the loop runs at half speed (measured: 300–500 instead of
// 700–800 Mamp/s at n = 20 and 22; the vector kernels fell from 1500 to
// 590 Mamp/s at n = 24, bit 6). Copying the first half of each block to a
// stack buffer first makes the reads sequential: the whole first half,
// then the second half while the first is rewritten from L1.
const (
	stageMin  = 1 << 5
	stageMax  = 1 << 9
	stageAmps = 1 << 17 // 2 MiB: larger than the L2 cache
)

// runDenseFrom writes u·(v[i], y[i]) to (x[i], y[i]).
func runDenseFrom(x, y, v []complex128, u m2) {
	ar, ai, br, bi, cr, ci, dr, di := u.ar, u.ai, u.br, u.bi, u.cr, u.ci, u.dr, u.di
	y, v = y[:len(x)], v[:len(x)]
	for i := range x {
		x0r, x0i := real(v[i]), imag(v[i])
		x1r, x1i := real(y[i]), imag(y[i])
		x[i] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		y[i] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
	}
}

// runRealFrom is runDenseFrom for a real u.
func runRealFrom(x, y, v []complex128, u m2) {
	ar, br, cr, dr := u.ar, u.br, u.cr, u.dr
	y, v = y[:len(x)], v[:len(x)]
	for i := range x {
		x0r, x0i := real(v[i]), imag(v[i])
		x1r, x1i := real(y[i]), imag(y[i])
		x[i] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
		y[i] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
	}
}

// runDense applies u to the pairs (x[i], y[i]).
func runDense(x, y []complex128, u m2) {
	ar, ai, br, bi, cr, ci, dr, di := u.ar, u.ai, u.br, u.bi, u.cr, u.ci, u.dr, u.di
	y = y[:len(x)]
	for i := range x {
		x0r, x0i := real(x[i]), imag(x[i])
		x1r, x1i := real(y[i]), imag(y[i])
		x[i] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		y[i] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
	}
}

// runReal applies a real u to the pairs (x[i], y[i]).
func runReal(x, y []complex128, u m2) {
	ar, br, cr, dr := u.ar, u.br, u.cr, u.dr
	y = y[:len(x)]
	for i := range x {
		x0r, x0i := real(x[i]), imag(x[i])
		x1r, x1i := real(y[i]), imag(y[i])
		x[i] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
		y[i] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
	}
}

// runAnti applies [[0, b], [c, 0]] to the pairs (x[i], y[i]).
func runAnti(x, y []complex128, u m2) {
	bb, cc := complex(u.br, u.bi), complex(u.cr, u.ci)
	y = y[:len(x)]
	for i := range x {
		x[i], y[i] = bb*y[i], cc*x[i]
	}
}

// scaleRun multiplies x by f.
func scaleRun(x []complex128, f complex128) {
	for i := range x {
		x[i] *= f
	}
}

// adjDense applies u to adjacent pairs (s[2i], s[2i+1]), two pairs per
// iteration.
func adjDense(s []complex128, u m2) {
	ar, ai, br, bi, cr, ci, dr, di := u.ar, u.ai, u.br, u.bi, u.cr, u.ci, u.dr, u.di
	i := 0
	for ; i+4 <= len(s); i += 4 {
		q := s[i : i+4 : i+4]
		x0r, x0i := real(q[0]), imag(q[0])
		x1r, x1i := real(q[1]), imag(q[1])
		q[0] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		q[1] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
		x0r, x0i = real(q[2]), imag(q[2])
		x1r, x1i = real(q[3]), imag(q[3])
		q[2] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		q[3] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
	}
	if i+2 <= len(s) {
		runDense(s[i:i+1], s[i+1:i+2], u)
	}
}

// adjReal is adjDense for a real u.
func adjReal(s []complex128, u m2) {
	ar, br, cr, dr := u.ar, u.br, u.cr, u.dr
	i := 0
	for ; i+4 <= len(s); i += 4 {
		q := s[i : i+4 : i+4]
		x0r, x0i := real(q[0]), imag(q[0])
		x1r, x1i := real(q[1]), imag(q[1])
		q[0] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
		q[1] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
		x0r, x0i = real(q[2]), imag(q[2])
		x1r, x1i = real(q[3]), imag(q[3])
		q[2] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
		q[3] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
	}
	if i+2 <= len(s) {
		runReal(s[i:i+1], s[i+1:i+2], u)
	}
}

// pairsP1Real handles a real matrix on a target at bit 1 without
// controls: pair r is (4⌊r/2⌋ + r mod 2, that + 2), so two consecutive
// pairs fill a group of four amplitudes.
func pairsP1Real(a []complex128, u m2, lo, hi int) {
	if lo&1 == 1 && lo < hi {
		i := (lo>>1)<<2 | 1
		runReal(a[i:i+1], a[i+2:i+3], u)
		lo++
	}
	g0, g1 := lo>>1, hi>>1
	if g1 > g0 {
		groupsReal(a[g0<<2:g1<<2], u)
		lo = g1 << 1
	}
	if lo < hi {
		i := (lo >> 1) << 2
		runReal(a[i:i+1], a[i+2:i+3], u)
	}
}

// groupsDense applies u to the pairs (0, 2) and (1, 3) of every group of
// four amplitudes of s.
func groupsDense(s []complex128, u m2) {
	ar, ai, br, bi, cr, ci, dr, di := u.ar, u.ai, u.br, u.bi, u.cr, u.ci, u.dr, u.di
	for i := 0; i+4 <= len(s); i += 4 {
		q := s[i : i+4 : i+4]
		x0r, x0i := real(q[0]), imag(q[0])
		x1r, x1i := real(q[2]), imag(q[2])
		q[0] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		q[2] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
		x0r, x0i = real(q[1]), imag(q[1])
		x1r, x1i = real(q[3]), imag(q[3])
		q[1] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		q[3] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
	}
}

// groupsReal is groupsDense for a real u.
func groupsReal(s []complex128, u m2) {
	ar, br, cr, dr := u.ar, u.br, u.cr, u.dr
	for i := 0; i+4 <= len(s); i += 4 {
		q := s[i : i+4 : i+4]
		x0r, x0i := real(q[0]), imag(q[0])
		x1r, x1i := real(q[2]), imag(q[2])
		q[0] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
		q[2] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
		x0r, x0i = real(q[1]), imag(q[1])
		x1r, x1i = real(q[3]), imag(q[3])
		q[1] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
		q[3] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
	}
}

// pairsP2Real handles a real matrix on a target at bit 2 without
// controls: pair r is (8⌊r/4⌋ + r mod 4, that + 4), so four consecutive
// pairs fill a group of eight amplitudes.
func pairsP2Real(a []complex128, u m2, lo, hi int) {
	for ; lo&3 != 0 && lo < hi; lo++ {
		i := (lo>>2)<<3 | lo&3
		runReal(a[i:i+1], a[i+4:i+5], u)
	}
	g0, g1 := lo>>2, hi>>2
	if g1 > g0 {
		groups8Real(a[g0<<3:g1<<3], u)
		lo = g1 << 2
	}
	for ; lo < hi; lo++ {
		i := (lo>>2)<<3 | lo&3
		runReal(a[i:i+1], a[i+4:i+5], u)
	}
}

// groups8Dense applies u to the pairs (t, t+4), t < 4, of every group of
// eight amplitudes of s.
func groups8Dense(s []complex128, u m2) {
	ar, ai, br, bi, cr, ci, dr, di := u.ar, u.ai, u.br, u.bi, u.cr, u.ci, u.dr, u.di
	for i := 0; i+8 <= len(s); i += 8 {
		q := s[i : i+8 : i+8]
		for t := 0; t < 4; t++ {
			x0r, x0i := real(q[t]), imag(q[t])
			x1r, x1i := real(q[t+4]), imag(q[t+4])
			q[t] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
			q[t+4] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
		}
	}
}

// groups8Real is groups8Dense for a real u.
func groups8Real(s []complex128, u m2) {
	ar, br, cr, dr := u.ar, u.br, u.cr, u.dr
	for i := 0; i+8 <= len(s); i += 8 {
		q := s[i : i+8 : i+8]
		for t := 0; t < 4; t++ {
			x0r, x0i := real(q[t]), imag(q[t])
			x1r, x1i := real(q[t+4]), imag(q[t+4])
			q[t] = complex(ar*x0r+br*x1r, ar*x0i+br*x1i)
			q[t+4] = complex(cr*x0r+dr*x1r, cr*x0i+dr*x1i)
		}
	}
}

// strided1 applies u to the pairs (i0 + t·step, that + h), t < cnt.
func strided1(a []complex128, kind kind1, u m2, i0, cnt, step, h int) {
	uu := [4]complex128{complex(u.ar, u.ai), complex(u.br, u.bi), complex(u.cr, u.ci), complex(u.dr, u.di)}
	end := i0 + cnt*step
	switch kind {
	case diag1:
		for j := i0; j < end; j += step {
			a[j] *= uu[0]
			a[j+h] *= uu[3]
		}
	case anti1:
		for j := i0; j < end; j += step {
			a[j], a[j+h] = uu[1]*a[j+h], uu[2]*a[j]
		}
	default:
		for j := i0; j < end; j += step {
			x0, x1 := a[j], a[j+h]
			a[j] = uu[0]*x0 + uu[1]*x1
			a[j+h] = uu[2]*x0 + uu[3]*x1
		}
	}
}
