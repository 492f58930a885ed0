package qnn

import "github.com/quanta-qml/quanta/nn"

// QuantumImag tags the imaginary parts b of complex quantum parameters
// θ = a + ib, which exist only in the NonUnitary reproduction mode of
// FlippedQuanv and HamiltonianLinear (the real parts a keep nn.Quantum).
// Counting nn.Quantum alone therefore counts each complex parameter once,
// the convention of the papers' parameter tables; adding QuantumImag
// counts real numbers, as an optimiser sees them.
const QuantumImag nn.Kind = "quantum-imag"

// ParamCount splits the parameter elements of a model by origin.
type ParamCount struct {
	Classical   int // every kind other than nn.Quantum and QuantumImag
	Quantum     int // nn.Quantum: real parameters, and the real parts of complex ones
	QuantumImag int // QuantumImag: imaginary parts of complex parameters
}

// CountParams returns the parameter counts of m and its descendants
// (shared parameters once, frozen ones included, as nn.NumParams).
func CountParams(m nn.Module) ParamCount {
	q := nn.NumParams(m, nn.Quantum)
	im := nn.NumParams(m, QuantumImag)
	return ParamCount{Classical: nn.NumParams(m) - q - im, Quantum: q, QuantumImag: im}
}

// ComplexOnce returns the total with each complex parameter counted once
// (the papers' convention): Classical + Quantum.
func (c ParamCount) ComplexOnce() int { return c.Classical + c.Quantum }

// RealTwice returns the total number of real parameters, each complex
// parameter counted as two: Classical + Quantum + QuantumImag.
func (c ParamCount) RealTwice() int { return c.Classical + c.Quantum + c.QuantumImag }
