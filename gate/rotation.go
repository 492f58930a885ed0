package gate

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// pauliRot is exp(−iθ/2·P) for a Pauli word P on k wires. In the gate's
// basis P|b⟩ = i^ny·(−1)^popcount(b&z)·|b⊕x⟩, where the letter on the p-th
// listed wire owns bit k−1−p of the index.
type pauliRot struct {
	name string
	ops  []pauli.Op
	k    int
	wordMask
}

type pauliRotDiag struct{ *pauliRot }

func newPauliRot(name string, ops []pauli.Op) Gate {
	g := &pauliRot{name: name, ops: append([]pauli.Op(nil), ops...), k: len(ops), wordMask: wordMask{iny: 1}}
	for p, o := range ops {
		bit := 1 << (len(ops) - 1 - p)
		switch o {
		case pauli.X:
			g.x |= bit
		case pauli.Y:
			g.x |= bit
			g.z |= bit
			g.iny *= 1i
		case pauli.Z:
			g.z |= bit
		}
	}
	if g.x == 0 {
		return &pauliRotDiag{g}
	}
	return g
}

// RX returns exp(−iθX/2) ("RX").
func RX() Gate { return newPauliRot("RX", []pauli.Op{pauli.X}) }

// RY returns exp(−iθY/2) ("RY").
func RY() Gate { return newPauliRot("RY", []pauli.Op{pauli.Y}) }

// RZ returns exp(−iθZ/2) = diag(e^{−iθ/2}, e^{iθ/2}) ("RZ").
func RZ() Gate { return newPauliRot("RZ", []pauli.Op{pauli.Z}) }

// IsingXX returns exp(−iθ/2·X⊗X) ("IsingXX", QASM rxx).
func IsingXX() Gate { return newPauliRot("IsingXX", []pauli.Op{pauli.X, pauli.X}) }

// IsingYY returns exp(−iθ/2·Y⊗Y) ("IsingYY", QASM ryy).
func IsingYY() Gate { return newPauliRot("IsingYY", []pauli.Op{pauli.Y, pauli.Y}) }

// IsingZZ returns exp(−iθ/2·Z⊗Z) ("IsingZZ", QASM rzz).
func IsingZZ() Gate { return newPauliRot("IsingZZ", []pauli.Op{pauli.Z, pauli.Z}) }

// MultiRZ returns exp(−iθ/2·Z⊗…⊗Z) on k wires ("MultiRZ"). It panics
// unless 1 ≤ k ≤ 30.
func MultiRZ(k int) Gate {
	if k < 1 || k > 30 {
		panic(fmt.Sprintf("gate: MultiRZ on %d wires", k))
	}
	ops := make([]pauli.Op, k)
	for i := range ops {
		ops[i] = pauli.Z
	}
	return newPauliRot("MultiRZ", ops)
}

// PauliRot returns exp(−iθ/2·P) for the word P written with the letters
// I, X, Y, Z ("PauliRot"). The k-th letter acts on the k-th listed wire.
func PauliRot(word string) (Gate, error) {
	if len(word) == 0 || len(word) > 30 {
		return nil, fmt.Errorf("gate: PauliRot word %q: want 1 to 30 letters", word)
	}
	ops := make([]pauli.Op, len(word))
	for i := 0; i < len(word); i++ {
		switch word[i] {
		case 'I':
			ops[i] = pauli.I
		case 'X':
			ops[i] = pauli.X
		case 'Y':
			ops[i] = pauli.Y
		case 'Z':
			ops[i] = pauli.Z
		default:
			return nil, fmt.Errorf("gate: PauliRot word %q: letter %q at %d is not I, X, Y or Z", word, word[i], i)
		}
	}
	return newPauliRot("PauliRot", ops), nil
}

func (g *pauliRot) Name() string                        { return g.name }
func (g *pauliRot) NumWires() int                       { return g.k }
func (g *pauliRot) NumParams() int                      { return 1 }
func (g *pauliRot) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }
func (g *pauliRot) ShiftRule(j int) []Shift             { return twoTerm() }

// Word returns P on the local wires 0…k−1.
func (g *pauliRot) Word() pauli.Word {
	w := pauli.Word{Ops: append([]pauli.Op(nil), g.ops...), Wires: make([]int, g.k)}
	for i := range w.Wires {
		w.Wires[i] = i
	}
	return w
}

// MatrixTo writes cos(θ/2)·I − i·sin(θ/2)·P.
func (g *pauliRot) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams(g.name, params, 1)
	d := 1 << g.k
	checkSquare(g.name, "destination", dst, d)
	zero(dst)
	s, c := math.Sincos(params[0] / 2)
	mis := complex(0, -s)
	for b := 0; b < d; b++ {
		dst.Data[b*d+b] += complex(c, 0)
		dst.Data[(b^g.x)*d+b] += mis * g.phase(b)
	}
}

// VJP uses ∂U/∂θ = −½·sin(θ/2)·I − ½·i·cos(θ/2)·P.
func (g *pauliRot) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	d := 1 << g.k
	checkVJP(g.name, params, 1, ubar, d, grad)
	s, c := math.Sincos(params[0] / 2)
	mic := complex(0, -c/2)
	acc := 0.0
	for b := 0; b < d; b++ {
		acc += real(ubar.Data[b*d+b]) * (-s / 2)
		acc += reDot(ubar.Data[(b^g.x)*d+b], mic*g.phase(b))
	}
	grad[0] += acc
}

// DiagonalTo writes the diagonal of a Z-type rotation: e^{∓iθ/2}.
func (g *pauliRotDiag) DiagonalTo(dst []complex128, params []float64) {
	checkParams(g.name, params, 1)
	if len(dst) != 1<<g.k {
		panic(fmt.Sprintf("gate: %s: diagonal of length %d, want %d", g.name, len(dst), 1<<g.k))
	}
	s, c := math.Sincos(params[0] / 2)
	for b := range dst {
		dst[b] = complex(c, -s*real(g.phase(b)))
	}
}

// kind selects a single-qubit matrix family for single and ctrl.
type kind uint8

const (
	kRX kind = iota
	kRY
	kRZ
	kPhase
	kRot
	kU3
)

func (k kind) numParams() int {
	if k == kRot || k == kU3 {
		return 3
	}
	return 1
}

// mat2 returns the row-major 2×2 matrix of the family at p.
func mat2(k kind, p []float64) [4]complex128 {
	switch k {
	case kRX:
		s, c := math.Sincos(p[0] / 2)
		return [4]complex128{complex(c, 0), complex(0, -s), complex(0, -s), complex(c, 0)}
	case kRY:
		s, c := math.Sincos(p[0] / 2)
		return [4]complex128{complex(c, 0), complex(-s, 0), complex(s, 0), complex(c, 0)}
	case kRZ:
		return [4]complex128{cmplx.Exp(complex(0, -p[0]/2)), 0, 0, cmplx.Exp(complex(0, p[0]/2))}
	case kPhase:
		return [4]complex128{1, 0, 0, cmplx.Exp(complex(0, p[0]))}
	case kRot: // RZ(ω)·RY(θ)·RZ(φ) with p = (φ, θ, ω)
		phi, theta, omega := p[0], p[1], p[2]
		s, c := math.Sincos(theta / 2)
		e1 := cmplx.Exp(complex(0, -(phi+omega)/2))
		e2 := cmplx.Exp(complex(0, (phi-omega)/2))
		return [4]complex128{e1 * complex(c, 0), -e2 * complex(s, 0), cmplx.Conj(e2) * complex(s, 0), cmplx.Conj(e1) * complex(c, 0)}
	default: // kU3 with p = (θ, φ, δ)
		theta, phi, delta := p[0], p[1], p[2]
		s, c := math.Sincos(theta / 2)
		ed := cmplx.Exp(complex(0, delta))
		ep := cmplx.Exp(complex(0, phi))
		return [4]complex128{complex(c, 0), -ed * complex(s, 0), ep * complex(s, 0), ep * ed * complex(c, 0)}
	}
}

// dmat2 writes ∂mat2(k, p)/∂p[j] into d[j] for every parameter j.
func dmat2(k kind, p []float64, d *[3][4]complex128) {
	switch k {
	case kRX:
		s, c := math.Sincos(p[0] / 2)
		d[0] = [4]complex128{complex(-s/2, 0), complex(0, -c/2), complex(0, -c/2), complex(-s/2, 0)}
	case kRY:
		s, c := math.Sincos(p[0] / 2)
		d[0] = [4]complex128{complex(-s/2, 0), complex(-c/2, 0), complex(c/2, 0), complex(-s/2, 0)}
	case kRZ:
		m := mat2(k, p)
		d[0] = [4]complex128{complex(0, -0.5) * m[0], 0, 0, complex(0, 0.5) * m[3]}
	case kPhase:
		d[0] = [4]complex128{0, 0, 0, 1i * cmplx.Exp(complex(0, p[0]))}
	case kRot: // m = [e₁c, −e₂s, conj(e₂)s, conj(e₁)c], e₁ = e^{−i(φ+ω)/2}, e₂ = e^{i(φ−ω)/2}
		phi, theta, omega := p[0], p[1], p[2]
		s, c := math.Sincos(theta / 2)
		e1 := cmplx.Exp(complex(0, -(phi+omega)/2))
		e2 := cmplx.Exp(complex(0, (phi-omega)/2))
		m := [4]complex128{e1 * complex(c, 0), -e2 * complex(s, 0), cmplx.Conj(e2) * complex(s, 0), cmplx.Conj(e1) * complex(c, 0)}
		d[0] = [4]complex128{-0.5i * m[0], 0.5i * m[1], -0.5i * m[2], 0.5i * m[3]}
		d[1] = [4]complex128{e1 * complex(-s/2, 0), -e2 * complex(c/2, 0), cmplx.Conj(e2) * complex(c/2, 0), cmplx.Conj(e1) * complex(-s/2, 0)}
		d[2] = [4]complex128{-0.5i * m[0], -0.5i * m[1], 0.5i * m[2], 0.5i * m[3]}
	default: // kU3: m = [c, −e^{iδ}s, e^{iφ}s, e^{i(φ+δ)}c]
		theta, phi, delta := p[0], p[1], p[2]
		s, c := math.Sincos(theta / 2)
		ed := cmplx.Exp(complex(0, delta))
		ep := cmplx.Exp(complex(0, phi))
		epd := ep * ed
		d[0] = [4]complex128{complex(-s/2, 0), -ed * complex(c/2, 0), ep * complex(c/2, 0), -epd * complex(s/2, 0)}
		d[1] = [4]complex128{0, 0, 1i * ep * complex(s, 0), 1i * epd * complex(c, 0)}
		d[2] = [4]complex128{0, -1i * ed * complex(s, 0), 0, 1i * epd * complex(c, 0)}
	}
}

// single is a one-qubit gate of a family with closed-form matrix
// (PhaseShift, Rot, U3).
type single struct {
	name string
	k    kind
}

type singleDiag struct{ *single }

// PhaseShift returns diag(1, e^{iφ}) ("PhaseShift", QASM u1 and p).
func PhaseShift() Gate { return &singleDiag{&single{"PhaseShift", kPhase}} }

// Rot returns Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ) ("Rot"): the first parameter
// is applied first.
func Rot() Gate { return &single{"Rot", kRot} }

// U3 returns U3(θ, φ, δ) = [[c, −e^{iδ}s], [e^{iφ}s, e^{i(φ+δ)}c]] with
// c = cos(θ/2), s = sin(θ/2) ("U3", QASM u3): the polar angle comes first.
func U3() Gate { return &single{"U3", kU3} }

func (g *single) Name() string                        { return g.name }
func (g *single) NumWires() int                       { return 1 }
func (g *single) NumParams() int                      { return g.k.numParams() }
func (g *single) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }

// ShiftRule is the two-term rule: every parameter of PhaseShift, Rot and U3
// enters through a generator with eigenvalue gap 1 (U3 up to a global phase).
func (g *single) ShiftRule(j int) []Shift { return twoTerm() }

func (g *single) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams(g.name, params, g.k.numParams())
	checkSquare(g.name, "destination", dst, 2)
	m := mat2(g.k, params)
	copy(dst.Data, m[:])
}

func (g *single) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	checkVJP(g.name, params, g.k.numParams(), ubar, 2, grad)
	var d [3][4]complex128
	dmat2(g.k, params, &d)
	for j := range grad {
		for i, v := range d[j] {
			grad[j] += reDot(ubar.Data[i], v)
		}
	}
}

func (g *singleDiag) DiagonalTo(dst []complex128, params []float64) {
	checkParams(g.name, params, 1)
	if len(dst) != 2 {
		panic(fmt.Sprintf("gate: %s: diagonal of length %d, want 2", g.name, len(dst)))
	}
	m := mat2(g.k, params)
	dst[0], dst[1] = m[0], m[3]
}

// ctrl is a singly controlled one-qubit family: |0⟩⟨0|⊗I + |1⟩⟨1|⊗R.
type ctrl struct {
	name string
	k    kind
}

type ctrlDiag struct{ *ctrl }

// CRX returns |0⟩⟨0|⊗I + |1⟩⟨1|⊗RX(φ) ("CRX"); wires [control, target].
func CRX() Gate { return &ctrl{"CRX", kRX} }

// CRY returns |0⟩⟨0|⊗I + |1⟩⟨1|⊗RY(φ) ("CRY").
func CRY() Gate { return &ctrl{"CRY", kRY} }

// CRZ returns |0⟩⟨0|⊗I + |1⟩⟨1|⊗RZ(φ) = diag(1, 1, e^{−iφ/2}, e^{iφ/2})
// ("CRZ"); it is not a controlled PhaseShift.
func CRZ() Gate { return &ctrlDiag{&ctrl{"CRZ", kRZ}} }

// CRot returns |0⟩⟨0|⊗I + |1⟩⟨1|⊗Rot(φ, θ, ω) ("CRot").
func CRot() Gate { return &ctrl{"CRot", kRot} }

// ControlledPhaseShift returns diag(1, 1, 1, e^{iφ}) ("ControlledPhaseShift",
// QASM cu1 and cp).
func ControlledPhaseShift() Gate { return &ctrlDiag{&ctrl{"ControlledPhaseShift", kPhase}} }

func (g *ctrl) Name() string                        { return g.name }
func (g *ctrl) NumWires() int                       { return 2 }
func (g *ctrl) NumParams() int                      { return g.k.numParams() }
func (g *ctrl) NumControls() int                    { return 1 }
func (g *ctrl) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }

// ShiftRule is PennyLane's four-term rule for the controlled rotations
// (generator eigenvalues {0, ±½}) and the two-term rule for
// ControlledPhaseShift (eigenvalues {0, 1}).
func (g *ctrl) ShiftRule(j int) []Shift {
	if g.k == kPhase {
		return twoTerm()
	}
	return fourTerm()
}

func (g *ctrl) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams(g.name, params, g.k.numParams())
	checkSquare(g.name, "destination", dst, 4)
	zero(dst)
	m := mat2(g.k, params)
	dst.Data[0], dst.Data[5] = 1, 1
	dst.Data[10], dst.Data[11], dst.Data[14], dst.Data[15] = m[0], m[1], m[2], m[3]
}

func (g *ctrl) TargetTo(dst *cmat.Dense, params []float64) {
	checkParams(g.name, params, g.k.numParams())
	checkSquare(g.name, "target destination", dst, 2)
	m := mat2(g.k, params)
	copy(dst.Data, m[:])
}

func (g *ctrl) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	checkVJP(g.name, params, g.k.numParams(), ubar, 4, grad)
	var d [3][4]complex128
	dmat2(g.k, params, &d)
	for j := range grad {
		grad[j] += reDot(ubar.Data[10], d[j][0]) + reDot(ubar.Data[11], d[j][1]) +
			reDot(ubar.Data[14], d[j][2]) + reDot(ubar.Data[15], d[j][3])
	}
}

func (g *ctrlDiag) DiagonalTo(dst []complex128, params []float64) {
	checkParams(g.name, params, 1)
	if len(dst) != 4 {
		panic(fmt.Sprintf("gate: %s: diagonal of length %d, want 4", g.name, len(dst)))
	}
	m := mat2(g.k, params)
	dst[0], dst[1], dst[2], dst[3] = 1, 1, m[0], m[3]
}
