package nn

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

// The distribution tests draw many values (seeded, so they are
// deterministic) and check them against the target distribution:
//
//   - uniform U(−b, b): every value within the bound, and the largest |v|
//     above b·(1 − δ). For n independent draws a correct initialiser misses
//     that with probability (1 − δ)ⁿ; each check below states n and δ, and
//     all such probabilities are below e⁻⁴⁰.
//   - moments: the sample mean within 6 standard errors of 0, and the
//     sample second moment within 6 standard errors of its expectation
//     (b²/3 for uniform, whose x² has variance 4b⁴/45; σ² for normal, whose
//     x² has variance 2σ⁴). A correct initialiser fails one such check with
//     probability about 2·10⁻⁹, while a wrong bound or standard deviation
//     (a wrong fan, gain or factor √3) moves the moment by far more than 6
//     standard errors at these sample sizes.

// checkUniform checks that vs come from U(−b, b) with n·δ ≥ 40.
func checkUniform(t *testing.T, name string, vs []float64, b, delta float64) {
	t.Helper()
	n := float64(len(vs))
	if n*delta < 40 {
		t.Fatalf("%s: %d draws are too few for δ = %g", name, len(vs), delta)
	}
	top, mean, m2 := 0.0, 0.0, 0.0
	for _, v := range vs {
		top = max(top, math.Abs(v))
		mean += v / n
		m2 += v * v / n
	}
	if top > b {
		t.Errorf("%s: |value| %v exceeds the bound %v", name, top, b)
	}
	if top < b*(1-delta) {
		t.Errorf("%s: largest |value| %v below %v: the bound is too small", name, top, b*(1-delta))
	}
	if se := b / math.Sqrt(3*n); math.Abs(mean) > 6*se {
		t.Errorf("%s: mean %v, more than 6 standard errors (%v) from 0", name, mean, se)
	}
	if se := b * b * math.Sqrt(4.0/45/n); math.Abs(m2-b*b/3) > 6*se {
		t.Errorf("%s: second moment %v, want %v ± %v", name, m2, b*b/3, 6*se)
	}
}

// checkNormal checks that vs come from N(mean, std²).
func checkNormal(t *testing.T, name string, vs []float64, mean, std float64) {
	t.Helper()
	n := float64(len(vs))
	m, m2 := 0.0, 0.0
	for _, v := range vs {
		m += v / n
		m2 += (v - mean) * (v - mean) / n
	}
	if se := std / math.Sqrt(n); math.Abs(m-mean) > 6*se {
		t.Errorf("%s: mean %v, want %v ± %v", name, m, mean, 6*se)
	}
	if se := std * std * math.Sqrt(2/n); math.Abs(m2-std*std) > 6*se {
		t.Errorf("%s: variance %v, want %v ± %v", name, m2, std*std, 6*se)
	}
}

func TestFans(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		shape   []int
		in, out int
	}{
		{[]int{5, 3}, 3, 5},
		{[]int{8, 3, 5, 3}, 45, 120}, // Conv2d(3, 8, (5, 3)): fan_in = C·KH·KW
		{[]int{4, 2, 3}, 6, 12},
		{[]int{6, 0}, 0, 6},
	} {
		if in, out := Fans(c.shape); in != c.in || out != c.out {
			t.Errorf("Fans(%v) = %d, %d, want %d, %d", c.shape, in, out, c.in, c.out)
		}
	}
	defer func() {
		if msg, _ := recover().(string); !strings.HasPrefix(msg, "nn: ") {
			t.Errorf("Fans of a 1-d shape: panic %q", msg)
		}
	}()
	Fans([]int{5})
}

func TestCalculateGain(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		param float64
		want  float64
	}{
		{"linear", 0, 1}, {"conv2d", 0, 1}, {"sigmoid", 0, 1},
		{"tanh", 0, 5.0 / 3}, {"relu", 0, math.Sqrt2}, {"selu", 0, 0.75},
		{"leaky_relu", 0.01, math.Sqrt(2 / 1.0001)},
		{"leaky_relu", math.Sqrt(5), math.Sqrt(1.0 / 3)}, // Linear's a = √5
	} {
		if got := CalculateGain(c.name, c.param); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("CalculateGain(%q, %v) = %v, want %v", c.name, c.param, got, c.want)
		}
	}
}

func TestLayerInitialisers(t *testing.T) {
	t.Parallel()
	r := newRand(11)
	// Linear(9, 40000): weight and bias from U(−1/3, 1/3).
	lin := NewLinear(r, 9, 40000, true)
	checkUniform(t, "Linear weight (n=360000)", lin.Weight.Value().Data(), 1.0/3, 1e-3)
	checkUniform(t, "Linear bias (n=40000)", lin.Bias.Value().Data(), 1.0/3, 1e-2)
	// Conv2d(16, 64, 3×3): fan_in = 144, bound 1/12. A fan-in of 16 (the
	// channels only) would give 1/4 and fail the bound check.
	conv := NewConv2d(r, 16, 64, [2]int{3, 3}, Conv2dOptions{})
	checkUniform(t, "Conv2d weight (n=9216)", conv.Weight.Value().Data(), 1.0/12, 5e-3)
	for _, v := range conv.Bias.Value().Data() {
		if math.Abs(v) > 1.0/12 {
			t.Fatalf("Conv2d bias %v outside ±1/12", v)
		}
	}
	// Cells: every parameter from U(−1/√H, 1/√H), H = 100.
	lstm := NewLSTMCell(r, 50, 100, true)
	gru := NewGRUCell(r, 50, 100, true)
	for _, c := range []struct {
		name string
		m    Module
	}{{"LSTMCell", lstm}, {"GRUCell", gru}} {
		var all []float64
		for _, p := range Params(c.m) {
			all = append(all, p.Value().Data()...)
		}
		checkUniform(t, c.name+" parameters (n≥45600)", all, 0.1, 1e-3)
	}
	// Attention: in_proj from xavier_uniform_ on [3E, E], biases zero,
	// out_proj.weight as a Linear layer.
	mha := NewMultiheadAttention(r, 64, 4, true)
	checkUniform(t, "in_proj_weight (n=12288)", mha.InProjWeight.Value().Data(), math.Sqrt(6.0/(64+192)), 5e-3)
	checkUniform(t, "out_proj.weight (n=4096)", mha.OutProj.Weight.Value().Data(), 1.0/8, 1.5e-2)
	for _, v := range append(slices.Clone(mha.InProjBias.Value().Data()), mha.OutProj.Bias.Value().Data()...) {
		if v != 0 {
			t.Fatalf("attention bias %v, want 0", v)
		}
	}
	// Normalisation layers: weight 1, bias 0, running mean 0, variance 1.
	bn, ln := NewBatchNorm2d(3), NewLayerNorm(2, 2)
	for _, c := range []struct {
		name string
		t    *tensor.Dense
		want float64
	}{
		{"bn.weight", bn.Weight.Value(), 1}, {"bn.bias", bn.Bias.Value(), 0},
		{"bn.running_mean", bn.RunningMean, 0}, {"bn.running_var", bn.RunningVar, 1},
		{"bn.num_batches_tracked", bn.NumBatchesTracked, 0},
		{"ln.weight", ln.Weight.Value(), 1}, {"ln.bias", ln.Bias.Value(), 0},
	} {
		for _, v := range c.t.Data() {
			if v != c.want {
				t.Errorf("%s holds %v, want %v", c.name, v, c.want)
			}
		}
	}
}

func TestInitHelpers(t *testing.T) {
	t.Parallel()
	r := newRand(12)
	checkUniform(t, "KaimingUniform fan_in relu", KaimingUniform(r, tensor.New(200, 500), 0, FanIn, "relu").Data(),
		math.Sqrt(3)*math.Sqrt2/math.Sqrt(500), 1e-3)
	checkUniform(t, "KaimingUniform fan_out", KaimingUniform(r, tensor.New(200, 500), 0, FanOut, "relu").Data(),
		math.Sqrt(3)*math.Sqrt2/math.Sqrt(200), 1e-3)
	checkUniform(t, "XavierUniform gain 2", XavierUniform(r, tensor.New(300, 500), 2).Data(), 2*math.Sqrt(6.0/800), 1e-3)
	checkUniform(t, "Uniform(−0.5, 0.5)", Uniform(r, tensor.New(100000), -0.5, 0.5).Data(), 0.5, 1e-3)
	checkNormal(t, "KaimingNormal fan_in relu", KaimingNormal(r, tensor.New(1000, 200), 0, FanIn, "relu").Data(), 0, 0.1)
	checkNormal(t, "KaimingNormal fan_out tanh", KaimingNormal(r, tensor.New(1000, 200), 0, FanOut, "tanh").Data(), 0, 5.0/3/math.Sqrt(1000))
	checkNormal(t, "XavierNormal", XavierNormal(r, tensor.New(500, 300), 1).Data(), 0, math.Sqrt(2.0/800))
	checkNormal(t, "Normal(3, 2)", Normal(r, tensor.New(200000), 3, 2).Data(), 3, 2)
	for _, c := range []struct {
		t    *tensor.Dense
		want float64
	}{{Zeros(tensor.Ones(3)), 0}, {Ones(tensor.New(3)), 1}, {Constant(tensor.New(3), -2.5), -2.5}} {
		if !slices.Equal(c.t.Data(), []float64{c.want, c.want, c.want}) {
			t.Errorf("fill gave %v, want %v", c.t.Data(), c.want)
		}
	}
}

func TestInitIsSeeded(t *testing.T) {
	t.Parallel()
	a := StateDict(NewLinear(newRand(5), 4, 3, true))
	b := StateDict(NewLinear(newRand(5), 4, 3, true))
	c := StateDict(NewLinear(newRand(6), 4, 3, true))
	for i := range a {
		if !slices.Equal(a[i].Value.Data(), b[i].Value.Data()) {
			t.Errorf("%s differs between two draws from the same seed", a[i].Name)
		}
		if slices.Equal(a[i].Value.Data(), c[i].Value.Data()) {
			t.Errorf("%s equal for different seeds", a[i].Name)
		}
	}
}
