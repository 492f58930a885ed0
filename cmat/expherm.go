package cmat

import (
	"fmt"
	"math/cmplx"
)

// ExpHermitian is the exponential U = exp(S·H) of a scalar multiple of a
// Hermitian matrix H = V·diag(W)·V†, held in eigendecomposed form, with
// the Fréchet derivative of the exponential at S·H and its adjoint. The
// usual scalars are S = i·t (U = e^{iHt}) and S = −i·t/2; any complex S
// works. The fields may be filled directly (from EigHermitian or EigSym);
// V must be unitary. The methods only read the fields, so one value may be
// shared by goroutines.
type ExpHermitian struct {
	W []float64  // eigenvalues of H
	V *Dense     // unitary matrix whose column k is an eigenvector for W[k]
	S complex128 // the scalar multiplying H in the exponent
}

// NewExpHermitian returns exp(s·h) for the Hermitian matrix h, by
// EigHermitian. The error is EigHermitian's.
func NewExpHermitian(h *Dense, s complex128) (*ExpHermitian, error) {
	w, v, err := EigHermitian(h)
	if err != nil {
		return nil, err
	}
	return &ExpHermitian{W: w, V: v, S: s}, nil
}

// NewExpSym returns exp(s·h) for the real symmetric n×n matrix h
// (row-major), by EigSym. The error is EigSym's.
func NewExpSym(n int, h []float64, s complex128) (*ExpHermitian, error) {
	w, v, err := EigSym(n, h)
	if err != nil {
		return nil, err
	}
	return &ExpHermitian{W: w, V: NewReal(n, n, v), S: s}, nil
}

// Exp returns U = V·diag(exp(S·W))·V†.
func (e *ExpHermitian) Exp() *Dense { return e.ExpTo(nil, nil) }

// ExpTo sets dst = V·diag(exp(S·W))·V† and returns it. dst and work are
// n×n (nil allocates) and must be distinct from each other and from V. It
// does not allocate when both are given (below the parallel threshold of
// MulTo).
func (e *ExpHermitian) ExpTo(dst, work *Dense) *Dense {
	n := e.check("ExpHermitian.ExpTo")
	dst = prepare(dst, n, n, "ExpHermitian.ExpTo")
	work = prepare(work, n, n, "ExpHermitian.ExpTo")
	e.distinct(dst, work, "ExpHermitian.ExpTo")
	ex := dst.Data[:n] // exp(S·w_k), kept in dst until the last product
	for k, w := range e.W {
		ex[k] = cmplx.Exp(e.S * complex(w, 0))
	}
	for i := 0; i < n; i++ {
		vi := e.V.Data[i*n : (i+1)*n]
		wi := work.Data[i*n : (i+1)*n][:len(vi)]
		for k, x := range vi {
			wi[k] = x * ex[k]
		}
	}
	if isReal(e.V) {
		mulRealBTo(dst, work, e.V, true)
		return dst
	}
	return MulAdjTo(dst, work, e.V)
}

// Frechet returns the Fréchet derivative of the exponential at S·H in the
// direction E: L(S·H, E) = d/dε exp(S·H + ε·E) at ε = 0. E is any complex
// n×n matrix (it is added to S·H, so it is not scaled by S).
func (e *ExpHermitian) Frechet(E *Dense) *Dense { return e.FrechetTo(nil, E, nil) }

// FrechetTo sets dst = L(S·H, E) and returns it; see Frechet. dst and work
// are n×n (nil allocates) and must be distinct from each other, from E and
// from V. It does not allocate when both are given (below the parallel
// threshold of MulTo).
//
// It uses the Daleckii–Krein formula (N. J. Higham, Functions of Matrices,
// SIAM 2008, Thm. 3.11 and eq. (10.15); I. Najfeld and T. F. Havel,
// "Derivatives of the matrix exponential and their computation", Adv.
// Appl. Math. 16, 1995): with λ_j = S·w_j,
//
//	L(S·H, E) = V·(Φ ∘ (V†·E·V))·V†,  Φ_jk = (e^{λ_j} − e^{λ_k}) / (λ_j − λ_k),
//
// and Φ_jk = e^{λ_j} when λ_j = λ_k. With δ = (λ_j − λ_k)/2 and
// |Re δ| + |Im δ| < 1 it is evaluated as e^{λ_j/2}·e^{λ_k/2}·sinh(δ)/δ with
// the Taylor series of sinh(δ)/δ, which has no cancellation, so equal and
// nearly equal eigenvalues are accurate to rounding. When V is real (as
// from EigSym or from a real symmetric H), the four products multiply by a
// real factor, at about half the cost.
func (e *ExpHermitian) FrechetTo(dst, E, work *Dense) *Dense {
	return e.frechet(dst, E, work, false, "ExpHermitian.FrechetTo")
}

// FrechetAdjoint returns the adjoint of the map E ↦ L(S·H, E) under the
// Frobenius inner product: the matrix M with ⟨G, L(S·H, E)⟩ = ⟨M, E⟩ for
// every E (so also Re⟨G, L⟩ = Re⟨M, E⟩, the form used to pull a gradient
// G = ∂f/∂U back to the exponent). M = V·(conj(Φ) ∘ (V†·G·V))·V†.
func (e *ExpHermitian) FrechetAdjoint(G *Dense) *Dense { return e.FrechetAdjointTo(nil, G, nil) }

// FrechetAdjointTo sets dst to FrechetAdjoint(G) and returns it, with the
// buffer rules of FrechetTo.
func (e *ExpHermitian) FrechetAdjointTo(dst, G, work *Dense) *Dense {
	return e.frechet(dst, G, work, true, "ExpHermitian.FrechetAdjointTo")
}

func (e *ExpHermitian) frechet(dst, E, work *Dense, adjoint bool, op string) *Dense {
	n := e.check(op)
	if E.Rows != n || E.Cols != n {
		panic(fmt.Sprintf("cmat: %s: direction is %d×%d, want %d×%d", op, E.Rows, E.Cols, n, n))
	}
	dst = prepare(dst, n, n, op)
	work = prepare(work, n, n, op)
	e.distinct(dst, work, op)
	noOverlap(dst, E, op)
	noOverlap(work, E, op)
	if n == 1 {
		phi := cmplx.Exp(e.S * complex(e.W[0], 0))
		if adjoint {
			phi = cj(phi)
		}
		dst.Data[0] = phi * E.Data[0]
		return dst
	}
	realV := isReal(e.V)
	if realV {
		mulRealATo(work, e.V, E, true)
		mulRealBTo(dst, work, e.V, false)
	} else {
		AdjMulTo(work, e.V, E)
		MulTo(dst, work, e.V)
	}
	// work is free until the next product: keep e^{λ/2} and e^{λ} there.
	half := work.Data[:n]
	full := work.Data[n : 2*n]
	for k, w := range e.W {
		l := e.S * complex(w, 0)
		half[k] = cmplx.Exp(l / 2)
		full[k] = cmplx.Exp(l)
	}
	var invS complex128
	if e.S != 0 {
		invS = 1 / e.S
	}
	for j := 0; j < n; j++ {
		row := dst.Data[j*n : (j+1)*n]
		wj := e.W[j]
		for k := range row {
			var phi complex128
			delta := e.S * complex((wj-e.W[k])/2, 0)
			if abs1(delta) < 1 {
				phi = half[j] * half[k] * sinhc(delta)
			} else {
				// (e^{λ_j} − e^{λ_k})/(S·(w_j − w_k)); S ≠ 0 here.
				phi = (full[j] - full[k]) * invS * complex(1/(wj-e.W[k]), 0)
			}
			if adjoint {
				phi = cj(phi)
			}
			row[k] *= phi
		}
	}
	if realV {
		mulRealATo(work, e.V, dst, false)
		mulRealBTo(dst, work, e.V, true)
		return dst
	}
	MulTo(work, e.V, dst)
	return MulAdjTo(dst, work, e.V)
}

// sinhc returns sinh(z)/z for |Re z| + |Im z| < 1 by its Taylor series
// Σ z^{2m}/(2m+1)!, summed to m = 10 (the first omitted term, z²²/23!, is
// far below 2⁻⁵³ relative to the sum, whose modulus is at least sin(1)).
func sinhc(z complex128) complex128 {
	z2 := z * z
	// Horner form of 1 + z²/(2·3)·(1 + z²/(4·5)·(1 + z²/(6·7)·(…))).
	coef := [...]float64{1.0 / 420, 1.0 / 342, 1.0 / 272, 1.0 / 210, 1.0 / 156,
		1.0 / 110, 1.0 / 72, 1.0 / 42, 1.0 / 20, 1.0 / 6} // 1/((2m)(2m+1)), m = 10…1
	s := complex(1, 0)
	for _, c := range coef {
		t := z2 * s
		s = complex(1+real(t)*c, imag(t)*c)
	}
	return s
}

// check panics when the fields are inconsistent and returns n.
func (e *ExpHermitian) check(op string) int {
	n := len(e.W)
	if e.V == nil || e.V.Rows != n || e.V.Cols != n || len(e.V.Data) != n*n {
		panic(fmt.Sprintf("cmat: %s: %d eigenvalues with a mismatched eigenvector matrix", op, n))
	}
	return n
}

func (e *ExpHermitian) distinct(dst, work *Dense, op string) {
	noOverlap(dst, work, op)
	noOverlap(dst, e.V, op)
	noOverlap(work, e.V, op)
}
