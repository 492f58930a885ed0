// Package cmat holds small dense complex matrices (typically 2×2 to
// 256×256) for the quantum core: products, Kronecker products, adjoints,
// the matrix exponential, the Hermitian and real symmetric
// eigendecompositions, and the Fréchet derivative of the exponential used
// for exact gradients of SpecialUnitary and Hamiltonian evolution.
//
// # Overview
//
// A Dense is row-major complex128 with exported fields, so hot loops in
// other packages can index Data directly. Plain functions (Mul, Kron,
// Adjoint, Expm, EigHermitian, EigSym) return new values. For hot code
// every operation also has a destination-first form that does not
// allocate: MulTo, MulAdjTo (a·b†), AdjMulTo (a†·b), AddTo, SubTo, ScaleTo,
// AddScaledTo, ConjTo, TransposeTo, AdjointTo, EigSolver (which keeps its
// scratch space between calls) and the To methods of ExpHermitian.
//
// # Conventions
//
//   - Destinations come first and are returned. A nil destination
//     allocates; otherwise it must have the result's shape. Element-wise
//     operations accept a destination that is also an operand; products
//     and the Fréchet maps panic when the destination shares storage with
//     an operand.
//   - Caller mistakes (mismatched shapes, aliasing) panic with a message
//     that starts with "cmat: ". Numerical failures return errors that wrap
//     ErrNotHermitian or ErrNoConvergence.
//   - Kron(a, b) puts a on the most significant part of the index, so a
//     product of single-wire matrices listed from wire 0 follows the
//     convention of the quantum core: wire 0 is the most significant bit.
//   - Inner(a, b) = Σ conj(a_ij)·b_ij = tr(a†b) is conjugate-linear in a.
//   - Eigenvalues are returned in ascending order with the eigenvectors in
//     the columns of the returned matrix (a = v·diag(w)·v†). The phase of
//     each eigenvector is unspecified.
//   - ExpHermitian holds exp(S·H) for Hermitian H = V·diag(W)·V†; its
//     Frechet(E) is d/dε exp(S·H + ε·E) at ε = 0, with E added to S·H
//     (not scaled by S), and FrechetAdjoint is its adjoint for Inner.
//
// # Algorithms
//
//   - Products use a pure-Go kernel that updates four rows of the result at
//     a time; it benchmarked faster than gonum's Zgemm (cblas128) at every
//     size from 4 to 256 (BenchmarkMulKernels). Products of at least 2¹⁷
//     multiply-adds are split by rows over internal/parfor; each element is
//     computed the same way whatever the split, so results do not depend on
//     the number of goroutines.
//   - Expm is the Padé scaling and squaring method of N. J. Higham (2005).
//   - EigHermitian follows LAPACK's zheev: Householder reduction to a real
//     tridiagonal matrix, the implicit QL/QR iteration of dsteqr, and the
//     back-transformation of the eigenvectors. EigSym uses gonum's dsytrd
//     and dorgtr with the same iteration.
//   - ExpHermitian uses the Daleckii–Krein formula (Higham, Functions of
//     Matrices, 2008, Thm. 3.11), stable for equal and close eigenvalues.
//
// EigSolver values and the scratch matrices passed to To methods belong
// to one goroutine at a time; an ExpHermitian may be shared.
package cmat
