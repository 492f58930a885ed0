package sim

import (
	"fmt"
	"testing"
)

// The dispatching kernels (AVX2 on capable amd64 machines) against the
// pure-Go loops, on every pair distance, partial ranges and odd lengths.

func randAmps(seed uint64, n int) []complex128 {
	rng := newRNG(seed)
	a := make([]complex128, n)
	for i := range a {
		a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return a
}

func TestKernelsMatchGo(t *testing.T) {
	t.Parallel()
	u := mat2Of(randUnitary(newRNG(1), 2).Data)
	k := newKmat(u)
	const n = 1 << 9
	for h := 1; h < n; h *= 2 {
		for _, rg := range [][2]int{{0, n / 2}, {1, n/2 - 3}, {h + 1, h + 2}, {5, 5 + 2*h + 1}} {
			t0, t1 := rg[0], min(rg[1], n/2)
			if t0 >= t1 {
				continue
			}
			name := fmt.Sprintf("h=%d/[%d,%d)", h, t0, t1)
			a, want := randAmps(2, n), randAmps(2, n)
			apply1Range(a, h, &k, t0, t1)
			for t := t0; t < t1; t++ {
				i := (t/h)*2*h + t%h
				runApplyGo(want[i:i+1], want[i+h:i+h+1], u)
			}
			if d := maxAbsDiffC(a, want); d > 1e-14 {
				t.Errorf("apply %s: differs from the Go loop by %.3g", name, d)
			}
			lam, phi := randAmps(3, n), randAmps(4, n)
			var got, ref [4]complex128
			outer1Range(lam, phi, h, t0, t1, &got)
			for t := t0; t < t1; t++ {
				i := (t/h)*2*h + t%h
				runOuterGo(lam[i:i+1], lam[i+h:i+h+1], phi[i:i+1], phi[i+h:i+h+1], &ref)
			}
			if d := maxAbsDiffC(got[:], ref[:]); d > 1e-12 {
				t.Errorf("outer %s: differs from the Go loop by %.3g", name, d)
			}
		}
	}
}

// TestCNOTMatchesPermutation checks the CNOT kernel against the index
// permutation for every pair of bits.
func TestCNOTMatchesPermutation(t *testing.T) {
	t.Parallel()
	const n = 6
	for cb := 0; cb < n; cb++ {
		for tb := 0; tb < n; tb++ {
			if cb == tb {
				continue
			}
			a := randAmps(5, 1<<n)
			want := make([]complex128, len(a))
			for j := range a {
				src := j
				if j>>cb&1 == 1 {
					src = j ^ 1<<tb
				}
				want[j] = a[src]
			}
			cnot(a, cb, tb, 1)
			if d := maxAbsDiffC(a, want); d != 0 {
				t.Errorf("control bit %d, target bit %d: wrong permutation", cb, tb)
			}
		}
	}
}
