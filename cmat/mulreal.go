package cmat

import "github.com/quanta-qml/quanta/internal/parfor"

// Products in which one factor is real. A real orthogonal eigenvector
// matrix (from EigSym, or from EigHermitian of a real symmetric matrix) is
// stored as a complex Dense with zero imaginary parts; multiplying by it
// needs two real multiplications per element instead of four, which
// ExpHermitian exploits. The real factor is read through real() only.

// isReal reports whether every element of m has a zero imaginary part.
func isReal(m *Dense) bool {
	for _, v := range m.Data {
		if imag(v) != 0 {
			return false
		}
	}
	return true
}

// mulRealATo sets dst = op(r)·b for a real n×n matrix r, where op(r) = r
// or, with trans, rᵀ (= r† since r is real). dst and b are n×n.
func mulRealATo(dst, r, b *Dense, trans bool) {
	n := r.Rows
	si, sl := n, 1
	if trans {
		si, sl = 1, n
	}
	c, x, y := dst.Data, r.Data, b.Data
	if serial(n, n*n) {
		mulRowsRealA(c, x, y, n, n, si, sl, 0, n)
		return
	}
	parfor.For(n, 0, grain(n*n), func(_, lo, hi int) {
		mulRowsRealA(c, x, y, n, n, si, sl, lo, hi)
	})
}

// mulRealBTo sets dst = a·r (trans false) or a·rᵀ (trans true) for a real
// n×n matrix r. dst and a are n×n.
func mulRealBTo(dst, a, r *Dense, trans bool) {
	n := r.Rows
	c, x, y := dst.Data, a.Data, r.Data
	kernel := mulRowsRealB
	if trans {
		kernel = mulDotRowsRealB
	}
	if serial(n, n*n) {
		kernel(c, x, y, n, n, 0, n)
		return
	}
	parfor.For(n, 0, grain(n*n), func(_, lo, hi int) {
		kernel(c, x, y, n, n, lo, hi)
	})
}

// mulRowsRealA is mulRows for a real op(a): rows [lo, hi) of c = op(a)·b,
// with element (i, l) of op(a) the real part of a[i*si+l*sl].
func mulRowsRealA(c, a, b []complex128, k, n, si, sl, lo, hi int) {
	clear(c[lo*n : hi*n])
	i := lo
	for ; i+4 <= hi; i += 4 {
		c0 := c[i*n : (i+1)*n]
		c1 := c[(i+1)*n : (i+2)*n]
		c2 := c[(i+2)*n : (i+3)*n]
		c3 := c[(i+3)*n : (i+4)*n]
		for l := 0; l < k; l++ {
			p := i*si + l*sl
			a0, a1, a2, a3 := real(a[p]), real(a[p+si]), real(a[p+2*si]), real(a[p+3*si])
			bl := b[l*n : (l+1)*n]
			c0 := c0[:len(bl)]
			c1 := c1[:len(bl)]
			c2 := c2[:len(bl)]
			c3 := c3[:len(bl)]
			for j, v := range bl {
				vr, vi := real(v), imag(v)
				c0[j] += complex(a0*vr, a0*vi)
				c1[j] += complex(a1*vr, a1*vi)
				c2[j] += complex(a2*vr, a2*vi)
				c3[j] += complex(a3*vr, a3*vi)
			}
		}
	}
	for ; i < hi; i++ {
		ci := c[i*n : (i+1)*n]
		for l := 0; l < k; l++ {
			x := real(a[i*si+l*sl])
			bl := b[l*n : (l+1)*n]
			ci := ci[:len(bl)]
			for j, v := range bl {
				ci[j] += complex(x*real(v), x*imag(v))
			}
		}
	}
}

// mulRowsRealB sets rows [lo, hi) of c = a·b, where a is m×k complex and b
// is k×n with only its real parts read.
func mulRowsRealB(c, a, b []complex128, k, n, lo, hi int) {
	clear(c[lo*n : hi*n])
	i := lo
	for ; i+4 <= hi; i += 4 {
		c0 := c[i*n : (i+1)*n]
		c1 := c[(i+1)*n : (i+2)*n]
		c2 := c[(i+2)*n : (i+3)*n]
		c3 := c[(i+3)*n : (i+4)*n]
		for l := 0; l < k; l++ {
			a0, a1, a2, a3 := a[i*k+l], a[(i+1)*k+l], a[(i+2)*k+l], a[(i+3)*k+l]
			bl := b[l*n : (l+1)*n]
			c0 := c0[:len(bl)]
			c1 := c1[:len(bl)]
			c2 := c2[:len(bl)]
			c3 := c3[:len(bl)]
			for j, v := range bl {
				r := real(v)
				c0[j] += complex(real(a0)*r, imag(a0)*r)
				c1[j] += complex(real(a1)*r, imag(a1)*r)
				c2[j] += complex(real(a2)*r, imag(a2)*r)
				c3[j] += complex(real(a3)*r, imag(a3)*r)
			}
		}
	}
	for ; i < hi; i++ {
		ci := c[i*n : (i+1)*n]
		for l := 0; l < k; l++ {
			x := a[i*k+l]
			bl := b[l*n : (l+1)*n]
			ci := ci[:len(bl)]
			for j, v := range bl {
				ci[j] += complex(real(x)*real(v), imag(x)*real(v))
			}
		}
	}
}

// mulDotRowsRealB sets rows [lo, hi) of c = a·bᵀ, where a has rows of
// length k and b is n×k with only its real parts read.
func mulDotRowsRealB(c, a, b []complex128, k, n, lo, hi int) {
	for i := lo; i < hi; i++ {
		ai := a[i*k : (i+1)*k]
		j := 0
		for ; j+2 <= n; j += 2 {
			b0 := b[j*k : (j+1)*k][:len(ai)]
			b1 := b[(j+1)*k : (j+2)*k][:len(ai)]
			var s0r, s0i, s1r, s1i float64
			for l, x := range ai {
				u, v := real(b0[l]), real(b1[l])
				s0r += real(x) * u
				s0i += imag(x) * u
				s1r += real(x) * v
				s1i += imag(x) * v
			}
			c[i*n+j] = complex(s0r, s0i)
			c[i*n+j+1] = complex(s1r, s1i)
		}
		if j < n {
			bj := b[j*k : (j+1)*k][:len(ai)]
			var sr, si float64
			for l, x := range ai {
				u := real(bj[l])
				sr += real(x) * u
				si += imag(x) * u
			}
			c[i*n+j] = complex(sr, si)
		}
	}
}
