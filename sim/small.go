package sim

import (
	"math"
	"math/cmplx"
)

// Small dense matrices on []complex128, row-major d×d: the block and
// member matrices of fused blocks (d ≤ 2^FuseMax, or a single op's 2ᵏ).
// Destinations never alias operands.

func conj(z complex128) complex128 { return complex(real(z), -imag(z)) }

func setIdentity(m []complex128, d int) {
	clear(m[:d*d])
	for i := 0; i < d; i++ {
		m[i*d+i] = 1
	}
}

// mul sets dst = a·b.
func mul(dst, a, b []complex128, d int) {
	if d == 2 {
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		dst[0], dst[1] = a0*b0+a1*b2, a0*b1+a1*b3
		dst[2], dst[3] = a2*b0+a3*b2, a2*b1+a3*b3
		return
	}
	for i := 0; i < d; i++ {
		row := dst[i*d : (i+1)*d]
		clear(row)
		for l := 0; l < d; l++ {
			ail := a[i*d+l]
			if ail == 0 {
				continue
			}
			bl := b[l*d : (l+1)*d]
			for j := range row {
				row[j] += ail * bl[j]
			}
		}
	}
}

// mulAdj sets dst = a·b†.
func mulAdj(dst, a, b []complex128, d int) {
	if d == 2 {
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 := conj(b[0]), conj(b[1]), conj(b[2]), conj(b[3])
		dst[0], dst[1] = a0*b0+a1*b1, a0*b2+a1*b3
		dst[2], dst[3] = a2*b0+a3*b1, a2*b2+a3*b3
		return
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			var s complex128
			for l := 0; l < d; l++ {
				s += a[i*d+l] * cmplx.Conj(b[j*d+l])
			}
			dst[i*d+j] = s
		}
	}
}

// adjMul sets dst = a†·b.
func adjMul(dst, a, b []complex128, d int) {
	if d == 2 {
		a0, a1, a2, a3 := conj(a[0]), conj(a[1]), conj(a[2]), conj(a[3])
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		dst[0], dst[1] = a0*b0+a2*b2, a0*b1+a2*b3
		dst[2], dst[3] = a1*b0+a3*b2, a1*b1+a3*b3
		return
	}
	clear(dst[:d*d])
	for l := 0; l < d; l++ {
		for i := 0; i < d; i++ {
			ali := cmplx.Conj(a[l*d+i])
			if ali == 0 {
				continue
			}
			row := dst[i*d : (i+1)*d]
			bl := b[l*d : (l+1)*d]
			for j := range row {
				row[j] += ali * bl[j]
			}
		}
	}
}

// adjoint sets dst = a†.
func adjoint(dst, a []complex128, d int) {
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			dst[j*d+i] = cmplx.Conj(a[i*d+j])
		}
	}
}

// addTo adds a to dst.
func addTo(dst, a []complex128) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] += a[i]
	}
}

// embed writes into dst (block space, d×d) the matrix src of a member on
// some of the block's wires, identity on the others.
func embed(dst, src []complex128, m *member, d int) {
	dm := 1 << uint(m.k)
	for a := 0; a < d; a++ {
		for c := 0; c < d; c++ {
			v := complex128(0)
			if m.rest[a] == m.rest[c] {
				v = src[m.alpha[a]*dm+m.alpha[c]]
			}
			dst[a*d+c] = v
		}
	}
}

// reduce sets dst (member space) to the partial trace of src (block space)
// over the block wires the member does not act on: the cotangent of the
// member's matrix when src is that of its embedding.
func reduce(dst, src []complex128, m *member, d int) {
	dm := 1 << uint(m.k)
	clear(dst[:dm*dm])
	for a := 0; a < d; a++ {
		for c := 0; c < d; c++ {
			if m.rest[a] == m.rest[c] {
				dst[m.alpha[a]*dm+m.alpha[c]] += src[a*d+c]
			}
		}
	}
}

// unitaryTol bounds how far a matrix from a numerical method (or from a
// gate outside package gate) may be from unitary.
const unitaryTol = 1e-8

// notUnitary reports whether u (d×d) fails to preserve the norm of two
// fixed test vectors within unitaryTol, or holds NaN or Inf. For a unitary
// matrix the norms are preserved exactly up to rounding; a non-unitary one
// changes them except on a set of measure zero.
func notUnitary(u []complex128, d int) bool {
	for t := 0; t < 2; t++ {
		var in, out float64
		for i := 0; i < d; i++ {
			var s complex128
			for j := 0; j < d; j++ {
				s += u[i*d+j] * testVec(j, t)
			}
			out += real(s)*real(s) + imag(s)*imag(s)
			v := testVec(i, t)
			in += real(v)*real(v) + imag(v)*imag(v)
		}
		if math.IsNaN(out) || math.IsInf(out, 0) || math.Abs(out/in-1) > unitaryTol {
			return true
		}
	}
	return false
}

// testVec returns entry j of test vector t: distinct magnitudes and phases.
func testVec(j, t int) complex128 {
	x := float64(j+1) * (0.7 + 0.3*float64(t))
	return complex(1+0.5*math.Sin(1.3*x), 0) * cmplx.Exp(complex(0, 2.1*x+float64(t)))
}

// finite reports whether every value is finite.
func finite(v []float64) (int, bool) {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i, false
		}
	}
	return -1, true
}
