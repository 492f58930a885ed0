package statevec

import (
	"fmt"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// One-wire kernels on flat arrays. These are the kernels behind
// [Batch.Apply] for one-qubit dense matrices, exported for callers that
// keep their own loops over samples (package sim): they act on a plain
// []complex128 and a bit position, with no Batch and no wire validation
// beyond the shape.
//
// A pair is two amplitudes (i, i+h) that differ in the target bit h = 2^p.
// Pair t of an array made of whole blocks of 2h amplitudes is
// (2h⌊t/h⌋ + t mod h, that + h), so the pairs of a range form runs of
// consecutive first halves. Every loop comes in two versions: the pure-Go
// loops of kernel1.go and outer.go, which are the reference, and AVX2 + FMA
// assembly on amd64 (onewire_amd64.s), used when the CPU has it and the
// purego build tag is not set. The asm argument of the internal functions
// chooses between them, so that tests can run both on one machine.

const (
	// pairGrainLog: the least number of pairs worth a goroutine, 2¹⁶
	// pairs or 2¹⁷ amplitude updates (minChunkAmps).
	pairGrainLog = minChunkLog - 1
	pairGrain    = 1 << pairGrainLog
	// backSegLog: Back1 sums fixed segments of 2¹⁵ pairs (1 MiB of
	// amplitudes) and adds the segment sums in order, whatever the worker
	// count.
	backSegLog   = 15
	backSegPairs = 1 << backSegLog
	// backChunk bounds the pairs Back1 treats at once, so that its three
	// sweeps over them (uncompute φ, reduce, uncompute λ) run in L1 and
	// L2.
	backChunk = 1 << 11
)

// Mat2 is a 2×2 complex matrix [[a, b], [c, d]] prepared for the one-wire
// kernels: its entries in the layouts that the pure-Go loops and the vector
// kernels load. Build it once per gate with [NewMat2]; it is a plain value,
// safe to copy and to share between goroutines.
type Mat2 struct {
	m   m2          // ar ai br bi cr ci dr di (the pair kernels read it too)
	k16 [16]float64 // adjacent pairs: [a d] and [b c] lane by lane, real then imaginary
}

// NewMat2 prepares the row-major 2×2 matrix m = [a, b, c, d]. It panics
// unless len(m) is 4.
func NewMat2(m []complex128) Mat2 {
	if len(m) != 4 {
		panic(fmt.Sprintf("statevec: NewMat2: matrix has length %d, want 4", len(m)))
	}
	return mat2Of(m[0], m[1], m[2], m[3])
}

func mat2Of(a, b, c, d complex128) Mat2 {
	return Mat2{
		m: newM2(a, b, c, d),
		k16: [16]float64{
			real(a), real(a), real(d), real(d),
			imag(a), imag(a), imag(d), imag(d),
			real(b), real(b), real(c), real(c),
			imag(b), imag(b), imag(c), imag(c),
		},
	}
}

// Adjoint returns the prepared conjugate transpose of u.
func (u *Mat2) Adjoint() Mat2 {
	m := &u.m
	return mat2Of(complex(m.ar, -m.ai), complex(m.cr, -m.ci), complex(m.br, -m.bi), complex(m.dr, -m.di))
}

// Kernels names the one-wire kernels in use, for benchmark reports:
// "avx2" (AVX2 and FMA assembly) or "go" (the pure-Go loops: another
// architecture, a CPU without AVX2 or FMA, or the purego build tag).
func Kernels() string {
	if haveAVX {
		return "avx2"
	}
	return "go"
}

// checkPairs panics unless an array of length n is made of whole blocks
// of 2^(bit+1) amplitudes.
func checkPairs(what string, n, bit int) {
	if bit < 0 || bit >= MaxQubits {
		panic(fmt.Sprintf("statevec: %s: bit %d out of range", what, bit))
	}
	if blk := 2 << uint(bit); n%blk != 0 {
		panic(fmt.Sprintf("statevec: %s: %d amplitudes are not whole blocks of 2^%d", what, n, bit+1))
	}
}

// effWorkers returns the goroutine count for a workers argument (zero or
// less means GOMAXPROCS).
func effWorkers(workers int) int {
	if workers > 0 {
		return workers
	}
	return parfor.Workers()
}

// Apply1 applies the 2×2 matrix u to bit p of the amplitudes a: every pair
// (a[i], a[i+2^p]) with bit p of i clear becomes u·(a[i], a[i+2^p]). a is
// one state of more than p qubits or several stored back to back (wire w
// of an n-qubit state is bit n−1−w); len(a) must be a multiple of
// 2^(p+1), or Apply1 panics. Large arrays are split between up to workers
// goroutines (zero means GOMAXPROCS); on one it does not allocate.
func Apply1(a []complex128, p int, u *Mat2, workers int) {
	checkPairs("Apply1", len(a), p)
	apply1(a, p, u, effWorkers(workers), haveAVX)
}

// apply1 is Apply1 with the kernel choice.
func apply1(a []complex128, p int, u *Mat2, workers int, asm bool) {
	pairs := len(a) / 2
	h := 1 << uint(p)
	if sequential(pairs, workers, pairGrain) {
		applyPairs(a, h, u, 0, pairs, asm)
		return
	}
	apply1Par(a, h, *u, workers, asm)
}

// apply1Par is the parallel path of apply1; u is a copy, so that the
// sequential path's matrix does not escape to the heap.
func apply1Par(a []complex128, h int, u Mat2, workers int, asm bool) {
	parfor.For(len(a)/2, workers, pairGrain, func(_, lo, hi int) { applyPairs(a, h, &u, lo, hi, asm) })
}

// applyPairs applies u to the pairs [lo, hi) of a, through a buffer where
// the array is larger than the L2 cache and the pair distance calls for it
// (see stageMin).
func applyPairs(a []complex128, h int, u *Mat2, lo, hi int, asm bool) {
	if len(a) >= stageAmps && h >= stageMin && h <= stageMax {
		stagedRange(a, h, u, lo, hi, asm)
		return
	}
	pairsRange(a, h, u, lo, hi, asm)
}

// stagedRange is pairsRange reading the first half of each block through
// a stack buffer, for pair distances h in [stageMin, stageMax].
func stagedRange(a []complex128, h int, u *Mat2, lo, hi int, asm bool) {
	var buf [stageMax]complex128
	for r := lo; r < hi; {
		off := r & (h - 1)
		cnt := min(h-off, hi-r)
		i0 := (r-off)<<1 + off
		x := a[i0 : i0+cnt]
		y := a[i0+h : i0+h+cnt]
		b := buf[:cnt]
		copy(b, x)
		if asm {
			runApply(b, y, u, true)
			copy(x, b)
		} else {
			runDenseFrom(x, y, b, u.m)
		}
		r += cnt
	}
}

// Back1 is the backward step of the adjoint method through a one-wire gate
// U on bit p, given uh = U†, in one pass over the arrays: it sets φ ← U†φ,
// adds the reduced outer product of λ and the new φ to acc,
//
//	acc[2·x + y] += Σ_pairs conj(λ_x)·φ_y   (x, y the value of bit p),
//
// summed over every pair of the arrays (as [ReducedOuter] on one wire,
// summed over all states in them), and, when stepLam is set, sets
// λ ← U†λ. phi and lam have the same length, a multiple of 2^(p+1) (one
// state or several back to back); Back1 panics otherwise. The sum runs over
// fixed segments of the arrays added in order, so acc does not depend on
// workers (zero means GOMAXPROCS); on one worker Back1 does not allocate.
func Back1(phi, lam []complex128, p int, uh *Mat2, acc *[4]complex128, stepLam bool, workers int) {
	checkPairs("Back1", len(phi), p)
	if len(lam) != len(phi) {
		panic(fmt.Sprintf("statevec: Back1: lam has length %d, phi %d", len(lam), len(phi)))
	}
	back1(phi, lam, p, uh, acc, stepLam, effWorkers(workers), haveAVX)
}

// back1 is Back1 with the kernel choice.
func back1(phi, lam []complex128, p int, uh *Mat2, acc *[4]complex128, stepLam bool, workers int, asm bool) {
	pairs := len(phi) / 2
	h := 1 << uint(p)
	nseg := (pairs + backSegPairs - 1) / backSegPairs
	if nseg <= 1 {
		back1Range(phi, lam, h, uh, 0, pairs, acc, stepLam, asm)
		return
	}
	if sequential(pairs, workers, pairGrain) {
		for s := 0; s < nseg; s++ {
			var part [4]complex128
			back1Range(phi, lam, h, uh, s*backSegPairs, min((s+1)*backSegPairs, pairs), &part, stepLam, asm)
			for j := range acc {
				acc[j] += part[j]
			}
		}
		return
	}
	back1Par(phi, lam, h, *uh, nseg, acc, stepLam, workers, asm)
}

// back1Par is the parallel path of back1, one accumulator per segment.
func back1Par(phi, lam []complex128, h int, uh Mat2, nseg int, acc *[4]complex128, stepLam bool, workers int, asm bool) {
	pairs := len(phi) / 2
	seg := make([][4]complex128, nseg)
	parfor.For(nseg, workers, max(1, pairGrain/backSegPairs), func(_, lo, hi int) {
		for s := lo; s < hi; s++ {
			back1Range(phi, lam, h, &uh, s*backSegPairs, min((s+1)*backSegPairs, pairs), &seg[s], stepLam, asm)
		}
	})
	for s := range seg {
		for j := range acc {
			acc[j] += seg[s][j]
		}
	}
}

// back1Range is the backward step on the pairs [t0, t1), chunk by chunk.
func back1Range(phi, lam []complex128, h int, uh *Mat2, t0, t1 int, acc *[4]complex128, stepLam, asm bool) {
	for c0 := t0; c0 < t1; c0 += backChunk {
		c1 := min(c0+backChunk, t1)
		pairsRange(phi, h, uh, c0, c1, asm)
		outerRange(lam, phi, h, c0, c1, acc, asm)
		if stepLam {
			pairsRange(lam, h, uh, c0, c1, asm)
		}
	}
}

// pairsRange applies u to the pairs [t0, t1) of a at distance h: the
// partial blocks at the ends run by runs, the whole blocks between them in
// one call.
func pairsRange(a []complex128, h int, u *Mat2, t0, t1 int, asm bool) {
	if t0 >= t1 {
		return
	}
	if h == 1 {
		adjApply(a[2*t0:2*t1], u, asm)
		return
	}
	t := t0
	if off := t & (h - 1); off != 0 {
		cnt := min(h-off, t1-t)
		i0 := (t-off)<<1 + off
		runApply(a[i0:i0+cnt], a[i0+h:i0+h+cnt], u, asm)
		t += cnt
	}
	if nblk := (t1 - t) / h; nblk > 0 {
		blocksApply(a[2*t:2*t+2*h*nblk], h, nblk, u, asm)
		t += nblk * h
	}
	if t < t1 {
		runApply(a[2*t:2*t+t1-t], a[2*t+h:2*t+h+t1-t], u, asm)
	}
}

// outerRange adds Σ conj(λ_x)·φ_y over the pairs [t0, t1) to acc[2x+y].
func outerRange(lam, phi []complex128, h, t0, t1 int, acc *[4]complex128, asm bool) {
	if t0 >= t1 {
		return
	}
	if h == 1 {
		adjOuter(lam[2*t0:2*t1], phi[2*t0:2*t1], acc, asm)
		return
	}
	t := t0
	if off := t & (h - 1); off != 0 {
		cnt := min(h-off, t1-t)
		i0 := (t-off)<<1 + off
		runOuter(lam[i0:i0+cnt], lam[i0+h:i0+h+cnt], phi[i0:i0+cnt], phi[i0+h:i0+h+cnt], acc, asm)
		t += cnt
	}
	if nblk := (t1 - t) / h; nblk > 0 {
		blocksOuter(lam[2*t:2*t+2*h*nblk], phi[2*t:2*t+2*h*nblk], h, nblk, acc, asm)
		t += nblk * h
	}
	if t < t1 {
		i0, cnt := 2*t, t1-t
		runOuter(lam[i0:i0+cnt], lam[i0+h:i0+h+cnt], phi[i0:i0+cnt], phi[i0+h:i0+h+cnt], acc, asm)
	}
}

// The pure-Go versions of the dispatched loops (the reference; the
// assembly must match them up to rounding).

// blocksApplyGo applies u to nblk whole blocks of 2h amplitudes (h ≥ 2)
// at the start of a.
func blocksApplyGo(a []complex128, h, nblk int, u *m2) {
	switch h {
	case 2:
		groupsDense(a[:4*nblk], *u)
	case 4:
		groups8Dense(a[:8*nblk], *u)
	default:
		for b := 0; b < nblk; b++ {
			x := a[2*b*h : 2*b*h+2*h]
			runDense(x[:h], x[h:], *u)
		}
	}
}

// blocksOuterGo adds the reduced outer product of nblk whole blocks.
func blocksOuterGo(lam, phi []complex128, h, nblk int, acc *[4]complex128) {
	for b := 0; b < nblk; b++ {
		l, f := lam[2*b*h:2*b*h+2*h], phi[2*b*h:2*b*h+2*h]
		outer1(l[:h], l[h:], f[:h], f[h:], acc[:])
	}
}

// adjOuterGo is blocksOuterGo for h = 1: adjacent pairs.
func adjOuterGo(lam, phi []complex128, acc *[4]complex128) {
	outer1Strided(lam, phi, 0, len(lam)/2, 2, 1, acc[:])
}
