package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
)

// The dense reference simulator (internal/densesim, full 2ⁿ×2ⁿ operators
// from Kronecker products) is the oracle for the forward pass; central
// finite differences of its outputs are the oracle for VJP.

// paramKinds are the gate kinds with parameters.
var paramKinds = []string{"RX", "RY", "RZ", "PhaseShift", "Rot", "U3", "CRX", "CRY", "CRZ", "CRot",
	"ControlledPhaseShift", "IsingXX", "IsingYY", "IsingZZ", "MultiRZ", "PauliRot", "SpecialUnitary",
	"EvolveImage", "EvolvePauli"}

// checkForward compares a run with the oracle: outputs and states to 1e-12
// and unit norms, under every option set.
func checkForward(t *testing.T, name string, c *circuit.Circuit, outs []Output, w, x []float64) {
	t.Helper()
	want, states := oracleOutputs(t, c, outs, w, x)
	for _, os := range optionSets {
		r, err := Forward(c, w, x, outs, os.opt)
		if err != nil {
			t.Fatalf("%s %s: %v", name, os.name, err)
		}
		if d := numtest.MaxDiff(r.Values(), want); d > 1e-12 {
			t.Errorf("%s %s: outputs differ from the dense simulator by %.3g\n%s", name, os.name, d, c)
		}
		for b, st := range states {
			got := r.State(b)
			if d := numtest.MaxDiffC(got, st); d > 1e-12 {
				t.Errorf("%s %s: state of sample %d differs by %.3g", name, os.name, b, d)
			}
			nrm := 0.0
			for _, a := range got {
				nrm += real(a)*real(a) + imag(a)*imag(a)
			}
			if math.Abs(nrm-1) > 1e-12 {
				t.Errorf("%s %s: sample %d has norm² %.15g", name, os.name, b, nrm)
			}
		}
	}
}

func TestForwardMatchesDenseSimulator(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 30; seed++ {
		rng := newRNG(seed)
		n := 1 + rng.IntN(6)
		c := randCircuit(rng, n, 3, 5, 8+rng.IntN(10), nil)
		outs := randOutputs(rng, n)
		checkForward(t, describeCase(seed, n), c, outs, randValues(rng, 5), randValues(rng, 3*(3+rng.IntN(3))))
	}
}

// TestForwardEveryGateKind runs one circuit per gate kind, so that every
// kind is certainly covered, on random wires among other gates.
func TestForwardEveryGateKind(t *testing.T) {
	t.Parallel()
	for i, gk := range gateKinds {
		rng := newRNG(uint64(100 + i))
		n := 3 + rng.IntN(3)
		c := randCircuit(rng, n, 2, 4, 8, []string{gk.name, gk.name, "RY", "CNOT", "Hadamard"})
		checkForward(t, gk.name, c, randOutputs(rng, n), randValues(rng, 4), randValues(rng, 2*3))
	}
}

// TestForwardEightWires covers the largest size of the oracle.
func TestForwardEightWires(t *testing.T) {
	t.Parallel()
	rng := newRNG(7)
	c := randCircuit(rng, 8, 2, 4, 6, []string{"Rot", "CRX", "SpecialUnitary", "IsingYY", "CNOT", "MultiRZ"})
	checkForward(t, "n=8", c, randOutputs(rng, 8), randValues(rng, 4), randValues(rng, 2*3))
}

// TestSpecialUnitaryAndEvolve covers SpecialUnitary on 1 to 3 wires and
// both Hamiltonian builders of Evolve, with input- and weight-dependent
// parameters, forward and backward.
func TestSpecialUnitaryAndEvolve(t *testing.T) {
	t.Parallel()
	for k := 1; k <= 3; k++ {
		for _, kind := range []string{"SpecialUnitary", "EvolveImage", "EvolvePauli"} {
			rng := newRNG(uint64(200 + 10*k))
			n := k + 1
			b := circuit.NewBuilder(n)
			b.AddInputs(3)
			b.AddWeights(1 << uint(2*k+1))
			for w := 0; w < n; w++ {
				b.Append(gate.RY(), []int{w}, circuit.Input(w%3))
			}
			var g gate.Gate
			for _, gk := range gateKinds {
				if gk.name == kind {
					g = gk.make(rng, k)
				}
			}
			ps := make([]circuit.Param, g.NumParams())
			for j := range ps {
				ps[j] = randParam(rng, 3, 1<<uint(2*k+1))
			}
			wires := randWires(rng, n, k)
			b.Append(g, wires, ps...)
			b.Append(gate.CNOT(), randWires(rng, n, 2))
			c, err := b.Build()
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s/k=%d", kind, k)
			outs := randOutputs(rng, n)
			w, x := randValues(rng, 1<<uint(2*k+1)), randValues(rng, 3*3)
			checkForward(t, name, c, outs, w, x)
			checkVJP(t, name, c, outs, w, x, rng)
		}
	}
}

func TestAmplitudeEmbedding(t *testing.T) {
	t.Parallel()
	for i, opt := range []circuit.Amplitude{{Normalize: true}, {Pad: true, PadWith: 0.3}, {}} {
		rng := newRNG(uint64(300 + i))
		n := 4
		b := circuit.NewBuilder(n)
		nf := 3
		if opt.Pad {
			nf = 3 // padded to 4
		} else {
			nf = 4
		}
		x0 := b.AddInputs(nf)
		b.AddWeights(6)
		idx := make([]int, nf)
		for j := range idx {
			idx[j] = x0 + j
		}
		b.AmplitudeEmbedding([]int{2, 0}, idx, opt)
		b.Append(gate.Rot(), []int{1}, circuit.Weight(0), circuit.Weight(1), circuit.Weight(2))
		b.Append(gate.CRY(), []int{0, 3}, circuit.Weight(3))
		b.Append(gate.RX(), []int{2}, circuit.Affine(0.5, 1, 1, 4, 0))
		b.Append(gate.IsingXX(), []int{3, 1}, circuit.Weight(5))
		c, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, 3*nf)
		for s := 0; s < 3; s++ {
			row := x[s*nf : (s+1)*nf]
			nrm := 0.0
			for j := range row {
				row[j] = rng.NormFloat64()
				nrm += row[j] * row[j]
			}
			if !opt.Normalize && !opt.Pad {
				for j := range row {
					row[j] /= math.Sqrt(nrm)
				}
			}
		}
		outs := randOutputs(rng, n)
		w := randValues(rng, 6)
		name := fmt.Sprintf("amplitudes/%+v", opt)
		checkForward(t, name, c, outs, w, x)
		checkVJPWith(t, name, c, outs, w, x, rng, opt.Normalize || opt.Pad)
	}
}

// checkVJP compares VJP for a random cotangent with central differences
// of the dense simulator's loss (step 1e-6, agreement 1e-7), under every
// option set.
func checkVJP(t *testing.T, name string, c *circuit.Circuit, outs []Output, w, x []float64, rng *rand.Rand) {
	t.Helper()
	checkVJPWith(t, name, c, outs, w, x, rng, true)
}

// checkVJPWith is checkVJP; without inputs it checks the weight gradient
// only (for amplitude features that must stay normalised).
func checkVJPWith(t *testing.T, name string, c *circuit.Circuit, outs []Output, w, x []float64, rng *rand.Rand, inputs bool) {
	t.Helper()
	vals, _ := oracleOutputs(t, c, outs, w, x)
	cot := randValues(rng, len(vals))
	fw := numtest.FiniteDiff(func(v []float64) float64 { return denseLoss(t, c, outs, v, x, cot) }, w, 1e-6)
	var fx []float64
	if inputs {
		fx = numtest.FiniteDiff(func(v []float64) float64 { return denseLoss(t, c, outs, w, v, cot) }, x, 1e-6)
	}
	for _, os := range optionSets {
		r, err := Forward(c, w, x, outs, os.opt)
		if err != nil {
			t.Fatalf("%s %s: %v", name, os.name, err)
		}
		dw, dx := r.VJP(cot)
		if d := numtest.MaxDiff(dw, fw); d > 1e-7 {
			t.Errorf("%s %s: weight gradient differs from finite differences by %.3g\n got %.9g\nwant %.9g\n%s", name, os.name, d, dw, fw, c)
		}
		if !inputs {
			continue
		}
		if d := numtest.MaxDiff(dx, fx); d > 1e-7 {
			t.Errorf("%s %s: input gradient differs from finite differences by %.3g\n got %.9g\nwant %.9g\n%s", name, os.name, d, dx, fx, c)
		}
	}
}

// TestVJPMatchesFiniteDifferences differentiates, for every gate kind with
// parameters, circuits where it meets inputs, weights, affine and product
// parameters, fused neighbours and the product start, with expectation
// outputs (single words and sums) and probabilities (all wires and a
// reversed subset).
func TestVJPMatchesFiniteDifferences(t *testing.T) {
	t.Parallel()
	for i, kind := range paramKinds {
		rng := newRNG(uint64(400 + i))
		n := 2 + rng.IntN(3)
		c := randCircuit(rng, n, 3, 5, 9, []string{kind, kind, "RY", "RZ", "CNOT", "Hadamard"})
		checkVJP(t, kind, c, randOutputs(rng, n), randValues(rng, 5), randValues(rng, 3*3), rng)
	}
	for seed := uint64(1); seed <= 12; seed++ {
		rng := newRNG(500 + seed)
		n := 1 + rng.IntN(4)
		c := randCircuit(rng, n, 3, 5, 10, nil)
		checkVJP(t, describeCase(seed, n), c, randOutputs(rng, n), randValues(rng, 5), randValues(rng, 3*4), rng)
	}
}

// TestVJPMatchesParamShift compares the Jacobian assembled from VJPs with
// one-hot cotangents with ParamShift's, for every gate kind with a rule.
func TestVJPMatchesParamShift(t *testing.T) {
	t.Parallel()
	for i, kind := range paramKinds[:16] {
		rng := newRNG(uint64(600 + i))
		n := 2 + rng.IntN(3)
		c := randCircuit(rng, n, 2, 4, 8, []string{kind, kind, "RX", "CNOT", "CZ"})
		outs := randOutputs(rng, n)
		w, x := randValues(rng, 4), randValues(rng, 2*3)
		jac, err := ParamShift(c, w, x, outs, ShiftOptions{})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		r, err := Forward(c, w, x, outs, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		cot := make([]float64, jac.B*jac.K)
		for e := range cot {
			clear(cot)
			cot[e] = 1
			dw, dx := r.VJP(cot)
			b := e / jac.K
			if d := numtest.MaxDiff(dw, jac.Weights[e*jac.W:(e+1)*jac.W]); d > 1e-10 {
				t.Errorf("%s: output %d: weight Jacobian row differs from parameter shift by %.3g", kind, e, d)
			}
			if d := numtest.MaxDiff(dx[b*jac.P:(b+1)*jac.P], jac.Inputs[e*jac.P:(e+1)*jac.P]); d > 1e-10 {
				t.Errorf("%s: output %d: input Jacobian row differs from parameter shift by %.3g", kind, e, d)
			}
		}
	}
}
