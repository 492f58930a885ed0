package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/pauli"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// randWires returns k distinct wires of n in random order.
func randWires(rng *rand.Rand, n, k int) []int {
	return rng.Perm(n)[:k]
}

// randUnitary returns exp(i·H) for a random Hermitian H of dimension d.
func randUnitary(rng *rand.Rand, d int) *cmat.Dense {
	h := cmat.New(d, d)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := complex(rng.NormFloat64(), rng.NormFloat64())
			if i == j {
				v = complex(real(v), 0)
			}
			h.Set(i, j, v)
			h.Set(j, i, complex(real(v), -imag(v)))
		}
	}
	return cmat.Expm(cmat.NewFrom(d, d, scaled(h.Data, 1i)))
}

func scaled(v []complex128, s complex128) []complex128 {
	out := make([]complex128, len(v))
	for i, x := range v {
		out[i] = s * x
	}
	return out
}

// randParam returns a random parameter reference over nin inputs and nw
// weights: an input, a weight, an affine mix, an IQP-style product or a
// constant.
func randParam(rng *rand.Rand, nin, nw int) circuit.Param {
	switch rng.IntN(6) {
	case 0:
		return circuit.Input(rng.IntN(nin))
	case 1, 2:
		return circuit.Weight(rng.IntN(nw))
	case 3:
		return circuit.Affine(0.5+rng.Float64(), rng.IntN(nin), 0.5+rng.Float64(), rng.IntN(nw), rng.NormFloat64())
	case 4:
		return circuit.Product(0.3+rng.Float64(), rng.IntN(nin), -0.2, rng.IntN(nin), 0.4)
	}
	return circuit.Const(rng.NormFloat64())
}

// gateKinds are the generators of the random circuits: every gate kind of
// package gate, with the number of wires each takes.
var gateKinds = []struct {
	name string
	k    int // 0: random 1 to 3
	make func(rng *rand.Rand, k int) gate.Gate
}{
	{"RX", 1, func(*rand.Rand, int) gate.Gate { return gate.RX() }},
	{"RY", 1, func(*rand.Rand, int) gate.Gate { return gate.RY() }},
	{"RZ", 1, func(*rand.Rand, int) gate.Gate { return gate.RZ() }},
	{"PhaseShift", 1, func(*rand.Rand, int) gate.Gate { return gate.PhaseShift() }},
	{"Rot", 1, func(*rand.Rand, int) gate.Gate { return gate.Rot() }},
	{"U3", 1, func(*rand.Rand, int) gate.Gate { return gate.U3() }},
	{"Hadamard", 1, func(*rand.Rand, int) gate.Gate { return gate.Hadamard() }},
	{"S", 1, func(*rand.Rand, int) gate.Gate { return gate.S() }},
	{"T", 1, func(*rand.Rand, int) gate.Gate { return gate.T() }},
	{"SX", 1, func(*rand.Rand, int) gate.Gate { return gate.SX() }},
	{"Sdg", 1, func(*rand.Rand, int) gate.Gate { return gate.Sdg() }},
	{"PauliX", 1, func(*rand.Rand, int) gate.Gate { return gate.PauliX() }},
	{"PauliY", 1, func(*rand.Rand, int) gate.Gate { return gate.PauliY() }},
	{"PauliZ", 1, func(*rand.Rand, int) gate.Gate { return gate.PauliZ() }},
	{"Identity", 1, func(*rand.Rand, int) gate.Gate { return gate.Identity() }},
	{"CNOT", 2, func(*rand.Rand, int) gate.Gate { return gate.CNOT() }},
	{"CY", 2, func(*rand.Rand, int) gate.Gate { return gate.CY() }},
	{"CZ", 2, func(*rand.Rand, int) gate.Gate { return gate.CZ() }},
	{"SWAP", 2, func(*rand.Rand, int) gate.Gate { return gate.SWAP() }},
	{"CRX", 2, func(*rand.Rand, int) gate.Gate { return gate.CRX() }},
	{"CRY", 2, func(*rand.Rand, int) gate.Gate { return gate.CRY() }},
	{"CRZ", 2, func(*rand.Rand, int) gate.Gate { return gate.CRZ() }},
	{"CRot", 2, func(*rand.Rand, int) gate.Gate { return gate.CRot() }},
	{"ControlledPhaseShift", 2, func(*rand.Rand, int) gate.Gate { return gate.ControlledPhaseShift() }},
	{"IsingXX", 2, func(*rand.Rand, int) gate.Gate { return gate.IsingXX() }},
	{"IsingYY", 2, func(*rand.Rand, int) gate.Gate { return gate.IsingYY() }},
	{"IsingZZ", 2, func(*rand.Rand, int) gate.Gate { return gate.IsingZZ() }},
	{"Toffoli", 3, func(*rand.Rand, int) gate.Gate { return gate.Toffoli() }},
	{"MultiRZ", 0, func(_ *rand.Rand, k int) gate.Gate { return gate.MultiRZ(k) }},
	{"PauliRot", 0, func(rng *rand.Rand, k int) gate.Gate {
		w := make([]byte, k)
		for i := range w {
			w[i] = "IXYZ"[1+rng.IntN(3)]
		}
		g, err := gate.PauliRot(string(w))
		if err != nil {
			panic(err)
		}
		return g
	}},
	{"SpecialUnitary", 0, func(_ *rand.Rand, k int) gate.Gate { return gate.SpecialUnitary(k) }},
	{"QubitUnitary", 0, func(rng *rand.Rand, k int) gate.Gate {
		g, err := gate.QubitUnitary(randUnitary(rng, 1<<uint(k)))
		if err != nil {
			panic(err)
		}
		return g
	}},
	{"EvolveImage", 0, func(rng *rand.Rand, k int) gate.Gate { return gate.EvolveImage(k, 1+rng.IntN(1<<uint(2*k))) }},
	{"EvolvePauli", 0, func(rng *rand.Rand, k int) gate.Gate {
		words := make([]pauli.Word, 1+rng.IntN(3))
		for i := range words {
			for p := 0; p < k; p++ {
				if o := pauli.Op(rng.IntN(4)); o != pauli.I || p == 0 {
					words[i].Ops = append(words[i].Ops, max(o, pauli.X))
					words[i].Wires = append(words[i].Wires, p)
				}
			}
		}
		g, err := gate.EvolvePauli(k, words)
		if err != nil {
			panic(err)
		}
		return g
	}},
}

// randCircuit builds a circuit of ops random gates on n wires with nin
// inputs and nw weights. kinds selects gate kinds by name (nil: all).
func randCircuit(rng *rand.Rand, n, nin, nw, ops int, kinds []string) *circuit.Circuit {
	b := circuit.NewBuilder(n)
	b.AddInputs(nin)
	b.AddWeights(nw)
	for i := 0; i < ops; i++ {
		gk := gateKinds[rng.IntN(len(gateKinds))]
		if kinds != nil {
			name := kinds[rng.IntN(len(kinds))]
			for _, c := range gateKinds {
				if c.name == name {
					gk = c
				}
			}
		}
		k := gk.k
		if k == 0 {
			k = 1 + rng.IntN(min(3, n))
			if gk.name == "MultiRZ" || gk.name == "PauliRot" {
				k = 1 + rng.IntN(min(4, n))
			}
		}
		if k > n {
			continue
		}
		g := gk.make(rng, k)
		ps := make([]circuit.Param, g.NumParams())
		for j := range ps {
			ps[j] = randParam(rng, nin, nw)
		}
		b.Append(g, randWires(rng, n, k), ps...)
	}
	c, err := b.Build()
	if err != nil {
		panic(err)
	}
	return c
}

// randOutputs returns a mix of outputs on n wires: single words, sums
// with identity terms, marginals of all wires and of reversed subsets.
func randOutputs(rng *rand.Rand, n int) []Output {
	word := func() pauli.Word {
		k := 1 + rng.IntN(min(3, n))
		ws := randWires(rng, n, k)
		w := pauli.Word{Wires: ws}
		for range ws {
			w.Ops = append(w.Ops, pauli.Op(1+rng.IntN(3)))
		}
		return w
	}
	outs := []Output{
		Expval(pauli.Sum{{Coeff: 1, Word: word()}}),
		Expval(pauli.Sum{{Coeff: 0.7, Word: word()}, {Coeff: -1.3, Word: word()}, {Coeff: 0.25}}),
		Probs(),
	}
	if n >= 2 {
		ws := randWires(rng, n, 2)
		outs = append(outs, Probs(ws[1], ws[0]))
	}
	return append(outs, ExpvalZ(rng.IntN(n))...)
}

// randValues returns count values uniform in [−π, π).
func randValues(rng *rand.Rand, count int) []float64 {
	v := make([]float64, count)
	for i := range v {
		v[i] = rng.Float64()*2*math.Pi - math.Pi
	}
	return v
}

// oracleOutputs runs the dense reference simulator on every sample.
func oracleOutputs(t *testing.T, c *circuit.Circuit, outs []Output, weights, inputs []float64) (vals []float64, states [][]complex128) {
	t.Helper()
	nin := c.NumInputs()
	size := 1
	if nin > 0 {
		size = len(inputs) / nin
	}
	for b := 0; b < size; b++ {
		psi, err := densesim.State(c, inputs[b*nin:(b+1)*nin], weights)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, psi)
		vals = append(vals, denseOutputs(psi, outs)...)
	}
	return vals, states
}

// denseOutputs evaluates outputs on a state with the dense simulator.
func denseOutputs(psi []complex128, outs []Output) []float64 {
	n := 0
	for 1<<uint(n) < len(psi) {
		n++
	}
	var v []float64
	for _, o := range outs {
		switch o.kind {
		case outExpval:
			v = append(v, densesim.Expval(psi, o.sum))
		case outProbs:
			w := o.wires
			if len(w) == 0 {
				for i := 0; i < n; i++ {
					w = append(w, i)
				}
			}
			v = append(v, densesim.Probs(psi, w)...)
		}
	}
	return v
}

// denseLoss returns Σ cot·outputs from the dense simulator.
func denseLoss(t *testing.T, c *circuit.Circuit, outs []Output, weights, inputs, cot []float64) float64 {
	t.Helper()
	vals, _ := oracleOutputs(t, c, outs, weights, inputs)
	s := 0.0
	for i, v := range vals {
		s += cot[i] * v
	}
	return s
}

// optionSets are the option combinations every oracle test runs: the
// default, no fusion, wider fusion, one group per sample, the whole batch
// at once, no product start, and several workers.
var optionSets = []struct {
	name string
	opt  Options
}{
	{"default", Options{Workers: 1}},
	{"nofuse", Options{Workers: 1, FuseMax: -1}},
	{"fuse3", Options{Workers: 1, FuseMax: 3}},
	{"group1", Options{Workers: 1, Group: 1}},
	{"batch", Options{Workers: 1, Group: 1 << 20}},
	{"noprep", Options{Workers: 1, NoProductStart: true}},
	{"workers3", Options{Workers: 3, Group: 1}},
}

func describeCase(seed uint64, n int) string { return fmt.Sprintf("seed=%d/n=%d", seed, n) }
