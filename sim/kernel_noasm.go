//go:build !amd64 || purego

package sim

// Without assembly (another architecture, or the purego build tag) the
// one-wire kernels are the pure-Go loops of kernel.go.

func kernelName() string { return "go" }

func runApply(x, y []complex128, k *kmat) { runApplyGo(x, y, k.u) }
func adjApply(s []complex128, k *kmat)    { adjApplyGo(s, k.u) }
func pairsApply(a []complex128, h, nblk int, k *kmat) {
	pairsApplyGo(a, h, nblk, k)
}
func runOuter(lx, ly, fx, fy []complex128, acc *[4]complex128) { runOuterGo(lx, ly, fx, fy, acc) }
func pairsOuter(lam, phi []complex128, h, nblk int, acc *[4]complex128) {
	pairsOuterGo(lam, phi, h, nblk, acc)
}
func adjOuter(lam, phi []complex128, acc *[4]complex128) { adjOuterGo(lam, phi, acc) }
