package circuit

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/gate"
)

// ErrInvalid is wrapped by every error of Validate and Build.
var ErrInvalid = errors.New("invalid circuit")

// ErrAmplitudes is wrapped by the errors of Op.Amplitudes: features with a
// zero or non-finite norm, or unnormalised features without Normalize.
var ErrAmplitudes = errors.New("invalid amplitude-embedding features")

// AmplitudeTol is how far |v|² may be from 1 for amplitude-embedding
// features that are not normalised by the op (Normalize and Pad unset).
const AmplitudeTol = 1e-8

// Amplitude holds the options of an amplitude-embedding op (PennyLane's
// AmplitudeEmbedding). The zero value loads the features as they are: they
// must number 2ᵏ and have unit norm.
type Amplitude struct {
	// Normalize divides the (padded) features by their Euclidean norm.
	Normalize bool
	// Pad pads the features at the end with PadWith up to 2ᵏ values.
	// As in PennyLane, padding implies normalisation.
	Pad     bool
	PadWith float64
}

// Op is one operation of a circuit: a gate on wires with one Param per gate
// parameter, or an amplitude embedding of a block of inputs. An Op is a
// read-only view; its accessors return copies.
type Op struct {
	g      gate.Gate
	wires  []int
	params []Param
	amp    *Amplitude
	ampIn  []int
}

// Name returns the gate's name, or "AmplitudeEmbedding".
func (o Op) Name() string {
	if o.amp != nil {
		return "AmplitudeEmbedding"
	}
	if o.g == nil {
		return "<nil gate>"
	}
	return o.g.Name()
}

// Gate returns the op's gate (nil for an amplitude embedding).
func (o Op) Gate() gate.Gate { return o.g }

// NumWires returns the number of wires of the op.
func (o Op) NumWires() int { return len(o.wires) }

// Wire returns the k-th wire, in gate order (controls first).
func (o Op) Wire(k int) int { return o.wires[k] }

// Wires returns a copy of the op's wires, in gate order.
func (o Op) Wires() []int { return append([]int(nil), o.wires...) }

// NumParams returns the number of gate parameters (0 for an amplitude
// embedding).
func (o Op) NumParams() int { return len(o.params) }

// Param returns the reference of gate parameter j.
func (o Op) Param(j int) Param { return o.params[j] }

// DependsOnInputs reports whether any parameter (or the amplitudes) of the
// op depends on the inputs, so that it differs between samples.
func (o Op) DependsOnInputs() bool {
	if o.amp != nil {
		return true
	}
	for _, p := range o.params {
		if p.UsesInput() {
			return true
		}
	}
	return false
}

// Params evaluates the gate parameters for one sample into dst, which must
// have NumParams entries. It does not allocate.
func (o Op) Params(dst, inputs, weights []float64) {
	if len(dst) != len(o.params) {
		panic(fmt.Sprintf("circuit: %s: %d parameter slots, want %d", o.Name(), len(dst), len(o.params)))
	}
	for j, p := range o.params {
		dst[j] = p.Value(inputs, weights)
	}
}

// ParamsVJP is the chain rule back through Params: given gbar[j] = ∂L/∂p_j
// it adds ∂L/∂x to inGrad and ∂L/∂w to wGrad (either may be nil).
func (o Op) ParamsVJP(inGrad, wGrad []float64, inputs, gbar []float64) {
	if len(gbar) != len(o.params) {
		panic(fmt.Sprintf("circuit: %s: %d parameter cotangents, want %d", o.Name(), len(gbar), len(o.params)))
	}
	for j, p := range o.params {
		p.AddGrad(inGrad, wGrad, inputs, gbar[j])
	}
}

// IsAmplitude reports whether the op is an amplitude embedding.
func (o Op) IsAmplitude() bool { return o.amp != nil }

// AmplitudeOptions returns the options of an amplitude embedding.
func (o Op) AmplitudeOptions() Amplitude {
	if o.amp == nil {
		return Amplitude{}
	}
	return *o.amp
}

// AmplitudeInputs returns a copy of the input indices an amplitude
// embedding loads, in order.
func (o Op) AmplitudeInputs() []int { return append([]int(nil), o.ampIn...) }

// Amplitudes writes the 2ᵏ real amplitudes of an amplitude embedding for one
// sample into dst: the features, padded at the end with PadWith when Pad is
// set, divided by their norm when Normalize or Pad is set. Index j of dst is
// the basis state of the op's wires with the first listed wire as the most
// significant bit. It returns an error wrapping ErrAmplitudes for features
// with a zero or non-finite norm, or whose squared norm is further than
// AmplitudeTol from 1 when they are not normalised.
func (o Op) Amplitudes(dst, inputs []float64) error {
	if o.amp == nil {
		panic("circuit: Amplitudes of a gate op")
	}
	if len(dst) != 1<<len(o.wires) {
		panic(fmt.Sprintf("circuit: Amplitudes: destination of length %d, want %d", len(dst), 1<<len(o.wires)))
	}
	nrm2 := o.load(dst, inputs)
	if math.IsNaN(nrm2) || math.IsInf(nrm2, 0) {
		return fmt.Errorf("circuit: AmplitudeEmbedding: features have a non-finite norm: %w", ErrAmplitudes)
	}
	if !o.amp.Normalize && !o.amp.Pad {
		if math.Abs(nrm2-1) > AmplitudeTol {
			return fmt.Errorf("circuit: AmplitudeEmbedding: features have squared norm %g, want 1 (set Normalize): %w", nrm2, ErrAmplitudes)
		}
		return nil
	}
	if nrm2 == 0 {
		return fmt.Errorf("circuit: AmplitudeEmbedding: features are all zero and cannot be normalised: %w", ErrAmplitudes)
	}
	s := 1 / math.Sqrt(nrm2)
	for i := range dst {
		dst[i] *= s
	}
	return nil
}

// load writes the padded features into dst and returns their squared norm.
func (o Op) load(dst, inputs []float64) float64 {
	nrm2 := 0.0
	for i := range dst {
		v := o.amp.PadWith
		if i < len(o.ampIn) {
			v = inputs[o.ampIn[i]]
		}
		dst[i] = v
		nrm2 += v * v
	}
	return nrm2
}

// AmplitudesVJP is the chain rule back through Amplitudes: given
// vbar[j] = ∂L/∂v_j for the amplitudes v, it adds ∂L/∂x to inGrad,
// including the normalisation: ∂L/∂p = (v̄ − v·⟨v, v̄⟩)/|p| for the padded
// features p. It does nothing for features Amplitudes rejects.
func (o Op) AmplitudesVJP(inGrad, inputs, vbar []float64) {
	if o.amp == nil {
		panic("circuit: AmplitudesVJP of a gate op")
	}
	n := 1 << len(o.wires)
	if len(vbar) != n {
		panic(fmt.Sprintf("circuit: AmplitudesVJP: cotangent of length %d, want %d", len(vbar), n))
	}
	if !o.amp.Normalize && !o.amp.Pad {
		for i, in := range o.ampIn {
			inGrad[in] += vbar[i]
		}
		return
	}
	nrm2 := 0.0
	dot := 0.0 // ⟨p, v̄⟩
	for i := 0; i < n; i++ {
		v := o.amp.PadWith
		if i < len(o.ampIn) {
			v = inputs[o.ampIn[i]]
		}
		nrm2 += v * v
		dot += v * vbar[i]
	}
	if !(nrm2 > 0) || math.IsInf(nrm2, 0) {
		return
	}
	nrm := math.Sqrt(nrm2)
	for i, in := range o.ampIn {
		inGrad[in] += (vbar[i] - inputs[in]*dot/nrm2) / nrm
	}
}

// String writes the op as "Name(params) [wires]".
func (o Op) String() string {
	var b strings.Builder
	b.WriteString(o.Name())
	if o.amp != nil {
		fmt.Fprintf(&b, "(x[%s], normalize=%t", rangeString(o.ampIn), o.amp.Normalize || o.amp.Pad)
		if o.amp.Pad {
			b.WriteString(", pad_with=" + num(o.amp.PadWith))
		}
		b.WriteString(")")
	} else if len(o.params) > 0 {
		b.WriteString("(")
		for j, p := range o.params {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.String())
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " %v", o.wires)
	return b.String()
}

// rangeString writes 0,1,2,3 as "0:4" and anything else as a list.
func rangeString(idx []int) string {
	contiguous := len(idx) > 0
	for i := range idx {
		if idx[i] != idx[0]+i {
			contiguous = false
		}
	}
	if contiguous {
		return strconv.Itoa(idx[0]) + ":" + strconv.Itoa(idx[0]+len(idx))
	}
	s := make([]string, len(idx))
	for i, v := range idx {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

// Circuit is an immutable quantum circuit on n wires with P inputs per
// sample and W trainable weights shared by the batch. It is safe for
// concurrent use.
type Circuit struct {
	n, nin, nw int
	ops        []Op
}

// NumWires returns n.
func (c *Circuit) NumWires() int { return c.n }

// NumInputs returns P, the number of inputs per sample.
func (c *Circuit) NumInputs() int { return c.nin }

// NumWeights returns W, the number of trainable weights.
func (c *Circuit) NumWeights() int { return c.nw }

// NumOps returns the number of ops.
func (c *Circuit) NumOps() int { return len(c.ops) }

// Op returns op i.
func (c *Circuit) Op(i int) Op { return c.ops[i] }

// String lists the circuit, one op per line.
func (c *Circuit) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "circuit: %d wires, %d inputs, %d weights\n", c.n, c.nin, c.nw)
	for i, o := range c.ops {
		fmt.Fprintf(&b, "%3d  %s\n", i, o)
	}
	return b.String()
}

// Builder assembles a Circuit. Append records ops without checking them;
// Validate and Build report every problem at once, naming the op.
type Builder struct {
	n, nin, nw int
	ops        []Op
}

// NewBuilder returns a builder for a circuit on n wires.
func NewBuilder(n int) *Builder { return &Builder{n: n} }

// NumWires returns the number of wires.
func (b *Builder) NumWires() int { return b.n }

// NumInputs returns the number of inputs declared so far.
func (b *Builder) NumInputs() int { return b.nin }

// NumWeights returns the number of weights allocated so far.
func (b *Builder) NumWeights() int { return b.nw }

// NumOps returns the number of ops appended so far.
func (b *Builder) NumOps() int { return len(b.ops) }

// AddInputs declares k more inputs and returns the index of the first.
func (b *Builder) AddInputs(k int) int {
	if k < 0 {
		panic(fmt.Sprintf("circuit: AddInputs(%d)", k))
	}
	b.nin += k
	return b.nin - k
}

// AddWeights allocates k more weight slots and returns the index of the
// first.
func (b *Builder) AddWeights(k int) int {
	if k < 0 {
		panic(fmt.Sprintf("circuit: AddWeights(%d)", k))
	}
	b.nw += k
	return b.nw - k
}

// Append adds the gate g on wires (in gate order) with one Param per gate
// parameter. The slices are copied.
func (b *Builder) Append(g gate.Gate, wires []int, params ...Param) {
	b.ops = append(b.ops, Op{g: g, wires: append([]int(nil), wires...), params: append([]Param(nil), params...)})
}

// AmplitudeEmbedding adds an amplitude embedding of the inputs with the
// given indices onto wires (first listed wire = most significant bit of
// the feature index), with |0⟩ on the other wires. It must be the first op.
func (b *Builder) AmplitudeEmbedding(wires, inputs []int, opt Amplitude) {
	b.ops = append(b.ops, Op{wires: append([]int(nil), wires...), amp: &opt, ampIn: append([]int(nil), inputs...)})
}

// Build validates the ops and returns the circuit. The builder may be used
// further; the circuit does not share its storage.
func (b *Builder) Build() (*Circuit, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	c := &Circuit{n: b.n, nin: b.nin, nw: b.nw, ops: make([]Op, len(b.ops))}
	for i, o := range b.ops {
		o.wires = append([]int(nil), o.wires...)
		o.params = append([]Param(nil), o.params...)
		o.ampIn = append([]int(nil), o.ampIn...)
		if o.amp != nil {
			a := *o.amp
			o.amp = &a
		}
		c.ops[i] = o
	}
	return c, nil
}

// maxUnitaryCheck is the largest parameterless gate whose matrix Validate
// checks for unitarity (larger QubitUnitary gates were checked when made).
const maxUnitaryCheck = 6

// Validate returns every problem of the ops, joined, each wrapping
// ErrInvalid and naming the op index and gate: wires out of range or
// repeated, a wrong number of wires or parameters, input or weight indices
// out of range, non-finite coefficients, a parameterless gate whose matrix
// is not unitary (a custom gate on up to 6 wires), and amplitude embeddings
// that are not the first op or do not fit their wires.
func (b *Builder) Validate() error {
	var errs []error
	add := func(i int, o Op, format string, args ...any) {
		errs = append(errs, fmt.Errorf("circuit: op %d (%s): %s: %w", i, o.Name(), fmt.Sprintf(format, args...), ErrInvalid))
	}
	if b.n < 1 {
		errs = append(errs, fmt.Errorf("circuit: %d wires: %w", b.n, ErrInvalid))
	}
	for i, o := range b.ops {
		seen := map[int]bool{}
		for _, w := range o.wires {
			if w < 0 || w >= b.n {
				add(i, o, "wire %d out of range [0, %d)", w, b.n)
			} else if seen[w] {
				add(i, o, "wire %d repeated", w)
			}
			seen[w] = true
		}
		if o.amp != nil {
			b.validateAmplitude(i, o, add)
			continue
		}
		if o.g == nil {
			add(i, o, "no gate")
			continue
		}
		if len(o.wires) != o.g.NumWires() {
			add(i, o, "%d wires, the gate acts on %d", len(o.wires), o.g.NumWires())
		}
		if len(o.params) != o.g.NumParams() {
			add(i, o, "%d parameters, the gate takes %d", len(o.params), o.g.NumParams())
		}
		for j, p := range o.params {
			if !p.finite() {
				add(i, o, "parameter %d has a non-finite coefficient", j)
			}
			if p.A != 0 && (p.In < 0 || p.In >= b.nin) {
				add(i, o, "parameter %d uses input %d, out of range [0, %d)", j, p.In, b.nin)
			}
			if p.A != 0 && p.Prod && (p.In2 < 0 || p.In2 >= b.nin) {
				add(i, o, "parameter %d uses input %d, out of range [0, %d)", j, p.In2, b.nin)
			}
			if p.B != 0 && (p.W < 0 || p.W >= b.nw) {
				add(i, o, "parameter %d uses weight %d, out of range [0, %d)", j, p.W, b.nw)
			}
		}
		if o.g.NumParams() == 0 && o.g.NumWires() <= maxUnitaryCheck {
			if m := o.g.Matrix(nil); !m.IsUnitary(gate.UnitaryTol) {
				add(i, o, "matrix is not unitary")
			}
		}
	}
	return errors.Join(errs...)
}

func (b *Builder) validateAmplitude(i int, o Op, add func(int, Op, string, ...any)) {
	if i != 0 {
		add(i, o, "an amplitude embedding must be the first op")
	}
	k := len(o.wires)
	if k == 0 || k > 30 {
		add(i, o, "%d wires", k)
		return
	}
	if len(o.ampIn) > 1<<k {
		add(i, o, "%d features for %d amplitudes", len(o.ampIn), 1<<k)
	}
	if len(o.ampIn) < 1<<k && !o.amp.Pad {
		add(i, o, "%d features for %d amplitudes without padding", len(o.ampIn), 1<<k)
	}
	if math.IsNaN(o.amp.PadWith) || math.IsInf(o.amp.PadWith, 0) {
		add(i, o, "non-finite pad value")
	}
	for _, in := range o.ampIn {
		if in < 0 || in >= b.nin {
			add(i, o, "input %d out of range [0, %d)", in, b.nin)
		}
	}
}
