package qnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/sim"
	"github.com/quanta-qml/quanta/tensor"
)

// interleavedBlocks lists the rotation layers of each block of the
// interleaved classifier: 8 (RX, RZ × 4) in the first, 6 in the others.
var interleavedBlocks = [4]int{8, 6, 6, 6}

// InterleavedOptions are the optional settings of InterleavedClassifier.
// The zero value is the paper's classifier for 16×16 images.
type InterleavedOptions struct {
	Qubits   int     // n; 0 means 10
	Features int     // pixels per sample, at most 26n; 0 means 256
	Scale    float64 // pixel scale T; 0 means 2, the demo's
	NoOffset bool    // drop the +π the paper adds to every encoded angle
	Sim      sim.Options
}

// InterleavedClassifier is the classifier of Ren et al., "Experimental
// quantum adversarial learning with programmable superconducting qubits"
// (arXiv:2204.01738, Nat. Comput. Sci. 2, 711 (2022)), as in the
// authors' Yao code: on n = 10 qubits from |0…0⟩, four blocks of
// rotation layers (RX, RZ alternating, starting with RX; 8 layers in the
// first block, 6 in the others), each block followed by the brickwork
// CNOTs (w, w+1) for even w, then for odd w (no ring). Every rotation
// angle interleaves data and weights: the k-th angle, counting layer by
// layer with the wire fastest (pixel k on wire k mod n of layer ⌊k/n⌋),
// is
//
//	Scale·x_k + π + θ_k,
//
// with x_k = 0 past the Features pixels (the code pads 256 pixels to 260
// and adds π to all). The logits [B, 2] are the probabilities of wire
// ⌊(n−1)/2⌋ (the paper's qubit 5 of 10) reading 0 and 1.
//
// Parameters: Weight θ [26n] (quantum; U[0, 1) as Yao's dispatch!(:random)),
// 260 for the paper's classifier.
type InterleavedClassifier struct {
	nn.Base
	Qubits, Features int
	Scale, Offset    float64
	ReadoutWire      int
	Weight           *autograd.Var // θ [26·Qubits]
	cc               *compiled
}

// NewInterleavedClassifier returns the classifier with θ drawn from r. It
// panics unless 2 ≤ n ≤ 20 and Features ≤ 26n.
func NewInterleavedClassifier(r *rand.Rand, opt InterleavedOptions) *InterleavedClassifier {
	m := &InterleavedClassifier{Qubits: opt.Qubits, Features: opt.Features, Scale: opt.Scale, Offset: math.Pi}
	if m.Qubits == 0 {
		m.Qubits = 10
	}
	if m.Features == 0 {
		m.Features = 256
	}
	if m.Scale == 0 {
		m.Scale = 2
	}
	if opt.NoOffset {
		m.Offset = 0
	}
	n := m.Qubits
	angles := 26 * n
	if n < 2 || n > 20 || m.Features < 1 || m.Features > angles {
		panic(fmt.Sprintf("qnn: InterleavedClassifier on %d qubits with %d features (need 2 ≤ n ≤ 20, 1 ≤ features ≤ 26n)", n, m.Features))
	}
	m.ReadoutWire = (n - 1) / 2
	var err error
	m.cc, err = compileCircuit(m.circuit(), []sim.Output{sim.Probs(m.ReadoutWire)}, opt.Sim)
	if err != nil {
		panic(err.Error())
	}
	w := tensor.New(angles)
	for i := range w.Data() {
		w.Data()[i] = r.Float64()
	}
	m.Weight = m.RegisterParam("weight", autograd.Param(w), nn.Quantum)
	return m
}

// circuit builds the classifier's circuit.
func (m *InterleavedClassifier) circuit() *circuit.Circuit {
	n := m.Qubits
	b := circuit.NewBuilder(n)
	b.AddInputs(m.Features)
	b.AddWeights(26 * n)
	k := 0
	for _, layers := range interleavedBlocks {
		for l := range layers {
			g := gate.RX()
			if l%2 == 1 {
				g = gate.RZ()
			}
			for w := range n {
				p := circuit.Affine(m.Scale, k, 1, k, m.Offset)
				if k >= m.Features {
					p = circuit.Affine(0, 0, 1, k, m.Offset)
				}
				b.Append(g, []int{w}, p)
				k++
			}
		}
		for _, start := range [2]int{0, 1} {
			for w := start; w+1 < n; w += 2 {
				b.Append(gate.CNOT(), []int{w, w + 1})
			}
		}
	}
	c, err := b.Build()
	if err != nil {
		panic(fmt.Sprintf("qnn: InterleavedClassifier: %v", err))
	}
	return c
}

// Circuit returns the classifier's circuit: inputs are the Features pixels
// of a sample, weights θ.
func (m *InterleavedClassifier) Circuit() *circuit.Circuit { return m.cc.c }

// Forward returns the logits [B, 2] for x [B, …] with Features pixels per
// sample (e.g. [B, 1, 16, 16]).
func (m *InterleavedClassifier) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	size := 1
	for _, d := range s[min(1, len(s)):] {
		size *= d
	}
	if len(s) < 2 || size != m.Features {
		panic(fmt.Sprintf("qnn: InterleavedClassifier input of shape %v, want [B …] with %d values per sample", s, m.Features))
	}
	if len(s) != 2 {
		x = autograd.Reshape(x, s[0], m.Features)
	}
	return autograd.Apply(&circuitFn{cc: m.cc, copies: 1}, x, m.Weight)
}
