package experiment

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/quanta-qml/quanta/nn"
	"go.yaml.in/yaml/v3"
)

// keyKind is the type of a layer key's value.
type keyKind int

const (
	kInt     keyKind = iota // integer
	kPair                   // integer or [h, w]
	kNum                    // number (fractions "a/b" allowed)
	kNums                   // list of numbers
	kBool                   // true or false
	kStr                    // string
	kInts                   // list of integers
	kEmbed                  // a circuit's embedding mapping
	kAnsatz                 // a circuit's ansatz mapping
	kReadout                // a circuit's readout mapping
)

// keyDef declares one key of a layer type: its name, type, whether it is
// required, and its default. A key marked infer may be left out: its value
// is then taken from the layer's input shape when the model is built.
type keyDef struct {
	name     string
	kind     keyKind
	required bool
	infer    bool
	def      any
}

// layerType is one entry of the layer factory: the keys a layer of this
// type accepts, how its output shape follows from its input shape, and its
// constructor. quantum marks the layers that belong to quantum alternatives
// (it is informational: parameter kinds decide the counts).
type layerType struct {
	name    string
	quantum bool
	keys    []keyDef
	// shape returns the output sample shape for the input sample shape
	// in; it fills inferred keys into a. It returns an error (not a
	// panic) for every input the constructor or Forward would reject.
	shape func(a *args, in []int) ([]int, error)
	// build returns the layer; a has passed shape for its input.
	build func(a *args, r *rand.Rand, o BuildOptions) nn.Layer
}

// BuildOptions are the settings that apply to every layer of a model.
type BuildOptions struct {
	// NonUnitary turns on the complex-parameter compatibility mode of the
	// layers that have one (flipped_quanv, hamiltonian_linear): the paper
	// code's complex "angles", which make the operators non-unitary. Off,
	// the layers are unitary by construction.
	NonUnitary bool
}

// args holds the decoded keys of one layer of a spec, in the order of its
// type's keys; vals[i] is nil for an absent key.
type args struct {
	t    *layerType
	vals []any
	node *yaml.Node
	path string
}

func (a *args) index(key string) int {
	for i, k := range a.t.keys {
		if k.name == key {
			return i
		}
	}
	panic("experiment: layer type " + a.t.name + " has no key " + key)
}

func (a *args) value(key string) any {
	i := a.index(key)
	if a.vals[i] != nil {
		return a.vals[i]
	}
	return a.t.keys[i].def
}

func (a *args) int(key string) int        { v, _ := a.value(key).(int); return v }
func (a *args) pair(key string) [2]int    { v, _ := a.value(key).([2]int); return v }
func (a *args) num(key string) float64    { v, _ := a.value(key).(float64); return v }
func (a *args) nums(key string) []float64 { v, _ := a.value(key).([]float64); return v }
func (a *args) bool(key string) bool      { v, _ := a.value(key).(bool); return v }
func (a *args) str(key string) string     { v, _ := a.value(key).(string); return v }
func (a *args) ints(key string) []int     { v, _ := a.value(key).([]int); return v }
func (a *args) given(key string) bool     { return a.vals[a.index(key)] != nil }

// set stores an inferred or resolved value.
func (a *args) set(key string, v any) { a.vals[a.index(key)] = v }

// inferInt returns key's value, taking it from the input when it was left
// out, and an error when a given value disagrees with the input.
func (a *args) inferInt(key string, fromInput int, what string) (int, error) {
	if !a.given(key) {
		a.set(key, fromInput)
		return fromInput, nil
	}
	if v := a.int(key); v != fromInput {
		return 0, fmt.Errorf("%s = %d, but the input has %d %s", key, v, fromInput, what)
	}
	return fromInput, nil
}

// clone returns a copy whose inferred values can be set without touching
// the spec.
func (a *args) clone() *args {
	c := *a
	c.vals = slices.Clone(a.vals)
	return &c
}

// decodeLayer decodes a layer mapping ({type: conv2d, out: 32, ...}); the
// key "name" is allowed when nameOK (it names a quantum alternative) and
// is returned.
func (d *decoder) decodeLayer(n *yaml.Node, path string, nameOK bool) (*args, string) {
	o := d.object(n, path)
	if o == nil {
		return nil, ""
	}
	tn, ok := o.required("type")
	if !ok {
		return nil, ""
	}
	typ := d.str(tn, o.sub("type"))
	if d.err != nil {
		return nil, ""
	}
	t := findLayerType(typ)
	if t == nil {
		d.fail(tn, o.sub("type"), "unknown layer type %q (known: %s)", typ, strings.Join(layerTypeNames(), ", "))
		return nil, ""
	}
	a := &args{t: t, vals: make([]any, len(t.keys)), node: n, path: path}
	allowed := []string{"type"}
	if nameOK {
		allowed = append(allowed, "name")
	}
	for _, k := range t.keys {
		allowed = append(allowed, k.name)
	}
	o.only(allowed...)
	name := ""
	if v, ok := o.lookup("name"); ok && nameOK {
		name = d.str(v, o.sub("name"))
	}
	for i, k := range t.keys {
		v, ok := o.lookup(k.name)
		if !ok {
			if k.required {
				d.fail(n, o.sub(k.name), "required key missing for layer type %s", t.name)
			}
			continue
		}
		p := o.sub(k.name)
		switch k.kind {
		case kInt:
			a.vals[i] = d.integer(v, p)
		case kPair:
			a.vals[i] = d.pair(v, p)
		case kNum:
			a.vals[i] = d.number(v, p)
		case kNums:
			a.vals[i] = d.numbers(v, p)
		case kBool:
			a.vals[i] = d.boolean(v, p)
		case kStr:
			a.vals[i] = d.str(v, p)
		case kInts:
			a.vals[i] = d.ints(v, p, true)
		case kEmbed:
			a.vals[i] = d.decodeEmbedding(v, p)
		case kAnsatz:
			a.vals[i] = d.decodeAnsatz(v, p)
		case kReadout:
			a.vals[i] = d.decodeReadout(v, p)
		}
	}
	o.finish(allowed...)
	if d.err != nil {
		return nil, ""
	}
	if err := checkValues(a); err != nil {
		d.fail(n, path, "%s: %v", t.name, err)
		return nil, ""
	}
	return a, name
}

// checkValues checks the values that do not depend on the input shape.
func checkValues(a *args) error {
	for i, k := range a.t.keys {
		v := a.vals[i]
		if v == nil {
			continue
		}
		switch x := v.(type) {
		case int:
			if x < 1 && !slices.Contains([]string{"dim", "padding", "stride"}, k.name) {
				return fmt.Errorf("%s = %d, want at least 1", k.name, x)
			}
		case [2]int:
			lo := 1
			if k.name == "padding" {
				lo = 0
			}
			if x[0] < lo || x[1] < lo {
				return fmt.Errorf("%s = %v, want at least %d", k.name, x, lo)
			}
		}
	}
	if a.t.name == "dropout" {
		if p := a.num("p"); p < 0 || p >= 1 {
			return fmt.Errorf("p = %v, want 0 ≤ p < 1", p)
		}
	}
	return nil
}

// layerTypeNames lists the layer types in factory order.
func layerTypeNames() []string {
	var out []string
	for _, t := range layerTypes() {
		out = append(out, t.name)
	}
	return out
}

// findLayerType returns the factory entry for name, or nil.
func findLayerType(name string) *layerType {
	for _, t := range layerTypes() {
		if t.name == name {
			return &t
		}
	}
	return nil
}

// LayerType describes one layer type of model specs for help listings.
type LayerType struct {
	Name    string
	Quantum bool
	// Keys lists the accepted keys: "name" (required), "name=default",
	// or "name (from input)" for keys inferred from the input shape.
	Keys []string
}

// LayerTypes lists the layer types a model spec may use, in factory order.
func LayerTypes() []LayerType {
	var out []LayerType
	for _, t := range layerTypes() {
		lt := LayerType{Name: t.name, Quantum: t.quantum}
		for _, k := range t.keys {
			switch {
			case k.required:
				lt.Keys = append(lt.Keys, k.name+" (required)")
			case k.infer:
				lt.Keys = append(lt.Keys, k.name+" (from input)")
			case k.def != nil:
				lt.Keys = append(lt.Keys, fmt.Sprintf("%s=%v", k.name, k.def))
			default:
				lt.Keys = append(lt.Keys, k.name)
			}
		}
		out = append(out, lt)
	}
	return out
}

// layerTypes is the layer factory: every layer type a model spec may
// name, classical (package nn and this package's fitted layers) then
// quantum (package qnn).
func layerTypes() []layerType {
	inferIn := keyDef{name: "in", kind: kInt, infer: true}
	same := func(_ *args, in []int) ([]int, error) { return slices.Clone(in), nil }
	return append(classicalTypes(inferIn, same), quantumTypes(inferIn)...)
}

func classicalTypes(inferIn keyDef, same func(*args, []int) ([]int, error)) []layerType {
	pool := []keyDef{{name: "kernel", kind: kPair, required: true}, {name: "stride", kind: kPair}, {name: "padding", kind: kPair, def: [2]int{}}}
	return []layerType{
		{name: "conv2d", keys: []keyDef{inferIn, {name: "out", kind: kInt, required: true}, {name: "kernel", kind: kPair, required: true},
			{name: "stride", kind: kPair, def: [2]int{1, 1}}, {name: "padding", kind: kPair, def: [2]int{}}, {name: "bias", kind: kBool, def: true}},
			shape: convShape("kernel"),
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				return nn.NewConv2d(r, a.int("in"), a.int("out"), a.pair("kernel"),
					nn.Conv2dOptions{Stride: a.pair("stride"), Padding: a.pair("padding"), NoBias: !a.bool("bias")})
			}},
		{name: "linear", keys: []keyDef{inferIn, {name: "out", kind: kInt, required: true}, {name: "bias", kind: kBool, def: true}},
			shape: lastAxis,
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer {
				return nn.NewLinear(r, a.int("in"), a.int("out"), a.bool("bias"))
			}},
		{name: "flatten", shape: func(_ *args, in []int) ([]int, error) { return []int{numel(in)}, nil },
			build: func(*args, *rand.Rand, BuildOptions) nn.Layer { return nn.NewFlatten() }},
		{name: "reshape", keys: []keyDef{{name: "shape", kind: kInts, required: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if numel(a.ints("shape")) != numel(in) {
					return nil, fmt.Errorf("shape %v holds %d values, the input %v holds %d", a.ints("shape"), numel(a.ints("shape")), in, numel(in))
				}
				return slices.Clone(a.ints("shape")), nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return newReshape(a.ints("shape")) }},
		{name: "identity", shape: same, build: func(*args, *rand.Rand, BuildOptions) nn.Layer { return nn.NewIdentity() }},
		{name: "relu", shape: same, build: func(*args, *rand.Rand, BuildOptions) nn.Layer { return nn.NewReLU() }},
		{name: "tanh", shape: same, build: func(*args, *rand.Rand, BuildOptions) nn.Layer { return nn.NewTanh() }},
		{name: "sigmoid", shape: same, build: func(*args, *rand.Rand, BuildOptions) nn.Layer { return nn.NewSigmoid() }},
		{name: "gelu", keys: []keyDef{{name: "approximate", kind: kStr, def: "none"}},
			shape: func(a *args, in []int) ([]int, error) {
				if s := a.str("approximate"); s != "none" && s != "tanh" {
					return nil, fmt.Errorf("approximate = %q, want none or tanh", s)
				}
				return slices.Clone(in), nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer {
				g := nn.NewGELU()
				g.Approximate = a.str("approximate")
				return g
			}},
		{name: "leaky_relu", keys: []keyDef{{name: "slope", kind: kNum, def: 0.01}}, shape: same,
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewLeakyReLU(a.num("slope")) }},
		{name: "softmax", keys: []keyDef{{name: "dim", kind: kInt, def: -1}}, shape: dimShape,
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewSoftmax(batchDim(a.int("dim"))) }},
		{name: "log_softmax", keys: []keyDef{{name: "dim", kind: kInt, def: -1}}, shape: dimShape,
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewLogSoftmax(batchDim(a.int("dim"))) }},
		{name: "dropout", keys: []keyDef{{name: "p", kind: kNum, def: 0.5}}, shape: same,
			build: func(a *args, r *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewDropout(a.num("p"), r) }},
		{name: "batchnorm1d", keys: []keyDef{{name: "features", kind: kInt, infer: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if len(in) != 1 && len(in) != 2 {
					return nil, fmt.Errorf("input %v, want [features] or [features, length]", in)
				}
				_, err := a.inferInt("features", in[0], "features")
				return slices.Clone(in), err
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewBatchNorm1d(a.int("features")) }},
		{name: "batchnorm2d", keys: []keyDef{{name: "channels", kind: kInt, infer: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if len(in) != 3 {
					return nil, fmt.Errorf("input %v, want [channels, height, width]", in)
				}
				_, err := a.inferInt("channels", in[0], "channels")
				return slices.Clone(in), err
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewBatchNorm2d(a.int("channels")) }},
		{name: "layernorm", keys: []keyDef{{name: "shape", kind: kInts, infer: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if !a.given("shape") {
					a.set("shape", in[len(in)-1:])
				}
				s := a.ints("shape")
				if len(s) > len(in) || !slices.Equal(s, in[len(in)-len(s):]) {
					return nil, fmt.Errorf("shape %v is not the trailing shape of the input %v", s, in)
				}
				return slices.Clone(in), nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewLayerNorm(a.ints("shape")...) }},
		{name: "maxpool2d", keys: pool, shape: convShape("kernel"),
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer {
				return nn.NewMaxPool2d(a.pair("kernel"), a.pair("stride"), a.pair("padding"))
			}},
		{name: "avgpool2d", keys: pool, shape: convShape("kernel"),
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer {
				return nn.NewAvgPool2d(a.pair("kernel"), a.pair("stride"), a.pair("padding"))
			}},
		{name: "adaptive_avgpool2d", keys: []keyDef{{name: "output", kind: kPair, required: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if len(in) != 3 {
					return nil, fmt.Errorf("input %v, want [channels, height, width]", in)
				}
				o := a.pair("output")
				return []int{in[0], o[0], o[1]}, nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer { return nn.NewAdaptiveAvgPool2d(a.pair("output")) }},
		{name: "constant_pad2d", keys: []keyDef{{name: "padding", kind: kInts, required: true}, {name: "value", kind: kNum, def: 0.0}},
			shape: func(a *args, in []int) ([]int, error) {
				p := a.ints("padding")
				if len(p) == 1 {
					p = []int{p[0], p[0], p[0], p[0]}
					a.set("padding", p)
				}
				if len(p) != 4 || slices.Min(p) < 0 {
					return nil, fmt.Errorf("padding %v, want one or four values ≥ 0 (left, right, top, bottom)", p)
				}
				if len(in) < 2 {
					return nil, fmt.Errorf("input %v, want at least two axes", in)
				}
				out := slices.Clone(in)
				out[len(out)-1] += p[0] + p[1]
				out[len(out)-2] += p[2] + p[3]
				return out, nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer {
				p := a.ints("padding")
				return nn.NewConstantPad2d([4]int{p[0], p[1], p[2], p[3]}, a.num("value"))
			}},
		{name: "pca", keys: []keyDef{{name: "components", kind: kInt, required: true}, {name: "features", kind: kInt, infer: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if _, err := a.inferInt("features", numel(in), "values"); err != nil {
					return nil, err
				}
				if k := a.int("components"); k > numel(in) {
					return nil, fmt.Errorf("components = %d, but the input has only %d features", k, numel(in))
				}
				return []int{a.int("components")}, nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer {
				return newPCALayer(a.int("components"), a.int("features"))
			}},
		{name: "minmax", keys: []keyDef{{name: "range", kind: kNums, def: []float64{0, 1}}, {name: "features", kind: kInt, infer: true}},
			shape: func(a *args, in []int) ([]int, error) {
				if _, err := a.inferInt("features", numel(in), "values"); err != nil {
					return nil, err
				}
				if r := a.nums("range"); len(r) != 2 || r[0] >= r[1] {
					return nil, fmt.Errorf("range %v, want [lo, hi] with lo < hi", r)
				}
				return slices.Clone(in), nil
			},
			build: func(a *args, _ *rand.Rand, _ BuildOptions) nn.Layer {
				r := a.nums("range")
				return newMinMaxLayer(r[0], r[1], a.int("features"))
			}},
	}
}

// numel is the number of values of a shape.
func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// batchDim turns a sample axis (negative from the end, or 0-based among
// the sample axes) into an axis of the batched tensor.
func batchDim(d int) int {
	if d < 0 {
		return d
	}
	return d + 1
}

func dimShape(a *args, in []int) ([]int, error) {
	if d := a.int("dim"); d >= len(in) || d < -len(in) {
		return nil, fmt.Errorf("dim = %d out of range for input %v", d, in)
	}
	return slices.Clone(in), nil
}

// lastAxis is the shape rule of layers that map the last axis from in to
// out (Linear and its quantum replacements).
func lastAxis(a *args, in []int) ([]int, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("scalar input")
	}
	if _, err := a.inferInt("in", in[len(in)-1], "features on its last axis"); err != nil {
		return nil, err
	}
	out := slices.Clone(in)
	out[len(out)-1] = a.int("out")
	return out, nil
}

// convShape is the shape rule of convolutions and pooling over [C, H, W]:
// (H + 2p − k)/s + 1 per spatial axis; kernelKey names the kernel size key.
// A layer with an "in" key checks (or infers) the channels, and one with
// "out" changes them.
func convShape(kernelKey string) func(a *args, in []int) ([]int, error) {
	return func(a *args, in []int) ([]int, error) {
		if len(in) != 3 {
			return nil, fmt.Errorf("input %v, want [channels, height, width]", in)
		}
		out := slices.Clone(in)
		if hasKey(a.t, "in") {
			if _, err := a.inferInt("in", in[0], "channels"); err != nil {
				return nil, err
			}
		}
		if hasKey(a.t, "out") {
			out[0] = a.int("out")
		}
		k, s, p := a.pair(kernelKey), a.pair("stride"), a.pair("padding")
		if s == ([2]int{}) {
			s = k // pooling: the stride defaults to the kernel
			a.set("stride", s)
		}
		for i := range 2 {
			if p[i] > k[i]/2 && !hasKey(a.t, "in") {
				return nil, fmt.Errorf("padding %v larger than half the kernel %v", p, k)
			}
			size := (in[1+i]+2*p[i]-k[i])/s[i] + 1
			if in[1+i]+2*p[i] < k[i] || size < 1 {
				return nil, fmt.Errorf("kernel %v does not fit the input %v with padding %v", k, in, p)
			}
			out[1+i] = size
		}
		return out, nil
	}
}

func hasKey(t *layerType, key string) bool {
	for _, k := range t.keys {
		if k.name == key {
			return true
		}
	}
	return false
}
