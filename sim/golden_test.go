package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/pauli"
)

// The PennyLane golden cases (internal/numtest/testdata: states, outputs
// and Jacobians computed by PennyLane 0.39 with autograd) pin sim's
// conventions and gradients: every case that is a circuit is run here.

const goldenTol = 1e-10

// goldenRun is a golden case as a circuit with its inputs and outputs.
type goldenRun struct {
	c       *circuit.Circuit
	outs    []Output
	x, w    []float64
	inNames []string // golden arrays making up an input row, in order
	wNames  []string // golden arrays making up the weights, in order
	values  string   // the golden output compared with Values
	scalar  bool     // the gradient is of the sum of the outputs
}

// gateRun builds a gate case: RY(prep_ry[i]), RZ(prep_rz[i]) on every wire,
// then the gate; inputs are prep_ry then prep_rz, weights theta.
func gateRun(t *testing.T, cs numtest.Case) goldenRun {
	n := cs.NWires
	b := circuit.NewBuilder(n)
	b.AddInputs(2 * n)
	th := cs.Weights["theta"].Data
	b.AddWeights(len(th))
	for _, op := range cs.Ops {
		var g gate.Gate
		var err error
		if op.Gate == "PauliRot" {
			var def string
			if err := json.Unmarshal(cs.Gate["definition"], &def); err != nil {
				t.Fatal(err)
			}
			word := def[strings.Index(def, "'")+1:]
			g, err = gate.PauliRot(word[:strings.Index(word, "'")])
		} else {
			g, err = gate.Lookup(op.Gate, len(op.Wires))
		}
		if err != nil {
			t.Fatalf("%s: %v", cs.Name, err)
		}
		var ps []circuit.Param
		for _, raw := range op.Params {
			var ref string
			if err := json.Unmarshal(raw, &ref); err != nil {
				t.Fatalf("%s: parameter %s", cs.Name, raw)
			}
			var i int
			switch {
			case sscan(ref, "prep_ry[%d]", &i):
				ps = append(ps, circuit.Input(i))
			case sscan(ref, "prep_rz[%d]", &i):
				ps = append(ps, circuit.Input(n+i))
			case sscan(ref, "theta[%d]", &i):
				ps = append(ps, circuit.Weight(i))
			default:
				t.Fatalf("%s: unknown parameter %q", cs.Name, ref)
			}
		}
		b.Append(g, op.Wires, ps...)
	}
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var outs []Output
	for _, obs := range cs.Observables {
		h, err := pauli.Parse(obs)
		if err != nil {
			t.Fatalf("%s: observable %q: %v", cs.Name, obs, err)
		}
		outs = append(outs, Expval(h))
	}
	x := append(append([]float64(nil), cs.Inputs["prep_ry"].Data...), cs.Inputs["prep_rz"].Data...)
	return goldenRun{c: c, outs: outs, x: x, w: th, inNames: []string{"prep_ry", "prep_rz"},
		wNames: []string{"theta"}, values: "expvals"}
}

func sscan(s, format string, i *int) bool {
	_, err := fmt.Sscanf(s, format, i)
	return err == nil
}

// templateBuilders build the template, measurement and HEA cases with
// package ansatz, after the encodings the golden README lists.
var templateBuilders = map[string]struct {
	build   func(b *circuit.Builder, x []int) error
	weights []string
}{
	"template/AngleEmbedding_X": {angle("X"), nil},
	"template/AngleEmbedding_Y": {angle("Y"), nil},
	"template/AngleEmbedding_Z": {func(b *circuit.Builder, x []int) error {
		hadamards(b)
		if err := angle("Z")(b, x); err != nil {
			return err
		}
		hadamards(b)
		return nil
	}, nil},
	"template/AmplitudeEmbedding_5to3": {func(b *circuit.Builder, x []int) error {
		return ansatz.AmplitudeEmbedding(b, nil, x, circuit.Amplitude{Normalize: true, Pad: true})
	}, nil},
	"template/IQPEmbedding_n3_r2": {func(b *circuit.Builder, x []int) error {
		return ansatz.IQPEmbedding(b, nil, x, ansatz.IQPOptions{Repeats: 2})
	}, nil},
	"template/BasicEntanglerLayers_RX_n3_L2": {then(angle("Y"), func(b *circuit.Builder) error {
		_, err := ansatz.BasicEntanglerLayers(b, nil, 2, ansatz.BasicOptions{Rotation: "X"})
		return err
	}), []string{"weights"}},
	"template/BasicEntanglerLayers_RY_n4_L2": {then(angle("X"), func(b *circuit.Builder) error {
		_, err := ansatz.BasicEntanglerLayers(b, nil, 2, ansatz.BasicOptions{Rotation: "Y"})
		return err
	}), []string{"weights"}},
	"template/StronglyEntanglingLayers_n4_L3":     {then(angle("Y"), strong(3, nil)), []string{"weights"}},
	"template/StronglyEntanglingLayers_n5_L2_r12": {then(angle("Y"), strong(2, []int{1, 2})), []string{"weights"}},
	"template/SimplifiedTwoDesign_n4_L2": {then(angle("X"), func(b *circuit.Builder) error {
		_, err := ansatz.SimplifiedTwoDesign(b, nil, 2)
		return err
	}), []string{"initial_layer_weights", "weights"}},
	"measure/probs_all":       {then(angle("Y"), strong(2, nil)), []string{"weights"}},
	"measure/probs_wires_0_2": {then(angle("Y"), strong(2, nil)), []string{"weights"}},
	"measure/probs_wires_2_0": {then(angle("Y"), strong(2, nil)), []string{"weights"}},
	"measure/pauli_sum":       {then(angle("Y"), strong(2, nil)), []string{"weights"}},
	"hea/n4_L2_B3": {func(b *circuit.Builder, x []int) error {
		_, err := ansatz.HEA(b, nil, x, 2)
		return err
	}, []string{"theta"}},
}

func angle(rot string) func(b *circuit.Builder, x []int) error {
	return func(b *circuit.Builder, x []int) error {
		return ansatz.AngleEmbedding(b, nil, x, ansatz.AngleOptions{Rotation: rot})
	}
}

func hadamards(b *circuit.Builder) {
	for w := 0; w < b.NumWires(); w++ {
		b.Append(gate.Hadamard(), []int{w})
	}
}

func then(first func(*circuit.Builder, []int) error, next func(*circuit.Builder) error) func(*circuit.Builder, []int) error {
	return func(b *circuit.Builder, x []int) error {
		if err := first(b, x); err != nil {
			return err
		}
		return next(b)
	}
}

func strong(layers int, ranges []int) func(*circuit.Builder) error {
	return func(b *circuit.Builder) error {
		_, err := ansatz.StronglyEntanglingLayers(b, nil, layers, ansatz.StrongOptions{Ranges: ranges})
		return err
	}
}

// templateRun builds a template, measurement or HEA case.
func templateRun(t *testing.T, cs numtest.Case) goldenRun {
	tb, ok := templateBuilders[cs.Name]
	if !ok {
		t.Fatalf("no builder for golden case %s", cs.Name)
	}
	xs := cs.Inputs["x"]
	nx := xs.Shape[len(xs.Shape)-1]
	b := circuit.NewBuilder(cs.NWires)
	x0 := b.AddInputs(nx)
	idx := make([]int, nx)
	for i := range idx {
		idx[i] = x0 + i
	}
	if err := tb.build(b, idx); err != nil {
		t.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	run := goldenRun{c: c, x: xs.Data, inNames: []string{"x"}, wNames: tb.weights}
	for _, name := range tb.weights {
		run.w = append(run.w, cs.Weights[name].Data...)
	}
	wires := make([]int, cs.NWires)
	for i := range wires {
		wires[i] = i
	}
	var m struct {
		Type  string `json:"type"`
		Wires []int  `json:"wires"`
		Terms []struct {
			Coeff  float64 `json:"coeff"`
			Paulis string  `json:"paulis"`
			Wires  []int   `json:"wires"`
		} `json:"terms"`
	}
	if cs.Measurement != nil {
		raw, _ := json.Marshal(cs.Measurement)
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case m.Type == "probs":
		run.outs, run.values = []Output{Probs(m.Wires...)}, "probs"
	case m.Type != "":
		var h pauli.Sum
		for _, term := range m.Terms {
			w := pauli.Word{Wires: term.Wires}
			for _, l := range term.Paulis {
				w.Ops = append(w.Ops, pauli.Op(strings.IndexRune("IXYZ", l)))
			}
			h = append(h, pauli.Term{Coeff: term.Coeff, Word: w})
		}
		run.outs, run.values, run.scalar = []Output{Expval(h)}, "expval", true
	default:
		run.outs, run.values, run.scalar = ExpvalZ(wires...), "expval_z", true
	}
	return run
}

func TestGoldenPennyLane(t *testing.T) {
	t.Parallel()
	cases, err := numtest.PennyLane()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, cs := range cases {
		var run goldenRun
		switch cs.Group {
		case "gate":
			run = gateRun(t, cs)
		case "template", "measurement", "hea":
			run = templateRun(t, cs)
		default:
			continue
		}
		seen++
		for _, os := range optionSets {
			checkGolden(t, cs, run, os.name, os.opt)
		}
	}
	if seen != 42 {
		t.Errorf("ran %d golden cases, want all 42", seen)
	}
}

// checkGolden compares outputs, the state and the gradients of one case.
func checkGolden(t *testing.T, cs numtest.Case, run goldenRun, oname string, opt Options) {
	t.Helper()
	name := cs.Name + " " + oname
	r, err := Forward(run.c, run.w, run.x, run.outs, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if d := numtest.MaxDiff(r.Values(), cs.Outputs[run.values].Data); d > goldenTol {
		t.Errorf("%s: %s differ from PennyLane by %.3g", name, run.values, d)
	}
	if st, ok := cs.Outputs["state"]; ok {
		if d := numtest.MaxDiffC(r.State(0), st.Complex()); d > goldenTol {
			t.Errorf("%s: state differs from PennyLane by %.3g", name, d)
		}
	}
	size, width, nin, nw := r.Len(), r.Width(), run.c.NumInputs(), run.c.NumWeights()
	// Rows of the Jacobian from one-hot cotangents, or one row for the sum.
	rows := size * width
	if run.scalar {
		rows = 1
	}
	jw := make([]float64, 0, rows*nw)
	jx := make([][]float64, nin) // by input, then row
	cot := make([]float64, size*width)
	for e := 0; e < rows; e++ {
		for i := range cot {
			cot[i] = 0
			if run.scalar || i == e {
				cot[i] = 1
			}
		}
		dw, dx := r.VJP(cot)
		jw = append(jw, dw...)
		for i := 0; i < nin; i++ {
			for b := 0; b < size; b++ {
				if run.scalar || b == e/width {
					jx[i] = append(jx[i], dx[b*nin+i])
				}
			}
		}
	}
	// Split by golden array: each is rows × its own shape.
	off := 0
	for _, wn := range run.wNames {
		want := cs.Gradients.Wrt[wn].Data
		size := len(want) / rows
		var got []float64
		for e := 0; e < rows; e++ {
			got = append(got, jw[e*nw+off:e*nw+off+size]...)
		}
		if d := numtest.MaxDiff(got, want); d > goldenTol {
			t.Errorf("%s: gradient with respect to %s differs from PennyLane by %.3g", name, wn, d)
		}
		off += size
	}
	off = 0
	for _, in := range run.inNames {
		want := cs.Gradients.Wrt[in].Data
		k := len(cs.Inputs[in].Data) / size // inputs of this array per sample
		var got []float64
		if !run.scalar {
			// Row e, then the array's inputs.
			for e := 0; e < rows; e++ {
				for i := 0; i < k; i++ {
					got = append(got, jx[off+i][e])
				}
			}
		} else {
			// Per sample, then the array's inputs.
			for b := 0; b < size; b++ {
				for i := 0; i < k; i++ {
					got = append(got, jx[off+i][b])
				}
			}
		}
		if d := numtest.MaxDiff(got, want); d > goldenTol {
			t.Errorf("%s: gradient with respect to %s differs from PennyLane by %.3g", name, in, d)
		}
		off += k
	}
}
