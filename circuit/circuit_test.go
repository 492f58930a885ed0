package circuit_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
)

func TestParamValueAndGradient(t *testing.T) {
	t.Parallel()
	x := []float64{0.3, -1.2, 2.5}
	w := []float64{0.7, -0.4}
	for _, tc := range []struct {
		name string
		p    circuit.Param
		want float64
		str  string
	}{
		{"zero", circuit.Param{}, 0, "0"},
		{"const", circuit.Const(1.5), 1.5, "1.5"},
		{"input", circuit.Input(1), -1.2, "x[1]"},
		{"weight", circuit.Weight(1), -0.4, "w[1]"},
		{"affine", circuit.Affine(2, 2, -3, 0, 0.25), 2*2.5 - 3*0.7 + 0.25, "2*x[2] + -3*w[0] + 0.25"},
		{"product", circuit.Product(0.5, 0, 0, 2, 0), 0.5 * 0.3 * 2.5, "0.5*x[0]*x[2]"},
		{"qiskit", circuit.Product(2, 0, -math.Pi, 1, -math.Pi), 2 * (0.3 - math.Pi) * (-1.2 - math.Pi), "2*(x[0] - 3.141592653589793)*(x[1] - 3.141592653589793)"},
		{"square", circuit.Param{A: 1, In: 1, Off: 1, Prod: true, In2: 1, Off2: -2, B: 1, W: 0}, (-1.2+1)*(-1.2-2) + 0.7, "(x[1] + 1)*(x[1] - 2) + w[0]"},
		{"ignored", circuit.Param{In: 99, W: 99, C: 2}, 2, "2"},
	} {
		if got := tc.p.Value(x, w); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%s: Value = %g, want %g", tc.name, got, tc.want)
		}
		if got := tc.p.String(); got != tc.str {
			t.Errorf("%s: String = %q, want %q", tc.name, got, tc.str)
		}
		// AddGrad against central differences in x and w.
		gin := make([]float64, len(x))
		gw := make([]float64, len(w))
		tc.p.AddGrad(gin, gw, x, 1.5)
		fx := numtest.FiniteDiff(func(v []float64) float64 { return 1.5 * tc.p.Value(v, w) }, append([]float64(nil), x...), 1e-6)
		fw := numtest.FiniteDiff(func(v []float64) float64 { return 1.5 * tc.p.Value(x, v) }, append([]float64(nil), w...), 1e-6)
		if d := numtest.MaxDiff(gin, fx); d > 1e-8 {
			t.Errorf("%s: input gradient %v, finite differences %v", tc.name, gin, fx)
		}
		if d := numtest.MaxDiff(gw, fw); d > 1e-8 {
			t.Errorf("%s: weight gradient %v, finite differences %v", tc.name, gw, fw)
		}
	}
}

// badGate is a parameterless custom gate whose matrix is not unitary.
type badGate struct{}

func (badGate) Name() string   { return "Bad" }
func (badGate) NumWires() int  { return 1 }
func (badGate) NumParams() int { return 0 }
func (badGate) Matrix(params []float64) *cmat.Dense {
	return cmat.NewFrom(2, 2, []complex128{1, 1, 0, 1})
}
func (badGate) MatrixTo(dst *cmat.Dense, params []float64) {
	copy(dst.Data, []complex128{1, 1, 0, 1})
}
func (badGate) VJP(params []float64, ubar *cmat.Dense, grad []float64) {}

func TestValidateNamesOpAndProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		build func(b *circuit.Builder)
		want  string
	}{
		{"wire range", func(b *circuit.Builder) { b.Append(gate.PauliX(), []int{3}) }, "op 0 (PauliX): wire 3 out of range [0, 3)"},
		{"negative wire", func(b *circuit.Builder) { b.Append(gate.PauliX(), []int{-1}) }, "wire -1 out of range"},
		{"repeated", func(b *circuit.Builder) {
			b.Append(gate.Hadamard(), []int{0})
			b.Append(gate.CNOT(), []int{1, 1})
		}, "op 1 (CNOT): wire 1 repeated"},
		{"wire count", func(b *circuit.Builder) { b.Append(gate.CNOT(), []int{0}) }, "op 0 (CNOT): 1 wires, the gate acts on 2"},
		{"param count", func(b *circuit.Builder) { b.Append(gate.RX(), []int{0}) }, "op 0 (RX): 0 parameters, the gate takes 1"},
		{"input range", func(b *circuit.Builder) { b.Append(gate.RX(), []int{0}, circuit.Input(2)) }, "op 0 (RX): parameter 0 uses input 2, out of range [0, 2)"},
		{"product range", func(b *circuit.Builder) {
			b.Append(gate.MultiRZ(2), []int{0, 1}, circuit.Product(1, 0, 0, 5, 0))
		}, "op 0 (MultiRZ): parameter 0 uses input 5"},
		{"weight range", func(b *circuit.Builder) {
			b.Append(gate.Rot(), []int{0}, circuit.Weight(0), circuit.Weight(1), circuit.Weight(-1))
		}, "op 0 (Rot): parameter 2 uses weight -1, out of range [0, 1)"},
		{"nan", func(b *circuit.Builder) { b.Append(gate.RY(), []int{0}, circuit.Const(math.NaN())) }, "parameter 0 has a non-finite coefficient"},
		{"non-unitary", func(b *circuit.Builder) { b.Append(badGate{}, []int{0}) }, "op 0 (Bad): matrix is not unitary"},
		{"nil gate", func(b *circuit.Builder) { b.Append(nil, []int{0}) }, "op 0 (<nil gate>): no gate"},
		{"amplitude not first", func(b *circuit.Builder) {
			b.Append(gate.Hadamard(), []int{0})
			b.AmplitudeEmbedding([]int{0}, []int{0, 1}, circuit.Amplitude{})
		}, "op 1 (AmplitudeEmbedding): an amplitude embedding must be the first op"},
		{"amplitude too many", func(b *circuit.Builder) {
			b.AmplitudeEmbedding([]int{0}, []int{0, 1, 1}, circuit.Amplitude{Normalize: true})
		}, "3 features for 2 amplitudes"},
		{"amplitude too few", func(b *circuit.Builder) {
			b.AmplitudeEmbedding([]int{0, 1}, []int{0, 1}, circuit.Amplitude{Normalize: true})
		}, "2 features for 4 amplitudes without padding"},
		{"amplitude input", func(b *circuit.Builder) {
			b.AmplitudeEmbedding([]int{0}, []int{0, 7}, circuit.Amplitude{})
		}, "input 7 out of range [0, 2)"},
	} {
		b := circuit.NewBuilder(3)
		b.AddInputs(2)
		b.AddWeights(1)
		tc.build(b)
		c, err := b.Build()
		if err == nil {
			t.Errorf("%s: built %v", tc.name, c)
			continue
		}
		if !errors.Is(err, circuit.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want one containing %q and wrapping ErrInvalid", tc.name, err, tc.want)
		}
	}
	if _, err := circuit.NewBuilder(0).Build(); err == nil {
		t.Error("a circuit on 0 wires was built")
	}
	// Every problem is reported, not only the first.
	b := circuit.NewBuilder(1)
	b.Append(gate.PauliX(), []int{1})
	b.Append(gate.RX(), []int{0})
	if err := b.Validate(); err == nil || !strings.Contains(err.Error(), "op 0") || !strings.Contains(err.Error(), "op 1") {
		t.Errorf("Validate reported %v, want both ops", err)
	}
}

func TestBuiltCircuitIsImmutable(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	in := b.AddInputs(1)
	wires := []int{0, 1}
	params := []circuit.Param{circuit.Input(in)}
	b.Append(gate.CRX(), wires, params...)
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	before := c.String()
	wires[0] = 1
	params[0] = circuit.Const(9)
	b.Append(gate.Hadamard(), []int{0})
	b.AddWeights(3)
	c.Op(0).Wires()[0] = 7
	if after := c.String(); after != before {
		t.Errorf("circuit changed:\n%s\nafter:\n%s", before, after)
	}
	if c.NumOps() != 1 || c.NumWeights() != 0 || c.NumInputs() != 1 || c.NumWires() != 2 {
		t.Errorf("counts changed: %d ops, %d weights", c.NumOps(), c.NumWeights())
	}
}

// A circuit shared by goroutines (run with -race).
func TestCircuitSharedByGoroutines(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	in := b.AddInputs(2)
	w := b.AddWeights(1)
	b.Append(gate.RY(), []int{0}, circuit.Affine(2, in, 1, w, 0))
	b.Append(gate.IsingZZ(), []int{0, 1}, circuit.Product(1, in, 0, in+1, 0))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 4; k++ {
		t.Run("reader", func(t *testing.T) {
			t.Parallel()
			x := []float64{float64(k), 2}
			dst := make([]float64, 1)
			c.Op(1).Params(dst, x, []float64{0.5})
			if want := float64(k) * 2; dst[0] != want {
				t.Errorf("param %g, want %g", dst[0], want)
			}
			if !c.Op(0).DependsOnInputs() {
				t.Error("op 0 does not depend on inputs")
			}
		})
	}
}

func TestParamsVJPMatchesFiniteDifferences(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	b := circuit.NewBuilder(3)
	in := b.AddInputs(3)
	w := b.AddWeights(4)
	b.Append(gate.Rot(), []int{1}, circuit.Affine(0.5, in+2, 1, w+3, 0.1), circuit.Weight(w), circuit.Input(in))
	b.Append(gate.EvolveImage(1, 3), []int{2}, circuit.Weight(w+1), circuit.Input(in), circuit.Input(in+1), circuit.Product(1, in+1, 0.2, in+2, 0))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
	wt := []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
	for i := 0; i < c.NumOps(); i++ {
		o := c.Op(i)
		gbar := make([]float64, o.NumParams())
		for j := range gbar {
			gbar[j] = r.NormFloat64()
		}
		loss := func(x, wt []float64) float64 {
			p := make([]float64, o.NumParams())
			o.Params(p, x, wt)
			s := 0.0
			for j := range p {
				s += gbar[j] * p[j]
			}
			return s
		}
		gin := make([]float64, 3)
		gw := make([]float64, 4)
		o.ParamsVJP(gin, gw, x, gbar)
		fx := numtest.FiniteDiff(func(v []float64) float64 { return loss(v, wt) }, append([]float64(nil), x...), 1e-6)
		fw := numtest.FiniteDiff(func(v []float64) float64 { return loss(x, v) }, append([]float64(nil), wt...), 1e-6)
		if numtest.MaxDiff(gin, fx) > 1e-8 || numtest.MaxDiff(gw, fw) > 1e-8 {
			t.Errorf("op %d: gradients %v %v, finite differences %v %v", i, gin, gw, fx, fw)
		}
	}
}

func TestAmplitudesMatchPennyLane(t *testing.T) {
	t.Parallel()
	cs, err := numtest.PennyLaneCase("template/AmplitudeEmbedding_5to3")
	if err != nil {
		t.Fatal(err)
	}
	x := cs.Inputs["x"].Data
	b := circuit.NewBuilder(3)
	in := b.AddInputs(len(x))
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = in + i
	}
	b.AmplitudeEmbedding([]int{0, 1, 2}, idx, circuit.Amplitude{Normalize: true, Pad: true})
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var vec []float64
	if err := json.Unmarshal(cs.OpsExpanded[0].Params[0], &vec); err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 8)
	if err := c.Op(0).Amplitudes(got, x); err != nil {
		t.Fatal(err)
	}
	if d := numtest.MaxDiff(got, vec); d > 1e-15 {
		t.Errorf("amplitudes %v, PennyLane loaded %v", got, vec)
	}
}

func TestAmplitudesVJPMatchesFiniteDifferences(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for _, opt := range []circuit.Amplitude{{Normalize: true}, {Pad: true, PadWith: 0.3}, {}} {
		b := circuit.NewBuilder(2)
		in := b.AddInputs(5)
		n := 4
		if opt.Pad {
			n = 3
		}
		idx := []int{in + 4, in + 1, in, in + 2}[:n]
		b.AmplitudeEmbedding([]int{1, 0}, idx, opt)
		c, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		o := c.Op(0)
		x := []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
		if !opt.Normalize && !opt.Pad { // must be normalised already
			s := 0.0
			for _, i := range idx {
				s += x[i] * x[i]
			}
			for i := range x {
				x[i] /= math.Sqrt(s)
			}
		}
		vbar := []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
		loss := func(v []float64) float64 {
			a := make([]float64, 4)
			if !opt.Normalize && !opt.Pad { // skip the norm check off the unit sphere
				for k, i := range idx {
					a[k] = v[i]
				}
			} else if err := o.Amplitudes(a, v); err != nil {
				t.Fatal(err)
			}
			s := 0.0
			for k := range a {
				s += vbar[k] * a[k]
			}
			return s
		}
		want := numtest.FiniteDiff(loss, append([]float64(nil), x...), 1e-6)
		got := make([]float64, 5)
		o.AmplitudesVJP(got, x, vbar)
		if d := numtest.MaxDiff(got, want); d > 1e-8 {
			t.Errorf("%+v: gradient %v, finite differences %v", opt, got, want)
		}
	}
}

func TestAmplitudesRejectBadFeatures(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(1)
	in := b.AddInputs(2)
	b.AmplitudeEmbedding([]int{0}, []int{in, in + 1}, circuit.Amplitude{})
	plain, _ := b.Build()
	nb := circuit.NewBuilder(1)
	nb.AddInputs(2)
	nb.AmplitudeEmbedding([]int{0}, []int{0, 1}, circuit.Amplitude{Normalize: true})
	norm, _ := nb.Build()
	dst := make([]float64, 2)
	for _, tc := range []struct {
		c  *circuit.Circuit
		x  []float64
		ok bool
	}{
		{plain, []float64{0.6, 0.8}, true},
		{plain, []float64{0.6, 0.9}, false},
		{norm, []float64{3, 4}, true},
		{norm, []float64{0, 0}, false},
		{norm, []float64{math.Inf(1), 0}, false},
	} {
		err := tc.c.Op(0).Amplitudes(dst, tc.x)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, circuit.ErrAmplitudes)) {
			t.Errorf("features %v: error %v, want ok=%t", tc.x, err, tc.ok)
		}
	}
}
