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
// The layers backed by the circuit simulator (package sim), each running
// its whole batch through one simulator call per circuit and getting
// exact gradients from one adjoint sweep (Result.VJP):
//
//   - QDense replaces nn.Linear(in, out): a classical adapter when in
//     differs from the circuit's features, the circuit of a Spec
//     (embedding → ansatz → readout), an adapter when out differs from
//     its outputs.
//   - Parallel runs k circuits with their own weights on consecutive
//     slices of the input and concatenates their outputs (HQNN-Parallel
//     of "Quantum machine learning for image classification",
//     arXiv:2304.09224; HQNNParallelSpec is its circuit).
//   - Quanv2D replaces nn.Conv2d: a circuit on every patch, one output
//     channel per measured value; all patches of all images are one batch.
//   - QCNN is the quantum convolutional baseline of "Quantum Hamiltonian
//     Embedding of Images" (arXiv:2407.14055): amplitude embedding,
//     convolution and pooling stages (pooling by deferred measurement),
//     PennyLane's ArbitraryUnitary, marginal probabilities.
//   - InterleavedClassifier is the 10-qubit classifier of "Experimental
//     quantum adversarial learning" (arXiv:2204.01738), whose angles
//     interleave pixels and weights.
//
// A Spec describes a circuit: Embedding (angle, amplitude, IQP, data
// re-uploading), Ansatz (BasicEntanglerLayers, StronglyEntanglingLayers,
// RY–RZ or RX–RY–RZ hardware-efficient layers, EfficientSU2, a
// caller-supplied builder) and Readout (⟨Z⟩ or ⟨Y⟩ per wire, Pauli sums,
// marginal probabilities); Spec.Build returns its circuit and reports an
// invalid spec as an error, where the layer constructors panic. Gates that
// package gate lacks are defined here: a controlled U3 and PennyLane's
// ArbitraryUnitary (gates.go) and the QCNN's two-qubit convolution unit
// (convgate.go).
//
// Pieces shared by the other layers: su.go (SU(2ᵏ) blocks with their
// batched VJP, and the Fréchet derivative of a general matrix
// exponential), param.go (the QuantumImag kind and CountParams), and the
// Hamiltonian-evolution engine in evolve.go with its inner loops in
// kernels.go; circuitfn.go runs compiled circuits as autograd Functions.
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
//     *rand.Rand. Circuit weights are nn.Quantum, adapters and biases
//     nn.Classical. The weights of a Spec's circuit are one flat Var in
//     the order its templates allocate them (Parallel stacks k of them);
//     they are drawn from U[0, 2π) (PennyLane's TorchLayer) or by
//     Spec.Init. The papers' layers (QCNN, InterleavedClassifier) keep
//     their papers' shapes and initialisations.
//   - Quanv2D patches are read channel-major, then by row and column (the
//     order of nn.Conv2d's kernel weights), one feature per value.
//   - Work is spread over samples with internal/parfor, with per-goroutine
//     scratch space and per-chunk accumulators added in chunk order, so
//     results are reproducible for a given worker count.
//
// # Errors
//
// Caller mistakes (an input of the wrong shape, sizes that do not fit the
// register, a Spec that does not build) panic with a message starting
// "qnn: ". A layer's Forward has no error result: a numerical failure
// inside a layer (an eigendecomposition of a non-finite input) gives NaN
// outputs and gradients for the samples concerned, and a batch that the
// simulator rejects (NaN or Inf inputs, amplitude features of zero norm)
// gives NaN outputs and gradients for the whole batch; the training
// loop's NaN check reports both.
package qnn
