package qnn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/pauli"
	"github.com/quanta-qml/quanta/sim"
)

// EmbeddingKind selects how the features of a sample enter a circuit.
type EmbeddingKind int

const (
	// EmbedAngle is PennyLane's AngleEmbedding: R(Scale·x_k) on wire k,
	// R = RX, RY or RZ (Embedding.Rotation). At most n features.
	EmbedAngle EmbeddingKind = iota
	// EmbedAmplitude is PennyLane's AmplitudeEmbedding with normalisation:
	// the features, padded at the end with PadWith up to 2ⁿ and divided by
	// their Euclidean norm, are the amplitudes of the state. At most 2ⁿ
	// features.
	EmbedAmplitude
	// EmbedIQP is PennyLane's IQPEmbedding (Repeats repetitions, every
	// pair of wires): exactly n features.
	EmbedIQP
	// EmbedReupload is data re-uploading (Pérez-Salinas et al., Quantum 4,
	// 226 (2020); ansatz.DataReuploading): Layers layers of
	// Rot(Scale·x_{3i…3i+2} + θ) on wire i with CZ chains between them, so
	// the features enter every layer. The θ are trainable weights of the
	// circuit. At most 3n features.
	EmbedReupload
)

// Embedding configures the data-encoding part of a circuit. The zero value
// is PennyLane's AngleEmbedding with RX and no scaling.
type Embedding struct {
	Kind EmbeddingKind
	// Features is the number of features the circuit reads; 0 means the
	// natural count of the kind: n (angle, IQP), 2ⁿ (amplitude), 3n
	// (re-uploading).
	Features int
	// Rotation is the angle embedding's gate: "X" (default), "Y" or "Z".
	Rotation string
	// Scale multiplies the features of the angle and re-uploading
	// embeddings; 0 means 1.
	Scale float64
	// PadWith pads amplitude-embedding features up to 2ⁿ (PennyLane's
	// pad_with); it matters only when Features < 2ⁿ.
	PadWith float64
	// Repeats is IQP's n_repeats; 0 means 1.
	Repeats int
	// Layers is the number of re-uploading layers; 0 means 1.
	Layers int
}

// AnsatzKind selects the trainable part of a circuit.
type AnsatzKind int

const (
	// AnsatzBasicEntangler is PennyLane's BasicEntanglerLayers: one
	// rotation (Ansatz.Rotation) per wire, then a CNOT ring; weights
	// (layers, n).
	AnsatzBasicEntangler AnsatzKind = iota
	// AnsatzStronglyEntangling is PennyLane's StronglyEntanglingLayers:
	// Rot(φ, θ, ω) per wire, then CNOTs from wire i to i + r_l (mod n);
	// weights (layers, n, 3).
	AnsatzStronglyEntangling
	// AnsatzRYRZ is the RY–RZ hardware-efficient ansatz: per layer RY(θ)
	// then RZ(φ) on every wire, then the CNOT ring of
	// BasicEntanglerLayers; weights (layers, n, 2), row-major.
	AnsatzRYRZ
	// AnsatzHardwareEfficient is ansatz.HardwareEfficient: RX, RY, RZ on
	// every wire, then the CNOT ring; weights (layers, n, 3).
	AnsatzHardwareEfficient
	// AnsatzEfficientSU2 is Qiskit's EfficientSU2 (Ansatz.SU2), with
	// Layers repetitions when Layers > 0.
	AnsatzEfficientSU2
	// AnsatzCustom appends the circuit of Ansatz.Custom.
	AnsatzCustom
	// AnsatzNone appends nothing: the embedding alone (useful with
	// EmbedReupload, which has its own weights).
	AnsatzNone
)

// Ansatz configures the trainable part of a circuit. The zero value is one
// layer of BasicEntanglerLayers with RX.
type Ansatz struct {
	Kind AnsatzKind
	// Layers is the number of layers; 0 means 1.
	Layers int
	// Rotation is BasicEntanglerLayers' gate: "X" (default), "Y" or "Z".
	Rotation string
	// Ranges are StronglyEntanglingLayers' ranges, one per layer; nil
	// means PennyLane's default (l mod (n−1)) + 1.
	Ranges []int
	// SU2 configures EfficientSU2 (its zero value is Qiskit's default).
	SU2 ansatz.SU2Options
	// Custom appends a caller-defined circuit: wires are the circuit's
	// wires and x the indices of its inputs (so that it may re-upload
	// them); it allocates its weights with b.AddWeights.
	Custom func(b *circuit.Builder, wires, x []int) error
}

// ReadoutKind selects what is measured at the end of a circuit.
type ReadoutKind int

const (
	// ReadZ measures ⟨Z⟩ on each wire of Readout.Wires (nil: every wire).
	ReadZ ReadoutKind = iota
	// ReadY measures ⟨Y⟩ on each wire of Readout.Wires (nil: every wire).
	ReadY
	// ReadPauli measures ⟨H⟩ for each Pauli sum of Readout.Sums.
	ReadPauli
	// ReadProbs gives the 2ᵏ marginal probabilities of Readout.Wires (nil:
	// every wire), the first listed wire the most significant bit.
	ReadProbs
)

// Readout configures the measured outputs of a circuit. The zero value is
// ⟨Z⟩ on every wire.
type Readout struct {
	Kind  ReadoutKind
	Wires []int
	Sums  []pauli.Sum
}

// Spec describes a variational circuit on Qubits wires: an embedding of a
// sample's features, a trainable ansatz and a readout. The simulator-backed
// layers build their circuit from a Spec; its zero value (with Qubits
// set) is AngleEmbedding(RX) → one layer of BasicEntanglerLayers(RX) →
// ⟨Z⟩ on every wire, PennyLane's textbook quantum layer.
type Spec struct {
	// Qubits is n. A layer constructor given 0 picks the n that reads
	// Embedding.Features, or when that is 0 the layer's input without an
	// adapter: the number of features for the angle and IQP embeddings,
	// ⌈log₂ features⌉ for the amplitude embedding and ⌈features/3⌉ for
	// re-uploading.
	Qubits    int
	Embedding Embedding
	Ansatz    Ansatz
	Readout   Readout
	// Init draws the initial circuit weights; nil draws them from
	// U[0, 2π), the default of PennyLane's TorchLayer.
	Init func(r *rand.Rand, w []float64)
	// Sim tunes the simulation (workers, fusion); its zero value is sim's
	// default.
	Sim sim.Options
}

// features returns the number of features of the embedding on n wires.
func (e Embedding) features(n int) int {
	if e.Features > 0 {
		return e.Features
	}
	switch e.Kind {
	case EmbedAmplitude:
		if n >= 31 {
			return 0 // rejected by Build
		}
		return 1 << n
	case EmbedReupload:
		return 3 * n
	}
	return n
}

// resolve returns s with Qubits chosen when it is 0: for Features
// features when set, else for f (the embedding then reads exactly f).
func (s Spec) resolve(f int) Spec {
	if s.Qubits > 0 || f < 1 {
		return s
	}
	if s.Embedding.Features > 0 {
		f = s.Embedding.Features
	}
	switch s.Embedding.Kind {
	case EmbedAmplitude:
		n := 1
		for n < 31 && 1<<n < f {
			n++
		}
		s.Qubits = n
	case EmbedReupload:
		s.Qubits = (f + 2) / 3
	default:
		s.Qubits = f
	}
	if s.Embedding.Features == 0 && s.Embedding.features(s.Qubits) != f {
		s.Embedding.Features = f
	}
	return s
}

// Features returns the number of features per sample the circuit of s
// reads.
func (s Spec) Features() int { return s.Embedding.features(s.Qubits) }

// Build returns the circuit of s, whose inputs are the Features() features
// of a sample, and its outputs. It reports an invalid spec (no qubits,
// more features than the embedding holds, an unknown kind or gate, a
// failing Custom builder, readout wires or Pauli words out of range) as an
// error.
func (s Spec) Build() (*circuit.Circuit, []sim.Output, error) {
	cc, err := s.compile()
	if err != nil {
		return nil, nil, err
	}
	return cc.c, cc.outs, nil
}

// circuit builds the circuit of s and its outputs, unchecked by sim.
func (s Spec) circuit() (*circuit.Circuit, []sim.Output, error) {
	n := s.Qubits
	if n < 1 || n > 30 {
		return nil, nil, fmt.Errorf("qnn: circuit on %d qubits, want 1 to 30", n)
	}
	f := s.Features()
	if err := s.Embedding.check(n, f); err != nil {
		return nil, nil, err
	}
	b := circuit.NewBuilder(n)
	x0 := b.AddInputs(f)
	x := make([]int, f)
	for i := range x {
		x[i] = x0 + i
	}
	if err := s.Embedding.append(b, x); err != nil {
		return nil, nil, err
	}
	if err := s.Ansatz.append(b, x); err != nil {
		return nil, nil, err
	}
	c, err := b.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("qnn: %w", err)
	}
	outs, err := s.Readout.outputs(n)
	if err != nil {
		return nil, nil, err
	}
	return c, outs, nil
}

// check reports features that do not fit the embedding on n wires.
func (e Embedding) check(n, f int) error {
	limit := n
	switch e.Kind {
	case EmbedAngle:
	case EmbedAmplitude:
		limit = 1 << n
	case EmbedIQP:
		if f != n {
			return fmt.Errorf("qnn: IQP embedding of %d features on %d qubits, want one per qubit", f, n)
		}
	case EmbedReupload:
		limit = 3 * n
	default:
		return fmt.Errorf("qnn: unknown embedding kind %d", e.Kind)
	}
	if f < 1 || f > limit {
		return fmt.Errorf("qnn: embedding of %d features on %d qubits, want 1 to %d", f, n, limit)
	}
	return nil
}

func orOne(v int) int { return max(v, 1) }

// append adds the embedding of the inputs x to b.
func (e Embedding) append(b *circuit.Builder, x []int) error {
	var err error
	switch e.Kind {
	case EmbedAngle:
		err = ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{Rotation: e.Rotation, Scale: e.Scale})
	case EmbedAmplitude:
		err = ansatz.AmplitudeEmbedding(b, nil, x, circuit.Amplitude{Normalize: true, Pad: true, PadWith: e.PadWith})
	case EmbedIQP:
		err = ansatz.IQPEmbedding(b, nil, x, ansatz.IQPOptions{Repeats: e.Repeats})
	case EmbedReupload:
		_, err = ansatz.DataReuploading(b, nil, x, orOne(e.Layers), ansatz.ReuploadOptions{Scale: e.Scale})
	}
	if err != nil {
		return fmt.Errorf("qnn: %w", err)
	}
	return nil
}

// append adds the ansatz to b, whose inputs x it may read (Custom).
func (a Ansatz) append(b *circuit.Builder, x []int) error {
	layers := orOne(a.Layers)
	var err error
	switch a.Kind {
	case AnsatzBasicEntangler:
		_, err = ansatz.BasicEntanglerLayers(b, nil, layers, ansatz.BasicOptions{Rotation: a.Rotation})
	case AnsatzStronglyEntangling:
		_, err = ansatz.StronglyEntanglingLayers(b, nil, layers, ansatz.StrongOptions{Ranges: a.Ranges})
	case AnsatzRYRZ:
		ryrzLayers(b, layers)
	case AnsatzHardwareEfficient:
		_, err = ansatz.HardwareEfficient(b, nil, layers)
	case AnsatzEfficientSU2:
		opt := a.SU2
		if a.Layers > 0 {
			opt.Reps = a.Layers
		}
		_, err = ansatz.EfficientSU2(b, nil, opt)
	case AnsatzCustom:
		if a.Custom == nil {
			return errors.New("qnn: custom ansatz without a Custom builder")
		}
		wires := make([]int, b.NumWires())
		for i := range wires {
			wires[i] = i
		}
		err = a.Custom(b, wires, append([]int(nil), x...))
	case AnsatzNone:
	default:
		return fmt.Errorf("qnn: unknown ansatz kind %d", a.Kind)
	}
	if err != nil {
		return fmt.Errorf("qnn: %w", err)
	}
	return nil
}

// ryrzLayers appends the RY–RZ hardware-efficient layers on every wire of
// b: weight (l, i, k) is first + 2·(l·n + i) + k, RY for k = 0, RZ for 1.
func ryrzLayers(b *circuit.Builder, layers int) {
	n := b.NumWires()
	w0 := b.AddWeights(2 * layers * n)
	for l := 0; l < layers; l++ {
		for i := 0; i < n; i++ {
			b.Append(gate.RY(), []int{i}, circuit.Weight(w0+2*(l*n+i)))
			b.Append(gate.RZ(), []int{i}, circuit.Weight(w0+2*(l*n+i)+1))
		}
		switch {
		case n == 2:
			b.Append(gate.CNOT(), []int{0, 1})
		case n > 2:
			for i := 0; i < n; i++ {
				b.Append(gate.CNOT(), []int{i, (i + 1) % n})
			}
		}
	}
}

// outputs returns the sim outputs of the readout on n wires.
func (r Readout) outputs(n int) ([]sim.Output, error) {
	wires := r.Wires
	if wires == nil && r.Kind != ReadPauli {
		wires = make([]int, n)
		for i := range wires {
			wires[i] = i
		}
	}
	for _, w := range wires {
		if w < 0 || w >= n {
			return nil, fmt.Errorf("qnn: readout wire %d out of range for %d qubits", w, n)
		}
	}
	switch r.Kind {
	case ReadZ:
		return sim.ExpvalZ(wires...), nil
	case ReadY:
		outs := make([]sim.Output, len(wires))
		for i, w := range wires {
			outs[i] = sim.Expval(pauli.Sum{{Coeff: 1, Word: pauli.Word{Ops: []pauli.Op{pauli.Y}, Wires: []int{w}}}})
		}
		return outs, nil
	case ReadPauli:
		if len(r.Sums) == 0 {
			return nil, errors.New("qnn: Pauli readout without sums")
		}
		outs := make([]sim.Output, len(r.Sums))
		for i, h := range r.Sums {
			outs[i] = sim.Expval(h)
		}
		return outs, nil
	case ReadProbs:
		return []sim.Output{sim.Probs(wires...)}, nil
	}
	return nil, fmt.Errorf("qnn: unknown readout kind %d", r.Kind)
}

// initWeights draws w with init, or from U[0, 2π) when init is nil.
func initWeights(r *rand.Rand, w []float64, init func(*rand.Rand, []float64)) {
	if init != nil {
		init(r, w)
		return
	}
	for i := range w {
		w[i] = 2 * math.Pi * r.Float64()
	}
}
