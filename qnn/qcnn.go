package qnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/sim"
	"github.com/quanta-qml/quanta/tensor"
)

// QCNNPadWith is the value the QCNN pads its amplitude-embedding features
// with, as the paper's code (PennyLane's pad_with=0.5).
const QCNNPadWith = 0.5

// QCNNOptions are the optional settings of QCNN. The zero value is the
// baseline of the Hamiltonian-embedding paper: 10 qubits (32×32 images),
// 2 convolution+pooling stages.
type QCNNOptions struct {
	Qubits   int // n; 0 means 10
	Stages   int // convolution+pooling stages; 0 means 2
	Features int // values per sample, padded to 2ⁿ; 0 means 2ⁿ
	Sim      sim.Options
}

// QCNN is the quantum convolutional classifier used as the baseline of
// Wang et al., "Quantum Hamiltonian Embedding of Images for Data
// Reuploading Classifiers" (arXiv:2407.14055), whose code follows
// PennyLane's demo "Generalization in QML from few training data". The
// image, flattened, padded with QCNNPadWith to 2ⁿ values and L2-normalised,
// is the state of n qubits (AmplitudeEmbedding); each stage j on the
// remaining wires w_0, w_1, … applies
//
//   - convolution, with the 15 weights W[0:15, j], on the neighbour pairs
//     (w_0, w_1), (w_2, w_3), … and then (w_1, w_2), (w_3, w_4), …:
//     U3⊗U3 (only in stage 0 and on the first set of pairs, as the
//     code's skip_first_layer), IsingXX, IsingYY, IsingZZ, U3⊗U3;
//   - pooling, with the weights W[15:18, j]: every odd-position wire is
//     measured and U3 is applied to its left neighbour when the outcome is
//     1, written by deferred measurement as a controlled U3 from the
//     measured wire (the measured wires are not used again, so the
//     outputs are those of the measuring circuit);
//
// and keeps the even-position wires (10 → 5 → 3: wires 0, 4, 8). Then
// PennyLane's ArbitraryUnitary (4ᵐ−1 Pauli rotations, weights Last) acts
// on the m remaining wires, and the outputs are their 2ᵐ probabilities
// (the logits): x [B, …] with Features values per sample to [B, 2ᵐ].
//
// Parameters (quantum, N(0, 1) as the paper's code, drawn in this order):
// Weight [18, Stages], Last [4ᵐ−1]; 18·2 + 63 = 99 for the paper's model.
type QCNN struct {
	nn.Base
	Qubits, Stages, Features int
	Wires                    []int         // the measured wires at the end
	Weight                   *autograd.Var // [18, Stages]
	Last                     *autograd.Var // [4ᵐ−1]
	cc                       *compiled
}

// NewQCNN returns the QCNN with its weights drawn from r. It panics when
// the stages do not fit the qubits (every convolution needs at least 3
// wires) or Features exceeds 2ⁿ.
func NewQCNN(r *rand.Rand, opt QCNNOptions) *QCNN {
	q := &QCNN{Qubits: opt.Qubits, Stages: opt.Stages, Features: opt.Features}
	if q.Qubits == 0 {
		q.Qubits = 10
	}
	if q.Stages == 0 {
		q.Stages = 2
	}
	if q.Qubits > 20 || q.Qubits < 3 {
		panic(fmt.Sprintf("qnn: QCNN on %d qubits, want 3 to 20", q.Qubits))
	}
	if q.Features == 0 {
		q.Features = 1 << q.Qubits
	}
	c, wires, err := qcnnCircuit(q.Qubits, q.Stages, q.Features)
	if err != nil {
		panic(err.Error())
	}
	q.cc, err = compileCircuit(c, []sim.Output{sim.Probs(wires...)}, opt.Sim)
	if err != nil {
		panic(err.Error())
	}
	q.Wires = wires
	q.Weight = q.RegisterParam("weight", autograd.Param(tensor.RandN(r, 18, q.Stages)), nn.Quantum)
	q.Last = q.RegisterParam("last", autograd.Param(tensor.RandN(r, 1<<(2*len(wires))-1)), nn.Quantum)
	return q
}

// Circuit returns the QCNN's circuit: inputs are the Features values of a
// sample, weights Weight (row-major) followed by Last.
func (q *QCNN) Circuit() *circuit.Circuit { return q.cc.c }

// Forward returns the 2ᵐ probabilities for the batch x [B, …] with
// Features values per sample.
func (q *QCNN) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	size := 1
	for _, d := range s[min(1, len(s)):] {
		size *= d
	}
	if len(s) < 2 || size != q.Features {
		panic(fmt.Sprintf("qnn: QCNN input of shape %v, want [B …] with %d values per sample", s, q.Features))
	}
	if len(s) != 2 {
		x = autograd.Reshape(x, s[0], q.Features)
	}
	return autograd.Apply(&circuitFn{cc: q.cc, copies: 1}, x, q.Weight, q.Last)
}

// qcnnCircuit builds the QCNN circuit; it returns the final wires.
func qcnnCircuit(n, stages, features int) (*circuit.Circuit, []int, error) {
	if features < 1 || features > 1<<n {
		return nil, nil, fmt.Errorf("qnn: QCNN with %d features on %d qubits, want 1 to %d", features, n, 1<<n)
	}
	b := circuit.NewBuilder(n)
	x0 := b.AddInputs(features)
	xs := make([]int, features)
	wires := make([]int, n)
	for i := range xs {
		xs[i] = x0 + i
	}
	for i := range wires {
		wires[i] = i
	}
	b.AmplitudeEmbedding(wires, xs, circuit.Amplitude{Normalize: true, Pad: true, PadWith: QCNNPadWith})
	w0 := b.AddWeights(18 * stages)
	for j := range stages {
		if len(wires) < 3 {
			return nil, nil, fmt.Errorf("qnn: QCNN on %d qubits has %d wires left for stage %d of %d, want at least 3", n, len(wires), j+1, stages)
		}
		w := func(i int) circuit.Param { return circuit.Weight(w0 + i*stages + j) }
		qcnnConvLayer(b, wires, w, j == 0)
		qcnnPool(b, wires, w)
		var kept []int
		for i := 0; i < len(wires); i += 2 {
			kept = append(kept, wires[i])
		}
		wires = kept
	}
	au := newArbitraryUnitary(len(wires))
	l0 := b.AddWeights(au.NumParams())
	ps := make([]circuit.Param, au.NumParams())
	for i := range ps {
		ps[i] = circuit.Weight(l0 + i)
	}
	b.Append(au, wires, ps...)
	c, err := b.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("qnn: QCNN: %w", err)
	}
	return c, wires, nil
}

// qcnnConvLayer appends a convolution: the demo's convolutional_layer, with
// first the opposite of its skip_first_layer. Each pair's gates form one
// qcnnConv gate (see convgate.go).
func qcnnConvLayer(b *circuit.Builder, wires []int, w func(int) circuit.Param, first bool) {
	n := len(wires)
	for p := range 2 {
		for i := p; i < n-1; i += 2 {
			g := qcnnConv{first: p == 0 && first}
			lo := 6
			if g.first {
				lo = 0
			}
			ps := make([]circuit.Param, 0, 15)
			for j := lo; j < 15; j++ {
				ps = append(ps, w(j))
			}
			b.Append(g, []int{wires[i], wires[i+1]}, ps...)
		}
	}
}

// qcnnPool appends a pooling: for every odd position i, U3 on wires[i−1]
// controlled by wires[i] (the demo's measure and qml.cond, deferred).
func qcnnPool(b *circuit.Builder, wires []int, w func(int) circuit.Param) {
	for i := 1; i < len(wires); i += 2 {
		b.Append(controlledU3{}, []int{wires[i], wires[i-1]}, w(15), w(16), w(17))
	}
}
