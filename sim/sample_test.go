package sim

import (
	"math"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/pauli"
)

// Sampling tests draw 100 000 shots from a fixed seed and require every
// empirical value within 5 standard deviations of the exact one (a bound a
// correct sampler misses with probability below 10⁻⁶ per value).

const shots = 100000

// within reports |got − p| ≤ 5·√(p(1−p)/shots) for a frequency.
func withinFreq(got, p float64) bool {
	return math.Abs(got-p) <= 5*math.Sqrt(p*(1-p)/shots)+1e-12
}

func sampleCircuit(t *testing.T) *circuit.Circuit {
	// Bell pair on wires 0, 1; RY(θ) on wire 2 with θ an input.
	b := circuit.NewBuilder(3)
	b.AddInputs(1)
	b.Append(gate.Hadamard(), []int{0})
	b.Append(gate.CNOT(), []int{0, 1})
	b.Append(gate.RY(), []int{2}, circuit.Input(0))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCountsAndShots(t *testing.T) {
	t.Parallel()
	c := sampleCircuit(t)
	thetas := []float64{0.7, 2.2}
	r, err := Forward(c, nil, thetas, []Output{Probs()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	counts, err := r.Counts(newRNG(1), []int{1, 0, 2}, shots)
	if err != nil {
		t.Fatal(err)
	}
	for s, th := range thetas {
		p1 := math.Pow(math.Sin(th/2), 2)
		// Outcome bits: wire 1, wire 0, wire 2.
		want := []float64{0.5 * (1 - p1), 0.5 * p1, 0, 0, 0, 0, 0.5 * (1 - p1), 0.5 * p1}
		for a, w := range want {
			f := float64(counts[s*8+a]) / shots
			if !withinFreq(f, w) {
				t.Errorf("sample %d outcome %03b: frequency %.5f, want %.5f", s, a, f, w)
			}
		}
	}
	again, err := r.Counts(newRNG(1), []int{1, 0, 2}, shots)
	if err != nil {
		t.Fatal(err)
	}
	if numtest.MaxDiff(intsF(counts), intsF(again)) != 0 {
		t.Error("the same seed gave different counts")
	}
	out, err := Sample(c, nil, thetas, []int{2}, shots, newRNG(2), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for s, th := range thetas {
		ones := 0
		for _, a := range out[s*shots : (s+1)*shots] {
			ones += a
		}
		if p1 := math.Pow(math.Sin(th/2), 2); !withinFreq(float64(ones)/shots, p1) {
			t.Errorf("sample %d: %d ones in %d shots, want p = %.5f", s, ones, shots, p1)
		}
	}
}

func intsF(v []int) []float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return f
}

func TestEstimate(t *testing.T) {
	t.Parallel()
	// RY(θ) on wire 0 and RX(φ) on wire 1: ⟨X0⟩ = sin θ, ⟨Y1⟩ = −sin φ,
	// ⟨Z0 Z1⟩ = cos θ·cos φ.
	b := circuit.NewBuilder(2)
	b.AddInputs(2)
	b.Append(gate.RY(), []int{0}, circuit.Input(0))
	b.Append(gate.RX(), []int{1}, circuit.Input(1))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	h, err := pauli.Parse("0.5*X0 - 2*Y1 + Z0 Z1 + 0.25")
	if err != nil {
		t.Fatal(err)
	}
	outs := []Output{Expval(h), Probs(1)}
	x := []float64{0.9, -1.7}
	r, err := Forward(c, nil, x, outs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	est, err := r.Estimate(newRNG(3), shots)
	if err != nil {
		t.Fatal(err)
	}
	ex, ey, ez := math.Sin(x[0]), -math.Sin(x[1]), math.Cos(x[0])*math.Cos(x[1])
	exact := r.Values()
	if math.Abs(exact[0]-(0.5*ex-2*ey+ez+0.25)) > 1e-14 {
		t.Fatalf("exact value %g", exact[0])
	}
	// The terms are measured independently: the variance adds.
	sd := math.Sqrt((0.25*(1-ex*ex) + 4*(1-ey*ey) + (1 - ez*ez)) / shots)
	if math.Abs(est[0]-exact[0]) > 5*sd {
		t.Errorf("estimate %.5f of ⟨H⟩ = %.5f is %.1f standard deviations off", est[0], exact[0], math.Abs(est[0]-exact[0])/sd)
	}
	for a := 0; a < 2; a++ {
		if !withinFreq(est[1+a], exact[1+a]) {
			t.Errorf("probability estimate %.5f, exact %.5f", est[1+a], exact[1+a])
		}
	}
}

func TestParamShiftWithShots(t *testing.T) {
	t.Parallel()
	rng := newRNG(4)
	c := randCircuit(rng, 2, 1, 2, 5, []string{"RX", "RY", "CNOT", "CRZ"})
	outs := ExpvalZ(0, 1)
	w, x := randValues(rng, 2), randValues(rng, 1)
	exact, err := ParamShift(c, w, x, outs, ShiftOptions{})
	if err != nil {
		t.Fatal(err)
	}
	est, err := ParamShift(c, w, x, outs, ShiftOptions{Shots: shots, Rng: newRNG(5)})
	if err != nil {
		t.Fatal(err)
	}
	// Each entry is Σ over at most four rule terms per parameter occurrence
	// of |c_t| ≤ 0.5 times a ±1 average: a standard deviation of at most
	// √(Σ c_t²/shots) per occurrence.
	tol := 5 * 3 * math.Sqrt(4*0.25/shots)
	if d := numtest.MaxDiff(est.Weights, exact.Weights); d > tol {
		t.Errorf("shot-based Jacobian differs from the exact one by %.4f (bound %.4f)", d, tol)
	}
	if d := numtest.MaxDiff(est.Inputs, exact.Inputs); d > tol {
		t.Errorf("shot-based input Jacobian differs by %.4f (bound %.4f)", d, tol)
	}
}
