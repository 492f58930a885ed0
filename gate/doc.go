// Package gate defines quantum gates as values without state: a name, a
// number of wires, a parameter count, a matrix and its vector-Jacobian
// product.
//
// # Overview
//
// Every gate implements Gate. Simulators look for the optional interfaces
// to pick a fast kernel or a gradient method:
//
//   - Diagonal: the matrix is diagonal (RZ, PhaseShift, CRZ, IsingZZ,
//     MultiRZ, Z, S, T, CZ, …).
//   - Permutation: the gate permutes basis states (PauliX, CNOT, SWAP,
//     Toffoli).
//   - Controlled: controls first, then a target matrix (CNOT, CY, CZ, CRX,
//     CRY, CRZ, CRot, ControlledPhaseShift, Toffoli).
//   - Rotation: exp(−iθ/2·P) for a Pauli word P (RX, RY, RZ, IsingXX,
//     IsingYY, IsingZZ, MultiRZ, PauliRot).
//   - ShiftRuler: an exact parameter-shift rule per parameter; two-term for
//     the rotations, PhaseShift, Rot, U3, ControlledPhaseShift, four-term for
//     CRX, CRY, CRZ and CRot. SpecialUnitary and Evolve have none: their
//     gradients come from VJP.
//
// VJP gives exact gradients for every gate from one cotangent matrix ū of
// the gate's matrix U: grad_j += Re Σ_ab conj(ū_ab)·∂U_ab/∂θ_j. A simulator
// running the adjoint method accumulates ū over a batch and calls VJP once
// for parameters shared by the batch.
//
// # Conventions
//
// They are PennyLane's:
//
//   - A gate's matrix is written in the basis of its wires in the order
//     listed, the first listed wire being the most significant bit. In
//     controlled gates the controls come first, the target last.
//   - RX, RY, RZ(θ) = exp(−iθσ/2); PhaseShift(φ) = diag(1, e^{iφ}).
//   - Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ): the first parameter acts first.
//   - U3(θ, φ, δ) = [[c, −e^{iδ}s], [e^{iφ}s, e^{i(φ+δ)}c]] with
//     c = cos(θ/2), s = sin(θ/2): the polar angle comes first.
//   - CRZ(φ) = diag(1, 1, e^{−iφ/2}, e^{iφ/2}), not a controlled PhaseShift.
//   - SpecialUnitary(θ) = exp(+i Σ_m θ_m P_m) over the 4ᵏ−1 non-identity
//     words in lexicographic order with I < X < Y < Z, the p-th letter on
//     the p-th listed wire (note the + sign and no ½).
//   - Evolve(t, x) = exp(−i·t·H(x)); exp(+i·t·H) is Evolve at −t.
//   - Global phases are PennyLane's; no gate is phase-normalised.
//
// Names are PennyLane's. The adjoints of S, T and SX, which PennyLane
// writes qml.adjoint(qml.S) and so on, are named "Adjoint(S)",
// "Adjoint(T)" and "Adjoint(SX)" (Lookup also accepts Sdg, Tdg, SXdg).
//
// Caller mistakes (a wrong parameter count, a destination of the wrong
// size) panic with a message starting "gate:". Input from outside (a
// PauliRot word, a QubitUnitary matrix, a name) is checked by
// constructors that return an error.
package gate
