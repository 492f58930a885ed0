package cmat

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestMul checks MulTo, AdjMulTo and MulAdjTo against the triple-loop
// oracle, on shapes that exercise the four-row and two-by-two remainders and
// the parallel path (m·k·n ≥ 2¹⁷).
func TestMul(t *testing.T) {
	t.Parallel()
	rng := newRNG(10)
	for _, sh := range [][3]int{
		{1, 1, 1}, {2, 2, 2}, {3, 5, 2}, {4, 4, 4}, {5, 3, 7}, {7, 1, 6},
		{8, 8, 8}, {33, 17, 9}, {70, 64, 64}, {129, 40, 31},
	} {
		m, k, n := sh[0], sh[1], sh[2]
		a, b := randMat(rng, m, k), randMat(rng, k, n)
		a.Data[0] = 0 // the zero-skipping branch
		want := refMul(a, b)
		tol := 1e-13 * float64(k)
		if d := MaxAbsDiff(Mul(a, b), want); d > tol {
			t.Errorf("Mul %v: off by %g", sh, d)
		}
		dst := randMat(rng, m, n) // stale contents must be overwritten
		if d := MaxAbsDiff(MulTo(dst, a, b), want); d > tol {
			t.Errorf("MulTo %v: off by %g", sh, d)
		}
		ah := refAdjoint(a) // k×m, so AdjMulTo(ah, b) = a·b
		if d := MaxAbsDiff(AdjMulTo(randMat(rng, m, n), ah, b), want); d > tol {
			t.Errorf("AdjMulTo %v: off by %g", sh, d)
		}
		bh := refAdjoint(b) // n×k, so MulAdjTo(a, bh) = a·b
		if d := MaxAbsDiff(MulAdjTo(randMat(rng, m, n), a, bh), want); d > tol {
			t.Errorf("MulAdjTo %v: off by %g", sh, d)
		}
	}
}

func TestMulDoesNotAllocate(t *testing.T) {
	rng := newRNG(11)
	a, b, c := randMat(rng, 16, 16), randMat(rng, 16, 16), New(16, 16)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"MulTo", func() { MulTo(c, a, b) }},
		{"AdjMulTo", func() { AdjMulTo(c, a, b) }},
		{"MulAdjTo", func() { MulAdjTo(c, a, b) }},
		{"AddTo", func() { AddTo(c, a, b) }},
	} {
		if n := testing.AllocsPerRun(10, tc.f); n != 0 {
			t.Errorf("%s allocates %v times", tc.name, n)
		}
	}
}

// BenchmarkMulKernels compares the product kernels with gonum's Zgemm (the
// implementation behind cblas128); MulTo uses the faster at every size.
func BenchmarkMulKernels(b *testing.B) {
	for _, n := range []int{4, 32, 128, 256} {
		rng := newRNG(12)
		x, y, z := randMat(rng, n, n), randMat(rng, n, n), New(n, n)
		b.Run(fmt.Sprintf("Zgemm/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gonum.Implementation{}.Zgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, x.Data, n, y.Data, n, 0, z.Data, n)
			}
		})
		b.Run(fmt.Sprintf("rows4/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mulRows(z.Data, x.Data, y.Data, n, n, n, 1, false, 0, n)
			}
		})
	}
}

func BenchmarkMulTo(b *testing.B) {
	for _, n := range []int{4, 32, 128, 256} {
		rng := newRNG(13)
		x, y, z := randMat(rng, n, n), randMat(rng, n, n), New(n, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MulTo(z, x, y)
			}
		})
	}
}

func BenchmarkMulAdjTo(b *testing.B) {
	for _, n := range []int{4, 32, 128} {
		rng := newRNG(14)
		x, y, z := randMat(rng, n, n), randMat(rng, n, n), New(n, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MulAdjTo(z, x, y)
			}
		})
	}
}

func BenchmarkAdjMulTo(b *testing.B) {
	for _, n := range []int{4, 32, 128} {
		rng := newRNG(15)
		x, y, z := randMat(rng, n, n), randMat(rng, n, n), New(n, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				AdjMulTo(z, x, y)
			}
		})
	}
}

// TestMulReal checks the kernels with one real factor against the
// triple-loop oracle, including the parallel path (n = 70).
func TestMulReal(t *testing.T) {
	t.Parallel()
	rng := newRNG(16)
	for _, n := range []int{1, 2, 3, 5, 8, 70} {
		r := randMat(rng, n, n)
		for i := range r.Data {
			r.Data[i] = complex(real(r.Data[i]), 0)
		}
		b := randMat(rng, n, n)
		rt := TransposeTo(nil, r)
		tol := 1e-13 * float64(n)
		for _, tc := range []struct {
			name string
			got  func(dst *Dense)
			want *Dense
		}{
			{"r·b", func(dst *Dense) { mulRealATo(dst, r, b, false) }, refMul(r, b)},
			{"rᵀ·b", func(dst *Dense) { mulRealATo(dst, r, b, true) }, refMul(rt, b)},
			{"b·r", func(dst *Dense) { mulRealBTo(dst, b, r, false) }, refMul(b, r)},
			{"b·rᵀ", func(dst *Dense) { mulRealBTo(dst, b, r, true) }, refMul(b, rt)},
		} {
			dst := randMat(rng, n, n)
			tc.got(dst)
			if d := MaxAbsDiff(dst, tc.want); d > tol {
				t.Errorf("n=%d %s: off by %g", n, tc.name, d)
			}
		}
	}
}
