//go:build !amd64 || purego

package statevec

// Without assembly (another architecture, or the purego build tag) the
// one-wire kernels are the pure-Go loops.

// haveAVX reports whether the vector kernels are available: never here.
const haveAVX = false

func runApply(x, y []complex128, u *Mat2, _ bool) { runDense(x, y, u.m) }

func adjApply(s []complex128, u *Mat2, _ bool) { adjDense(s, u.m) }

func blocksApply(a []complex128, h, nblk int, u *Mat2, _ bool) { blocksApplyGo(a, h, nblk, &u.m) }

func runOuter(lx, ly, fx, fy []complex128, acc *[4]complex128, _ bool) {
	outer1(lx, ly, fx, fy, acc[:])
}

func blocksOuter(lam, phi []complex128, h, nblk int, acc *[4]complex128, _ bool) {
	blocksOuterGo(lam, phi, h, nblk, acc)
}

func adjOuter(lam, phi []complex128, acc *[4]complex128, _ bool) { adjOuterGo(lam, phi, acc) }
