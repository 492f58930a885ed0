package qnn

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// SU blocks shared by the layers of this package: exp(i·Σ_m θ_m P_m) over
// the Pauli basis of k wires (pauli.Words order, PennyLane's
// SpecialUnitary), with its exact vector-Jacobian product.
//
// With real θ (the default) the generator A = Σθ_m P_m is Hermitian and the
// block is unitary; it is held in eigendecomposed form (cmat.ExpHermitian),
// so that the backward pass needs one Fréchet adjoint and one projection
// per block whatever the batch size. With complex θ = a + ib (the
// NonUnitary reproduction option) the generator is not Hermitian: the block
// is the general exponential cmat.Expm(i·A) and its Fréchet derivative comes
// from expmFrechet.

// suBlock is one block exp(i·Σ_m θ_m P_m) on k wires.
type suBlock struct {
	d       int               // 2ᵏ
	complex bool              // θ = a + ib (non-unitary) rather than real θ
	u, uAdj *cmat.Dense       // the block and its adjoint
	exp     cmat.ExpHermitian // real θ: exp(i·A) in eigendecomposed form
	a       *cmat.Dense       // real θ: scratch for A; complex θ: the exponent i·A
	w       []float64         // real θ: eigenvalues of A (backs exp.W)
	v       *cmat.Dense       // real θ: eigenvectors of A (backs exp.V)
	work, m *cmat.Dense       // scratch for the VJP
	proj    []float64         // scratch for pauli.Project
}

// newSUBlock returns a block on k wires; complex selects the non-unitary
// parameterisation.
func newSUBlock(k int, complex bool) *suBlock {
	d := 1 << k
	s := &suBlock{
		d: d, complex: complex,
		u: cmat.New(d, d), uAdj: cmat.New(d, d), a: cmat.New(d, d),
		work: cmat.New(d, d), m: cmat.New(d, d), proj: make([]float64, d*d-1),
	}
	if !complex {
		s.w = make([]float64, d)
		s.v = cmat.New(d, d)
		s.exp = cmat.ExpHermitian{W: s.w, V: s.v, S: 1i}
	}
	return s
}

// set computes the block for the coefficients re (and im when the block is
// complex; im is ignored otherwise), using solver for the Hermitian
// eigendecomposition. A decomposition that fails (non-finite
// coefficients) leaves a block of NaN, so that the failure shows in the
// layer's output instead of passing silently.
func (s *suBlock) set(re, im []float64, solver *cmat.EigSolver) {
	if !s.complex {
		pauli.Combine(s.a, re)
		if err := solver.Hermitian(s.w, s.v, s.a); err != nil {
			fillNaNC(s.u.Data)
			fillNaNC(s.uAdj.Data)
			fillNaN(s.w)
			fillNaNC(s.v.Data)
			return
		}
		s.exp.ExpTo(s.u, s.work)
		cmat.AdjointTo(s.uAdj, s.u)
		return
	}
	combineComplex(s.a, s.work, re, im)
	// a = i·(A_re + i·A_im)
	for j, v := range s.a.Data {
		s.a.Data[j] = complex(-imag(v), real(v))
	}
	cmat.CopyTo(s.u, cmat.Expm(s.a))
	cmat.AdjointTo(s.uAdj, s.u)
}

// vjp adds the gradient of a real loss L with respect to the coefficients
// to gre (and gim for a complex block), given ubar, the cotangent of the
// block matrix: dL = Re Σ_ab conj(ubar_ab)·dU_ab. It must follow set.
//
// Real θ: dU = L(iA, i·dA), so the gradient is Project(−i·L*(ubar)) with
// L* the adjoint Fréchet derivative (Daleckii–Krein, in the eigenbasis).
// Complex θ: with the exponent X = i·A, dX = i·(da + i·db)·P and
// L(X, ·)* = L(X†, ·), so with M = L(X†, ubar) the gradients are
// Project(−i·M) for a and Project(−M) for b.
func (s *suBlock) vjp(gre, gim []float64, ubar *cmat.Dense) {
	var m *cmat.Dense
	if !s.complex {
		m = s.exp.FrechetAdjointTo(s.m, ubar, s.work)
	} else {
		cmat.AdjointTo(s.work, s.a)
		_, m = expmFrechet(s.work, ubar)
	}
	for j, v := range m.Data {
		m.Data[j] = complex(imag(v), -real(v)) // −i·M
	}
	pauli.Project(s.proj, m)
	for j, v := range s.proj {
		gre[j] += v
	}
	if !s.complex {
		return
	}
	for j, v := range m.Data {
		m.Data[j] = complex(-imag(v), real(v)) // i·(−i·M) = M
	}
	pauli.Project(s.proj, m)
	for j, v := range s.proj {
		gim[j] -= v
	}
}

// combineComplex sets dst = Σ_m (re_m + i·im_m)·P_m, using work (same
// shape) as scratch.
func combineComplex(dst, work *cmat.Dense, re, im []float64) {
	pauli.Combine(dst, re)
	pauli.Combine(work, im)
	for j, v := range work.Data {
		dst.Data[j] += complex(-imag(v), real(v)) // i·v
	}
}

// expmFrechet returns e^A and the Fréchet derivative of the exponential at
// A in the direction E, L(A, E) = d/dε e^{A+εE} at ε = 0, for any square
// complex A and E of the same size. It uses the block-triangular identity
//
//	exp([[A, E], [0, A]]) = [[e^A, L(A, E)], [0, e^A]]
//
// (N. J. Higham, Functions of Matrices, SIAM 2008, Thm. 3.6 and eq. (3.16);
// R. Mathias, SIAM J. Matrix Anal. Appl. 17(3), 1996), evaluated by
// cmat.Expm on the 2n×2n matrix. The adjoint of L(A, ·) under the
// Frobenius inner product is L(A†, ·).
func expmFrechet(a, e *cmat.Dense) (expA, l *cmat.Dense) {
	n := a.Rows
	if a.Cols != n || e.Rows != n || e.Cols != n {
		panic(fmt.Sprintf("qnn: expmFrechet of %d×%d and %d×%d matrices (need equal square sizes)",
			a.Rows, a.Cols, e.Rows, e.Cols))
	}
	big := cmat.New(2*n, 2*n)
	for i := 0; i < n; i++ {
		copy(big.Data[i*2*n:i*2*n+n], a.Data[i*n:(i+1)*n])
		copy(big.Data[i*2*n+n:(i+1)*2*n], e.Data[i*n:(i+1)*n])
		copy(big.Data[(n+i)*2*n+n:(n+i+1)*2*n], a.Data[i*n:(i+1)*n])
	}
	x := cmat.Expm(big)
	expA, l = cmat.New(n, n), cmat.New(n, n)
	for i := 0; i < n; i++ {
		copy(expA.Data[i*n:(i+1)*n], x.Data[i*2*n:i*2*n+n])
		copy(l.Data[i*n:(i+1)*n], x.Data[i*2*n+n:(i+1)*2*n])
	}
	return expA, l
}

// fillNaN sets every element of x to NaN.
func fillNaN(x []float64) {
	for i := range x {
		x[i] = math.NaN()
	}
}

// fillNaNC sets every element of x to NaN + i·NaN.
func fillNaNC(x []complex128) {
	nan := complex(math.NaN(), math.NaN())
	for i := range x {
		x[i] = nan
	}
}
