//go:build amd64 && !purego

package statevec

import "math"

// The one-wire kernels use AVX2 and FMA when the CPU and the operating
// system support them (onewire_amd64.s), and the pure-Go loops otherwise or
// with the purego build tag. The two give the same values up to rounding
// (FMA rounds once per multiply-add); on one machine, results are
// reproducible either way.

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax uint32)

//go:noescape
func applyAVX(x, y []complex128, u *m2)

//go:noescape
func adjApplyAVX(s []complex128, u *[16]float64)

//go:noescape
func pairsApplyAVX(a []complex128, h, nblk int, u *m2)

//go:noescape
func pairsOuterAVX(lam, phi []complex128, h, nblk int, acc *[32]float64)

//go:noescape
func outerAVX(lx, ly, fx, fy []complex128, acc *[32]float64)

//go:noescape
func adjOuterAVX(lam, phi []complex128, acc *[16]float64)

// haveAVX is fixed at start-up from the CPU's features: AVX2 and FMA,
// with the YMM state saved by the operating system.
var haveAVX = detectAVX2FMA()

func detectAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&fma == 0 || c1&osxsave == 0 || c1&avx == 0 {
		return false
	}
	if xgetbv()&6 != 6 { // the OS saves XMM and YMM state
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0 // AVX2
}

// runApply applies u to the pairs (x[i], y[i]).
func runApply(x, y []complex128, u *Mat2, asm bool) {
	if asm && len(x) >= 2 {
		m := len(x) &^ 1
		applyAVX(x[:m], y[:m], &u.m)
		x, y = x[m:], y[m:]
	}
	if len(x) > 0 {
		if asm {
			runApplyFMA(x, y, &u.m)
			return
		}
		runDense(x, y, u.m)
	}
}

// runApplyFMA applies u to the pairs (x[i], y[i]) with the operations of
// applyAVX in its order and rounding, so that a pair gets the same bits
// whether it falls in a vector or in the odd tail of a run: the result
// does not depend on where a range was cut between goroutines.
func runApplyFMA(x, y []complex128, u *m2) {
	y = y[:len(x)]
	for i := range x {
		xr, xi := real(x[i]), imag(x[i])
		yr, yi := real(y[i]), imag(y[i])
		// applyAVX: t = ui·swap(x); t += vi·swap(y); t = ur·x ∓ t; t += vr·y,
		// for (u, v) = (a, b) and (c, d).
		tr := math.FMA(u.bi, yi, float64(u.ai*xi))
		ti := math.FMA(u.bi, yr, float64(u.ai*xr))
		x[i] = complex(math.FMA(u.br, yr, math.FMA(u.ar, xr, -tr)), math.FMA(u.br, yi, math.FMA(u.ar, xi, ti)))
		tr = math.FMA(u.di, yi, float64(u.ci*xi))
		ti = math.FMA(u.di, yr, float64(u.ci*xr))
		y[i] = complex(math.FMA(u.dr, yr, math.FMA(u.cr, xr, -tr)), math.FMA(u.dr, yi, math.FMA(u.cr, xi, ti)))
	}
}

// adjApply applies u to the adjacent pairs (s[2i], s[2i+1]).
func adjApply(s []complex128, u *Mat2, asm bool) {
	if asm {
		adjApplyAVX(s, &u.k16)
		return
	}
	adjDense(s, u.m)
}

// blocksApply applies u to nblk whole blocks of 2h amplitudes (h ≥ 2) at
// the start of a.
func blocksApply(a []complex128, h, nblk int, u *Mat2, asm bool) {
	if asm {
		pairsApplyAVX(a[:2*h*nblk], h, nblk, &u.m)
		return
	}
	blocksApplyGo(a, h, nblk, &u.m)
}

// reduceLanes adds the reductions of outerAVX's lanes to acc: for each
// entry, P holds the lanes of λ ⊙ φ and Q those of λ ⊙ swap(φ), so
// Re conj(λ)·φ is the sum of P's lanes and Im the even lanes of Q minus
// its odd lanes.
func reduceLanes(k *[32]float64, acc *[4]complex128) {
	for e := 0; e < 4; e++ {
		p, q := k[8*e:8*e+4], k[8*e+4:8*e+8]
		acc[e] += complex((p[0]+p[1])+(p[2]+p[3]), (q[0]-q[1])+(q[2]-q[3]))
	}
}

// runOuter adds Σ_i conj(l_x[i])·f_y[i] to acc[2x+y], with (l_0, l_1) =
// (lx, ly) and (f_0, f_1) = (fx, fy).
func runOuter(lx, ly, fx, fy []complex128, acc *[4]complex128, asm bool) {
	if asm && len(lx) >= 2 {
		m := len(lx) &^ 1
		var k [32]float64
		outerAVX(lx[:m], ly[:m], fx[:m], fy[:m], &k)
		reduceLanes(&k, acc)
		lx, ly, fx, fy = lx[m:], ly[m:], fx[m:], fy[m:]
	}
	if len(lx) > 0 {
		outer1(lx, ly, fx, fy, acc[:])
	}
}

// blocksOuter is runOuter over the pairs of nblk whole blocks of 2h
// amplitudes (h ≥ 2) at the start of lam and phi.
func blocksOuter(lam, phi []complex128, h, nblk int, acc *[4]complex128, asm bool) {
	if asm {
		var k [32]float64
		pairsOuterAVX(lam[:2*h*nblk], phi[:2*h*nblk], h, nblk, &k)
		reduceLanes(&k, acc)
		return
	}
	blocksOuterGo(lam, phi, h, nblk, acc)
}

// adjOuter is runOuter for adjacent pairs: l = (lam[2i], lam[2i+1]) and
// f = (phi[2i], phi[2i+1]).
func adjOuter(lam, phi []complex128, acc *[4]complex128, asm bool) {
	if asm {
		var k [16]float64
		adjOuterAVX(lam, phi[:len(lam)], &k)
		p, q, pp, qp := k[0:4], k[4:8], k[8:12], k[12:16]
		acc[0] += complex(p[0]+p[1], q[0]-q[1])     // conj(l0)·f0
		acc[3] += complex(p[2]+p[3], q[2]-q[3])     // conj(l1)·f1
		acc[1] += complex(pp[0]+pp[1], qp[0]-qp[1]) // conj(l0)·f1
		acc[2] += complex(pp[2]+pp[3], qp[2]-qp[3]) // conj(l1)·f0
		return
	}
	adjOuterGo(lam, phi, acc)
}
