package sim

import "github.com/quanta-qml/quanta/internal/parfor"

// One-wire kernels. sim runs its one-wire blocks (the fused rotations of
// layered circuits, the most common block by far) with its own kernels
// rather than statevec's: the backward step of a block uncomputes the state,
// accumulates the reduced outer product and uncomputes the adjoint state in
// one call, and the calls are cheap enough for states of a few qubits.
//
// A pair is two amplitudes (i, i+h) that differ in the target bit h = 2^p.
// Pair t of an array made of whole blocks of 2h amplitudes is
// (2h⌊t/h⌋ + t mod h, that + h), so the pairs of a range form runs of
// consecutive first halves. Reductions sum fixed segments of segPairs pairs
// from zero and add the segment sums in order, so a result does not depend
// on how the range was split between goroutines.

const (
	// segLog: a reduction segment is 2^segLog pairs (2¹⁵ pairs, 1 MiB of
	// amplitudes), the same whatever the worker count.
	segLog   = 15
	segPairs = 1 << segLog
	// parPairs is the least number of pairs worth a goroutine (2¹⁶ pairs,
	// the order of statevec's 2¹⁷ amplitude updates).
	parPairs = 1 << 16
)

// mat2 is a 2×2 complex matrix [[a, b], [c, d]].
type mat2 struct{ a, b, c, d complex128 }

func mat2Of(m []complex128) mat2 { return mat2{m[0], m[1], m[2], m[3]} }

// adj returns the conjugate transpose.
func (m mat2) adj() mat2 {
	return mat2{conj(m.a), conj(m.c), conj(m.b), conj(m.d)}
}

func conj(z complex128) complex128 { return complex(real(z), -imag(z)) }

// runApplyGo applies u to the pairs (x[i], y[i]).
func runApplyGo(x, y []complex128, u mat2) {
	ar, ai, br, bi := real(u.a), imag(u.a), real(u.b), imag(u.b)
	cr, ci, dr, di := real(u.c), imag(u.c), real(u.d), imag(u.d)
	y = y[:len(x)]
	for i := range x {
		x0r, x0i := real(x[i]), imag(x[i])
		x1r, x1i := real(y[i]), imag(y[i])
		x[i] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		y[i] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
	}
}

// adjApplyGo applies u to the adjacent pairs (s[2i], s[2i+1]).
func adjApplyGo(s []complex128, u mat2) {
	ar, ai, br, bi := real(u.a), imag(u.a), real(u.b), imag(u.b)
	cr, ci, dr, di := real(u.c), imag(u.c), real(u.d), imag(u.d)
	for i := 0; i+2 <= len(s); i += 2 {
		q := s[i : i+2 : i+2]
		x0r, x0i := real(q[0]), imag(q[0])
		x1r, x1i := real(q[1]), imag(q[1])
		q[0] = complex(ar*x0r-ai*x0i+br*x1r-bi*x1i, ar*x0i+ai*x0r+br*x1i+bi*x1r)
		q[1] = complex(cr*x0r-ci*x0i+dr*x1r-di*x1i, cr*x0i+ci*x0r+dr*x1i+di*x1r)
	}
}

// runOuterGo adds Σ_i l_a[i]·conj(f_b[i]) to acc[2a+b], where (l_0, l_1) =
// (lx, ly) and (f_0, f_1) = (fx, fy).
func runOuterGo(lx, ly, fx, fy []complex128, acc *[4]complex128) {
	ly, fx, fy = ly[:len(lx)], fx[:len(lx)], fy[:len(lx)]
	var a00r, a00i, a01r, a01i, a10r, a10i, a11r, a11i float64
	for i := range lx {
		f0r, f0i := real(fx[i]), imag(fx[i])
		f1r, f1i := real(fy[i]), imag(fy[i])
		l0r, l0i := real(lx[i]), imag(lx[i])
		l1r, l1i := real(ly[i]), imag(ly[i])
		a00r += l0r*f0r + l0i*f0i
		a00i += l0i*f0r - l0r*f0i
		a01r += l0r*f1r + l0i*f1i
		a01i += l0i*f1r - l0r*f1i
		a10r += l1r*f0r + l1i*f0i
		a10i += l1i*f0r - l1r*f0i
		a11r += l1r*f1r + l1i*f1i
		a11i += l1i*f1r - l1r*f1i
	}
	acc[0] += complex(a00r, a00i)
	acc[1] += complex(a01r, a01i)
	acc[2] += complex(a10r, a10i)
	acc[3] += complex(a11r, a11i)
}

// adjOuterGo is runOuter for adjacent pairs: l = (lam[2i], lam[2i+1]) and
// f = (phi[2i], phi[2i+1]).
func adjOuterGo(lam, phi []complex128, acc *[4]complex128) {
	phi = phi[:len(lam)]
	var a00r, a00i, a01r, a01i, a10r, a10i, a11r, a11i float64
	for i := 0; i+2 <= len(lam); i += 2 {
		f0r, f0i := real(phi[i]), imag(phi[i])
		f1r, f1i := real(phi[i+1]), imag(phi[i+1])
		l0r, l0i := real(lam[i]), imag(lam[i])
		l1r, l1i := real(lam[i+1]), imag(lam[i+1])
		a00r += l0r*f0r + l0i*f0i
		a00i += l0i*f0r - l0r*f0i
		a01r += l0r*f1r + l0i*f1i
		a01i += l0i*f1r - l0r*f1i
		a10r += l1r*f0r + l1i*f0i
		a10i += l1i*f0r - l1r*f0i
		a11r += l1r*f1r + l1i*f1i
		a11i += l1i*f1r - l1r*f1i
	}
	acc[0] += complex(a00r, a00i)
	acc[1] += complex(a01r, a01i)
	acc[2] += complex(a10r, a10i)
	acc[3] += complex(a11r, a11i)
}

// kmat is a 2×2 matrix prepared for the kernels: its entries as reals in
// the layouts the vector kernels load.
type kmat struct {
	u   mat2
	k8  [8]float64  // ar ai br bi cr ci dr di
	k16 [16]float64 // adjacent pairs: [a d] and [b c] lane by lane, real then imaginary
}

func newKmat(u mat2) kmat {
	return kmat{u: u,
		k8: [8]float64{real(u.a), imag(u.a), real(u.b), imag(u.b), real(u.c), imag(u.c), real(u.d), imag(u.d)},
		k16: [16]float64{
			real(u.a), real(u.a), real(u.d), real(u.d),
			imag(u.a), imag(u.a), imag(u.d), imag(u.d),
			real(u.b), real(u.b), real(u.c), real(u.c),
			imag(u.b), imag(u.b), imag(u.c), imag(u.c),
		}}
}

// pairsApplyGo applies k to nblk whole blocks of 2h amplitudes at the
// start of a.
func pairsApplyGo(a []complex128, h, nblk int, k *kmat) {
	for b := 0; b < nblk; b++ {
		x := a[2*b*h : 2*b*h+2*h]
		runApplyGo(x[:h], x[h:], k.u)
	}
}

// pairsOuterGo adds the reduced outer product of nblk whole blocks.
func pairsOuterGo(lam, phi []complex128, h, nblk int, acc *[4]complex128) {
	for b := 0; b < nblk; b++ {
		l, f := lam[2*b*h:2*b*h+2*h], phi[2*b*h:2*b*h+2*h]
		runOuterGo(l[:h], l[h:], f[:h], f[h:], acc)
	}
}

// apply1Range applies k to the pairs [t0, t1) of a at distance h: the
// partial blocks at the ends run by runs, the whole blocks in between in
// one call.
func apply1Range(a []complex128, h int, k *kmat, t0, t1 int) {
	if h == 1 {
		adjApply(a[2*t0:2*t1], k)
		return
	}
	t := t0
	if off := t & (h - 1); off != 0 {
		cnt := min(h-off, t1-t)
		i0 := (t-off)<<1 + off
		runApply(a[i0:i0+cnt], a[i0+h:i0+h+cnt], k)
		t += cnt
	}
	if nblk := (t1 - t) / h; nblk > 0 {
		pairsApply(a[2*t:2*t+2*h*nblk], h, nblk, k)
		t += nblk * h
	}
	if t < t1 {
		runApply(a[2*t:2*t+t1-t], a[2*t+h:2*t+h+t1-t], k)
	}
}

// outer1Range adds Σ λ_a·conj(φ_b) over the pairs [t0, t1) to acc.
func outer1Range(lam, phi []complex128, h, t0, t1 int, acc *[4]complex128) {
	if h == 1 {
		adjOuter(lam[2*t0:2*t1], phi[2*t0:2*t1], acc)
		return
	}
	t := t0
	if off := t & (h - 1); off != 0 {
		cnt := min(h-off, t1-t)
		i0 := (t-off)<<1 + off
		runOuter(lam[i0:i0+cnt], lam[i0+h:i0+h+cnt], phi[i0:i0+cnt], phi[i0+h:i0+h+cnt], acc)
		t += cnt
	}
	if nblk := (t1 - t) / h; nblk > 0 {
		pairsOuter(lam[2*t:2*t+2*h*nblk], phi[2*t:2*t+2*h*nblk], h, nblk, acc)
		t += nblk * h
	}
	if t < t1 {
		i0, cnt := 2*t, t1-t
		runOuter(lam[i0:i0+cnt], lam[i0+h:i0+h+cnt], phi[i0:i0+cnt], phi[i0+h:i0+h+cnt], acc)
	}
}

// chunkPairs bounds the pairs the backward step treats at once, so that
// the three sweeps over them (uncompute φ, reduce, uncompute λ) run in L1
// and L2.
const chunkPairs = 1 << 11

// back1Range is the backward step of a one-wire block on the pairs
// [t0, t1): φ ← U†φ (phi may be nil), then, when acc is not nil,
// acc[2a+b] += Σ λ_a·conj(φ_b) with the uncomputed φ, then, when lamStep is
// set, λ ← U†λ. kh is U†.
func back1Range(phi, lam []complex128, h int, kh *kmat, t0, t1 int, acc *[4]complex128, lamStep bool) {
	for c0 := t0; c0 < t1; c0 += chunkPairs {
		c1 := min(c0+chunkPairs, t1)
		if phi != nil {
			apply1Range(phi, h, kh, c0, c1)
			if acc != nil {
				outer1Range(lam, phi, h, c0, c1, acc)
			}
		}
		if lamStep {
			apply1Range(lam, h, kh, c0, c1)
		}
	}
}

// apply1 applies u to bit p of the array a (whole samples), on up to
// workers goroutines.
func apply1(a []complex128, p int, k *kmat, workers int) {
	pairs := len(a) / 2
	h := 1 << uint(p)
	if workers <= 1 || pairs < 2*parPairs {
		apply1Range(a, h, k, 0, pairs)
		return
	}
	apply1Par(a, h, *k, workers)
}

// apply1Par is the parallel path of apply1; k is a copy, so that the
// sequential path's matrix does not escape to the heap.
func apply1Par(a []complex128, h int, k kmat, workers int) {
	parfor.For(len(a)/2, workers, parPairs, func(_, lo, hi int) { apply1Range(a, h, &k, lo, hi) })
}

// back1 runs back1Range over every pair of phi and lam (whole samples, n
// amplitudes in all) on up to workers goroutines: it uncomputes φ, adds
// the reduced outer product of λ and the uncomputed φ to acc, summed by
// fixed segments of segPairs pairs (seg holds one accumulator per segment),
// and uncomputes λ when lamStep is set.
func back1(phi, lam []complex128, n, p int, kh *kmat, workers int, acc *[4]complex128, lamStep bool, seg [][4]complex128) {
	pairs := n / 2
	h := 1 << uint(p)
	par := workers > 1 && pairs >= 2*parPairs
	nseg := (pairs + segPairs - 1) / segPairs
	if nseg == 1 {
		back1Range(phi, lam, h, kh, 0, pairs, acc, lamStep)
		return
	}
	seg = seg[:nseg]
	clear(seg)
	if par {
		back1Par(phi, lam, h, *kh, pairs, seg, workers, lamStep)
	} else {
		back1Segs(phi, lam, h, kh, pairs, seg, 0, nseg, lamStep)
	}
	for i := range seg {
		for j := range acc {
			acc[j] += seg[i][j]
		}
	}
}

// back1Par is the parallel path of back1 (k copied, see apply1Par).
func back1Par(phi, lam []complex128, h int, kh kmat, pairs int, seg [][4]complex128, workers int, lamStep bool) {
	parfor.For(len(seg), workers, max(1, parPairs/segPairs), func(_, lo, hi int) {
		back1Segs(phi, lam, h, &kh, pairs, seg, lo, hi, lamStep)
	})
}

// back1Segs runs back1Range on the segments [lo, hi), each into its own
// accumulator.
func back1Segs(phi, lam []complex128, h int, kh *kmat, pairs int, seg [][4]complex128, lo, hi int, lamStep bool) {
	for s := lo; s < hi; s++ {
		back1Range(phi, lam, h, kh, s*segPairs, min((s+1)*segPairs, pairs), &seg[s], lamStep)
	}
}

// cnot applies CNOT with control bit cb and target bit tb (bit positions)
// to the amplitudes a of one state: it swaps the amplitudes with the
// control set whose target bits differ. Blocks of 2^(hi+1) amplitudes are
// split between goroutines for large states.
func cnot(a []complex128, cb, tb, workers int) {
	if len(a) < 8 {
		cm, tm := 1<<uint(cb), 1<<uint(tb)
		for j := range a {
			if j&cm != 0 && j&tm == 0 {
				a[j], a[j|tm] = a[j|tm], a[j]
			}
		}
		return
	}
	unit := max(1<<uint(max(cb, tb)+1), 8)
	outer := len(a) / unit
	if workers <= 1 || len(a) < 4*parPairs || outer < 2 {
		cnotBlocks(a, cb, tb, unit, 0, outer)
		return
	}
	parfor.For(outer, workers, max(1, 4*parPairs/unit), func(_, r0, r1 int) { cnotBlocks(a, cb, tb, unit, r0, r1) })
}

// cnotBlocks swaps the pairs of the units [r0, r1) of a, units of unit =
// max(2^(hi+1), 8) amplitudes. When the lower of the two bits is at least
// 3 the swaps are of runs of 2^lo ≥ 8 contiguous amplitudes; below,
// cnotChunks works on chunks of 8 amplitudes with fixed swap positions.
func cnotBlocks(a []complex128, cb, tb, unit, r0, r1 int) {
	lo, hi := min(cb, tb), max(cb, tb)
	if lo < 3 {
		cnotChunks(a[r0*unit:r1*unit], cb, tb)
		return
	}
	cm, tm := 1<<uint(cb), 1<<uint(tb)
	half := 1 << uint(hi)
	run := 1 << uint(lo)
	for r := r0; r < r1; r++ {
		base := r << uint(hi+1)
		for i1 := base; i1 < base+half; i1 += 2 * run {
			x := a[i1|cm : i1|cm+run]
			y := a[i1|cm|tm : i1|cm|tm+run]
			y = y[:len(x)]
			for i := range x {
				x[i], y[i] = y[i], x[i]
			}
		}
	}
}

// cnotChunks applies CNOT to a (whole blocks of 2^(hi+1) amplitudes, at
// least 8) when the lower bit is below 3, chunk by chunk of 8 amplitudes.
func cnotChunks(a []complex128, cb, tb int) {
	cm, tm := 1<<uint(cb), 1<<uint(tb)
	switch {
	case cb < 3 && tb < 3:
		// Two swaps at fixed positions in every chunk.
		var ps [2]int
		k := 0
		for p := 0; p < 8; p++ {
			if p&cm != 0 && p&tm == 0 {
				ps[k] = p
				k++
			}
		}
		p0, p1, q0, q1 := ps[0], ps[1], ps[0]|tm, ps[1]|tm
		for base := 0; base+8 <= len(a); base += 8 {
			c := a[base : base+8 : base+8]
			c[p0], c[q0] = c[q0], c[p0]
			c[p1], c[q1] = c[q1], c[p1]
		}
	case cb >= 3:
		// Chunks with the control set; in each, the four positions with the
		// target clear swap with their partners.
		var ps [4]int
		k := 0
		for p := 0; p < 8; p++ {
			if p&tm == 0 {
				ps[k] = p
				k++
			}
		}
		for blk := 0; blk < len(a); blk += 2 * cm {
			for base := blk + cm; base < blk+2*cm; base += 8 {
				c := a[base : base+8 : base+8]
				for _, p := range ps {
					c[p], c[p|tm] = c[p|tm], c[p]
				}
			}
		}
	default:
		// tb ≥ 3: the chunk with the target clear swaps the four positions
		// with the control set with the chunk tm further.
		var ps [4]int
		k := 0
		for p := 0; p < 8; p++ {
			if p&cm != 0 {
				ps[k] = p
				k++
			}
		}
		for blk := 0; blk < len(a); blk += 2 * tm {
			for base := blk; base < blk+tm; base += 8 {
				x := a[base : base+8 : base+8]
				y := a[base+tm : base+tm+8 : base+tm+8]
				for _, p := range ps {
					x[p], y[p] = y[p], x[p]
				}
			}
		}
	}
}
