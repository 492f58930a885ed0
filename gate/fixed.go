package gate

import (
	"math"

	"github.com/quanta-qml/quanta/cmat"
)

// fixed is a parameterless gate given by its matrix.
type fixed struct {
	name string
	k    int
	m    []complex128 // row-major 2ᵏ×2ᵏ
}

func (g *fixed) Name() string                        { return g.name }
func (g *fixed) NumWires() int                       { return g.k }
func (g *fixed) NumParams() int                      { return 0 }
func (g *fixed) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }
func (g *fixed) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	checkVJP(g.name, params, 0, ubar, 1<<g.k, grad)
}

func (g *fixed) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams(g.name, params, 0)
	checkSquare(g.name, "destination", dst, 1<<g.k)
	copy(dst.Data, g.m)
}

// diagPart gives a gate the Diagonal interface.
type diagPart struct{ d []complex128 }

func (p *diagPart) DiagonalTo(dst []complex128, params []float64) {
	if len(dst) != len(p.d) {
		panic("gate: DiagonalTo: destination of wrong length")
	}
	copy(dst, p.d)
}

// permPart gives a gate the Permutation interface.
type permPart struct{ perm []int }

func (p *permPart) Perm() []int { return append([]int(nil), p.perm...) }

// ctrlPart gives a parameterless gate the Controlled interface.
type ctrlPart struct {
	nctrl  int
	target []complex128
}

func (p *ctrlPart) NumControls() int { return p.nctrl }

func (p *ctrlPart) TargetTo(dst *cmat.Dense, params []float64) {
	if len(dst.Data) != len(p.target) {
		panic("gate: TargetTo: destination of wrong size")
	}
	copy(dst.Data, p.target)
}

type fixedDiag struct {
	*fixed
	diagPart
}

type fixedPerm struct {
	*fixed
	permPart
}

type fixedCtrl struct {
	*fixed
	ctrlPart
}

type fixedCtrlPerm struct {
	*fixed
	permPart
	ctrlPart
}

type fixedCtrlDiag struct {
	*fixed
	diagPart
	ctrlPart
}

func diagMatrix(d []complex128) []complex128 {
	n := len(d)
	m := make([]complex128, n*n)
	for i, v := range d {
		m[i*n+i] = v
	}
	return m
}

func permMatrix(perm []int) []complex128 {
	n := len(perm)
	m := make([]complex128, n*n)
	for j, i := range perm {
		m[i*n+j] = 1 // U|j⟩ = |perm[j]⟩
	}
	return m
}

// controlledMatrix embeds the target t (2ᵗ×2ᵗ) into a gate with c
// controls: the identity except for the last 2ᵗ×2ᵗ block.
func controlledMatrix(c int, t []complex128) []complex128 {
	dt := int(math.Round(math.Sqrt(float64(len(t)))))
	n := dt << c
	m := make([]complex128, n*n)
	for i := 0; i < n-dt; i++ {
		m[i*n+i] = 1
	}
	off := n - dt
	for i := 0; i < dt; i++ {
		for j := 0; j < dt; j++ {
			m[(off+i)*n+off+j] = t[i*dt+j]
		}
	}
	return m
}

func diagGate(name string, d ...complex128) Gate {
	k := 0
	for 1<<k < len(d) {
		k++
	}
	return &fixedDiag{&fixed{name, k, diagMatrix(d)}, diagPart{d}}
}

// The Pauli matrices, as fresh slices.
func matX() []complex128 { return []complex128{0, 1, 1, 0} }
func matY() []complex128 { return []complex128{0, -1i, 1i, 0} }
func matZ() []complex128 { return []complex128{1, 0, 0, -1} }

// Identity returns the single-qubit identity ("Identity").
func Identity() Gate { return diagGate("Identity", 1, 1) }

// PauliX returns the Pauli X gate ("PauliX", QASM x).
func PauliX() Gate {
	p := []int{1, 0}
	return &fixedPerm{&fixed{"PauliX", 1, permMatrix(p)}, permPart{p}}
}

// PauliY returns the Pauli Y gate ("PauliY") = [[0, −i], [i, 0]].
func PauliY() Gate { return &fixed{"PauliY", 1, matY()} }

// PauliZ returns the Pauli Z gate ("PauliZ").
func PauliZ() Gate { return diagGate("PauliZ", 1, -1) }

// Hadamard returns H = [[1, 1], [1, −1]]/√2 ("Hadamard").
func Hadamard() Gate {
	h := complex(1/math.Sqrt2, 0)
	return &fixed{"Hadamard", 1, []complex128{h, h, h, -h}}
}

// S returns diag(1, i) ("S").
func S() Gate { return diagGate("S", 1, 1i) }

// Sdg returns S† = diag(1, −i), named "Adjoint(S)" as PennyLane names
// qml.adjoint(qml.S) (QASM sdg).
func Sdg() Gate { return diagGate("Adjoint(S)", 1, -1i) }

// T returns diag(1, e^{iπ/4}) ("T").
func T() Gate { return diagGate("T", 1, complex(math.Sqrt2/2, math.Sqrt2/2)) }

// Tdg returns T† = diag(1, e^{−iπ/4}), named "Adjoint(T)" (QASM tdg).
func Tdg() Gate { return diagGate("Adjoint(T)", 1, complex(math.Sqrt2/2, -math.Sqrt2/2)) }

// SX returns √X = ½[[1+i, 1−i], [1−i, 1+i]] ("SX").
func SX() Gate {
	return &fixed{"SX", 1, []complex128{0.5 + 0.5i, 0.5 - 0.5i, 0.5 - 0.5i, 0.5 + 0.5i}}
}

// SXdg returns SX† = ½[[1−i, 1+i], [1+i, 1−i]], named "Adjoint(SX)" (QASM
// sxdg).
func SXdg() Gate {
	return &fixed{"Adjoint(SX)", 1, []complex128{0.5 - 0.5i, 0.5 + 0.5i, 0.5 + 0.5i, 0.5 - 0.5i}}
}

// CNOT returns the controlled X gate ("CNOT"); wires [control, target].
func CNOT() Gate {
	p := []int{0, 1, 3, 2}
	return &fixedCtrlPerm{&fixed{"CNOT", 2, permMatrix(p)}, permPart{p}, ctrlPart{1, matX()}}
}

// CY returns the controlled Y gate ("CY"); wires [control, target].
func CY() Gate {
	t := matY()
	return &fixedCtrl{&fixed{"CY", 2, controlledMatrix(1, t)}, ctrlPart{1, t}}
}

// CZ returns the controlled Z gate diag(1, 1, 1, −1) ("CZ").
func CZ() Gate {
	d := []complex128{1, 1, 1, -1}
	return &fixedCtrlDiag{&fixed{"CZ", 2, diagMatrix(d)}, diagPart{d}, ctrlPart{1, matZ()}}
}

// SWAP returns the gate that exchanges its two wires ("SWAP").
func SWAP() Gate {
	p := []int{0, 2, 1, 3}
	return &fixedPerm{&fixed{"SWAP", 2, permMatrix(p)}, permPart{p}}
}

// Toffoli returns the doubly controlled X gate ("Toffoli"); wires
// [control, control, target].
func Toffoli() Gate {
	p := []int{0, 1, 2, 3, 4, 5, 7, 6}
	return &fixedCtrlPerm{&fixed{"Toffoli", 3, permMatrix(p)}, permPart{p}, ctrlPart{2, matX()}}
}
