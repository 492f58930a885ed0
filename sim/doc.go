// Package sim runs a circuit on a batch of inputs and returns its outputs
// and their exact gradients: the engine under the quantum layers.
//
// # Overview
//
// Compile prepares a circuit.Circuit and a list of outputs (Expval of a
// Pauli sum, ExpvalZ per wire, Probs of some wires) into a Plan; Forward
// (or Plan.Forward, Plan.ForwardTo) runs it on B samples and returns a
// Result with the values; Result.VJP returns the gradients of
// Σ cot·values with respect to the weights (summed over the batch) and the
// inputs (per sample). ParamShift computes Jacobians by parameter-shift
// rules, exactly or from shots; Result.Counts, Result.Shots and
// Result.Estimate sample the final states.
//
// # Conventions
//
//   - Wire 0 is the most significant bit of a basis index (PennyLane).
//   - inputs are B rows of P = c.NumInputs() values, row-major; weights are
//     the c.NumWeights() values shared by the batch. A circuit without
//     inputs runs one sample.
//   - Values are B rows of K values: the outputs in the order given, an
//     expectation taking one column and Probs(wires) 2ᵏ columns (outcome a
//     reads wires[0] as its most significant bit).
//   - Cotangents have the shape of the values; VJP returns dWeights (W
//     values, summed over the batch) and dInputs (B×P).
//   - Errors: inputs and weights of the wrong size or with NaN/Inf, outputs
//     that do not fit the circuit, amplitude features that cannot be
//     normalised, and op matrices that are not unitary (an Evolve whose
//     Hamiltonian is not Hermitian) are errors that name the sample, op or
//     index. Caller mistakes in hot code (a cotangent of the wrong length)
//     panic with a message starting "sim: ".
//
// # How it computes
//
// Adjoint method (Jones and Gacon, "Efficient calculation of gradients in
// classical simulations of variational quantum algorithms", 2020). The
// forward pass keeps only each sample's final state ψ. Backward, the
// cotangents fold into one observable, λ = Σ_k cot_k·O_k·ψ, so a sample costs
// one backward pass whatever K is. Walking the blocks in reverse with φ the
// state and λ the adjoint state after a block U, the cotangent of U's matrix
// is ū = 2·Σ_rest λ_a·conj(φ_b) with φ uncomputed through U (so
// dL = Re Σ conj(ū)·dU, the form of gate.Gate.VJP), then λ ← U†λ. Ops whose
// parameters are shared by the batch have ū summed over the batch and call
// their gate's VJP once per run (for SpecialUnitary, one Fréchet adjoint per
// op); input-dependent ops call it per sample; Pauli rotations on several
// wires use ∂L/∂θ = Im⟨λ|P|φ⟩.
//
// Fusion. Consecutive ops on the same wires (also across ops on other
// wires, with which they commute) multiply into one block when a cost
// model (work per amplitude) says it pays: the RX·RY·RZ of a layer, or an
// RY(x) encoding with the rotations after it. A block is one pass forward
// and one backward; its cotangent reaches member i exactly by the chain
// rule on the small matrices, ū_i = (U_after)†·ū·(U_before)†, with a
// partial trace for members on fewer wires. Runs of permutations (a CNOT
// ring) compose into one gather on states of up to 16 qubits.
//
// Product start. The leading one-wire blocks (the first op on every wire
// of an angle embedding, fused with the rotations after it) commute with
// everything before them, so the start state is the Kronecker product of
// their first columns, built in one pass; their cotangents come from two
// contractions of the final adjoint state against the product of the
// other wires' states (start.go).
//
// Order and parallelism. Samples run in groups of about 2¹⁴ amplitudes
// through the whole circuit, forward and backward, while the group's states
// are in the L2 cache; groups run in parallel through internal/parfor. A
// single large state (few samples, n ≥ 18) is split inside the kernels
// instead. Every block runs through statevec's kernels. One-wire blocks use
// the flat statevec.Apply1 and statevec.Back1 (AVX2 and FMA on amd64, pure
// Go elsewhere or with the purego build tag): with a matrix shared by the
// batch, one call covers the whole group (Batch.Amplitudes), whose pair
// structure repeats every sample. Wider blocks use Batch.Apply and, for
// their gradients, statevec.AdjointStep (uncompute φ, reduce, uncompute λ
// in one pass on two wires); CNOTs use Batch.ApplyCNOT.
// Diagonal observables (Z words, ⟨Z_i⟩ per wire) are served from one pass
// over the probabilities, and their adjoint seed is one diagonal.
//
// Determinism. Groups depend on the shape and Options.Group only, every
// reduction sums fixed segments in a fixed order, and group results combine
// in group order, so results are identical bit for bit for any worker
// count on a given machine (AVX2 and pure-Go kernels round differently).
//
// Memory: B states of 2ⁿ amplitudes (the final states, kept for VJP and
// sampling), two group-sized buffers per worker, and small matrices. With
// one worker, Plan.ForwardTo and Result.VJPTo do not allocate once warm.
//
// # Speed
//
// BenchmarkHEA times the HEA training step (Forward + full VJP); "quanta
// bench sim" prints the grid with PyTorch's reference in
// docs/benchmarks.md. BenchmarkHEAOptions measures what each technique
// gains (fusion, product start, groups versus gate by gate over the batch).
package sim
