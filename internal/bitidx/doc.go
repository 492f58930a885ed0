// Package bitidx holds the bit tricks used to index state vectors: inserting
// zero bits at fixed positions, scattering and gathering bits, masks.
//
// # Overview
//
// A gate on k qubits of an n-qubit state touches the 2ᵏ amplitudes whose
// indices agree on the other n−k bits. The simulator enumerates those groups
// with a "rest" index r ∈ [0, 2ⁿ⁻ᵏ): inserting zero bits into r at the k
// bit positions of the gate gives the group's base index, and adding a fixed
// offset per local index a ∈ [0, 2ᵏ) gives each amplitude (the scheme of
// qsim's FillIndices). [Inserter] does the first step, [Offsets] the second.
//
// # Conventions
//
// Everything here works on bit positions, where position 0 is the least
// significant bit. The translation from wires (PennyLane: wire 0 is the most
// significant bit of an n-qubit index, at position n−1) is the caller's job.
//
// A list of positions read as a local index follows the matrix convention of
// the quantum packages: the first listed position is the most significant bit
// of the local index. So [Deposit](a, {p0, p1}) puts bit 1 of a at position
// p0 and bit 0 of a at position p1, and [Extract] is its inverse.
//
// Caller mistakes (a position out of range, a repeated position, a
// destination of the wrong length) panic with a message prefixed by
// "bitidx:". Nothing here allocates except where documented.
package bitidx
