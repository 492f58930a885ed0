package qnn

import (
	"testing"

	"github.com/quanta-qml/quanta/nn"
)

// hybridNet builds the creep paper's HybridNet for 1×32×32 inputs at a
// replacement level (0 classical, 1 quantum convolutions, 2 also the
// quantum linear layer).
func hybridNet(level int, nonUnitary bool) *nn.Sequential {
	r := newRand(1)
	var a, b, c nn.Layer
	if level == 0 {
		a = nn.NewConv2d(r, 1, 32, [2]int{3, 3}, nn.Conv2dOptions{})
		b = nn.NewConv2d(r, 32, 16, [2]int{3, 3}, nn.Conv2dOptions{})
	} else {
		a = NewFlippedQuanv(r, 1, 32, FlippedQuanvOptions{NonUnitary: nonUnitary})
		b = NewFlippedQuanv(r, 32, 16, FlippedQuanvOptions{NonUnitary: nonUnitary})
	}
	if level < 2 {
		c = nn.NewLinear(r, 16*28*28, 10, true)
	} else {
		c = NewHamiltonianLinear(r, 16*28*28, 10, HamiltonianLinearOptions{Qubits: 7, Reps: 10, NonUnitary: nonUnitary})
	}
	return nn.NewSequential(a, b, nn.NewFlatten(), c)
}

// TestParamCounts checks the parameter counts of the creep paper's layers
// and models (its table counts complex parameters once) against the
// values worked out by hand from the shapes.
func TestParamCounts(t *testing.T) {
	t.Parallel()
	r := newRand(2)
	for _, c := range []struct {
		name string
		m    nn.Module
		want ParamCount
	}{
		// 32·15 quantum + 32 bias
		{"FlippedQuanv(1,32)", NewFlippedQuanv(r, 1, 32, FlippedQuanvOptions{}), ParamCount{32, 480, 0}},
		// 16·32·15 = 7680 quantum + 16 bias
		{"FlippedQuanv(32,16)", NewFlippedQuanv(r, 32, 16, FlippedQuanvOptions{}), ParamCount{16, 7680, 0}},
		// 10·(4⁷−1) = 163830 quantum + 10 bias
		{"HamiltonianLinear(12544,10)", NewHamiltonianLinear(r, 12544, 10, HamiltonianLinearOptions{}), ParamCount{10, 163830, 0}},
		{"FlippedQuanv(1,32) non-unitary", NewFlippedQuanv(r, 1, 32, FlippedQuanvOptions{NonUnitary: true}), ParamCount{32, 480, 480}},
		{"FlippedQuanv(32,16) non-unitary", NewFlippedQuanv(r, 32, 16, FlippedQuanvOptions{NonUnitary: true}), ParamCount{16, 7680, 7680}},
		{"HamiltonianLinear(12544,10) non-unitary", NewHamiltonianLinear(r, 12544, 10, HamiltonianLinearOptions{NonUnitary: true}), ParamCount{10, 163830, 163830}},
		// 10·1023 blocks + 10 times
		{"HamiltonianReupload", NewHamiltonianReupload(r, HamiltonianReuploadOptions{}), ParamCount{0, 10240, 0}},
		// Conv 320 + Conv 4624 + Linear 125450
		{"HybridNet L0", hybridNet(0, false), ParamCount{130394, 0, 0}},
		// 512 + 7696 + 125450
		{"HybridNet L1", hybridNet(1, false), ParamCount{32 + 16 + 125450, 480 + 7680, 0}},
		// 512 + 7696 + 163840
		{"HybridNet L2", hybridNet(2, false), ParamCount{32 + 16 + 10, 480 + 7680 + 163830, 0}},
		{"HybridNet L2 non-unitary", hybridNet(2, true), ParamCount{58, 171990, 171990}},
	} {
		if got := CountParams(c.m); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	// The paper's totals, complex parameters counted once, and the real
	// counts of the non-unitary reproduction.
	for _, c := range []struct {
		name                   string
		m                      nn.Module
		complexOnce, realTwice int
	}{
		{"FlippedQuanv(1,32)", NewFlippedQuanv(r, 1, 32, FlippedQuanvOptions{NonUnitary: true}), 512, 992},
		{"FlippedQuanv(32,16)", NewFlippedQuanv(r, 32, 16, FlippedQuanvOptions{NonUnitary: true}), 7696, 15376},
		{"HamiltonianLinear(12544,10)", NewHamiltonianLinear(r, 12544, 10, HamiltonianLinearOptions{NonUnitary: true}), 163840, 327670},
		{"HybridNet L0", hybridNet(0, true), 130394, 130394},
		{"HybridNet L1", hybridNet(1, true), 133658, 141818},
		{"HybridNet L2", hybridNet(2, true), 172048, 344038},
		{"HybridNet L2 unitary", hybridNet(2, false), 172048, 172048},
	} {
		got := CountParams(c.m)
		if got.ComplexOnce() != c.complexOnce || got.RealTwice() != c.realTwice {
			t.Errorf("%s: complex once %d, real twice %d; want %d and %d",
				c.name, got.ComplexOnce(), got.RealTwice(), c.complexOnce, c.realTwice)
		}
		if got.RealTwice() != nn.NumParams(c.m) {
			t.Errorf("%s: RealTwice %d differs from nn.NumParams %d", c.name, got.RealTwice(), nn.NumParams(c.m))
		}
	}
}
