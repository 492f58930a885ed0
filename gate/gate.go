package gate

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// Gate is a quantum gate without state: a name, a number of wires and a
// matrix that depends on a vector of real parameters. Implementations are
// immutable and safe for concurrent use.
type Gate interface {
	// Name is the PennyLane name of the gate ("RX", "CNOT", …).
	Name() string
	// NumWires is k, the number of wires the gate acts on.
	NumWires() int
	// NumParams is the length of the parameter vector.
	NumParams() int
	// Matrix returns the 2ᵏ×2ᵏ matrix in the basis of the gate's wires in
	// the order listed (first listed wire = most significant bit).
	Matrix(params []float64) *cmat.Dense
	// MatrixTo writes Matrix(params) into dst, which must be 2ᵏ×2ᵏ. Gates
	// whose matrix is given in closed form do not allocate.
	MatrixTo(dst *cmat.Dense, params []float64)
	// VJP adds to grad[j], for every parameter j, the value
	// Re Σ_ab conj(ubar_ab)·∂U_ab/∂params[j], where U = Matrix(params) and
	// ubar is the cotangent of U. Gates without parameters do nothing.
	VJP(params []float64, ubar *cmat.Dense, grad []float64)
}

// Diagonal is a gate whose matrix is diagonal for every parameter value.
type Diagonal interface {
	Gate
	// DiagonalTo writes the 2ᵏ diagonal entries of the matrix into dst.
	DiagonalTo(dst []complex128, params []float64)
}

// Controlled is a gate of the form |1…1⟩⟨1…1| ⊗ T + (I − |1…1⟩⟨1…1|) ⊗ I:
// the first NumControls wires are controls and the target matrix T acts on
// the remaining wires when every control is 1.
type Controlled interface {
	Gate
	// NumControls is the number of control wires (listed first).
	NumControls() int
	// TargetTo writes the target matrix T, of size 2^(k−c)×2^(k−c), into dst.
	TargetTo(dst *cmat.Dense, params []float64)
}

// Permutation is a parameterless gate that permutes basis states:
// U|j⟩ = |Perm()[j]⟩ in the basis of the gate's wires.
type Permutation interface {
	Gate
	// Perm returns a new slice holding the permutation of the 2ᵏ basis states.
	Perm() []int
}

// Rotation is a one-parameter gate U(θ) = exp(−iθ/2·P) for a Pauli word P
// on the gate's wires (RX, RY, RZ, IsingXX, IsingYY, IsingZZ, MultiRZ,
// PauliRot). Simulators can apply it through the bit masks of P.
type Rotation interface {
	Gate
	// Word returns P with Wires 0…k−1, the positions of the gate's wires.
	Word() pauli.Word
}

// Shift is one term of a parameter-shift rule: the term contributes
// Coeff·f(θ + Shift·e_j) to ∂f/∂θ_j.
type Shift struct {
	Coeff, Shift float64
}

// ShiftRuler is a gate with an exact parameter-shift rule for each of its
// parameters: for any expectation f(θ) = ⟨ψ|U(θ)†·O·U(θ)|ψ⟩,
// ∂f/∂θ_j = Σ_t Coeff_t·f(θ + Shift_t·e_j) over the terms of ShiftRule(j).
type ShiftRuler interface {
	Gate
	// ShiftRule returns a new slice with the terms of parameter j's rule.
	ShiftRule(j int) []Shift
}

// twoTerm is the rule of a generator with eigenvalues ±½ (or 0 and 1):
// ∂f = ½·[f(θ + π/2) − f(θ − π/2)].
func twoTerm() []Shift {
	return []Shift{{0.5, math.Pi / 2}, {-0.5, -math.Pi / 2}}
}

// fourTerm is the rule of a generator with eigenvalues {0, ±½}, such as
// the controlled rotations (PennyLane's four-term recipe; Anselmetti et al.,
// New J. Phys. 23, 113010 (2021)):
// ∂f = c₁[f(θ+π/2) − f(θ−π/2)] − c₂[f(θ+3π/2) − f(θ−3π/2)],
// c₁ = (√2+1)/(4√2), c₂ = (√2−1)/(4√2).
func fourTerm() []Shift {
	c1 := (math.Sqrt2 + 1) / (4 * math.Sqrt2)
	c2 := (math.Sqrt2 - 1) / (4 * math.Sqrt2)
	return []Shift{{c1, math.Pi / 2}, {-c1, -math.Pi / 2}, {-c2, 3 * math.Pi / 2}, {c2, -3 * math.Pi / 2}}
}

// wordMask is a Pauli word in bit-mask form on a gate's k wires:
// P|b⟩ = iny·(−1)^popcount(b&z)·|b⊕x⟩, where the letter on the p-th listed
// wire owns bit k−1−p of the index.
type wordMask struct {
	x, z int
	iny  complex128 // i^(number of Y letters)
}

// phase returns ⟨b⊕x|P|b⟩.
func (m wordMask) phase(b int) complex128 {
	if bits.OnesCount(uint(b&m.z))&1 == 1 {
		return -m.iny
	}
	return m.iny
}

// newMatrix allocates the 2ᵏ×2ᵏ matrix of g and fills it.
func newMatrix(g Gate, params []float64) *cmat.Dense {
	d := 1 << g.NumWires()
	m := cmat.New(d, d)
	g.MatrixTo(m, params)
	return m
}

// checkParams panics when params does not have n entries.
func checkParams(name string, params []float64, n int) {
	if len(params) != n {
		panic(fmt.Sprintf("gate: %s: %d parameters, want %d", name, len(params), n))
	}
}

// checkSquare panics when m is not d×d.
func checkSquare(name, what string, m *cmat.Dense, d int) {
	if m.Rows != d || m.Cols != d || len(m.Data) != d*d {
		panic(fmt.Sprintf("gate: %s: %s is %d×%d, want %d×%d", name, what, m.Rows, m.Cols, d, d))
	}
}

// checkVJP panics on a wrong parameter count, cotangent shape or gradient
// length.
func checkVJP(name string, params []float64, np int, ubar *cmat.Dense, d int, grad []float64) {
	checkParams(name, params, np)
	checkSquare(name, "cotangent", ubar, d)
	if len(grad) != np {
		panic(fmt.Sprintf("gate: %s: gradient of length %d, want %d", name, len(grad), np))
	}
}

// reDot returns Re(conj(a)·b).
func reDot(a, b complex128) float64 {
	return real(a)*real(b) + imag(a)*imag(b)
}

// clear zeroes a matrix's storage.
func zero(m *cmat.Dense) {
	for i := range m.Data {
		m.Data[i] = 0
	}
}

// fillNaN sets every entry to NaN: the matrix of a gate whose
// eigendecomposition failed.
func fillNaN(d []complex128) {
	nan := complex(math.NaN(), math.NaN())
	for i := range d {
		d[i] = nan
	}
}
