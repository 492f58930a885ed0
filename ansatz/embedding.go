package ansatz

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
)

// resolveWires returns wires, or 0…n−1 of the builder when wires is nil.
func resolveWires(b *circuit.Builder, wires []int) ([]int, error) {
	if wires == nil {
		wires = make([]int, b.NumWires())
		for i := range wires {
			wires[i] = i
		}
	}
	if len(wires) == 0 {
		return nil, fmt.Errorf("no wires")
	}
	return wires, nil
}

// rotation returns RX, RY or RZ for "X", "Y", "Z" (or "RX", "RY", "RZ");
// empty means def.
func rotation(name, def string) (gate.Gate, error) {
	if name == "" {
		name = def
	}
	switch name {
	case "X", "RX":
		return gate.RX(), nil
	case "Y", "RY":
		return gate.RY(), nil
	case "Z", "RZ":
		return gate.RZ(), nil
	}
	return nil, fmt.Errorf("rotation %q is not X, Y or Z", name)
}

func wrap(template string, err error) error {
	return fmt.Errorf("ansatz: %s: %w", template, err)
}

// AngleOptions configures AngleEmbedding.
type AngleOptions struct {
	// Rotation is "X" (the default, as in PennyLane), "Y" or "Z".
	Rotation string
	// Scale multiplies every feature: the angle is Scale·x. 0 means 1.
	Scale float64
}

// AngleEmbedding appends PennyLane's AngleEmbedding: R(Scale·x[k]) on
// wires[k] for each feature k, where x holds input indices. There may be
// fewer features than wires; the first wires are used. nil wires means
// every wire of the builder. It has no weights.
func AngleEmbedding(b *circuit.Builder, wires, x []int, opt AngleOptions) error {
	wires, err := resolveWires(b, wires)
	if err != nil {
		return wrap("AngleEmbedding", err)
	}
	g, err := rotation(opt.Rotation, "X")
	if err != nil {
		return wrap("AngleEmbedding", err)
	}
	if len(x) > len(wires) {
		return wrap("AngleEmbedding", fmt.Errorf("%d features for %d wires", len(x), len(wires)))
	}
	scale := opt.Scale
	if scale == 0 {
		scale = 1
	}
	for k, in := range x {
		b.Append(g, []int{wires[k]}, circuit.Param{A: scale, In: in})
	}
	return nil
}

// AmplitudeEmbedding appends PennyLane's AmplitudeEmbedding of the inputs x
// onto wires (nil: every wire): the features, padded at the end with
// opt.PadWith when opt.Pad is set and normalised when opt.Normalize or
// opt.Pad is set, become the amplitudes of the wires' state, the first
// listed wire being the most significant bit. It must come first in the
// circuit. It has no weights.
func AmplitudeEmbedding(b *circuit.Builder, wires, x []int, opt circuit.Amplitude) error {
	wires, err := resolveWires(b, wires)
	if err != nil {
		return wrap("AmplitudeEmbedding", err)
	}
	if len(wires) > 30 || len(x) > 1<<len(wires) || (len(x) < 1<<len(wires) && !opt.Pad) || len(x) == 0 {
		return wrap("AmplitudeEmbedding", fmt.Errorf("%d features for %d wires (padding %t)", len(x), len(wires), opt.Pad))
	}
	if b.NumOps() != 0 {
		return wrap("AmplitudeEmbedding", fmt.Errorf("must be the first op, the builder has %d", b.NumOps()))
	}
	b.AmplitudeEmbedding(wires, x, opt)
	return nil
}

// IQPOptions configures IQPEmbedding.
type IQPOptions struct {
	// Repeats is n_repeats; 0 means 1.
	Repeats int
	// Pattern lists the wire pairs of the entanglers; nil means every pair
	// of wires in itertools.combinations order.
	Pattern [][2]int
}

// IQPEmbedding appends PennyLane's IQPEmbedding of the inputs x (one per
// wire; nil wires means every wire). Repeated Repeats times: Hadamard and
// RZ(x[k]) on wires[k] for each k, then MultiRZ(x[a]·x[b]) on each pair
// (wires[a], wires[b]) of the pattern. The product x[a]·x[b] is a
// product Param, so its gradient is exact. It has no weights.
func IQPEmbedding(b *circuit.Builder, wires, x []int, opt IQPOptions) error {
	wires, err := resolveWires(b, wires)
	if err != nil {
		return wrap("IQPEmbedding", err)
	}
	if len(x) != len(wires) {
		return wrap("IQPEmbedding", fmt.Errorf("%d features for %d wires", len(x), len(wires)))
	}
	reps := opt.Repeats
	if reps == 0 {
		reps = 1
	}
	if reps < 0 {
		return wrap("IQPEmbedding", fmt.Errorf("%d repeats", reps))
	}
	pos := func(w int) int {
		for k, v := range wires {
			if v == w {
				return k
			}
		}
		return -1
	}
	var pairs [][2]int // positions in wires
	if opt.Pattern == nil {
		for a := range wires {
			for c := a + 1; c < len(wires); c++ {
				pairs = append(pairs, [2]int{a, c})
			}
		}
	}
	for _, pw := range opt.Pattern {
		a, c := pos(pw[0]), pos(pw[1])
		if a < 0 || c < 0 || a == c {
			return wrap("IQPEmbedding", fmt.Errorf("pattern pair %v is not two distinct wires of %v", pw, wires))
		}
		pairs = append(pairs, [2]int{a, c})
	}
	for r := 0; r < reps; r++ {
		for k, w := range wires {
			b.Append(gate.Hadamard(), []int{w})
			b.Append(gate.RZ(), []int{w}, circuit.Input(x[k]))
		}
		for _, p := range pairs {
			b.Append(gate.MultiRZ(2), []int{wires[p[0]], wires[p[1]]}, circuit.Product(1, x[p[0]], 0, x[p[1]], 0))
		}
	}
	return nil
}

// ZZOptions configures ZZFeatureMap.
type ZZOptions struct {
	// Reps is the number of repetitions; 0 means 2 (Qiskit's default).
	Reps int
	// Entanglement is "full" (the default), "linear", "reverse_linear" or
	// "circular", as in Qiskit.
	Entanglement string
	// Alpha scales the angles; 0 means 2 (Qiskit's default).
	Alpha float64
}

// ZZFeatureMap appends Qiskit's ZZFeatureMap of the inputs x (one per
// wire; nil wires means every wire). Repeated Reps times: H on every wire,
// then P(α·x[k]) on wires[k], then for every pair (a, c) of the
// entanglement: CX(a, c), P(α·(π − x[a])(π − x[c])) on c, CX(a, c), with
// α = Alpha and P = PhaseShift, Qiskit's P gate.
//
// Qubit order: Qiskit's qubit k is wires[k] here and the gates are the same,
// so ⟨Z⟩ of wire k equals Qiskit's ⟨Z⟩ of qubit k; Qiskit's statevector
// indexes basis states little-endian (qubit 0 least significant), so it is
// this state with the bit order reversed.
func ZZFeatureMap(b *circuit.Builder, wires, x []int, opt ZZOptions) error {
	wires, err := resolveWires(b, wires)
	if err != nil {
		return wrap("ZZFeatureMap", err)
	}
	if len(x) != len(wires) {
		return wrap("ZZFeatureMap", fmt.Errorf("%d features for %d wires", len(x), len(wires)))
	}
	reps := opt.Reps
	if reps == 0 {
		reps = 2
	}
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = 2
	}
	pairs, err := entanglement(opt.Entanglement, "full", len(wires))
	if err != nil || reps < 0 {
		return wrap("ZZFeatureMap", fmt.Errorf("reps %d, entanglement %q: %v", reps, opt.Entanglement, err))
	}
	for r := 0; r < reps; r++ {
		for _, w := range wires {
			b.Append(gate.Hadamard(), []int{w})
		}
		for k, w := range wires {
			b.Append(gate.PhaseShift(), []int{w}, circuit.Param{A: alpha, In: x[k]})
		}
		for _, p := range pairs {
			a, c := wires[p[0]], wires[p[1]]
			b.Append(gate.CNOT(), []int{a, c})
			b.Append(gate.PhaseShift(), []int{c}, circuit.Product(alpha, x[p[0]], -math.Pi, x[p[1]], -math.Pi))
			b.Append(gate.CNOT(), []int{a, c})
		}
	}
	return nil
}

// entanglement returns Qiskit's pairs of qubit positions for two-qubit
// blocks: "full" (all i < j), "linear" ((i, i+1)), "reverse_linear"
// (linear reversed) or "circular" (linear preceded by (n−1, 0) when n > 2).
func entanglement(name, def string, n int) ([][2]int, error) {
	if name == "" {
		name = def
	}
	var pairs [][2]int
	switch name {
	case "full":
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	case "linear", "circular":
		if name == "circular" && n > 2 {
			pairs = append(pairs, [2]int{n - 1, 0})
		}
		for i := 0; i+1 < n; i++ {
			pairs = append(pairs, [2]int{i, i + 1})
		}
	case "reverse_linear":
		for i := n - 2; i >= 0; i-- {
			pairs = append(pairs, [2]int{i, i + 1})
		}
	default:
		return nil, fmt.Errorf("entanglement %q is not full, linear, reverse_linear or circular", name)
	}
	return pairs, nil
}

// HamiltonianEmbedding appends exp(−i·t·H(x)) on wires (nil: every wire),
// the gate.EvolveImage Hamiltonian: the inputs x padded with zeros to 4ᵏ
// values, read row-major as a 2ᵏ×2ᵏ matrix D, H = (D + Dᵀ)/2. The time t is
// any Param: Weight(j) for a trainable time, and B = −1 for exp(+i·t·H).
func HamiltonianEmbedding(b *circuit.Builder, wires, x []int, t circuit.Param) error {
	wires, err := resolveWires(b, wires)
	if err != nil {
		return wrap("HamiltonianEmbedding", err)
	}
	k := len(wires)
	if k > 7 || len(x) == 0 || len(x) > 1<<(2*k) {
		return wrap("HamiltonianEmbedding", fmt.Errorf("%d inputs on %d wires (at most 4ᵏ on up to 7 wires)", len(x), k))
	}
	ps := make([]circuit.Param, 1+len(x))
	ps[0] = t
	for i, in := range x {
		ps[1+i] = circuit.Input(in)
	}
	b.Append(gate.EvolveImage(k, len(x)), wires, ps...)
	return nil
}
