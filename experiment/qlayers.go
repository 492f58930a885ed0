package experiment

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/pauli"
	"github.com/quanta-qml/quanta/qnn"
	"go.yaml.in/yaml/v3"
)

// embeddingSpec is the "embedding" mapping of a circuit layer.
type embeddingSpec struct {
	Kind         string  // angle (default), amplitude, iqp, reupload, zz
	Features     int     // 0: the kind's natural count
	Rotation     string  // angle: X (default), Y or Z
	Scale        float64 // angle, reupload: feature scale (0 means 1)
	PadWith      float64 // amplitude: padding value
	Repeats      int     // iqp: repetitions
	Layers       int     // reupload: layers
	Reps         int     // zz: repetitions (0 means 2)
	Entanglement string  // zz: full (default), linear, reverse_linear, circular
	Alpha        float64 // zz: angle scale (0 means 2)
}

// ansatzSpec is the "ansatz" mapping of a circuit layer.
type ansatzSpec struct {
	Kind         string // basic_entangler (default), strongly_entangling, ryrz, hardware_efficient, efficient_su2, h_cnot_chain, none
	Layers       int
	Rotation     string
	Ranges       []int
	Gates        []string // efficient_su2 rotation gates
	Entanglement string   // efficient_su2 entanglement
	SkipFinal    bool     // efficient_su2: skip_final_rotation
}

// readoutSpec is the "readout" mapping of a circuit layer.
type readoutSpec struct {
	Kind        string // z (default), y, probs, pauli
	Wires       []int
	Observables []string // pauli: Pauli sums, e.g. "Z0 Z1" or "0.5*X0 + Z1"
}

// The kinds of the circuit mappings, the default first.
func embeddingKinds() []string { return []string{"angle", "amplitude", "iqp", "reupload", "zz"} }
func ansatzKinds() []string {
	return []string{"basic_entangler", "strongly_entangling", "ryrz", "hardware_efficient", "efficient_su2", "h_cnot_chain", "none"}
}
func readoutKinds() []string { return []string{"z", "y", "probs", "pauli"} }

func (d *decoder) kind(o *object, allowed []string) string {
	v, ok := o.lookup("kind")
	if !ok {
		return allowed[0]
	}
	k := d.str(v, o.sub("kind"))
	if d.err == nil && !slices.Contains(allowed, k) {
		d.fail(v, o.sub("kind"), "unknown kind %q (want one of: %s)", k, strings.Join(allowed, ", "))
	}
	return k
}

func (d *decoder) decodeEmbedding(n *yaml.Node, path string) *embeddingSpec {
	o := d.object(n, path)
	if o == nil {
		return nil
	}
	e := &embeddingSpec{Kind: d.kind(o, embeddingKinds())}
	if v, ok := o.lookup("features"); ok {
		e.Features = d.integer(v, o.sub("features"))
	}
	if v, ok := o.lookup("rotation"); ok {
		e.Rotation = d.rotation(v, o.sub("rotation"))
	}
	if v, ok := o.lookup("scale"); ok {
		e.Scale = d.number(v, o.sub("scale"))
	}
	if v, ok := o.lookup("pad_with"); ok {
		e.PadWith = d.number(v, o.sub("pad_with"))
	}
	if v, ok := o.lookup("repeats"); ok {
		e.Repeats = d.integer(v, o.sub("repeats"))
	}
	if v, ok := o.lookup("layers"); ok {
		e.Layers = d.integer(v, o.sub("layers"))
	}
	if v, ok := o.lookup("reps"); ok {
		e.Reps = d.integer(v, o.sub("reps"))
	}
	if v, ok := o.lookup("entanglement"); ok {
		e.Entanglement = d.str(v, o.sub("entanglement"))
	}
	if v, ok := o.lookup("alpha"); ok {
		e.Alpha = d.number(v, o.sub("alpha"))
	}
	o.finish("kind", "features", "rotation", "scale", "pad_with", "repeats", "layers", "reps", "entanglement", "alpha")
	return e
}

func (d *decoder) rotation(n *yaml.Node, path string) string {
	r := d.str(n, path)
	if d.err == nil && r != "X" && r != "Y" && r != "Z" {
		d.fail(n, path, "rotation %q, want X, Y or Z", r)
	}
	return r
}

func (d *decoder) decodeAnsatz(n *yaml.Node, path string) *ansatzSpec {
	o := d.object(n, path)
	if o == nil {
		return nil
	}
	a := &ansatzSpec{Kind: d.kind(o, ansatzKinds())}
	if v, ok := o.lookup("layers"); ok {
		a.Layers = d.integer(v, o.sub("layers"))
	}
	if v, ok := o.lookup("rotation"); ok {
		a.Rotation = d.rotation(v, o.sub("rotation"))
	}
	if v, ok := o.lookup("ranges"); ok {
		a.Ranges = d.ints(v, o.sub("ranges"), false)
	}
	if v, ok := o.lookup("gates"); ok {
		a.Gates = d.strs(v, o.sub("gates"))
	}
	if v, ok := o.lookup("entanglement"); ok {
		a.Entanglement = d.str(v, o.sub("entanglement"))
	}
	if v, ok := o.lookup("skip_final_rotation"); ok {
		a.SkipFinal = d.boolean(v, o.sub("skip_final_rotation"))
	}
	o.finish("kind", "layers", "rotation", "ranges", "gates", "entanglement", "skip_final_rotation")
	return a
}

func (d *decoder) decodeReadout(n *yaml.Node, path string) *readoutSpec {
	o := d.object(n, path)
	if o == nil {
		return nil
	}
	r := &readoutSpec{Kind: d.kind(o, readoutKinds())}
	if v, ok := o.lookup("wires"); ok {
		r.Wires = d.ints(v, o.sub("wires"), true)
	}
	if v, ok := o.lookup("observables"); ok {
		r.Observables = d.strs(v, o.sub("observables"))
	}
	o.finish("kind", "wires", "observables")
	if d.err == nil && (r.Kind == "pauli") != (len(r.Observables) > 0) {
		d.fail(n, path, "observables are required with kind pauli and allowed only there")
	}
	return r
}

// circuitSpec assembles the qnn.Spec of a circuit layer from its keys.
func circuitSpec(a *args) (qnn.Spec, error) {
	var s qnn.Spec
	s.Qubits = a.int("qubits")
	e, _ := a.value("embedding").(*embeddingSpec)
	if e == nil {
		e = &embeddingSpec{Kind: "angle"}
	}
	an, _ := a.value("ansatz").(*ansatzSpec)
	if an == nil {
		an = &ansatzSpec{Kind: "basic_entangler"}
	}
	ro, _ := a.value("readout").(*readoutSpec)
	if ro == nil {
		ro = &readoutSpec{Kind: "z"}
	}
	s.Embedding = qnn.Embedding{Features: e.Features, Rotation: e.Rotation, Scale: e.Scale, PadWith: e.PadWith,
		Repeats: e.Repeats, Layers: e.Layers}
	switch e.Kind {
	case "angle":
		s.Embedding.Kind = qnn.EmbedAngle
	case "amplitude":
		s.Embedding.Kind = qnn.EmbedAmplitude
	case "iqp":
		s.Embedding.Kind = qnn.EmbedIQP
	case "reupload":
		s.Embedding.Kind = qnn.EmbedReupload
	case "zz":
		// Qiskit's ZZFeatureMap starts with H on every wire; an RZ angle
		// embedding before it acts on |0⟩ as a global phase only, so the
		// circuit's inputs are declared by the embedding and the feature
		// map itself is appended with the ansatz.
		s.Embedding = qnn.Embedding{Kind: qnn.EmbedAngle, Rotation: "Z", Features: e.Features}
	}
	s.Ansatz = qnn.Ansatz{Layers: an.Layers, Rotation: an.Rotation, Ranges: an.Ranges,
		SU2: ansatz.SU2Options{Gates: an.Gates, Entanglement: an.Entanglement, SkipFinalRotation: an.SkipFinal}}
	switch an.Kind {
	case "basic_entangler":
		s.Ansatz.Kind = qnn.AnsatzBasicEntangler
	case "strongly_entangling":
		s.Ansatz.Kind = qnn.AnsatzStronglyEntangling
	case "ryrz":
		s.Ansatz.Kind = qnn.AnsatzRYRZ
	case "hardware_efficient":
		s.Ansatz.Kind = qnn.AnsatzHardwareEfficient
	case "efficient_su2":
		s.Ansatz.Kind = qnn.AnsatzEfficientSU2
	case "h_cnot_chain":
		s.Ansatz = qnn.Ansatz{Kind: qnn.AnsatzCustom, Custom: hCNOTChain}
	case "none":
		s.Ansatz.Kind = qnn.AnsatzNone
	}
	if e.Kind == "zz" {
		if an.Kind == "ryrz" {
			return s, fmt.Errorf("the zz embedding does not combine with the ryrz ansatz")
		}
		zz := ansatz.ZZOptions{Reps: e.Reps, Entanglement: e.Entanglement, Alpha: e.Alpha}
		inner := *an
		s.Ansatz = qnn.Ansatz{Kind: qnn.AnsatzCustom, Custom: func(b *circuit.Builder, wires, x []int) error {
			if err := ansatz.ZZFeatureMap(b, wires, x, zz); err != nil {
				return err
			}
			return appendAnsatz(b, wires, x, inner)
		}}
	}
	s.Readout = qnn.Readout{Wires: ro.Wires}
	switch ro.Kind {
	case "z":
		s.Readout.Kind = qnn.ReadZ
	case "y":
		s.Readout.Kind = qnn.ReadY
	case "probs":
		s.Readout.Kind = qnn.ReadProbs
	case "pauli":
		s.Readout.Kind = qnn.ReadPauli
		for _, o := range ro.Observables {
			h, err := pauli.Parse(o)
			if err != nil {
				return s, fmt.Errorf("readout observable %q: %w", o, err)
			}
			s.Readout.Sums = append(s.Readout.Sums, h)
		}
	}
	return s, nil
}

// appendAnsatz appends the ansatz of a after a ZZ feature map (the kinds
// that package ansatz provides).
func appendAnsatz(b *circuit.Builder, wires, x []int, a ansatzSpec) error {
	layers := max(a.Layers, 1)
	var err error
	switch a.Kind {
	case "basic_entangler":
		_, err = ansatz.BasicEntanglerLayers(b, wires, layers, ansatz.BasicOptions{Rotation: a.Rotation})
	case "strongly_entangling":
		_, err = ansatz.StronglyEntanglingLayers(b, wires, layers, ansatz.StrongOptions{Ranges: a.Ranges})
	case "hardware_efficient":
		_, err = ansatz.HardwareEfficient(b, wires, layers)
	case "efficient_su2":
		opt := ansatz.SU2Options{Gates: a.Gates, Entanglement: a.Entanglement, SkipFinalRotation: a.SkipFinal}
		if a.Layers > 0 {
			opt.Reps = a.Layers
		}
		_, err = ansatz.EfficientSU2(b, wires, opt)
	case "h_cnot_chain":
		err = hCNOTChain(b, wires, x)
	}
	return err
}

// hCNOTChain appends a Hadamard on every wire and then the CNOT cascade
// (0→1), (1→2), …: the fixed circuit of the transfer-learning paper
// (arXiv:2408.03351 v2), after its RY(x) encoding. It has no weights.
func hCNOTChain(b *circuit.Builder, wires, _ []int) error {
	for _, w := range wires {
		b.Append(gate.Hadamard(), []int{w})
	}
	for i := 0; i+1 < len(wires); i++ {
		b.Append(gate.CNOT(), []int{wires[i], wires[i+1]})
	}
	return nil
}

// resolveSpec returns s with Qubits and Features chosen for f input
// features, as the qnn layer constructors choose them when Qubits is 0.
func resolveSpec(s qnn.Spec, f int) qnn.Spec {
	if s.Qubits > 0 || f < 1 {
		return s
	}
	if s.Embedding.Features > 0 {
		f = s.Embedding.Features
	}
	switch s.Embedding.Kind {
	case qnn.EmbedAmplitude:
		n := 1
		for n < 30 && 1<<n < f {
			n++
		}
		s.Qubits = n
	case qnn.EmbedReupload:
		s.Qubits = (f + 2) / 3
	default:
		s.Qubits = f
	}
	if s.Embedding.Features == 0 && s.Features() != f {
		s.Embedding.Features = f
	}
	return s
}

// specWidth builds the circuit of s and returns the number of values it
// measures per sample.
func specWidth(s qnn.Spec) (int, error) {
	c, outs, err := s.Build()
	if err != nil {
		return 0, err
	}
	if s.Readout.Kind == qnn.ReadProbs {
		k := len(s.Readout.Wires)
		if s.Readout.Wires == nil {
			k = c.NumWires()
		}
		return 1 << k, nil
	}
	return len(outs), nil
}

// circuitKeys are the keys shared by the simulator-backed layers.
func circuitKeys() []keyDef {
	return []keyDef{{name: "qubits", kind: kInt}, {name: "embedding", kind: kEmbed}, {name: "ansatz", kind: kAnsatz}, {name: "readout", kind: kReadout}}
}

func quantumTypes(inferIn keyDef) []layerType {
	return []layerType{
		{name: "flipped_quanv", quantum: true,
			keys:  []keyDef{inferIn, {name: "out", kind: kInt, required: true}, {name: "stride", kind: kPair, def: [2]int{1, 1}}, {name: "padding", kind: kPair, def: [2]int{}}},
			shape: func(a *args, in []int) ([]int, error) { return convShapeK(a, in, [2]int{3, 3}) },
			build: func(a *args, r *rand.Rand, o BuildOptions) nn.Layer {
				return qnn.NewFlippedQuanv(r, a.int("in"), a.int("out"),
					qnn.FlippedQuanvOptions{Stride: a.pair("stride"), Padding: a.pair("padding"), NonUnitary: o.NonUnitary})
			}},
		{name: "hamiltonian_linear", quantum: true,
			keys: []keyDef{inferIn, {name: "out", kind: kInt, required: true}, {name: "qubits", kind: kInt}, {name: "reps", kind: kInt, def: 10}, {name: "time", kind: kNum}},
			shape: func(a *args, in []int) ([]int, error) {
				out, err := lastAxis(a, in)
				if err != nil {
					return nil, err
				}
				n := a.int("qubits")
				if n == 0 {
					for n = 1; n < 8 && (1<<(2*n) < a.int("in") || 1<<n < a.int("out")); n++ {
					}
				}
				if n > 8 || 1<<(2*n) < a.int("in") || 1<<n < a.int("out") {
					return nil, fmt.Errorf("%d qubits cannot hold %d inputs (4ⁿ) and %d outputs (2ⁿ); at most 8 qubits", n, a.int("in"), a.int("out"))
				}
				return out, nil
			},
			build: func(a *args, r *rand.Rand, o BuildOptions) nn.Layer {
				return qnn.NewHamiltonianLinear(r, a.int("in"), a.int("out"), qnn.HamiltonianLinearOptions{
					Qubits: a.int("qubits"), Reps: a.int("reps"), Time: a.num("time"), NonUnitary: o.NonUnitary})
			}},
		{name: "hamiltonian_reupload", quantum: true,
			keys: []keyDef{{name: "qubits", kind: kInt, def: 5}, {name: "layers", kind: kInt, def: 10}, {name: "classes", kind: kInt, def: 8}, {name: "readout_wires", kind: kInt}},
			shape: func(a *args, in []int) ([]int, error) {
				n, k := a.int("qubits"), a.int("readout_wires")
				if k == 0 {
					k = n - 1
				}
				if n > 8 || k < 1 || k > n || a.int("classes") > 1<<k {
					return nil, fmt.Errorf("%d qubits with %d classes read on %d wires (need n ≤ 8, 1 ≤ wires ≤ n, classes ≤ 2^wires)", n, a.int("classes"), k)
				}
				if numel(in) != 1<<(2*n) {
					return nil, fmt.Errorf("input %v has %d values, want a %d×%d image (%d values)", in, numel(in), 1<<n, 1<<n, 1<<(2*n))
				}
				return []int{a.int("classes")}, nil
			},
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				return qnn.NewHamiltonianReupload(r, qnn.HamiltonianReuploadOptions{Qubits: a.int("qubits"), Layers: a.int("layers"),
					Classes: a.int("classes"), ReadoutWires: a.int("readout_wires")})
			}},
		{name: "qdense", quantum: true,
			keys: append([]keyDef{inferIn, {name: "out", kind: kInt, required: true}}, circuitKeys()...),
			shape: func(a *args, in []int) ([]int, error) {
				out, err := lastAxis(a, in)
				if err != nil {
					return nil, err
				}
				s, err := circuitSpec(a)
				if err == nil {
					_, err = specWidth(resolveSpec(s, a.int("in")))
				}
				return out, err
			},
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				s, _ := circuitSpec(a)
				return qnn.NewQDense(r, a.int("in"), a.int("out"), s)
			}},
		{name: "parallel", quantum: true,
			keys: append([]keyDef{{name: "circuits", kind: kInt, required: true}, inferIn, {name: "preset", kind: kStr}}, circuitKeys()...),
			shape: func(a *args, in []int) ([]int, error) {
				if _, err := a.inferInt("in", in[len(in)-1], "features on its last axis"); err != nil {
					return nil, err
				}
				k, f := a.int("circuits"), a.int("in")
				if f%k != 0 {
					return nil, fmt.Errorf("%d circuits do not divide the %d inputs", k, f)
				}
				s, err := parallelSpec(a)
				if err != nil {
					return nil, err
				}
				s = resolveSpec(s, f/k)
				if s.Features() != f/k {
					return nil, fmt.Errorf("each circuit reads %d features, want %d/%d = %d", s.Features(), f, k, f/k)
				}
				w, err := specWidth(s)
				if err != nil {
					return nil, err
				}
				out := slices.Clone(in)
				out[len(out)-1] = k * w
				return out, nil
			},
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				s, _ := parallelSpec(a)
				return qnn.NewParallel(r, a.int("circuits"), a.int("in"), s)
			}},
		{name: "quanv2d", quantum: true,
			keys: append([]keyDef{inferIn, {name: "kernel", kind: kPair, required: true}, {name: "stride", kind: kPair, def: [2]int{1, 1}},
				{name: "padding", kind: kPair, def: [2]int{}}}, circuitKeys()...),
			shape: func(a *args, in []int) ([]int, error) {
				out, err := convShapeK(a, in, a.pair("kernel"))
				if err != nil {
					return nil, err
				}
				k := a.pair("kernel")
				f := a.int("in") * k[0] * k[1]
				s, err := circuitSpec(a)
				if err != nil {
					return nil, err
				}
				s = resolveSpec(s, f)
				if s.Features() != f {
					return nil, fmt.Errorf("the circuit reads %d features, a patch has %d", s.Features(), f)
				}
				w, err := specWidth(s)
				out[0] = w
				return out, err
			},
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				s, _ := circuitSpec(a)
				return qnn.NewQuanv2D(r, a.int("in"), a.pair("kernel"), qnn.Quanv2DOptions{Spec: s, Stride: a.pair("stride"), Padding: a.pair("padding")})
			}},
		{name: "qcnn", quantum: true,
			keys: []keyDef{{name: "qubits", kind: kInt, def: 10}, {name: "stages", kind: kInt, def: 2}, {name: "features", kind: kInt, infer: true}},
			shape: func(a *args, in []int) ([]int, error) {
				n := a.int("qubits")
				if n < 3 || n > 20 {
					return nil, fmt.Errorf("%d qubits, want 3 to 20", n)
				}
				f, err := a.inferInt("features", numel(in), "values")
				if err != nil {
					return nil, err
				}
				if f > 1<<n {
					return nil, fmt.Errorf("%d values do not fit the %d amplitudes of %d qubits", f, 1<<n, n)
				}
				w := n
				for j := range a.int("stages") {
					if w < 3 {
						return nil, fmt.Errorf("stage %d of %d has %d wires left, want at least 3", j+1, a.int("stages"), w)
					}
					w = (w + 1) / 2
				}
				return []int{1 << w}, nil
			},
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				return qnn.NewQCNN(r, qnn.QCNNOptions{Qubits: a.int("qubits"), Stages: a.int("stages"), Features: a.int("features")})
			}},
		{name: "interleaved", quantum: true,
			keys: []keyDef{{name: "qubits", kind: kInt, def: 10}, {name: "features", kind: kInt, infer: true}, {name: "scale", kind: kNum, def: 2.0},
				{name: "offset", kind: kBool, def: true}},
			shape: func(a *args, in []int) ([]int, error) {
				n := a.int("qubits")
				f, err := a.inferInt("features", numel(in), "values")
				if err != nil {
					return nil, err
				}
				if n < 2 || n > 20 || f > 26*n {
					return nil, fmt.Errorf("%d qubits with %d features (need 2 ≤ qubits ≤ 20, features ≤ 26·qubits)", n, f)
				}
				return []int{2}, nil
			},
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				return qnn.NewInterleavedClassifier(r, qnn.InterleavedOptions{Qubits: a.int("qubits"), Features: a.int("features"),
					Scale: a.num("scale"), NoOffset: !a.bool("offset")})
			}},
	}
}

// parallelSpec is the circuit of a parallel layer: a preset or the
// circuit keys.
func parallelSpec(a *args) (qnn.Spec, error) {
	switch p := a.str("preset"); p {
	case "":
		return circuitSpec(a)
	case "hqnn_parallel":
		for _, k := range []string{"qubits", "embedding", "ansatz", "readout"} {
			if a.given(k) {
				return qnn.Spec{}, fmt.Errorf("preset %s fixes the circuit; leave out %s", p, k)
			}
		}
		return qnn.HQNNParallelSpec(), nil
	default:
		return qnn.Spec{}, fmt.Errorf("unknown preset %q (want hqnn_parallel)", p)
	}
}

// convShapeK is convShape for layers whose kernel is fixed or given.
func convShapeK(a *args, in []int, k [2]int) ([]int, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("input %v, want [channels, height, width]", in)
	}
	if _, err := a.inferInt("in", in[0], "channels"); err != nil {
		return nil, err
	}
	out := []int{in[0], 0, 0}
	if hasKey(a.t, "out") {
		out[0] = a.int("out")
	}
	s, p := a.pair("stride"), a.pair("padding")
	for i := range 2 {
		if in[1+i]+2*p[i] < k[i] {
			return nil, fmt.Errorf("kernel %v does not fit the input %v with padding %v", k, in, p)
		}
		out[1+i] = (in[1+i]+2*p[i]-k[i])/s[i] + 1
	}
	return out, nil
}
