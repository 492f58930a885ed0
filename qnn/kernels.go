package qnn

import "math"

// Inner loops of the Hamiltonian-evolution engine: products of a real
// row-major n×n matrix (an eigenvector matrix V) or a complex one (an SU
// block) with a complex vector, the rank-one accumulation of cotangents,
// and the Daleckii–Krein divided differences of the exponential on the
// imaginary axis. They run per sample and per repetition, so they do not
// allocate; each processes four rows at a time to keep several
// independent sums in flight.

// mulVT sets dst = Vᵀ·x for the real n×n row-major matrix v: dst_k =
// Σ_j v_jk·x_j, accumulated row by row of v (contiguous reads).
func mulVT(dst []complex128, v []float64, x []complex128, n int) {
	dst = dst[:n]
	clear(dst)
	j := 0
	for ; j+4 <= n; j += 4 {
		r0 := v[j*n : j*n+n]
		r1 := v[(j+1)*n : (j+1)*n+n]
		r2 := v[(j+2)*n : (j+2)*n+n]
		r3 := v[(j+3)*n : (j+3)*n+n]
		x0r, x0i := real(x[j]), imag(x[j])
		x1r, x1i := real(x[j+1]), imag(x[j+1])
		x2r, x2i := real(x[j+2]), imag(x[j+2])
		x3r, x3i := real(x[j+3]), imag(x[j+3])
		r0, r1, r2, r3 = r0[:len(dst)], r1[:len(dst)], r2[:len(dst)], r3[:len(dst)]
		for k := range dst {
			a0, a1, a2, a3 := r0[k], r1[k], r2[k], r3[k]
			dst[k] += complex(a0*x0r+a1*x1r+a2*x2r+a3*x3r, a0*x0i+a1*x1i+a2*x2i+a3*x3i)
		}
	}
	for ; j < n; j++ {
		r := v[j*n : j*n+n]
		xr, xi := real(x[j]), imag(x[j])
		r = r[:len(dst)]
		for k := range dst {
			dst[k] += complex(r[k]*xr, r[k]*xi)
		}
	}
}

// mulV sets dst = V·x for the real n×n row-major matrix v: dst_j =
// Σ_k v_jk·x_k, as dot products of rows.
func mulV(dst []complex128, v []float64, x []complex128, n int) {
	x = x[:n]
	j := 0
	for ; j+4 <= n; j += 4 {
		r0 := v[j*n : j*n+n]
		r1 := v[(j+1)*n : (j+1)*n+n]
		r2 := v[(j+2)*n : (j+2)*n+n]
		r3 := v[(j+3)*n : (j+3)*n+n]
		r0, r1, r2, r3 = r0[:len(x)], r1[:len(x)], r2[:len(x)], r3[:len(x)]
		var s0r, s0i, s1r, s1i, s2r, s2i, s3r, s3i float64
		for k, xk := range x {
			xr, xi := real(xk), imag(xk)
			s0r += r0[k] * xr
			s0i += r0[k] * xi
			s1r += r1[k] * xr
			s1i += r1[k] * xi
			s2r += r2[k] * xr
			s2i += r2[k] * xi
			s3r += r3[k] * xr
			s3i += r3[k] * xi
		}
		dst[j] = complex(s0r, s0i)
		dst[j+1] = complex(s1r, s1i)
		dst[j+2] = complex(s2r, s2i)
		dst[j+3] = complex(s3r, s3i)
	}
	for ; j < n; j++ {
		r := v[j*n : j*n+n]
		r = r[:len(x)]
		var sr, si float64
		for k, xk := range x {
			sr += r[k] * real(xk)
			si += r[k] * imag(xk)
		}
		dst[j] = complex(sr, si)
	}
}

// mulC sets dst = U·x for the complex n×n row-major matrix u.
func mulC(dst, u, x []complex128, n int) {
	x = x[:n]
	j := 0
	for ; j+4 <= n; j += 4 {
		r0 := u[j*n : j*n+n]
		r1 := u[(j+1)*n : (j+1)*n+n]
		r2 := u[(j+2)*n : (j+2)*n+n]
		r3 := u[(j+3)*n : (j+3)*n+n]
		r0, r1, r2, r3 = r0[:len(x)], r1[:len(x)], r2[:len(x)], r3[:len(x)]
		var s0r, s0i, s1r, s1i, s2r, s2i, s3r, s3i float64
		for k, xk := range x {
			xr, xi := real(xk), imag(xk)
			a, b, c, d := r0[k], r1[k], r2[k], r3[k]
			s0r += real(a)*xr - imag(a)*xi
			s0i += real(a)*xi + imag(a)*xr
			s1r += real(b)*xr - imag(b)*xi
			s1i += real(b)*xi + imag(b)*xr
			s2r += real(c)*xr - imag(c)*xi
			s2i += real(c)*xi + imag(c)*xr
			s3r += real(d)*xr - imag(d)*xi
			s3i += real(d)*xi + imag(d)*xr
		}
		dst[j] = complex(s0r, s0i)
		dst[j+1] = complex(s1r, s1i)
		dst[j+2] = complex(s2r, s2i)
		dst[j+3] = complex(s3r, s3i)
	}
	for ; j < n; j++ {
		r := u[j*n : j*n+n]
		r = r[:len(x)]
		var s complex128
		for k, xk := range x {
			s += r[k] * xk
		}
		dst[j] = s
	}
}

// outerSum sets the complex n×n row-major matrix k to Σ_r a_r·y_r† over
// the reps vectors a_r = a[r·n : (r+1)·n] and y_r likewise:
// k_jl = Σ_r a_rj·conj(y_rl). Each row of k is finished before the next,
// so k is written once.
func outerSum(k, a, y []complex128, n, reps int) {
	for j := 0; j < n; j++ {
		row := k[j*n : j*n+n]
		clear(row)
		for r := 0; r < reps; r++ {
			ar, ai := real(a[r*n+j]), imag(a[r*n+j])
			yr := y[r*n : r*n+n]
			yr = yr[:len(row)]
			for l, yl := range yr {
				row[l] += complex(ar*real(yl)+ai*imag(yl), ai*real(yl)-ar*imag(yl))
			}
		}
	}
}

// closeGap is the eigenvalue gap below which divided differences switch
// from the difference quotient to the series of sin(δ)/δ. The quotient
// loses about eps/gap relative accuracy (≤ 3e-13 here); the series,
// truncated after δ⁴, errs by δ⁶/5040 ≤ 1e-24.
const closeGap = 1e-3

// divDiff returns the divided difference of the exponential at the
// imaginary points i·α_j and i·α_k, Φ = (e^{iα_j} − e^{iα_k}) /
// (i·(α_j − α_k)), given e_j = e^{iα_j} and e_k = e^{iα_k}; when the
// points coincide it is the derivative e^{iα_j}. Close points use
// Φ = e^{i(α_j+α_k)/2}·sin(δ)/δ with δ = (α_j − α_k)/2, which has no
// cancellation (N. J. Higham, Functions of Matrices, SIAM 2008, §10.2).
func divDiff(aj, ak float64, ej, ek complex128) complex128 {
	d := aj - ak
	if math.Abs(d) >= closeGap {
		de := ej - ek
		return complex(imag(de)/d, -real(de)/d)
	}
	h := d / 2
	h2 := h * h
	sinc := 1 - h2/6*(1-h2/20)
	sn, cs := math.Sincos((aj + ak) / 2)
	return complex(cs*sinc, sn*sinc)
}

// addExpAdjoint adds to the real symmetric n×n matrix s (both triangles)
// the term θ·sym(Im(conj(Φ) ∘ K)), where Φ_jl = divDiff(α_j, α_l) for
// α = θ·w and e = e^{iα}: the gradient, in the eigenbasis of H, of a real
// loss through exp(iθH) whose cotangent there is K (see evolve.go).
// Φ is symmetric, so sym(Im(conj(Φ) ∘ K))_jl = Im(conj(Φ_jl)·(K_jl + K_lj))/2
// and only the upper triangle is evaluated.
func addExpAdjoint(s []float64, k []complex128, alpha []float64, e []complex128, theta float64, n int) {
	half := theta / 2
	for j := 0; j < n; j++ {
		aj, ej := alpha[j], e[j]
		for l := j; l < n; l++ {
			phi := divDiff(aj, alpha[l], ej, e[l])
			z := k[j*n+l] + k[l*n+j]
			v := half * (real(phi)*imag(z) - imag(phi)*real(z))
			s[j*n+l] += v
			if l != j {
				s[l*n+j] += v
			}
		}
	}
}
