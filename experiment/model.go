package experiment

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/qnn"
	"github.com/quanta-qml/quanta/tensor"
	"go.yaml.in/yaml/v3"
)

// ModelSpec is a parsed model spec: a list of layers, each fixed or a
// slot with a classical layer (or sequence) and quantum alternatives of
// the same shape; named levels (which alternative each slot takes); and
// the data pipeline the model expects. See the package documentation for
// the file format.
type ModelSpec struct {
	Name        string
	Description string
	Paper       string
	// Input is the sample shape the spec is checked with when it is
	// loaded (the data pipeline's output for Dataset). A model is built
	// for the shape its data actually has, so keys left to be inferred
	// (a first layer's "in") follow the data.
	Input []int
	// Classes, if set, is the number of outputs the model must have.
	Classes int
	// Dataset is the data set the spec is meant for ("mnist" by default).
	Dataset string
	Data    DataSpec
	Layers  []LayerEntry
	Levels  []Level
	// File names the spec in messages; Source is its text.
	File   string
	Source []byte
}

// LayerEntry is one entry of a model's layer list: a fixed layer, or a
// slot (Slot non-nil).
type LayerEntry struct {
	Fixed *args
	Slot  *Slot
}

// Slot is a place in a model that a classical layer or any of its quantum
// alternatives fills, all with the same input and output shapes.
type Slot struct {
	Name      string
	Classical []*args
	Quantum   []Alternative
	node      *yaml.Node
	path      string
}

// Alternative is one quantum filling of a slot: its name (given, or "q1",
// "q2", … by position) and its layers.
type Alternative struct {
	Name   string
	Layers []*args
}

// Level is a named configuration: the choice for each slot, in slot order
// (0 classical, k ≥ 1 the k-th quantum alternative).
type Level struct {
	Name   string
	Choice []int
}

// Configuration is a choice for every slot with its name: a level name,
// or a subset name (see Config).
type Configuration struct {
	Name   string
	Choice []int
}

// Classical reports whether every slot takes its classical layer.
func (c Configuration) Classical() bool {
	for _, k := range c.Choice {
		if k != 0 {
			return false
		}
	}
	return true
}

// Slots returns the model's slots in order.
func (m *ModelSpec) Slots() []*Slot {
	var out []*Slot
	for _, e := range m.Layers {
		if e.Slot != nil {
			out = append(out, e.Slot)
		}
	}
	return out
}

// LoadModelSpec reads and checks the model spec file at path.
func LoadModelSpec(path string) (*ModelSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("experiment: model spec: %w", err)
	}
	return ParseModelSpec(path, data)
}

// ParseModelSpec parses a model spec (file names it in errors) and checks
// it: strict keys and types, known layer types with their required keys,
// level choices that exist, and the shapes of every slot alternative for
// the spec's input shape. Every error is a *SpecError naming the file,
// line and key.
func ParseModelSpec(file string, data []byte) (*ModelSpec, error) {
	root, err := parseYAML(file, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: file}
	m := &ModelSpec{File: file, Source: slices.Clone(data), Dataset: "mnist"}
	o := d.object(root, "")
	if v, ok := o.required("name"); ok {
		m.Name = d.str(v, "name")
		if d.err == nil && !validName(m.Name) {
			d.fail(v, "name", "%q: use letters, digits, '-', '_' and '.'", m.Name)
		}
	}
	if v, ok := o.lookup("description"); ok {
		m.Description = d.str(v, "description")
	}
	if v, ok := o.lookup("paper"); ok {
		m.Paper = d.str(v, "paper")
	}
	if v, ok := o.required("input"); ok {
		m.Input = d.ints(v, "input", false)
		if d.err == nil && (len(m.Input) == 0 || slices.Min(m.Input) < 1) {
			d.fail(v, "input", "want a list of positive sizes")
		}
	}
	if v, ok := o.lookup("classes"); ok {
		m.Classes = d.integer(v, "classes")
	}
	if v, ok := o.lookup("dataset"); ok {
		m.Dataset = d.str(v, "dataset")
	}
	if v, ok := o.lookup("data"); ok {
		m.Data = d.decodeData(v, "data")
	}
	var levels *yaml.Node
	if v, ok := o.required("layers"); ok {
		for i, n := range d.list(v, "layers") {
			m.Layers = append(m.Layers, d.decodeEntry(n, fmt.Sprintf("layers[%d]", i)))
		}
		if d.err == nil && len(m.Layers) == 0 {
			d.fail(v, "layers", "no layers")
		}
	}
	levels, _ = o.lookup("levels")
	o.finish("name", "description", "paper", "input", "classes", "dataset", "data", "layers", "levels")
	if d.err != nil {
		return nil, d.err
	}
	d.checkSlotNames(m)
	if levels != nil {
		m.Levels = d.decodeLevels(m, levels)
	}
	if d.err != nil {
		return nil, d.err
	}
	if _, err := m.shapes(m.Input, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// validName reports whether s is usable in run ids and file names.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// decodeEntry decodes one entry of the layer list.
func (d *decoder) decodeEntry(n *yaml.Node, path string) LayerEntry {
	o := d.object(n, path)
	if o == nil {
		return LayerEntry{}
	}
	if !o.has("slot") {
		a, _ := d.decodeLayer(n, path, false)
		return LayerEntry{Fixed: a}
	}
	s := &Slot{node: n, path: path}
	v, _ := o.lookup("slot")
	s.Name = d.str(v, o.sub("slot"))
	if d.err == nil && (!validName(s.Name) || strings.ContainsAny(s.Name, "=+.")) {
		d.fail(v, o.sub("slot"), "slot name %q: use letters, digits, '-' and '_'", s.Name)
	}
	if v, ok := o.required("classical"); ok {
		s.Classical, _ = d.decodeSequence(v, o.sub("classical"), false)
	}
	if v, ok := o.required("quantum"); ok {
		items := d.list(v, o.sub("quantum"))
		if d.err == nil && len(items) == 0 {
			d.fail(v, o.sub("quantum"), "no quantum alternative")
		}
		for i, it := range items {
			p := fmt.Sprintf("%s[%d]", o.sub("quantum"), i)
			layers, name := d.decodeSequence(it, p, true)
			if name == "" {
				name = "q" + strconv.Itoa(i+1)
			}
			if d.err == nil && (!validName(name) || strings.ContainsAny(name, "=+.") || name == "classical" || name == "c") {
				d.fail(it, p+".name", "alternative name %q: use letters, digits, '-' and '_' (not classical or c)", name)
			}
			for _, prev := range s.Quantum {
				if prev.Name == name {
					d.fail(it, p+".name", "alternative name %q repeated", name)
				}
			}
			s.Quantum = append(s.Quantum, Alternative{Name: name, Layers: layers})
		}
	}
	o.finish("slot", "classical", "quantum")
	return LayerEntry{Slot: s}
}

// decodeSequence decodes a slot alternative: one layer mapping (it has a
// type key), a list of layer mappings, or a mapping {name: …, layers:
// [...]}.
func (d *decoder) decodeSequence(n *yaml.Node, path string, nameOK bool) ([]*args, string) {
	if d.err != nil {
		return nil, ""
	}
	if n.Kind == yaml.SequenceNode {
		var out []*args
		for i, it := range n.Content {
			a, _ := d.decodeLayer(it, fmt.Sprintf("%s[%d]", path, i), false)
			out = append(out, a)
		}
		if d.err == nil && len(out) == 0 {
			d.fail(n, path, "no layers")
		}
		return out, ""
	}
	o := d.object(n, path)
	if o == nil {
		return nil, ""
	}
	if !o.has("type") && o.has("layers") {
		name := ""
		if v, ok := o.lookup("name"); ok && nameOK {
			name = d.str(v, o.sub("name"))
		}
		v, _ := o.lookup("layers")
		layers, _ := d.decodeSequence(v, o.sub("layers"), false)
		if nameOK {
			o.finish("name", "layers")
		} else {
			o.finish("layers")
		}
		return layers, name
	}
	a, name := d.decodeLayer(n, path, nameOK)
	return []*args{a}, name
}

func (d *decoder) checkSlotNames(m *ModelSpec) {
	var seen []string
	for _, s := range m.Slots() {
		if slices.Contains(seen, s.Name) {
			d.fail(s.node, s.path+".slot", "slot name %q repeated", s.Name)
		}
		seen = append(seen, s.Name)
	}
}

// decodeLevels decodes the levels mapping: level name → {slot: choice}.
func (d *decoder) decodeLevels(m *ModelSpec, n *yaml.Node) []Level {
	o := d.object(n, "levels")
	if o == nil {
		return nil
	}
	slots := m.Slots()
	var out []Level
	for i, name := range o.keys {
		o.used[i] = true
		path := "levels." + name
		if !validName(name) || strings.ContainsAny(name, "=+") {
			d.fail(o.node.Content[2*i], path, "level name %q: use letters, digits, '-', '_' and '.'", name)
			return nil
		}
		lo := d.object(o.vals[i], path)
		if lo == nil {
			return nil
		}
		lv := Level{Name: name, Choice: make([]int, len(slots))}
		for j, key := range lo.keys {
			lo.used[j] = true
			k := slices.IndexFunc(slots, func(s *Slot) bool { return s.Name == key })
			if k < 0 {
				d.fail(lo.node.Content[2*j], lo.sub(key), "no slot %q in this model (slots: %s)", key, slotNames(slots))
				return nil
			}
			choice := d.str(lo.vals[j], lo.sub(key))
			c, err := slots[k].choice(choice)
			if err != nil {
				d.fail(lo.vals[j], lo.sub(key), "%v", err)
				return nil
			}
			lv.Choice[k] = c
		}
		out = append(out, lv)
	}
	return out
}

func slotNames(slots []*Slot) string {
	var names []string
	for _, s := range slots {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

// choice parses the choice of a slot: "classical" or "c" (0), "quantum"
// or "q" (the first alternative, 1), or an alternative's name.
func (s *Slot) choice(v string) (int, error) {
	switch v {
	case "classical", "c":
		return 0, nil
	case "quantum", "q":
		return 1, nil
	}
	for i, a := range s.Quantum {
		if a.Name == v {
			return i + 1, nil
		}
	}
	var names []string
	for _, a := range s.Quantum {
		names = append(names, a.Name)
	}
	return 0, fmt.Errorf("slot %s has no alternative %q (want classical, quantum or one of: %s)", s.Name, v, strings.Join(names, ", "))
}

// layers returns the layers a choice puts in the slot.
func (s *Slot) layers(choice int) []*args {
	if choice == 0 {
		return s.Classical
	}
	return s.Quantum[choice-1].Layers
}

// LevelConfigs returns the spec's levels as configurations, in spec order.
func (m *ModelSpec) LevelConfigs() []Configuration {
	var out []Configuration
	for _, l := range m.Levels {
		out = append(out, Configuration{Name: l.Name, Choice: slices.Clone(l.Choice)})
	}
	return out
}

// Subsets returns every subset of the slots that take their first quantum
// alternative (the others classical): 2ᵏ configurations for k slots,
// ordered by the number of quantum slots and then by slot order, named as
// Config names them ("classical", "A", "B", "A+B", …).
func (m *ModelSpec) Subsets() []Configuration {
	k := len(m.Slots())
	var out []Configuration
	for size := 0; size <= k; size++ {
		for _, comb := range combinations(k, size) {
			ch := make([]int, k)
			for _, i := range comb {
				ch[i] = 1
			}
			out = append(out, Configuration{Name: m.subsetName(ch), Choice: ch})
		}
	}
	return out
}

// combinations returns the size-element subsets of [0, k) in
// lexicographic order.
func combinations(k, size int) [][]int {
	var out [][]int
	var rec func(start int, cur []int)
	rec = func(start int, cur []int) {
		if len(cur) == size {
			out = append(out, slices.Clone(cur))
			return
		}
		for i := start; i < k; i++ {
			rec(i+1, append(cur, i))
		}
	}
	rec(0, nil)
	return out
}

// subsetName names a choice by its quantum slots joined with "+", in slot
// order; a slot on an alternative other than its first is "slot=name";
// no quantum slot is "classical".
func (m *ModelSpec) subsetName(ch []int) string {
	var parts []string
	for i, s := range m.Slots() {
		switch ch[i] {
		case 0:
		case 1:
			parts = append(parts, s.Name)
		default:
			parts = append(parts, s.Name+"="+s.Quantum[ch[i]-1].Name)
		}
	}
	if len(parts) == 0 {
		return "classical"
	}
	return strings.Join(parts, "+")
}

// Config returns the configuration named name: a level of the spec, or a
// subset written as quantum slots joined with "+" ("A+C"; "A=name" picks
// an alternative other than the first; "classical" has none), which is
// returned under its canonical name (slots in spec order).
func (m *ModelSpec) Config(name string) (Configuration, error) {
	for _, l := range m.Levels {
		if l.Name == name {
			return Configuration{Name: l.Name, Choice: slices.Clone(l.Choice)}, nil
		}
	}
	slots := m.Slots()
	ch := make([]int, len(slots))
	if name != "classical" {
		for _, part := range strings.Split(name, "+") {
			slot, alt, hasAlt := strings.Cut(part, "=")
			k := slices.IndexFunc(slots, func(s *Slot) bool { return s.Name == slot })
			if k < 0 {
				return Configuration{}, fmt.Errorf("model %s: configuration %q: no level or slot %q (levels: %s; slots: %s)",
					m.Name, name, slot, m.levelNames(), slotNames(slots))
			}
			c := 1
			if hasAlt {
				var err error
				if c, err = slots[k].choice(alt); err != nil || c == 0 {
					return Configuration{}, fmt.Errorf("model %s: configuration %q: slot %s has no quantum alternative %q", m.Name, name, slot, alt)
				}
			}
			if ch[k] != 0 {
				return Configuration{}, fmt.Errorf("model %s: configuration %q names slot %s twice", m.Name, name, slot)
			}
			ch[k] = c
		}
	}
	return Configuration{Name: m.subsetName(ch), Choice: ch}, nil
}

func (m *ModelSpec) levelNames() string {
	var names []string
	for _, l := range m.Levels {
		names = append(names, l.Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// specErr turns a shape error of layer a into a *SpecError.
func (m *ModelSpec) specErr(a *args, what string, err error) error {
	e := &SpecError{File: m.File, Key: a.path, Msg: fmt.Sprintf("%s%s: %v", what, a.t.name, err)}
	if a.node != nil {
		e.Line, e.Column = a.node.Line, a.node.Column
	}
	return e
}

// shapes walks the model for input shape in. With ch nil it checks every
// alternative of every slot (they must agree on the output shape) and
// returns the resolved layers of the classical choice; otherwise it
// resolves the layers of the choice ch. It returns the layers with their
// inferred keys filled in, in order.
func (m *ModelSpec) shapes(in []int, ch []int) ([]resolved, error) {
	var out []resolved
	cur := slices.Clone(in)
	slot := 0
	for i, e := range m.Layers {
		if e.Fixed != nil {
			a := e.Fixed.clone()
			next, err := a.t.shape(a, cur)
			if err != nil {
				return nil, m.specErr(a, "", err)
			}
			out = append(out, resolved{a: a, pos: i})
			cur = next
			continue
		}
		s := e.Slot
		choices := []int{0}
		if ch == nil {
			for k := range s.Quantum {
				choices = append(choices, k+1)
			}
		} else {
			choices = []int{ch[slot]}
		}
		var first []int
		firstName := ""
		for _, c := range choices {
			x := cur
			var rs []resolved
			for j, a0 := range s.layers(c) {
				a := a0.clone()
				next, err := a.t.shape(a, x)
				if err != nil {
					return nil, m.specErr(a, fmt.Sprintf("slot %s, %s: ", s.Name, altName(s, c)), err)
				}
				rs = append(rs, resolved{a: a, pos: i, alt: c, sub: j})
				x = next
			}
			if first == nil {
				first, firstName = x, altName(s, c)
				out = append(out, rs...)
			} else if !slices.Equal(first, x) {
				e := &SpecError{File: m.File, Line: s.node.Line, Column: s.node.Column, Key: s.path,
					Msg: fmt.Sprintf("slot %s: %s gives output %v for input %v, but %s gives %v", s.Name, altName(s, c), x, cur, firstName, first)}
				return nil, e
			}
		}
		cur = first
		slot++
	}
	if m.Classes > 0 && !slices.Equal(cur, []int{m.Classes}) {
		return nil, &SpecError{File: m.File, Key: "layers", Msg: fmt.Sprintf("the model's output is %v per sample, want [%d] (classes)", cur, m.Classes)}
	}
	return out, nil
}

func altName(s *Slot, c int) string {
	if c == 0 {
		return "classical"
	}
	return "quantum alternative " + s.Quantum[c-1].Name
}

// resolved is a layer of one configuration with its keys resolved for its
// input, and where it comes from: entry pos of the layer list, alternative
// alt of a slot (0 classical), layer sub within the alternative.
type resolved struct {
	a             *args
	pos, alt, sub int
}

// Model is a built configuration of a model spec.
type Model struct {
	// Layer is the network, an nn.Sequential of the configuration's
	// layers.
	Layer *nn.Sequential
	// Name is the model spec's name, Config the configuration's.
	Name, Config string
	// Classical reports that every slot took its classical layer.
	Classical bool
	// Input and Output are the sample shapes in and out.
	Input, Output []int
	// Params counts the parameters (see ParamCount).
	Params ParamCount
	// fitted are the leading fitted layers (pca, minmax) that Fit fits.
	fitted []int
}

// Build builds configuration c of the spec for samples of shape input
// (nil means m.Input), with parameters drawn from seed: layer k of the
// layer list (alternative a of a slot, layer j within it) draws from its
// own PCG stream (seed, k·2³² + a·2¹⁶ + j), so configurations that share a
// layer start it from the same values. Fitted layers (pca, minmax) must
// come before every layer with parameters; call Model.Fit before training.
func (m *ModelSpec) Build(c Configuration, input []int, seed uint64, opt BuildOptions) (*Model, error) {
	if input == nil {
		input = m.Input
	}
	if len(c.Choice) != len(m.Slots()) {
		return nil, fmt.Errorf("experiment: model %s: configuration %q has %d choices for %d slots", m.Name, c.Name, len(c.Choice), len(m.Slots()))
	}
	rs, err := m.shapes(input, c.Choice)
	if err != nil {
		return nil, err
	}
	seq := nn.NewSequential()
	model := &Model{Layer: seq, Name: m.Name, Config: c.Name, Classical: c.Classical(), Input: slices.Clone(input)}
	prefix := true
	for i, r := range rs {
		rng := rand.New(rand.NewPCG(seed, uint64(r.pos)<<32|uint64(r.alt)<<16|uint64(r.sub)))
		l := r.a.t.build(r.a, rng, opt)
		seq.Append(l)
		if _, ok := l.(fitter); ok {
			if !prefix {
				return nil, m.specErr(r.a, fmt.Sprintf("configuration %s: ", c.Name),
					fmt.Errorf("a fitted layer must come before every layer with parameters"))
			}
			model.fitted = append(model.fitted, i)
		} else if nn.NumParams(l) > 0 {
			prefix = false
		}
	}
	out, _ := m.outputShape(input, c.Choice)
	model.Output = out
	model.Params = countParams(seq)
	return model, nil
}

// outputShape returns the output sample shape of configuration ch.
func (m *ModelSpec) outputShape(in []int, ch []int) ([]int, error) {
	rs, err := m.shapes(in, ch)
	if err != nil {
		return nil, err
	}
	cur := slices.Clone(in)
	for _, r := range rs {
		if cur, err = r.a.t.shape(r.a.clone(), cur); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

// countParams counts the parameters of a model by kind: complex
// parameters (the NonUnitary compatibility mode) count once in Quantum and
// Total, the papers' convention, with their imaginary parts in
// QuantumImag.
func countParams(l nn.Module) ParamCount {
	c := qnn.CountParams(l)
	return ParamCount{Classical: c.Classical, Quantum: c.Quantum, QuantumImag: c.QuantumImag, Total: c.ComplexOnce()}
}

// Fit fits the model's leading fitted layers (pca, minmax) on the
// training inputs x [N, input...], each on the output of the layers
// before it. It is a no-op for a model without fitted layers.
func (mdl *Model) Fit(x *tensor.Dense) error {
	if len(mdl.fitted) == 0 {
		return nil
	}
	h := x
	last := mdl.fitted[len(mdl.fitted)-1]
	for i := 0; i <= last; i++ {
		l := mdl.Layer.At(i)
		if f, ok := l.(fitter); ok {
			if err := f.fit(h); err != nil {
				return fmt.Errorf("experiment: model %s/%s, layer %d: %w", mdl.Name, mdl.Config, i, err)
			}
		}
		if i < last {
			h = l.Forward(autograd.NoGrad(h)).Value()
		}
	}
	return nil
}
