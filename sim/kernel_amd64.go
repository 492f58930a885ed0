//go:build amd64 && !purego

package sim

// The one-wire kernels use AVX2 and FMA when the CPU and the operating
// system support them (kernel_amd64.s), and the pure-Go loops otherwise or
// with the purego build tag. The two give the same values up to rounding
// (FMA rounds once per multiply-add); on one machine results are
// reproducible either way.

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax uint32)

//go:noescape
func applyAVX(x, y []complex128, u *[8]float64)

//go:noescape
func adjApplyAVX(s []complex128, u *[16]float64)

//go:noescape
func pairsApplyAVX(a []complex128, h, nblk int, u *[8]float64)

//go:noescape
func pairsOuterAVX(lam, phi []complex128, h, nblk int, acc *[32]float64)

//go:noescape
func outerAVX(lx, ly, fx, fy []complex128, acc *[32]float64)

//go:noescape
func adjOuterAVX(lam, phi []complex128, acc *[16]float64)

// useAVX is fixed at start-up from the CPU's features.
var useAVX = detectAVX2FMA()

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

// kernelName names the one-wire kernels in use, for benchmark reports.
func kernelName() string {
	if useAVX {
		return "avx2"
	}
	return "go"
}

func runApply(x, y []complex128, k *kmat) {
	if useAVX && len(x) >= 2 {
		m := len(x) &^ 1
		applyAVX(x[:m], y[:m], &k.k8)
		x, y = x[m:], y[m:]
	}
	if len(x) > 0 {
		runApplyGo(x, y, k.u)
	}
}

func adjApply(s []complex128, k *kmat) {
	if useAVX {
		adjApplyAVX(s, &k.k16)
		return
	}
	adjApplyGo(s, k.u)
}

func pairsApply(a []complex128, h, nblk int, k *kmat) {
	if useAVX {
		pairsApplyAVX(a, h, nblk, &k.k8)
		return
	}
	pairsApplyGo(a, h, nblk, k)
}

// reduceOuter adds the reductions of outerAVX's lanes to acc.
func reduceOuter(k *[32]float64, acc *[4]complex128) {
	for ab := 0; ab < 4; ab++ {
		p, q := k[8*ab:8*ab+4], k[8*ab+4:8*ab+8]
		acc[ab] += complex((p[0]+p[1])+(p[2]+p[3]), (q[1]-q[0])+(q[3]-q[2]))
	}
}

func runOuter(lx, ly, fx, fy []complex128, acc *[4]complex128) {
	if useAVX && len(lx) >= 2 {
		m := len(lx) &^ 1
		var k [32]float64
		outerAVX(lx[:m], ly[:m], fx[:m], fy[:m], &k)
		reduceOuter(&k, acc)
		lx, ly, fx, fy = lx[m:], ly[m:], fx[m:], fy[m:]
	}
	if len(lx) > 0 {
		runOuterGo(lx, ly, fx, fy, acc)
	}
}

func pairsOuter(lam, phi []complex128, h, nblk int, acc *[4]complex128) {
	if useAVX {
		var k [32]float64
		pairsOuterAVX(lam, phi, h, nblk, &k)
		reduceOuter(&k, acc)
		return
	}
	pairsOuterGo(lam, phi, h, nblk, acc)
}

func adjOuter(lam, phi []complex128, acc *[4]complex128) {
	if useAVX {
		var k [16]float64
		adjOuterAVX(lam, phi[:len(lam)], &k)
		p, q, pp, qp := k[0:4], k[4:8], k[8:12], k[12:16]
		acc[0] += complex(p[0]+p[1], q[1]-q[0])     // l0·conj(f0)
		acc[3] += complex(p[2]+p[3], q[3]-q[2])     // l1·conj(f1)
		acc[1] += complex(pp[0]+pp[1], qp[1]-qp[0]) // l0·conj(f1)
		acc[2] += complex(pp[2]+pp[3], qp[3]-qp[2]) // l1·conj(f0)
		return
	}
	adjOuterGo(lam, phi, acc)
}
