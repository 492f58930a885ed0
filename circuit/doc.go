// Package circuit is the immutable circuit IR: a flat list of ops on n
// wires, parameterised by P inputs per sample and W trainable weights, with
// its builder, validation, parameter evaluation and chain rule, and
// OpenQASM 2.0 export and import.
//
// # Overview
//
// A Builder declares inputs (AddInputs) and weights (AddWeights), appends
// gates on wires with one Param per gate parameter, and Build validates
// and freezes the result. A Param is a·(x[i] + o)·(x[k] + o₂ if a product)
// + b·w[j] + c; Op.Params evaluates an op's parameters for one sample and
// Op.ParamsVJP sends gate-parameter gradients back to inputs and weights,
// so a simulator turns the gradients of gate.Gate.VJP into input and
// weight gradients. Ops whose gates take a block of inputs (Evolve) simply
// have one Param per input.
//
// An amplitude embedding (Builder.AmplitudeEmbedding, PennyLane's
// AmplitudeEmbedding) loads a block of inputs as the state of its wires: the
// features are padded at the end with the pad value to 2ᵏ, then divided by
// their Euclidean norm when Normalize or Pad is set (features that are all
// zero are an error); without either they must already have unit norm. It
// must be the first op; the other wires start in |0⟩. Op.Amplitudes and
// Op.AmplitudesVJP give the amplitudes and their chain rule.
//
// # Conventions
//
//   - Wire 0 is the most significant bit of a basis index (PennyLane).
//   - An op's wires are in gate order: controls first, and the first listed
//     wire is the most significant bit of the gate's matrix.
//   - Methods taking both take inputs before weights; destinations come
//     first.
//   - A built Circuit has no exported mutable state: accessors return
//     copies, so one circuit may be shared by goroutines.
//   - Caller mistakes (slices of the wrong length) panic with a message
//     starting "circuit:"; invalid circuits, features and programs are
//     errors.
//
// # OpenQASM 2.0
//
// Wire w is q[w]. Gate names are those of qelib1.inc as shipped with
// Qiskit, with Qiskit's matrices, under which every mapping below is exact
// (no global phase):
//
//	quanta                  QASM
//	Identity                id
//	PauliX, PauliY, PauliZ  x, y, z
//	Hadamard                h
//	S, Adjoint(S)           s, sdg
//	T, Adjoint(T)           t, tdg
//	SX, Adjoint(SX)         sx, sxdg
//	RX, RY, RZ              rx, ry, rz
//	PhaseShift              u1 (import also p)
//	U3(θ, φ, δ)             u3(θ, φ, δ) (import also U(θ, φ, δ))
//	U3(π/2, φ, δ)           u2(φ, δ) (import only)
//	CNOT, CY, CZ, SWAP      cx, cy, cz, swap (import also CX)
//	CRX, CRY, CRZ           crx, cry, crz
//	ControlledPhaseShift    cu1 (import also cp)
//	IsingXX, IsingZZ        rxx, rzz
//	IsingYY                 ryy on import; exported decomposed
//	Toffoli                 ccx
//
// The OpenQASM 2.0 paper defines U(θ, φ, λ) = RZ(φ)·RY(θ)·RZ(λ) and
// rz = u1 only up to a global phase; ParseQASM uses Qiskit's matrices, so
// U(θ, φ, λ) is U3(θ, φ, λ) = e^{i(φ+λ)/2}·RZ(φ)·RY(θ)·RZ(λ) and rz is
// PennyLane's RZ (u1 is PhaseShift = e^{iλ/2}·RZ(λ)). Expectations do not
// depend on this choice; state vectors differ from the paper's reading by
// these phases. Export decomposes Rot, CRot, IsingYY, MultiRZ and PauliRot
// exactly (see Circuit.QASM) and rejects QubitUnitary, SpecialUnitary,
// Evolve and amplitude embeddings.
package circuit
