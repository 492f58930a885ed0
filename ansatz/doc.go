// Package ansatz appends named circuit templates to a circuit.Builder:
// PennyLane's AngleEmbedding, AmplitudeEmbedding, IQPEmbedding,
// BasicEntanglerLayers, StronglyEntanglingLayers and SimplifiedTwoDesign,
// Qiskit's ZZFeatureMap and EfficientSU2, a data re-uploading block, the
// hardware-efficient layers of the HEA benchmark, and a Hamiltonian
// embedding.
//
// # Overview
//
// Templates follow the definitions (gate order, parameter order, defaults)
// of the library they are named after; PennyLane's are checked op by op
// against PennyLane's own decompositions. Every template takes the wires it
// acts on (nil means every wire of the builder, in order); embeddings take
// the indices of the inputs they encode (declared with
// circuit.Builder.AddInputs), so several templates can read the same
// inputs, as in data re-uploading. Templates with trainable parameters
// allocate their weights with circuit.Builder.AddWeights and return the
// index of the first; each documents its weight shape and the row-major
// order of its weights.
//
// # Conventions
//
//   - Wire 0 is the most significant bit of a basis index (PennyLane).
//   - Qiskit templates keep Qiskit's gates and parameter order, with
//     Qiskit's qubit k on wires[k]: expectations per qubit agree, and
//     Qiskit's little-endian statevector is this one with the bit order
//     reversed.
//   - Options are plain structs whose zero value gives the library's
//     defaults.
//   - Invalid shapes or options are returned as errors before anything is
//     appended; wires out of range are reported by circuit.Builder.Build.
package ansatz
