package statevec

import (
	"fmt"
	"math/cmplx"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// adjointDense returns the conjugate transpose of a K×K matrix.
func adjointDense(m []complex128) []complex128 {
	K := isqrt(len(m))
	a := make([]complex128, K*K)
	for r := 0; r < K; r++ {
		for c := 0; c < K; c++ {
			a[r*K+c] = cmplx.Conj(m[c*K+r])
		}
	}
	return a
}

// TestAdjointStepAgainstDense checks the fused backward step on one to
// four wires against its three parts by the oracles: φ and λ through the
// dense operator of M†, the reduced outer product by its definition. It
// covers shared and per-sample matrices, summed and per-sample
// destinations, both kernel paths, and a batch cut into many chunks on
// three workers.
func TestAdjointStepAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(81)
	const B = 3
	type cfg struct {
		n     int
		wires []int
	}
	var cfgs []cfg
	for n := 1; n <= 4; n++ {
		for w := 0; w < n; w++ {
			cfgs = append(cfgs, cfg{n, []int{w}})
		}
	}
	for _, w := range [][]int{{0, 1}, {1, 0}, {2, 0}, {3, 1}, {1, 3}, {2, 3}} {
		cfgs = append(cfgs, cfg{4, w})
	}
	for i := 0; i < 12; i++ {
		n := 3 + rng.IntN(4)
		cfgs = append(cfgs, cfg{n, randWires(rng, n, 1+rng.IntN(min(n, 4)))})
	}
	for _, kp := range kernelPaths() {
		for _, c := range cfgs {
			k := len(c.wires)
			K2 := 1 << (2 * k)
			for _, eachM := range []bool{false, true} {
				for _, eachD := range []bool{false, true} {
					for _, stepLam := range []bool{false, true} {
						for _, split := range []bool{false, true} {
							name := fmt.Sprintf("%s/n=%d/wires=%v/eachM=%v/eachD=%v/stepLam=%v/split=%v", kp.name, c.n, c.wires, eachM, eachD, stepLam, split)
							lam, phi := randBatch(rng, c.n, B), randBatch(rng, c.n, B)
							lam.pureGo, phi.pureGo = !kp.asm, !kp.asm
							if split {
								lam.Workers, phi.Workers = 3, 3
								lam.chunkLogOverride, phi.chunkLogOverride = 2, 2
							}
							var ms []complex128
							mats := make([][]complex128, B)
							for b := range mats {
								if b == 0 || eachM {
									mats[b] = randMatrix(rng, 1<<k) // M need not be unitary
									ms = append(ms, mats[b]...)
								} else {
									mats[b] = mats[0]
								}
							}
							dlen := K2
							if eachD {
								dlen = B * K2
							}
							start := randAmps(uint64(dlen), dlen) // accumulate into a non-zero dst
							dst := append([]complex128(nil), start...)
							want := append([]complex128(nil), start...)
							wantPhi := make([][]complex128, B)
							wantLam := make([][]complex128, B)
							for b := 0; b < B; b++ {
								op := denseOp(c.n, nil, c.wires, adjointDense(mats[b]))
								wantPhi[b] = matVec(op, phi.Sample(b))
								wantLam[b] = append([]complex128(nil), lam.Sample(b)...)
								r := outerByDefinition(wantLam[b], wantPhi[b], c.n, c.wires)
								off := 0
								if eachD {
									off = b * K2
								}
								for e, v := range r {
									want[off+e] += v
								}
								if stepLam {
									wantLam[b] = matVec(op, wantLam[b])
								}
							}
							AdjointStep(lam, phi, c.wires, ms, dst, stepLam)
							checkStates(t, name+"/φ", phi, wantPhi)
							checkStates(t, name+"/λ", lam, wantLam)
							if d := numtest.MaxDiffC(dst, want); d > 1e-11 {
								t.Errorf("%s: dst differs from the definition by %.3g", name, d)
							}
						}
					}
				}
			}
		}
	}
}

// TestAdjointStepWorkersBitIdentical: on a state of several reduction
// blocks the sums do not depend on the worker count.
func TestAdjointStepWorkersBitIdentical(t *testing.T) {
	t.Parallel()
	const n = 17
	for _, wires := range [][]int{{3}, {0, 16}, {5, 2}, {1, 7, 4}} {
		K2 := 1 << (2 * len(wires))
		m := randUnitary(newRNG(82), 1<<len(wires))
		var ref []complex128
		for _, w := range []int{1, 2} {
			lam, phi := randBatch(newRNG(83), n, 1), randBatch(newRNG(84), n, 1)
			lam.Workers, phi.Workers = w, w
			dst := make([]complex128, K2)
			AdjointStep(lam, phi, wires, m, dst, true)
			if ref == nil {
				ref = dst
				continue
			}
			if d := numtest.MaxDiffC(dst, ref); d != 0 {
				t.Errorf("wires %v: %d workers differ from one by %.3g", wires, w, d)
			}
		}
	}
}

func TestAdjointStepPanics(t *testing.T) {
	t.Parallel()
	s, o := New(3, 2), New(3, 2)
	u := []complex128{1, 0, 0, 1}
	expectPanic(t, "matrix", "statevec: AdjointStep matrices has length 3, want 4 or 8", func() {
		AdjointStep(s, o, []int{0}, u[:3], make([]complex128, 4), true)
	})
	expectPanic(t, "dst", "statevec: AdjointStep dst has length 5, want 4 or 8", func() {
		AdjointStep(s, o, []int{0}, u, make([]complex128, 5), true)
	})
	expectPanic(t, "shape", "statevec: AdjointStep: batch of", func() {
		AdjointStep(s, New(2, 2), []int{0}, u, make([]complex128, 4), true)
	})
	expectPanic(t, "wire", "statevec: AdjointStep: wire 3 out of range", func() {
		AdjointStep(s, o, []int{3}, u, make([]complex128, 4), true)
	})
}
