package gate

import (
	"errors"
	"fmt"
)

// ErrUnknown is returned (wrapped) by Lookup for a name it does not know.
var ErrUnknown = errors.New("unknown gate")

// Names returns the canonical names Lookup accepts, in a fixed order.
// PauliRot, QubitUnitary and Evolve need more than a name and a wire count;
// build them with their constructors.
func Names() []string {
	return []string{
		"Identity", "PauliX", "PauliY", "PauliZ", "Hadamard", "S", "Adjoint(S)", "T", "Adjoint(T)",
		"SX", "Adjoint(SX)", "RX", "RY", "RZ", "PhaseShift", "Rot", "U3",
		"CNOT", "CY", "CZ", "SWAP", "CRX", "CRY", "CRZ", "CRot", "ControlledPhaseShift",
		"IsingXX", "IsingYY", "IsingZZ", "Toffoli", "MultiRZ", "SpecialUnitary",
	}
}

// Lookup returns the gate with the given PennyLane name on wires wires.
// It also accepts the aliases I, X, Y, Z, H, Sdg, Tdg, SXdg, CX and CCX.
// wires may be 0 for gates with a fixed number of wires; MultiRZ and
// SpecialUnitary need it (SpecialUnitary: 1 to 7). Names are
// case-sensitive.
func Lookup(name string, wires int) (Gate, error) {
	g, err := byName(name, wires)
	if err != nil {
		return nil, fmt.Errorf("gate: Lookup(%q, %d): %w", name, wires, err)
	}
	if wires != 0 && wires != g.NumWires() {
		return nil, fmt.Errorf("gate: Lookup(%q, %d): %s acts on %d wires", name, wires, g.Name(), g.NumWires())
	}
	return g, nil
}

func byName(name string, wires int) (Gate, error) {
	switch name {
	case "Identity", "I":
		return Identity(), nil
	case "PauliX", "X":
		return PauliX(), nil
	case "PauliY", "Y":
		return PauliY(), nil
	case "PauliZ", "Z":
		return PauliZ(), nil
	case "Hadamard", "H":
		return Hadamard(), nil
	case "S":
		return S(), nil
	case "Adjoint(S)", "Sdg":
		return Sdg(), nil
	case "T":
		return T(), nil
	case "Adjoint(T)", "Tdg":
		return Tdg(), nil
	case "SX":
		return SX(), nil
	case "Adjoint(SX)", "SXdg":
		return SXdg(), nil
	case "RX":
		return RX(), nil
	case "RY":
		return RY(), nil
	case "RZ":
		return RZ(), nil
	case "PhaseShift":
		return PhaseShift(), nil
	case "Rot":
		return Rot(), nil
	case "U3":
		return U3(), nil
	case "CNOT", "CX":
		return CNOT(), nil
	case "CY":
		return CY(), nil
	case "CZ":
		return CZ(), nil
	case "SWAP":
		return SWAP(), nil
	case "CRX":
		return CRX(), nil
	case "CRY":
		return CRY(), nil
	case "CRZ":
		return CRZ(), nil
	case "CRot":
		return CRot(), nil
	case "ControlledPhaseShift":
		return ControlledPhaseShift(), nil
	case "IsingXX":
		return IsingXX(), nil
	case "IsingYY":
		return IsingYY(), nil
	case "IsingZZ":
		return IsingZZ(), nil
	case "Toffoli", "CCX":
		return Toffoli(), nil
	case "MultiRZ":
		if wires < 1 || wires > 30 {
			return nil, errors.New("MultiRZ needs 1 to 30 wires")
		}
		return MultiRZ(wires), nil
	case "SpecialUnitary":
		if wires < 1 || wires > 7 {
			return nil, errors.New("SpecialUnitary needs 1 to 7 wires")
		}
		return SpecialUnitary(wires), nil
	case "PauliRot", "QubitUnitary", "Evolve":
		return nil, fmt.Errorf("%s needs more than a name: use its constructor", name)
	}
	return nil, ErrUnknown
}
