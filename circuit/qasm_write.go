package circuit

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/pauli"
)

// ErrNoQASM is wrapped by QASM's error for an op without an OpenQASM 2.0
// form.
var ErrNoQASM = errors.New("no OpenQASM 2.0 form")

// qasmName maps the gates with a direct qelib1.inc equivalent (same matrix,
// same phase, same parameter order).
func qasmName(name string) (string, bool) {
	switch name {
	case "Identity":
		return "id", true
	case "PauliX":
		return "x", true
	case "PauliY":
		return "y", true
	case "PauliZ":
		return "z", true
	case "Hadamard":
		return "h", true
	case "S":
		return "s", true
	case "Adjoint(S)":
		return "sdg", true
	case "T":
		return "t", true
	case "Adjoint(T)":
		return "tdg", true
	case "SX":
		return "sx", true
	case "Adjoint(SX)":
		return "sxdg", true
	case "RX":
		return "rx", true
	case "RY":
		return "ry", true
	case "RZ":
		return "rz", true
	case "PhaseShift":
		return "u1", true
	case "U3":
		return "u3", true
	case "CNOT":
		return "cx", true
	case "CY":
		return "cy", true
	case "CZ":
		return "cz", true
	case "SWAP":
		return "swap", true
	case "CRX":
		return "crx", true
	case "CRY":
		return "cry", true
	case "CRZ":
		return "crz", true
	case "ControlledPhaseShift":
		return "cu1", true
	case "Toffoli":
		return "ccx", true
	case "IsingXX":
		return "rxx", true
	case "IsingZZ":
		return "rzz", true
	}
	return "", false
}

// QASM returns the circuit as an OpenQASM 2.0 program for one sample's
// inputs and the weights, with every parameter substituted by its value.
// Wire w is qubit q[w] of a single register q. (Qiskit numbers the bits of
// a basis index the other way round: its statevector of the same program
// is ours with the qubit order reversed.)
//
// Gates with a qelib1.inc equivalent of the same matrix map directly: see
// the package documentation for the table. The others are decomposed
// exactly, with no global phase: Rot(φ, θ, ω) as rz(φ); ry(θ); rz(ω),
// CRot as crz; cry; crz, and IsingYY, MultiRZ on three or more wires and
// PauliRot as basis changes (h for X, rx(π/2) for Y), a CNOT ladder, rz
// and the inverse. QubitUnitary, SpecialUnitary, Evolve, amplitude
// embeddings and PauliRot of an all-identity word (a global phase) have no
// OpenQASM 2.0 form: QASM returns an error wrapping ErrNoQASM that names the
// op.
func (c *Circuit) QASM(inputs, weights []float64) (string, error) {
	if len(inputs) != c.nin || len(weights) != c.nw {
		return "", fmt.Errorf("circuit: QASM: %d inputs and %d weights for a circuit with %d and %d", len(inputs), len(weights), c.nin, c.nw)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\n", c.n)
	for i, o := range c.ops {
		if o.amp != nil {
			return "", fmt.Errorf("circuit: QASM: op %d (%s): %w", i, o.Name(), ErrNoQASM)
		}
		p := make([]float64, o.NumParams())
		o.Params(p, inputs, weights)
		for j, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return "", fmt.Errorf("circuit: QASM: op %d (%s): parameter %d is %g", i, o.Name(), j, v)
			}
		}
		if err := writeOp(&b, o, p); err != nil {
			return "", fmt.Errorf("circuit: QASM: op %d (%s): %w", i, o.Name(), err)
		}
	}
	return b.String(), nil
}

func writeOp(b *strings.Builder, o Op, p []float64) error {
	name := o.g.Name()
	if q, ok := qasmName(name); ok {
		writeGate(b, q, o.wires, p...)
		return nil
	}
	switch name {
	case "Rot":
		w := o.wires
		writeGate(b, "rz", w, p[0])
		writeGate(b, "ry", w, p[1])
		writeGate(b, "rz", w, p[2])
		return nil
	case "CRot":
		w := o.wires
		writeGate(b, "crz", w, p[0])
		writeGate(b, "cry", w, p[1])
		writeGate(b, "crz", w, p[2])
		return nil
	case "IsingYY", "MultiRZ", "PauliRot":
		if r, ok := o.g.(gate.Rotation); ok {
			return writePauliRot(b, r.Word().Ops, o.wires, p[0])
		}
	}
	return ErrNoQASM
}

// writePauliRot writes exp(−iθ/2·P) exactly: basis changes to Z, the parity
// of the active wires onto the last one by a CNOT ladder, rz(θ), and back.
func writePauliRot(b *strings.Builder, ops []pauli.Op, wires []int, theta float64) error {
	var act []int
	var letters []pauli.Op
	for k, o := range ops {
		if o != pauli.I {
			act = append(act, wires[k])
			letters = append(letters, o)
		}
	}
	if len(act) == 0 {
		return fmt.Errorf("an all-identity PauliRot is a global phase: %w", ErrNoQASM)
	}
	basis := func(undo bool) {
		for k, o := range letters {
			switch {
			case o == pauli.X:
				writeGate(b, "h", act[k:k+1])
			case o == pauli.Y && !undo:
				writeGate(b, "rx", act[k:k+1], math.Pi/2)
			case o == pauli.Y:
				writeGate(b, "rx", act[k:k+1], -math.Pi/2)
			}
		}
	}
	basis(false)
	switch len(act) {
	case 1:
		writeGate(b, "rz", act, theta)
	case 2:
		writeGate(b, "rzz", act, theta)
	default:
		for k := 0; k+1 < len(act); k++ {
			writeGate(b, "cx", act[k:k+2])
		}
		writeGate(b, "rz", act[len(act)-1:], theta)
		for k := len(act) - 2; k >= 0; k-- {
			writeGate(b, "cx", act[k:k+2])
		}
	}
	basis(true)
	return nil
}

// writeGate writes "name(p0,p1) q[w0],q[w1];" with the shortest decimal
// form of each value that reads back exactly.
func writeGate(b *strings.Builder, name string, wires []int, params ...float64) {
	if len(params) > 0 {
		s := make([]string, len(params))
		for i, v := range params {
			s[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		name += "(" + strings.Join(s, ",") + ")"
	}
	writeRaw(b, name, wires)
}

func writeRaw(b *strings.Builder, head string, wires []int) {
	b.WriteString(head)
	for i, w := range wires {
		if i == 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(",")
		}
		fmt.Fprintf(b, "q[%d]", w)
	}
	b.WriteString(";\n")
}
