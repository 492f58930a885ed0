package cmat

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// ErrNotHermitian is returned (wrapped) for an input to EigHermitian or
// EigSym that is not Hermitian (symmetric) within HermitianTol, or that
// holds NaN or Inf.
var ErrNotHermitian = errors.New("matrix is not Hermitian")

// ErrNoConvergence is returned (wrapped) when the tridiagonal QL/QR
// iteration fails to converge.
var ErrNoConvergence = errors.New("eigenvalue iteration did not converge")

// HermitianTol is the relative tolerance of the Hermitian check of the
// eigensolvers: an input passes when max|a_ij − conj(a_ji)| ≤
// HermitianTol·max|a_ij|. Only the lower triangle is used afterwards.
const HermitianTol = 1e-10

// EigSolver computes eigendecompositions while keeping its scratch space
// between calls, so that repeated decompositions of matrices of one size
// do not allocate. The zero value is ready to use. An EigSolver must not be
// used by several goroutines at once; give each goroutine its own.
type EigSolver struct {
	h    []complex128 // the reduced matrix and the Householder vectors
	tau  []complex128
	row  []complex128
	d, e []float64
	z    []float64
	taur []float64 // the real reflectors of Sym
	work []float64
}

// EigHermitian returns the eigenvalues of the Hermitian matrix a in
// ascending order and a unitary matrix v whose column k is an eigenvector
// for w[k]: a = v·diag(w)·v†. It is a convenience wrapper of
// EigSolver.Hermitian that allocates the results.
func EigHermitian(a *Dense) (w []float64, v *Dense, err error) {
	var s EigSolver
	w = make([]float64, a.Rows)
	v = New(a.Rows, a.Cols)
	if err := s.Hermitian(w, v, a); err != nil {
		return nil, nil, err
	}
	return w, v, nil
}

// EigSym returns the eigenvalues of the real symmetric n×n matrix a
// (row-major) in ascending order and the row-major n×n orthogonal matrix v
// whose column k is an eigenvector for w[k]: a = v·diag(w)·vᵀ. It is a
// convenience wrapper of EigSolver.Sym that allocates the results.
func EigSym(n int, a []float64) (w []float64, v []float64, err error) {
	var s EigSolver
	w = make([]float64, n)
	v = make([]float64, n*n)
	if err := s.Sym(w, v, n, a); err != nil {
		return nil, nil, err
	}
	return w, v, nil
}

// Hermitian computes the eigendecomposition a = v·diag(w)·v† of the n×n
// Hermitian matrix a: w receives the eigenvalues in ascending order and the
// columns of v orthonormal eigenvectors. a is not modified; w must have
// length n and v be n×n, else Hermitian panics. It returns an error
// wrapping ErrNotHermitian when a is not Hermitian within HermitianTol (or
// holds NaN or Inf), and one wrapping ErrNoConvergence when the iteration
// fails; w and v are then unspecified.
//
// The method is LAPACK's zheev: the lower triangle is reduced to a real
// symmetric tridiagonal matrix T = Q†·a·Q by n−2 complex Householder
// reflections (zhetd2; each reflector is chosen, as by zlarfg, so that the
// subdiagonal element it produces is real, which absorbs the phases),
// T = Z·diag(w)·Zᵀ is diagonalised by the implicit QL/QR iteration of
// LAPACK's dsteqr (see steqr), and v = Q·Z is formed by pushing each
// eigenvector of T through the reflectors. Reusing s for matrices of one
// size does not allocate for n < 64; from n = 64 on, the back-transform
// is split over internal/parfor, which allocates only goroutine
// bookkeeping.
func (s *EigSolver) Hermitian(w []float64, v *Dense, a *Dense) error {
	square(a, "EigHermitian")
	n := a.Rows
	if len(w) != n || v.Rows != n || v.Cols != n || len(v.Data) != n*n {
		panic(fmt.Sprintf("cmat: EigHermitian: %d eigenvalues and a %d×%d eigenvector matrix for a %d×%d matrix", len(w), v.Rows, v.Cols, n, n))
	}
	noOverlap(v, a, "EigHermitian")
	if n == 0 {
		return nil
	}
	def, scale := hermitianDefect(a), MaxAbs(a)
	if !(def <= HermitianTol*scale) || math.IsInf(scale, 0) {
		return fmt.Errorf("cmat: EigHermitian of a %d×%d matrix: max |a_ij − conj(a_ji)| = %.3g for max |a_ij| = %.3g: %w", n, n, def, scale, ErrNotHermitian)
	}
	// Like zheev, scale a matrix whose elements are tiny or huge into a
	// range where the reflectors cannot underflow or overflow.
	sigma := 1.0
	if scale > 0 && (scale < 0x1p-500 || scale > 0x1p500) {
		sigma = 1 / scale
	}
	s.grow(n)
	h := s.h[:n*n]
	for i := 0; i < n; i++ {
		row := a.Data[i*n : i*n+i]
		hr := h[i*n : i*n+i]
		for j, x := range row {
			if sigma != 1 {
				x = complex(real(x)*sigma, imag(x)*sigma)
			}
			hr[j] = x
		}
		h[i*n+i] = complex(real(a.Data[i*n+i])*sigma, 0)
	}
	d, e, tau := s.d[:n], s.e[:n], s.tau[:n]
	hetrd(h, n, d, e[:n-1], tau, s.row[:n])
	z := s.z[:n*n]
	clear(z)
	for i := 0; i < n; i++ {
		z[i*n+i] = 1
	}
	if !steqr(n, d, e[:n-1], z, s.work) {
		return fmt.Errorf("cmat: EigHermitian of a %d×%d matrix: %w", n, n, ErrNoConvergence)
	}
	for k, x := range d {
		w[k] = x / sigma
	}
	// Row k of v.Data is eigenvector k of T; push each through Q, then
	// transpose so that the eigenvectors become columns.
	for k := 0; k < n; k++ {
		for r := 0; r < n; r++ {
			v.Data[k*n+r] = complex(z[r*n+k], 0)
		}
	}
	if n*n*n < 2*parallelWork {
		applyQRows(v.Data, h, tau, n, 0, n)
	} else {
		vd := v.Data
		parfor.For(n, 0, max(4, 2*parallelWork/(n*n)), func(_, lo, hi int) {
			applyQRows(vd, h, tau, n, lo, hi)
		})
	}
	TransposeTo(v, v)
	return nil
}

// Sym computes the eigendecomposition a = v·diag(w)·vᵀ of the real
// symmetric n×n matrix a (row-major, length n²): w receives the eigenvalues
// in ascending order and the columns of v (row-major, length n²)
// orthonormal eigenvectors. a is not modified. Errors are as for
// Hermitian. The method is LAPACK's dsyev: gonum's blocked Dsytrd and
// Dorgtr, then the QL/QR iteration of steqr, whose row-wise rotations made
// it about 1.6 times as fast as gonum's Dsyev at n = 128 (BenchmarkEigSym).
// Reusing s for matrices of one size does not allocate.
func (s *EigSolver) Sym(w, v []float64, n int, a []float64) error {
	if n < 0 || len(a) != n*n || len(w) != n || len(v) != n*n {
		panic(fmt.Sprintf("cmat: EigSym: n = %d with %d values, %d eigenvalues and %d eigenvector values", n, len(a), len(w), len(v)))
	}
	if n == 0 {
		return nil
	}
	def, scale := 0.0, 0.0
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			x, y := a[i*n+j], a[j*n+i]
			def = max(def, math.Abs(x-y))
			scale = max(scale, math.Abs(x), math.Abs(y))
		}
	}
	if !(def <= HermitianTol*scale) || math.IsInf(scale, 0) {
		return fmt.Errorf("cmat: EigSym of a %d×%d matrix: max |a_ij − a_ji| = %.3g for max |a_ij| = %.3g: %w", n, n, def, scale, ErrNotHermitian)
	}
	sigma := 1.0
	if scale > 0 && (scale < 0x1p-500 || scale > 0x1p500) {
		sigma = 1 / scale
	}
	for k, x := range a {
		v[k] = x * sigma
	}
	impl := gonum.Implementation{}
	if len(s.work) < 1 {
		s.work = make([]float64, 1)
	}
	if len(s.e) < n {
		s.e = make([]float64, n)
	}
	if len(s.taur) < n {
		s.taur = make([]float64, n)
	}
	e, tau := s.e[:n-1], s.taur[:max(n-1, 1)]
	impl.Dsytrd(blas.Lower, n, v, n, w, e, tau, s.work, -1)
	lwork := int(s.work[0])
	impl.Dorgtr(blas.Lower, n, v, n, tau, s.work, -1)
	lwork = max(lwork, int(s.work[0]), 2*n-2, 1)
	if len(s.work) < lwork {
		s.work = make([]float64, lwork)
	}
	impl.Dsytrd(blas.Lower, n, v, n, w, e, tau, s.work, lwork)
	impl.Dorgtr(blas.Lower, n, v, n, tau, s.work, lwork)
	if !steqr(n, w, e, v, s.work) {
		return fmt.Errorf("cmat: EigSym of a %d×%d matrix: %w", n, n, ErrNoConvergence)
	}
	if sigma != 1 {
		for k := range w {
			w[k] /= sigma
		}
	}
	return nil
}

// grow makes the scratch space of Hermitian large enough for n×n
// matrices.
func (s *EigSolver) grow(n int) {
	if len(s.h) < n*n {
		s.h = make([]complex128, n*n)
		s.tau = make([]complex128, n)
		s.row = make([]complex128, n)
		s.d = make([]float64, n)
		s.e = make([]float64, n)
		s.z = make([]float64, n*n)
	}
	if len(s.work) < max(1, 2*n-2) {
		s.work = make([]float64, max(1, 2*n-2))
	}
}

// hetrd reduces the Hermitian n×n matrix h, given by its lower triangle
// (row-major; only the real part of the diagonal is read), to real
// symmetric tridiagonal form T = Q†·h·Q with Q = H_0·H_1···H_{n−2}, H_i = I − τ_i·u_i·u_i†, as
// LAPACK's zhetd2 with uplo = 'L'. Only the lower triangle is read and
// updated, so each step costs about two complex multiply-adds per element
// of the trailing triangle. On return d and e hold the diagonal and
// subdiagonal of T, tau[i] = τ_i, and row i of h holds u_i in columns
// i+1..n−1 (u_i has a leading 1 and acts on indices i+1..n−1). x is
// scratch of length n.
func hetrd(h []complex128, n int, d, e []float64, tau, x []complex128) {
	for i := 0; i < n-1; i++ {
		m := n - i - 1
		// Gather column i below the diagonal into row i, right of it.
		u := h[i*n+i+1 : (i+1)*n]
		for r := range u {
			u[r] = h[(i+1+r)*n+i]
		}
		beta, t := larfg(u)
		e[i], tau[i] = beta, t
		d[i] = real(h[i*n+i])
		if t == 0 {
			continue
		}
		// x = τ·A22·u, reading each element of the lower triangle of A22
		// once for its own row and once, conjugated, for its column.
		xs := x[:m]
		clear(xs)
		for r := 0; r < m; r++ {
			row := h[(i+1+r)*n+i+1 : (i+1+r)*n+i+1+r]
			ur := u[r]
			var ar, ai float64
			for c, a := range row {
				uc := u[c]
				ar += real(a)*real(uc) - imag(a)*imag(uc)
				ai += real(a)*imag(uc) + imag(a)*real(uc)
				xs[c] += complex(real(a)*real(ur)+imag(a)*imag(ur), real(a)*imag(ur)-imag(a)*real(ur))
			}
			diag := real(h[(i+1+r)*n+i+1+r])
			xs[r] += complex(ar+diag*real(ur), ai+diag*imag(ur))
		}
		// α = −½·τ·(x†u) with x = τ·A22·u; then x += α·u.
		var xu complex128
		for r := range xs {
			xs[r] *= t
			xu += cj(xs[r]) * u[r]
		}
		alpha := -0.5 * t * xu
		for r := range xs {
			xs[r] += alpha * u[r]
		}
		// A22 −= u·x† + x·u† on the lower triangle.
		for r := 0; r < m; r++ {
			row := h[(i+1+r)*n+i+1 : (i+1+r)*n+i+2+r]
			ur, xr := u[r], xs[r]
			for c := range row {
				row[c] -= ur*cj(xs[c]) + xr*cj(u[c])
			}
		}
	}
	d[n-1] = real(h[(n-1)*n+n-1])
}

// larfg generates an elementary reflector H = I − τ·u·u† with H†·x =
// (β, 0, …, 0) and β real, as LAPACK's zlarfg. On entry x[0] is α and
// x[1:] the rest; on return x[0] = 1 and x[1:] holds u[1:]. τ = 0 (H = I)
// when x[1:] is zero and α is real. The caller keeps the elements far from
// under- and overflow (EigSolver.Hermitian scales its input).
func larfg(x []complex128) (beta float64, tau complex128) {
	alpha := x[0]
	ss := 0.0
	for _, v := range x[1:] {
		ss += real(v)*real(v) + imag(v)*imag(v)
	}
	xnorm := math.Sqrt(ss)
	ar, ai := real(alpha), imag(alpha)
	x[0] = 1
	if xnorm == 0 && ai == 0 {
		return ar, 0
	}
	beta = -math.Copysign(math.Hypot(math.Hypot(ar, ai), xnorm), ar)
	tau = complex((beta-ar)/beta, -ai/beta)
	scale := 1 / (alpha - complex(beta, 0))
	for k := 1; k < len(x); k++ {
		x[k] *= scale
	}
	return beta, tau
}

// applyQRows overwrites rows [lo, hi) of the n×n matrix y with y·Qᵀ, where
// Q = H_0···H_{n−2} is stored by hetrd in h and tau: row y_k becomes
// (Q·y_kᵀ)ᵀ. Each row is independent and is pushed through all reflectors
// while it sits in cache; y·H_iᵀ = y − τ_i·(y·conj(u_i))·u_iᵀ.
func applyQRows(y, h []complex128, tau []complex128, n, lo, hi int) {
	for k := lo; k < hi; k++ {
		row := y[k*n : (k+1)*n]
		for i := n - 2; i >= 0; i-- {
			t := tau[i]
			if t == 0 {
				continue
			}
			u := h[i*n+i+1 : (i+1)*n]
			seg := row[i+1:][:len(u)]
			var sr, si float64
			for r, a := range seg {
				b := u[r]
				sr += real(a)*real(b) + imag(a)*imag(b)
				si += imag(a)*real(b) - real(a)*imag(b)
			}
			f := t * complex(sr, si)
			if f == 0 {
				continue
			}
			for r, b := range u {
				seg[r] -= f * b
			}
		}
	}
}
