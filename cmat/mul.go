package cmat

import (
	"fmt"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// Products use pure-Go kernels written for complex128. Benchmarks
// (BenchmarkMulKernels) showed gonum's Zgemm, a plain triple loop, to be
// 1.4–1.9× slower than a kernel that updates four rows of the result per
// pass over a row of b, at every size from 4 to 256, so every size uses the
// four-row kernel. Products with at least parallelWork complex
// multiply-adds are split by rows over internal/parfor; each element is
// computed by the same sequence of operations whatever the split, so
// results do not depend on the number of workers.

// parallelWork is the number of complex multiply-adds from which a product
// is split over goroutines (about 100 µs of work).
const parallelWork = 1 << 17

// Mul returns the product a·b.
func Mul(a, b *Dense) *Dense { return MulTo(nil, a, b) }

// MulTo sets dst = a·b and returns dst. A nil dst allocates; otherwise dst
// must be a.Rows×b.Cols and must not share storage with a or b. With dst
// given it does not allocate, except for the goroutine bookkeeping of
// products large enough to be split (2¹⁷ multiply-adds and more, e.g.
// 64×64 times 64×64).
func MulTo(dst, a, b *Dense) *Dense {
	if a.Cols != b.Rows {
		panic(fmt.Sprintf("cmat: MulTo of %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	dst = prepare(dst, a.Rows, b.Cols, "MulTo")
	noOverlap(dst, a, "MulTo")
	noOverlap(dst, b, "MulTo")
	m, k, n := a.Rows, a.Cols, b.Cols
	c, x, y := dst.Data, a.Data, b.Data
	if serial(m, k*n) {
		mulRows(c, x, y, k, n, k, 1, false, 0, m)
		return dst
	}
	parfor.For(m, 0, grain(k*n), func(_, lo, hi int) {
		mulRows(c, x, y, k, n, k, 1, false, lo, hi)
	})
	return dst
}

// AdjMulTo sets dst = a†·b and returns dst. A nil dst allocates; otherwise
// dst must be a.Cols×b.Cols and must not share storage with a or b.
// Like MulTo, it does not allocate below the parallel threshold.
func AdjMulTo(dst, a, b *Dense) *Dense {
	if a.Rows != b.Rows {
		panic(fmt.Sprintf("cmat: AdjMulTo of (%d×%d)† and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	dst = prepare(dst, a.Cols, b.Cols, "AdjMulTo")
	noOverlap(dst, a, "AdjMulTo")
	noOverlap(dst, b, "AdjMulTo")
	m, k, n := a.Cols, a.Rows, b.Cols
	c, x, y := dst.Data, a.Data, b.Data
	if serial(m, k*n) {
		mulRows(c, x, y, k, n, 1, m, true, 0, m)
		return dst
	}
	parfor.For(m, 0, grain(k*n), func(_, lo, hi int) {
		mulRows(c, x, y, k, n, 1, m, true, lo, hi)
	})
	return dst
}

// MulAdjTo sets dst = a·b† and returns dst. A nil dst allocates; otherwise
// dst must be a.Rows×b.Rows and must not share storage with a or b.
// Like MulTo, it does not allocate below the parallel threshold.
func MulAdjTo(dst, a, b *Dense) *Dense {
	if a.Cols != b.Cols {
		panic(fmt.Sprintf("cmat: MulAdjTo of %d×%d and (%d×%d)†", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	dst = prepare(dst, a.Rows, b.Rows, "MulAdjTo")
	noOverlap(dst, a, "MulAdjTo")
	noOverlap(dst, b, "MulAdjTo")
	m, k, n := a.Rows, a.Cols, b.Rows
	c, x, y := dst.Data, a.Data, b.Data
	if serial(m, k*n) {
		mulDotRows(c, x, y, k, n, 0, m)
		return dst
	}
	parfor.For(m, 0, grain(k*n), func(_, lo, hi int) {
		mulDotRows(c, x, y, k, n, lo, hi)
	})
	return dst
}

// serial reports whether a product of m rows, each costing perRow
// multiply-adds, is too small to split over goroutines.
func serial(m, perRow int) bool { return m*perRow < parallelWork || perRow == 0 }

// grain returns the minimum number of rows per parallel chunk, so that each
// chunk has about a quarter of parallelWork multiply-adds.
func grain(perRow int) int { return max(4, (parallelWork/4+perRow-1)/perRow) }

// mulRows sets rows [lo, hi) of c (row length n) to op(a)·b, where b is
// k×n row-major, element (i, l) of op(a) is a[i*si+l*sl], conjugated when
// conj is set. It updates four rows of c per pass over a row of b.
func mulRows(c, a, b []complex128, k, n, si, sl int, conj bool, lo, hi int) {
	clear(c[lo*n : hi*n])
	i := lo
	for ; i+4 <= hi; i += 4 {
		c0 := c[i*n : (i+1)*n]
		c1 := c[(i+1)*n : (i+2)*n]
		c2 := c[(i+2)*n : (i+3)*n]
		c3 := c[(i+3)*n : (i+4)*n]
		for l := 0; l < k; l++ {
			p := i*si + l*sl
			a0, a1, a2, a3 := a[p], a[p+si], a[p+2*si], a[p+3*si]
			if conj {
				a0, a1, a2, a3 = cj(a0), cj(a1), cj(a2), cj(a3)
			}
			bl := b[l*n : (l+1)*n]
			c0 := c0[:len(bl)]
			c1 := c1[:len(bl)]
			c2 := c2[:len(bl)]
			c3 := c3[:len(bl)]
			for j, v := range bl {
				c0[j] += a0 * v
				c1[j] += a1 * v
				c2[j] += a2 * v
				c3[j] += a3 * v
			}
		}
	}
	for ; i < hi; i++ {
		ci := c[i*n : (i+1)*n]
		for l := 0; l < k; l++ {
			x := a[i*si+l*sl]
			if x == 0 {
				continue
			}
			if conj {
				x = cj(x)
			}
			bl := b[l*n : (l+1)*n]
			ci := ci[:len(bl)]
			for j, v := range bl {
				ci[j] += x * v
			}
		}
	}
}

// mulDotRows sets rows [lo, hi) of c (row length n) to a·b†, where a has
// rows of length k and b is n×k: each element is a dot product of two
// contiguous rows, computed two by two.
func mulDotRows(c, a, b []complex128, k, n, lo, hi int) {
	i := lo
	for ; i+2 <= hi; i += 2 {
		a0 := a[i*k : (i+1)*k]
		a1 := a[(i+1)*k : (i+2)*k][:len(a0)]
		j := 0
		for ; j+2 <= n; j += 2 {
			b0 := b[j*k : (j+1)*k][:len(a0)]
			b1 := b[(j+1)*k : (j+2)*k][:len(a0)]
			var s00r, s00i, s01r, s01i, s10r, s10i, s11r, s11i float64
			for l, x := range a0 {
				y, u, v := a1[l], b0[l], b1[l]
				s00r += real(x)*real(u) + imag(x)*imag(u)
				s00i += imag(x)*real(u) - real(x)*imag(u)
				s01r += real(x)*real(v) + imag(x)*imag(v)
				s01i += imag(x)*real(v) - real(x)*imag(v)
				s10r += real(y)*real(u) + imag(y)*imag(u)
				s10i += imag(y)*real(u) - real(y)*imag(u)
				s11r += real(y)*real(v) + imag(y)*imag(v)
				s11i += imag(y)*real(v) - real(y)*imag(v)
			}
			c[i*n+j] = complex(s00r, s00i)
			c[i*n+j+1] = complex(s01r, s01i)
			c[(i+1)*n+j] = complex(s10r, s10i)
			c[(i+1)*n+j+1] = complex(s11r, s11i)
		}
		if j < n {
			c[i*n+j] = dotConj(a0, b[j*k:(j+1)*k])
			c[(i+1)*n+j] = dotConj(a1, b[j*k:(j+1)*k])
		}
	}
	if i < hi {
		ai := a[i*k : (i+1)*k]
		for j := 0; j < n; j++ {
			c[i*n+j] = dotConj(ai, b[j*k:(j+1)*k])
		}
	}
}

// dotConj returns Σ_l x_l·conj(y_l).
func dotConj(x, y []complex128) complex128 {
	y = y[:len(x)]
	var re, im float64
	for l, u := range x {
		v := y[l]
		re += real(u)*real(v) + imag(u)*imag(v)
		im += imag(u)*real(v) - real(u)*imag(v)
	}
	return complex(re, im)
}

func cj(x complex128) complex128 { return complex(real(x), -imag(x)) }
