package statevec

import (
	"fmt"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// The one-wire kernels on flat arrays, both versions (pure Go always, the
// assembly where the CPU has it), against the dense oracle and against
// the definition pair by pair.

// kernelPath is one version of the one-wire kernels.
type kernelPath struct {
	name string
	asm  bool
}

// kernelPaths returns the pure-Go path and, on machines that have it, the
// assembly path, so that the pure-Go loops are tested everywhere.
func kernelPaths() []kernelPath {
	ps := []kernelPath{{"go", false}}
	if haveAVX {
		ps = append(ps, kernelPath{"avx2", true})
	}
	return ps
}

// randAmps returns n random amplitudes (not normalised).
func randAmps(seed uint64, n int) []complex128 {
	rng := newRNG(seed)
	a := make([]complex128, n)
	for i := range a {
		a[i] = randComplex(rng)
	}
	return a
}

// pairApply is the definition of a one-wire gate: (a_i, a_j) ← u·(a_i, a_j)
// for every i with bit p clear and j = i + 2^p.
func pairApply(a []complex128, p int, u []complex128) {
	h := 1 << p
	for i := range a {
		if i&h == 0 {
			x, y := a[i], a[i+h]
			a[i], a[i+h] = u[0]*x+u[1]*y, u[2]*x+u[3]*y
		}
	}
}

// pairOuter is the definition of the reduced outer product on bit p:
// acc[2x+y] += Σ conj(λ_x)·φ_y.
func pairOuter(lam, phi []complex128, p int) [4]complex128 {
	var acc [4]complex128
	h := 1 << p
	for i := range lam {
		if i&h != 0 {
			continue
		}
		for x := 0; x < 2; x++ {
			for y := 0; y < 2; y++ {
				acc[2*x+y] += cmplx.Conj(lam[i+x*h]) * phi[i+y*h]
			}
		}
	}
	return acc
}

// adjoint2 returns the conjugate transpose of a 2×2 matrix.
func adjoint2(u []complex128) []complex128 {
	return []complex128{cmplx.Conj(u[0]), cmplx.Conj(u[2]), cmplx.Conj(u[1]), cmplx.Conj(u[3])}
}

func maxDiff4(a, b [4]complex128) float64 { return numtest.MaxDiffC(a[:], b[:]) }

// TestApply1AgainstDense applies a random gate to every bit of one and of
// three states back to back and compares with the dense operator of the
// gate on that wire.
func TestApply1AgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(71)
	for _, kp := range kernelPaths() {
		for n := 1; n <= 7; n++ {
			for p := 0; p < n; p++ {
				for _, size := range []int{1, 3} {
					u := randMatrix(rng, 2) // not unitary: every entry matters
					m := NewMat2(u)
					op := denseOp(n, nil, []int{n - 1 - p}, u)
					a := randAmps(uint64(100*n+p), size<<n)
					want := make([]complex128, 0, len(a))
					for b := 0; b < size; b++ {
						want = append(want, matVec(op, a[b<<n:(b+1)<<n])...)
					}
					apply1(a, p, &m, 1, kp.asm)
					if d := numtest.MaxDiffC(a, want); d > tol {
						t.Errorf("%s n=%d bit=%d B=%d: differs from the dense operator by %.3g", kp.name, n, p, size, d)
					}
				}
			}
		}
	}
}

// TestPairsRangePartial covers ranges that start and end inside blocks, at
// every pair distance, against the definition applied pair by pair.
func TestPairsRangePartial(t *testing.T) {
	t.Parallel()
	u := randUnitary(newRNG(72), 2)
	m := NewMat2(u)
	const n = 1 << 9
	for _, kp := range kernelPaths() {
		for h := 1; h < n; h *= 2 {
			for _, rg := range [][2]int{{0, n / 2}, {1, n/2 - 3}, {h + 1, h + 2}, {5, 5 + 2*h + 1}, {3, 3}} {
				t0, t1 := rg[0], min(rg[1], n/2)
				name := fmt.Sprintf("%s/h=%d/[%d,%d)", kp.name, h, t0, t1)
				a, want := randAmps(2, n), randAmps(2, n)
				lam, phi := randAmps(3, n), randAmps(4, n)
				var got, ref [4]complex128
				pairsRange(a, h, &m, t0, t1, kp.asm)
				outerRange(lam, phi, h, t0, t1, &got, kp.asm)
				for t := t0; t < t1; t++ {
					i := (t/h)*2*h + t%h
					x, y := want[i], want[i+h]
					want[i], want[i+h] = u[0]*x+u[1]*y, u[2]*x+u[3]*y
					for xb := 0; xb < 2; xb++ {
						for yb := 0; yb < 2; yb++ {
							ref[2*xb+yb] += cmplx.Conj(lam[i+xb*h]) * phi[i+yb*h]
						}
					}
				}
				if d := numtest.MaxDiffC(a, want); d > 1e-14 {
					t.Errorf("apply %s: differs from the definition by %.3g", name, d)
				}
				if d := maxDiff4(got, ref); d > 1e-12 {
					t.Errorf("outer %s: differs from the definition by %.3g", name, d)
				}
			}
		}
	}
}

// TestBack1AgainstDefinition checks the fused backward step against its
// three parts computed separately by the definitions: on small states
// (one segment) and on states of several reduction segments, on one and
// on two workers.
func TestBack1AgainstDefinition(t *testing.T) {
	t.Parallel()
	rng := newRNG(73)
	type cfg struct {
		n, size, workers int
	}
	cfgs := []cfg{{1, 1, 1}, {3, 2, 1}, {6, 3, 1}, {17, 1, 1}, {18, 1, 2}, {12, 40, 2}}
	for _, kp := range kernelPaths() {
		for _, c := range cfgs {
			for _, p := range []int{0, 1, 2, c.n / 2, c.n - 1} {
				if p >= c.n {
					continue
				}
				for _, stepLam := range []bool{false, true} {
					u := randUnitary(rng, 2)
					uh := adjoint2(u)
					m := NewMat2(u)
					mh := m.Adjoint()
					phi := randAmps(uint64(c.n*10+p), c.size<<c.n)
					lam := randAmps(uint64(c.n*10+p+1), c.size<<c.n)
					wantPhi, wantLam := append([]complex128(nil), phi...), append([]complex128(nil), lam...)
					pairApply(wantPhi, p, uh)
					wantAcc := pairOuter(wantLam, wantPhi, p)
					if stepLam {
						pairApply(wantLam, p, uh)
					}
					var acc [4]complex128
					back1(phi, lam, p, &mh, &acc, stepLam, c.workers, kp.asm)
					name := fmt.Sprintf("%s/n=%d/B=%d/workers=%d/bit=%d/stepLam=%v", kp.name, c.n, c.size, c.workers, p, stepLam)
					if d := numtest.MaxDiffC(phi, wantPhi); d > tol {
						t.Errorf("%s: φ differs by %.3g", name, d)
					}
					if d := numtest.MaxDiffC(lam, wantLam); d > tol {
						t.Errorf("%s: λ differs by %.3g", name, d)
					}
					if d := maxDiff4(acc, wantAcc); d > 1e-9 {
						t.Errorf("%s: reduced outer product differs by %.3g", name, d)
					}
				}
			}
		}
	}
}

// TestBack1WorkersBitIdentical: the sum runs over fixed segments, so the
// worker count does not change a bit of the result.
func TestBack1WorkersBitIdentical(t *testing.T) {
	t.Parallel()
	const n = 18
	u := NewMat2(randUnitary(newRNG(74), 2))
	for _, kp := range kernelPaths() {
		for _, p := range []int{0, 5, n - 1} {
			var ref [4]complex128
			for _, w := range []int{1, 2, 3} {
				phi, lam := randAmps(5, 1<<n), randAmps(6, 1<<n)
				var acc [4]complex128
				back1(phi, lam, p, &u, &acc, true, w, kp.asm)
				if w == 1 {
					ref = acc
					continue
				}
				if acc != ref {
					t.Errorf("%s bit %d: %d workers give %v, one gives %v", kp.name, p, w, acc, ref)
				}
			}
		}
	}
}

// TestKernelPathsAgree: the assembly and the pure-Go loops agree up to
// rounding on every bit of a state of several segments.
func TestKernelPathsAgree(t *testing.T) {
	t.Parallel()
	if !haveAVX {
		t.Skip("no AVX2+FMA: only the pure-Go path exists here")
	}
	const n = 17
	u := NewMat2(randUnitary(newRNG(75), 2))
	for p := 0; p < n; p++ {
		a, b := randAmps(7, 1<<n), randAmps(7, 1<<n)
		apply1(a, p, &u, 1, true)
		apply1(b, p, &u, 1, false)
		if d := numtest.MaxDiffC(a, b); d > 1e-14 {
			t.Errorf("bit %d: apply paths differ by %.3g", p, d)
		}
		l1, l2 := randAmps(8, 1<<n), randAmps(8, 1<<n)
		var acc1, acc2 [4]complex128
		back1(a, l1, p, &u, &acc1, true, 1, true)
		back1(b, l2, p, &u, &acc2, true, 1, false)
		if d := maxDiff4(acc1, acc2); d > 1e-9 {
			t.Errorf("bit %d: backward paths differ by %.3g", p, d)
		}
	}
}

// TestApply1Large covers a state larger than the L2 cache (the staged
// path at bits 5 to 9) on both kernel paths against the definition, and
// the parallel path (two or three chunks) against the sequential one.
func TestApply1Large(t *testing.T) {
	t.Parallel()
	const n = 18
	uu := randUnitary(newRNG(76), 2)
	u := NewMat2(uu)
	for _, kp := range kernelPaths() {
		for _, p := range []int{0, 1, 5, 6, 9, 10, n - 1} {
			a, want := randAmps(9, 1<<n), randAmps(9, 1<<n)
			apply1(a, p, &u, 1, kp.asm)
			pairApply(want, p, uu)
			if d := numtest.MaxDiffC(a, want); d > tol {
				t.Errorf("%s bit %d: differs from the definition by %.3g", kp.name, p, d)
			}
			b := randAmps(9, 1<<n)
			apply1(b, p, &u, 3, kp.asm)
			if d := numtest.MaxDiffC(a, b); d != 0 {
				t.Errorf("%s bit %d: 3 workers differ from one by %.3g", kp.name, p, d)
			}
		}
	}
}

func TestMat2Adjoint(t *testing.T) {
	t.Parallel()
	u := randMatrix(newRNG(77), 2)
	m := NewMat2(u)
	mh := m.Adjoint()
	// Applying M then M† to a basis pair must give M†M times it, which for
	// the oracle is computed from u directly.
	a := []complex128{1, 2i}
	want := matVec(adjoint2(u), matVec(u, a))
	apply1(a, 0, &m, 1, false)
	apply1(a, 0, &mh, 1, false)
	if d := numtest.MaxDiffC(a, want); d > tol {
		t.Errorf("M†·M·v = %v, want %v", a, want)
	}
}

func TestOneWirePanics(t *testing.T) {
	t.Parallel()
	m := NewMat2([]complex128{1, 0, 0, 1})
	var acc [4]complex128
	cases := []struct {
		name string
		f    func()
		msg  string
	}{
		{"NewMat2 length", func() { NewMat2(make([]complex128, 3)) }, "statevec: NewMat2: matrix has length 3, want 4"},
		{"Apply1 blocks", func() { Apply1(make([]complex128, 6), 2, &m, 1) }, "statevec: Apply1: 6 amplitudes are not whole blocks of 2^3"},
		{"Apply1 bit", func() { Apply1(make([]complex128, 4), -1, &m, 1) }, "statevec: Apply1: bit -1 out of range"},
		{"Back1 lengths", func() { Back1(make([]complex128, 4), make([]complex128, 8), 0, &m, &acc, true, 1) }, "statevec: Back1: lam has length 8, phi 4"},
		{"Back1 blocks", func() { Back1(make([]complex128, 4), make([]complex128, 4), 2, &m, &acc, true, 1) }, "statevec: Back1: 4 amplitudes are not whole blocks of 2^3"},
	}
	for _, c := range cases {
		expectPanic(t, c.name, c.msg, c.f)
	}
}

// expectPanic checks that f panics with a message starting with msg.
func expectPanic(t *testing.T, name, msg string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		got, _ := r.(string)
		if !strings.HasPrefix(got, msg) {
			t.Errorf("%s: panic %v, want prefix %q", name, r, msg)
		}
	}()
	f()
}

// TestRunApplyTailBits: a pair in the odd tail of a run gets the same bits
// as in a vector, so that results do not depend on how a range was cut.
func TestRunApplyTailBits(t *testing.T) {
	t.Parallel()
	m := NewMat2(randUnitary(newRNG(78), 2))
	for _, kp := range kernelPaths() {
		x1, y1 := randAmps(10, 2), randAmps(11, 2)
		x2, y2 := append([]complex128(nil), x1...), append([]complex128(nil), y1...)
		runApply(x1, y1, &m, kp.asm)         // both pairs together
		runApply(x2[:1], y2[:1], &m, kp.asm) // the first pair alone: a tail
		if x1[0] != x2[0] || y1[0] != y2[0] {
			t.Errorf("%s: tail (%v, %v) differs from vector (%v, %v)", kp.name, x2[0], y2[0], x1[0], y1[0])
		}
	}
}
