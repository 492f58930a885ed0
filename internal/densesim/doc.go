// Package densesim is the dense reference simulator, an oracle for tests:
// it builds the full 2ⁿ×2ⁿ operator of every op from Kronecker products and
// a permutation, and multiplies. It is deliberately simple (no kernels, no
// bit tricks beyond reading a basis index) and meant for n ≤ 8.
//
// # Overview
//
// State runs a circuit for one sample and returns its state vector;
// Unitary returns the whole circuit's matrix; Expval and ExpvalsZ give
// expectation values of Pauli sums, and Probs marginal probabilities.
//
// Conventions are PennyLane's: wire 0 is the most significant bit of a basis
// index, j = Σ_w b_w·2^(n−1−w); a gate's matrix is in the basis of its
// wires in the order listed; the marginal over wires [w_0, …] reads the bits
// with w_0 as the most significant.
package densesim
