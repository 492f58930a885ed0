package ansatz_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/pauli"
)

// goldenCase builds the circuit of one golden template or measurement case.
type goldenCase struct {
	name    string
	build   func(b *circuit.Builder, x []int) error
	weights []string // golden weight arrays, in the order the templates allocate them
}

func angle(rot string) func(b *circuit.Builder, x []int) error {
	return func(b *circuit.Builder, x []int) error {
		return ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{Rotation: rot})
	}
}

func then(first func(b *circuit.Builder, x []int) error, next func(b *circuit.Builder) error) func(b *circuit.Builder, x []int) error {
	return func(b *circuit.Builder, x []int) error {
		if err := first(b, x); err != nil {
			return err
		}
		return next(b)
	}
}

func hadamards(b *circuit.Builder) {
	for w := 0; w < b.NumWires(); w++ {
		b.Append(gate.Hadamard(), []int{w})
	}
}

func sel(layers int, ranges []int) func(b *circuit.Builder) error {
	return func(b *circuit.Builder) error {
		_, err := ansatz.StronglyEntanglingLayers(b, nil, layers, ansatz.StrongOptions{Ranges: ranges})
		return err
	}
}

var goldenCases = []goldenCase{
	{"template/AngleEmbedding_X", angle("X"), nil},
	{"template/AngleEmbedding_Y", angle("Y"), nil},
	{"template/AngleEmbedding_Z", func(b *circuit.Builder, x []int) error {
		hadamards(b)
		if err := angle("Z")(b, x); err != nil {
			return err
		}
		hadamards(b)
		return nil
	}, nil},
	{"template/AmplitudeEmbedding_5to3", func(b *circuit.Builder, x []int) error {
		return ansatz.AmplitudeEmbedding(b, nil, x, circuit.Amplitude{Normalize: true, Pad: true, PadWith: 0})
	}, nil},
	{"template/IQPEmbedding_n3_r2", func(b *circuit.Builder, x []int) error {
		return ansatz.IQPEmbedding(b, nil, x, ansatz.IQPOptions{Repeats: 2})
	}, nil},
	{"template/BasicEntanglerLayers_RX_n3_L2", then(angle("Y"), func(b *circuit.Builder) error {
		_, err := ansatz.BasicEntanglerLayers(b, nil, 2, ansatz.BasicOptions{Rotation: "X"})
		return err
	}), []string{"weights"}},
	{"template/BasicEntanglerLayers_RY_n4_L2", then(angle("X"), func(b *circuit.Builder) error {
		_, err := ansatz.BasicEntanglerLayers(b, nil, 2, ansatz.BasicOptions{Rotation: "Y"})
		return err
	}), []string{"weights"}},
	{"template/StronglyEntanglingLayers_n4_L3", then(angle("Y"), sel(3, nil)), []string{"weights"}},
	{"template/StronglyEntanglingLayers_n5_L2_r12", then(angle("Y"), sel(2, []int{1, 2})), []string{"weights"}},
	{"template/SimplifiedTwoDesign_n4_L2", then(angle("X"), func(b *circuit.Builder) error {
		_, err := ansatz.SimplifiedTwoDesign(b, nil, 2)
		return err
	}), []string{"initial_layer_weights", "weights"}},
	{"measure/probs_all", then(angle("Y"), sel(2, nil)), []string{"weights"}},
	{"measure/probs_wires_0_2", then(angle("Y"), sel(2, nil)), []string{"weights"}},
	{"measure/probs_wires_2_0", then(angle("Y"), sel(2, nil)), []string{"weights"}},
	{"measure/pauli_sum", then(angle("Y"), sel(2, nil)), []string{"weights"}},
	{"hea/n4_L2_B3", func(b *circuit.Builder, x []int) error {
		_, err := ansatz.HEA(b, nil, x, 2)
		return err
	}, []string{"theta"}},
}

// measurement reads a case's readout: ⟨Z_i⟩ per wire, a marginal, or a
// Pauli sum.
type measurement struct {
	Type  string `json:"type"`
	Wires []int  `json:"wires"`
	Terms []struct {
		Coeff  float64 `json:"coeff"`
		Paulis string  `json:"paulis"`
		Wires  []int   `json:"wires"`
	} `json:"terms"`
}

func readout(t *testing.T, cs numtest.Case) (func(psi []complex128) []float64, string) {
	t.Helper()
	if cs.Measurement == nil {
		return densesim.ExpvalsZ, "expval_z"
	}
	raw, err := json.Marshal(cs.Measurement)
	if err != nil {
		t.Fatal(err)
	}
	var m measurement
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type == "probs" {
		return func(psi []complex128) []float64 { return densesim.Probs(psi, m.Wires) }, "probs"
	}
	var h pauli.Sum
	for _, term := range m.Terms {
		w := pauli.Word{Wires: term.Wires}
		for _, c := range term.Paulis {
			w.Ops = append(w.Ops, pauli.Op(strings.IndexRune("IXYZ", c)))
		}
		h = append(h, pauli.Term{Coeff: term.Coeff, Word: w})
	}
	return func(psi []complex128) []float64 { return []float64{densesim.Expval(psi, h)} }, "expval"
}

// opParams decodes the numeric parameters of an expanded op.
func opParams(t *testing.T, op numtest.Op) [][]float64 {
	t.Helper()
	var out [][]float64
	for _, raw := range op.Params {
		var v float64
		if err := json.Unmarshal(raw, &v); err == nil {
			out = append(out, []float64{v})
			continue
		}
		var vec []float64
		if err := json.Unmarshal(raw, &vec); err != nil {
			t.Fatalf("parameter %s of %s", raw, op.Gate)
		}
		out = append(out, vec)
	}
	return out
}

func TestTemplatesMatchPennyLane(t *testing.T) {
	t.Parallel()
	for _, gc := range goldenCases {
		t.Run(gc.name, func(t *testing.T) {
			t.Parallel()
			cs, err := numtest.PennyLaneCase(gc.name)
			if err != nil {
				t.Fatal(err)
			}
			xs := cs.Inputs["x"]
			nx := xs.Shape[len(xs.Shape)-1]
			batch := len(xs.Data) / nx
			b := circuit.NewBuilder(cs.NWires)
			x0 := b.AddInputs(nx)
			idx := make([]int, nx)
			for i := range idx {
				idx[i] = x0 + i
			}
			if err := gc.build(b, idx); err != nil {
				t.Fatal(err)
			}
			c, err := b.Build()
			if err != nil {
				t.Fatal(err)
			}
			var w []float64
			for _, name := range gc.weights {
				w = append(w, cs.Weights[name].Data...)
			}
			if len(w) != c.NumWeights() {
				t.Fatalf("%d golden weights, circuit has %d", len(w), c.NumWeights())
			}
			if cs.OpsExpanded != nil {
				compareOps(t, c, cs.OpsExpanded, xs.Data, w)
			}
			if cs.Ops != nil { // HEA: symbolic ops, compared by name and wires
				compareOps(t, c, cs.Ops, nil, nil)
			}
			out, key := readout(t, cs)
			want := cs.Outputs[key].Data
			k := len(want) / batch
			for s := 0; s < batch; s++ {
				x := xs.Data[s*nx : (s+1)*nx]
				psi, err := densesim.State(c, x, w)
				if err != nil {
					t.Fatal(err)
				}
				if st, ok := cs.Outputs["state"]; ok {
					if d := numtest.MaxDiffC(psi, st.Complex()); d > 1e-10 {
						t.Errorf("state differs from PennyLane by %.3g", d)
					}
				}
				if d := numtest.MaxDiff(out(psi), want[s*k:(s+1)*k]); d > 1e-10 {
					t.Errorf("sample %d: %s = %v, PennyLane %v", s, key, out(psi), want[s*k:(s+1)*k])
				}
			}
			compareGradients(t, cs, c, out, xs.Data, nx, w, gc.weights)
		})
	}
}

// compareOps checks gate names, wires and (when x is given) the evaluated
// parameters against PennyLane's expansion.
func compareOps(t *testing.T, c *circuit.Circuit, ops []numtest.Op, x, w []float64) {
	t.Helper()
	if c.NumOps() != len(ops) {
		t.Fatalf("%d ops, PennyLane has %d:\n%s", c.NumOps(), len(ops), c)
	}
	for i, want := range ops {
		o := c.Op(i)
		name := o.Name()
		if name == "AmplitudeEmbedding" {
			name = "StatePrep"
		}
		if name != want.Gate || !equalInts(o.Wires(), want.Wires) {
			t.Errorf("op %d: %s %v, PennyLane %s %v", i, name, o.Wires(), want.Gate, want.Wires)
			continue
		}
		if x == nil {
			continue
		}
		params := opParams(t, want)
		if o.IsAmplitude() {
			v := make([]float64, 1<<o.NumWires())
			if err := o.Amplitudes(v, x); err != nil {
				t.Fatal(err)
			}
			if d := numtest.MaxDiff(v, params[0]); d > 1e-12 {
				t.Errorf("op %d: amplitudes %v, PennyLane %v", i, v, params[0])
			}
			continue
		}
		got := make([]float64, o.NumParams())
		o.Params(got, x, w)
		flat := []float64{}
		for _, p := range params {
			flat = append(flat, p...)
		}
		if d := numtest.MaxDiff(got, flat); d > 1e-12 {
			t.Errorf("op %d (%s): parameters %v, PennyLane %v", i, name, got, flat)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// compareGradients differentiates the readout through the dense simulator
// by central differences and compares with PennyLane's gradients: the
// Jacobian for probabilities, the gradient of the sum of the outputs
// otherwise (summed over the batch for weights, per sample for inputs).
func compareGradients(t *testing.T, cs numtest.Case, c *circuit.Circuit, out func([]complex128) []float64, xs []float64, nx int, w []float64, wnames []string) {
	t.Helper()
	batch := len(xs) / nx
	jacobian := strings.Contains(cs.Gradients.Of, "Jacobian")
	eval := func(x, w []float64) []float64 {
		psi, err := densesim.State(c, x, w)
		if err != nil {
			t.Fatal(err)
		}
		return out(psi)
	}
	k := len(eval(xs[:nx], w))
	reduce := func(v []float64) []float64 { // the quantity PennyLane differentiated
		if jacobian {
			return v
		}
		s := 0.0
		for _, e := range v {
			s += e
		}
		return []float64{s}
	}
	if !jacobian {
		k = 1
	}
	// Inputs, per sample: rows of the Jacobian, then samples.
	gotX := make([]float64, 0, batch*k*nx)
	for s := 0; s < batch; s++ {
		x := append([]float64(nil), xs[s*nx:(s+1)*nx]...)
		for r := 0; r < k; r++ {
			gotX = append(gotX, numtest.FiniteDiff(func(v []float64) float64 { return reduce(eval(v, w))[r] }, x, 1e-5)...)
		}
	}
	if d := numtest.MaxDiff(gotX, cs.Gradients.Wrt["x"].Data); d > 1e-7 {
		t.Errorf("gradient with respect to x differs by %.3g:%s", d, numtest.Report(gotX, cs.Gradients.Wrt["x"].Data, 1e-7))
	}
	if len(wnames) == 0 {
		return
	}
	// Weights, summed over the batch.
	gotW := make([]float64, k*len(w))
	for s := 0; s < batch; s++ {
		x := xs[s*nx : (s+1)*nx]
		for r := 0; r < k; r++ {
			g := numtest.FiniteDiff(func(v []float64) float64 { return reduce(eval(x, v))[r] }, append([]float64(nil), w...), 1e-5)
			for j, v := range g {
				gotW[r*len(w)+j] += v
			}
		}
	}
	// The golden arrays are separate per weight name; split ours the same way.
	off := 0
	for _, name := range wnames {
		want := cs.Gradients.Wrt[name].Data
		size := len(want) / k
		var got []float64
		for r := 0; r < k; r++ {
			got = append(got, gotW[r*len(w)+off:r*len(w)+off+size]...)
		}
		if d := numtest.MaxDiff(got, want); d > 1e-7 {
			t.Errorf("gradient with respect to %s differs by %.3g:%s", name, d, numtest.Report(got, want, 1e-7))
		}
		off += size
	}
}
