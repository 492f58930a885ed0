package ansatz

import (
	"fmt"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
)

// ring returns the CNOT ring of n wire positions: none for one wire, a
// single (0, 1) for two, else (0, 1), (1, 2), …, (n−1, 0).
func ring(n int) [][2]int {
	switch n {
	case 1:
		return nil
	case 2:
		return [][2]int{{0, 1}}
	}
	pairs := make([][2]int, n)
	for i := range pairs {
		pairs[i] = [2]int{i, (i + 1) % n}
	}
	return pairs
}

func checkLayers(layers int) error {
	if layers < 0 {
		return fmt.Errorf("%d layers", layers)
	}
	return nil
}

// BasicOptions configures BasicEntanglerLayers.
type BasicOptions struct {
	// Rotation is "X" (the default, as in PennyLane), "Y" or "Z".
	Rotation string
}

// BasicEntanglerLayers appends PennyLane's BasicEntanglerLayers on wires
// (nil: every wire) and returns the index of its first weight. Weights have
// shape (layers, n), row-major: weight (l, i) is first + l·n + i. Each layer
// applies the rotation with weight (l, i) on wires[i], then the CNOT ring
// (wires[0], wires[1]), …, (wires[n−1], wires[0]); on two wires the ring is
// the single CNOT (wires[0], wires[1]) and on one wire it is empty.
func BasicEntanglerLayers(b *circuit.Builder, wires []int, layers int, opt BasicOptions) (int, error) {
	wires, err := resolveWires(b, wires)
	if err == nil {
		err = checkLayers(layers)
	}
	g, gerr := rotation(opt.Rotation, "X")
	if err == nil {
		err = gerr
	}
	if err != nil {
		return 0, wrap("BasicEntanglerLayers", err)
	}
	n := len(wires)
	w0 := b.AddWeights(layers * n)
	for l := 0; l < layers; l++ {
		for i, w := range wires {
			b.Append(g, []int{w}, circuit.Weight(w0+l*n+i))
		}
		for _, p := range ring(n) {
			b.Append(gate.CNOT(), []int{wires[p[0]], wires[p[1]]})
		}
	}
	return w0, nil
}

// StrongOptions configures StronglyEntanglingLayers.
type StrongOptions struct {
	// Ranges holds one range per layer; nil means PennyLane's default
	// r_l = (l mod (n−1)) + 1. A range must not be 0 or divisible by n.
	Ranges []int
	// Imprimitive is the two-wire entangler; nil means CNOT. It must take
	// no parameters.
	Imprimitive gate.Gate
}

// StronglyEntanglingLayers appends PennyLane's StronglyEntanglingLayers on
// wires (nil: every wire) and returns the index of its first weight.
// Weights have shape (layers, n, 3), row-major: weight (l, i, k) is
// first + 3·(l·n + i) + k. Each layer applies Rot(w[l,i,0], w[l,i,1],
// w[l,i,2]) on wires[i], then, when n > 1, the imprimitive on
// (wires[i], wires[(i + r_l) mod n]) for i = 0…n−1.
func StronglyEntanglingLayers(b *circuit.Builder, wires []int, layers int, opt StrongOptions) (int, error) {
	wires, err := resolveWires(b, wires)
	if err == nil {
		err = checkLayers(layers)
	}
	if err != nil {
		return 0, wrap("StronglyEntanglingLayers", err)
	}
	n := len(wires)
	ranges := opt.Ranges
	if ranges == nil {
		ranges = make([]int, layers)
		for l := range ranges {
			if n > 1 {
				ranges[l] = l%(n-1) + 1
			}
		}
	} else if len(ranges) != layers {
		return 0, wrap("StronglyEntanglingLayers", fmt.Errorf("%d ranges for %d layers", len(ranges), layers))
	}
	if n > 1 {
		for l, r := range ranges {
			if r%n == 0 {
				return 0, wrap("StronglyEntanglingLayers", fmt.Errorf("range %d of layer %d is 0 or divisible by %d wires", r, l, n))
			}
		}
	}
	imp := opt.Imprimitive
	if imp == nil {
		imp = gate.CNOT()
	}
	if imp.NumWires() != 2 || imp.NumParams() != 0 {
		return 0, wrap("StronglyEntanglingLayers", fmt.Errorf("imprimitive %s must act on 2 wires without parameters", imp.Name()))
	}
	w0 := b.AddWeights(3 * layers * n)
	for l := 0; l < layers; l++ {
		for i, w := range wires {
			k := w0 + 3*(l*n+i)
			b.Append(gate.Rot(), []int{w}, circuit.Weight(k), circuit.Weight(k+1), circuit.Weight(k+2))
		}
		if n > 1 {
			for i := range wires {
				b.Append(imp, []int{wires[i], wires[((i+ranges[l])%n+n)%n]})
			}
		}
	}
	return w0, nil
}

// SimplifiedTwoDesign appends PennyLane's SimplifiedTwoDesign on wires (nil:
// every wire) and returns the index of its first weight. The weights are
// initial_layer_weights (n values: first + i) followed by weights of shape
// (layers, n−1, 2) (weight (l, k, s) is first + n + 2·(l·(n−1) + k) + s).
// First RY(initial[i]) on wires[i]; then each layer applies, for the k-th
// even pair (a, a+1), a = 0, 2, …: CZ, RY(w[l,k,0]) on a, RY(w[l,k,1]) on
// a+1; then for the k-th odd pair, a = 1, 3, …, the same with row n/2 + k.
func SimplifiedTwoDesign(b *circuit.Builder, wires []int, layers int) (int, error) {
	wires, err := resolveWires(b, wires)
	if err == nil {
		err = checkLayers(layers)
	}
	if err != nil {
		return 0, wrap("SimplifiedTwoDesign", err)
	}
	n := len(wires)
	w0 := b.AddWeights(n + layers*(n-1)*2)
	for i, w := range wires {
		b.Append(gate.RY(), []int{w}, circuit.Weight(w0+i))
	}
	block := func(l, row, a int) {
		k := w0 + n + 2*(l*(n-1)+row)
		b.Append(gate.CZ(), []int{wires[a], wires[a+1]})
		b.Append(gate.RY(), []int{wires[a]}, circuit.Weight(k))
		b.Append(gate.RY(), []int{wires[a+1]}, circuit.Weight(k+1))
	}
	for l := 0; l < layers; l++ {
		for k := 0; k < n/2; k++ {
			block(l, k, 2*k)
		}
		for k := 0; k < (n-1)/2; k++ {
			block(l, n/2+k, 2*k+1)
		}
	}
	return w0, nil
}

// ReuploadOptions configures DataReuploading.
type ReuploadOptions struct {
	// Scale is a in the angles a·x + θ; 0 means 1.
	Scale float64
}

// DataReuploading appends a data re-uploading block (Pérez-Salinas et al.,
// "Data re-uploading for a universal quantum classifier", Quantum 4, 226
// (2020)) on wires (nil: every wire) and returns the index of its first
// weight. Every layer re-encodes the inputs x: on wires[i] it applies
// Rot(a·x[3i] + θ[l,i,0], a·x[3i+1] + θ[l,i,1], a·x[3i+2] + θ[l,i,2]), a
// feature past the end of x contributing 0 (so len(x) ≤ 3n), and between
// layers a chain of CZ(wires[i], wires[i+1]). Weights θ have shape
// (layers, n, 3), row-major: θ[l,i,k] is first + 3·(l·n + i) + k. (The
// paper's trainable feature weights w∘x would need a weight·input
// parameter; here a is a constant.)
func DataReuploading(b *circuit.Builder, wires, x []int, layers int, opt ReuploadOptions) (int, error) {
	wires, err := resolveWires(b, wires)
	if err == nil {
		err = checkLayers(layers)
	}
	if err == nil && len(x) > 3*len(wires) {
		err = fmt.Errorf("%d features for %d wires (at most 3 per wire)", len(x), len(wires))
	}
	if err != nil {
		return 0, wrap("DataReuploading", err)
	}
	a := opt.Scale
	if a == 0 {
		a = 1
	}
	n := len(wires)
	w0 := b.AddWeights(3 * layers * n)
	for l := 0; l < layers; l++ {
		if l > 0 {
			for i := 0; i+1 < n; i++ {
				b.Append(gate.CZ(), []int{wires[i], wires[i+1]})
			}
		}
		for i, w := range wires {
			ps := make([]circuit.Param, 3)
			for k := range ps {
				ps[k] = circuit.Weight(w0 + 3*(l*n+i) + k)
				if f := 3*i + k; f < len(x) {
					ps[k] = circuit.Affine(a, x[f], 1, w0+3*(l*n+i)+k, 0)
				}
			}
			b.Append(gate.Rot(), []int{w}, ps...)
		}
	}
	return w0, nil
}

// SU2Options configures EfficientSU2.
type SU2Options struct {
	// Reps is the number of entangling repetitions; 0 means 3 (Qiskit's
	// default).
	Reps int
	// Gates are the rotation gates of a layer, each "X", "Y" or "Z"; nil
	// means Qiskit's ["ry", "rz"], that is {"Y", "Z"}.
	Gates []string
	// Entanglement is "reverse_linear" (the default), "linear", "full" or
	// "circular", as in Qiskit.
	Entanglement string
	// SkipFinalRotation drops the rotation layer after the last
	// entanglement.
	SkipFinalRotation bool
}

// EfficientSU2 appends Qiskit's EfficientSU2 on wires (nil: every wire) and
// returns the index of its first weight. For r = 0…Reps it applies a
// rotation layer, each gate of Gates on every wire in turn, then (for
// r < Reps) CX on each pair of the entanglement; the final rotation layer
// (r = Reps) is skipped with SkipFinalRotation. Weights follow Qiskit's θ
// order: θ[(r·len(Gates) + g)·n + i] is gate g of layer r on wires[i].
// Qiskit's qubit i is wires[i]; see ZZFeatureMap for the statevector order.
func EfficientSU2(b *circuit.Builder, wires []int, opt SU2Options) (int, error) {
	wires, err := resolveWires(b, wires)
	if err != nil {
		return 0, wrap("EfficientSU2", err)
	}
	reps := opt.Reps
	if reps == 0 {
		reps = 3
	}
	names := opt.Gates
	if names == nil {
		names = []string{"Y", "Z"}
	}
	gs := make([]gate.Gate, len(names))
	for k, name := range names {
		if gs[k], err = rotation(name, ""); err != nil {
			return 0, wrap("EfficientSU2", err)
		}
	}
	pairs, err := entanglement(opt.Entanglement, "reverse_linear", len(wires))
	if err != nil || reps < 0 || len(gs) == 0 {
		return 0, wrap("EfficientSU2", fmt.Errorf("reps %d, %d gates, entanglement %q: %v", reps, len(gs), opt.Entanglement, err))
	}
	n := len(wires)
	layers := reps + 1
	if opt.SkipFinalRotation {
		layers = reps
	}
	w0 := b.AddWeights(layers * len(gs) * n)
	for r := 0; r <= reps; r++ {
		if r < layers {
			for g, gt := range gs {
				for i, w := range wires {
					b.Append(gt, []int{w}, circuit.Weight(w0+(r*len(gs)+g)*n+i))
				}
			}
		}
		if r < reps {
			for _, p := range pairs {
				b.Append(gate.CNOT(), []int{wires[p[0]], wires[p[1]]})
			}
		}
	}
	return w0, nil
}

// HardwareEfficient appends layers of the hardware-efficient ansatz of the
// HEA benchmark on wires (nil: every wire) and returns the index of its
// first weight. Each layer applies RX(θ[l,i,0]), RY(θ[l,i,1]), RZ(θ[l,i,2])
// on wires[i], then the CNOT ring of BasicEntanglerLayers. Weights have shape
// (layers, n, 3), row-major: θ[l,i,k] is first + 3·(l·n + i) + k.
func HardwareEfficient(b *circuit.Builder, wires []int, layers int) (int, error) {
	wires, err := resolveWires(b, wires)
	if err == nil {
		err = checkLayers(layers)
	}
	if err != nil {
		return 0, wrap("HardwareEfficient", err)
	}
	n := len(wires)
	w0 := b.AddWeights(3 * layers * n)
	rots := []gate.Gate{gate.RX(), gate.RY(), gate.RZ()}
	for l := 0; l < layers; l++ {
		for i, w := range wires {
			for k, g := range rots {
				b.Append(g, []int{w}, circuit.Weight(w0+3*(l*n+i)+k))
			}
		}
		for _, p := range ring(n) {
			b.Append(gate.CNOT(), []int{wires[p[0]], wires[p[1]]})
		}
	}
	return w0, nil
}

// HEA appends the HEA benchmark circuit: RY(x[i]) on wires[i] (one input
// per wire), then HardwareEfficient layers. It returns the index of the
// first weight; weights have shape (layers, n, 3) as in HardwareEfficient.
func HEA(b *circuit.Builder, wires, x []int, layers int) (int, error) {
	wires, err := resolveWires(b, wires)
	if err == nil && len(x) != len(wires) {
		err = fmt.Errorf("%d inputs for %d wires", len(x), len(wires))
	}
	if err == nil {
		err = checkLayers(layers)
	}
	if err != nil {
		return 0, wrap("HEA", err)
	}
	if err := AngleEmbedding(b, wires, x, AngleOptions{Rotation: "Y"}); err != nil {
		return 0, err
	}
	return HardwareEfficient(b, wires, layers)
}
