// Package qnn holds the quantum layers of quanta: nn modules with the
// shapes of the classical layers they replace, whose gradients with
// respect to their weights and inputs are exact and batched, so that a
// hybrid model trains end to end with the optimisers of optim.
//
// # Overview
//
// A quantum layer embeds nn.Base, registers its parameters (kind
// nn.Quantum for circuit parameters such as angles and evolution times,
// nn.Classical for classical biases and adapters) and implements
// Forward(x *autograd.Var) *autograd.Var, so it is an nn.Layer: it goes
// into nn.Sequential, state dicts and parameter counts like any other.
// Its quantum part is an autograd.Function whose Forward sees the whole
// batch and whose VJP returns the input gradient per sample and the weight
// gradients summed over the batch.
//
// The layers that need no circuit simulator:
//
//   - FlippedQuanv replaces nn.Conv2d(in, out, 3): trainable two-qubit
//     states are measured with the image patches as observables ("Let the
//     Quantum Creep In", arXiv:2409.17583). It is exactly a convolution
//     with kernels built from the states, which is how it runs.
//   - HamiltonianLinear replaces nn.Linear(in, out): the input is a
//     Hamiltonian, evolved repeatedly and interleaved with SU(2ⁿ) blocks,
//     read out as basis-state probabilities (same paper).
//   - HamiltonianReupload is a whole image classifier on the same engine
//     ("Quantum Hamiltonian Embedding of Images", arXiv:2407.14055).
//
// FlippedQuanv(1, 32) → FlippedQuanv(32, 16) → nn.Flatten →
// HamiltonianLinear(12544, 10) is the paper's fully quantum HybridNet
// (replacement level 2).
//
// Layers backed by the circuit simulator (package sim) live beside these,
// one file each. Pieces shared by all layers: su.go (SU(2ᵏ) blocks with
// their batched VJP, and the Fréchet derivative of a general matrix
// exponential), param.go (the QuantumImag kind and CountParams), and the
// Hamiltonian-evolution engine in evolve.go with its inner loops in
// kernels.go.
//
// # Conventions
//
//   - Qubit order: wire 0 is the most significant bit of a basis index, as
//     in the quantum core (PennyLane's convention).
//   - SU blocks are exp(+i·Σ_m θ_m P_m) over the 4ᵏ−1 non-identity Pauli
//     words of k wires in pauli.Words order (PennyLane's SpecialUnitary:
//     a plus sign, no ½). Blocks are unitary by construction. The papers'
//     code trained complex θ, which makes them non-unitary; that is
//     available only through an explicit NonUnitary option, documented as
//     a reproduction aid. Its imaginary parts are parameters of kind
//     QuantumImag, so counts can be given with complex parameters counted
//     once (nn.Quantum) or as two real numbers (CountParams).
//   - Layouts are nn's: NCHW images, [batch, features] vectors. Every
//     parameter is float64 and initialised from a caller-supplied
//     *rand.Rand.
//   - Work is spread over samples with internal/parfor, with per-goroutine
//     scratch space and per-chunk accumulators added in chunk order, so
//     results are reproducible for a given worker count.
//
// # Errors
//
// Caller mistakes (an input of the wrong shape, sizes that do not fit the
// register) panic with a message starting "qnn: ". A layer's Forward has no
// error result: a numerical failure inside a layer (an eigendecomposition
// of a non-finite input) gives NaN outputs and gradients for the samples
// concerned, which the training loop's NaN check reports.
package qnn
