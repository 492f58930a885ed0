// Package cmat holds small dense complex matrices (up to about 2¹⁰ × 2¹⁰) for
// the quantum core: products, Kronecker products, adjoints, the matrix
// exponential, the Hermitian eigendecomposition and the Fréchet derivative of
// the exponential used for exact gradients of SpecialUnitary and Hamiltonian
// evolution.
//
// # Overview
//
// Matrices are row-major complex128. Functions that return a new matrix are
// plain functions (Mul, Kron, Adjoint); caller mistakes such as mismatched
// shapes panic with a message prefixed "cmat:".
package cmat
