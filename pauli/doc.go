// Package pauli holds Pauli words, terms and sums, used both as observables
// and as Hamiltonians, and the Pauli basis of SpecialUnitary.
//
// # Overview
//
// A Word is a tensor product of single-qubit Paulis on distinct wires;
// wires not named carry the identity. The k-th letter acts on the k-th
// listed wire, as in PennyLane's PauliRot and SpecialUnitary. A Term is a
// word with a real coefficient and a Sum a list of terms, Σ c_t P_t, so it
// is Hermitian. Parse reads sums in a compact notation ("0.5*Z0 Z1 - X2")
// or in PennyLane's printed form ("0.5 * (Z(0) @ Z(1))"), and String
// writes the compact notation back.
//
// # Conventions
//
//   - Wire 0 is the most significant bit of a basis index: on n wires, the
//     bit of wire w is 1<<(n−1−w) (PennyLane's order). Word.Dense builds
//     the 2ⁿ×2ⁿ matrix from Kronecker products in that order.
//   - X = [[0, 1], [1, 0]], Y = [[0, −i], [i, 0]], Z = [[1, 0], [0, −1]].
//   - Mask form (Word.Masks): P|j⟩ = i^ny·(−1)^popcount(j&z)·|j⊕x⟩, where x
//     has the bits of the X and Y letters, z those of the Y and Z letters,
//     and ny counts the Y letters.
//   - Pauli basis of k wires (Words, Combine, Project, Decompose): the
//     4ᵏ−1 non-identity words on wires 0..k−1, lexicographic with
//     I < X < Y < Z and wire 0 as the most significant letter. For k = 2
//     the order is IX, IY, IZ, XI, …, ZZ, so coefficient 0 multiplies X on
//     the second wire. This is PennyLane's SpecialUnitary order;
//     SpecialUnitary(θ) = exp(+i·Σ_m θ_m P_m) = cmat.Expm(i·Combine(θ)),
//     with a plus sign and no ½.
//   - Decompose returns 4ᵏ coefficients, index 0 for the identity and
//     index m+1 for word m, normalised so that a = Σ_u α_u·P_u.
//   - Caller mistakes in hot code (a wire out of range, a matrix of the
//     wrong size) panic with a message that starts with "pauli: "; input
//     from outside is checked by Parse and Validate, which return errors.
package pauli
