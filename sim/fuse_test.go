package sim

import (
	"fmt"
	"math"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
)

// blockShape summarises a block for comparisons: its wires, flags and
// member gate names.
func blockShape(b *block) string {
	s := fmt.Sprintf("%v", b.wires)
	if b.prep {
		s += " start"
	}
	if b.each {
		s += " each"
	}
	for _, m := range b.members {
		s += " " + m.o.Name()
	}
	return s
}

func TestFusionOfHEA(t *testing.T) {
	t.Parallel()
	cases := []struct {
		opt  Options
		want []string
	}{
		{Options{}, []string{
			"[0] start each RY RX RY RZ", "[1] start each RY RX RY RZ", "[2] start each RY RX RY RZ",
			"[0 1 2] CNOT CNOT CNOT",
			"[0] RX RY RZ", "[1] RX RY RZ", "[2] RX RY RZ",
			"[0 1 2] CNOT CNOT CNOT"}},
		{Options{FuseMax: -1, NoProductStart: true}, nil}, // one block per op
	}
	for _, tc := range cases {
		p := heaPlan(t, 3, 2, tc.opt)
		var got []string
		for j := range p.blocks {
			got = append(got, blockShape(&p.blocks[j]))
		}
		if tc.want == nil {
			if len(got) != p.c.NumOps() {
				t.Errorf("no fusion: %d blocks for %d ops", len(got), p.c.NumOps())
			}
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("blocks\n%q\nwant\n%q", got, tc.want)
		}
	}
}

// TestFusedChainRule covers the cases of distributing a block's cotangent
// to its members: per-sample members around a shared one (re-uploading),
// members on fewer wires than the block (embedded and reduced), and a
// fused block in the middle of the circuit.
func TestFusedChainRule(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(3)
	b.AddInputs(2)
	b.AddWeights(20)
	b.Append(gate.Hadamard(), []int{2})
	// Re-uploading on wire 0: input, weight, input, weight.
	b.Append(gate.RY(), []int{0}, circuit.Input(0))
	b.Append(gate.RZ(), []int{0}, circuit.Weight(0))
	b.Append(gate.RY(), []int{0}, circuit.Affine(0.7, 1, 0.4, 1, 0.1))
	b.Append(gate.RX(), []int{0}, circuit.Weight(2))
	b.Append(gate.CNOT(), []int{0, 1})
	// A two-wire SpecialUnitary followed by one-wire gates on its wires.
	su := make([]circuit.Param, 15)
	for j := range su {
		su[j] = circuit.Weight(3 + j)
	}
	b.Append(gate.SpecialUnitary(2), []int{1, 0}, su...)
	b.Append(gate.RZ(), []int{0}, circuit.Weight(18))
	b.Append(gate.PhaseShift(), []int{1}, circuit.Input(1))
	b.Append(gate.U3(), []int{1}, circuit.Weight(19), circuit.Input(0), circuit.Const(0.3))
	b.Append(gate.CZ(), []int{2, 1})
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(c, ExpvalZ(0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var shapes []string
	for j := range p.blocks {
		shapes = append(shapes, blockShape(&p.blocks[j]))
	}
	// The SpecialUnitary (listed on [1 0]) joins the CNOT's block: one dense
	// pass costs less than the permutation and the dense pass apart.
	want := []string{"[2] start Hadamard", "[0] start each RY RZ RY RX",
		"[0 1] each CNOT SpecialUnitary RZ PhaseShift U3", "[2 1] CZ"}
	if fmt.Sprint(shapes) != fmt.Sprint(want) {
		t.Fatalf("blocks\n%q\nwant\n%q", shapes, want)
	}
	rng := newRNG(12)
	checkVJP(t, "fused", c, randOutputs(rng, 3), randValues(rng, 20), randValues(rng, 2*4), rng)
}

// TestReduceIsAdjointOfEmbed checks Re⟨reduce(X), G⟩ = Re⟨X, embed(G)⟩,
// the identity that makes the member cotangent exact.
func TestReduceIsAdjointOfEmbed(t *testing.T) {
	t.Parallel()
	rng := newRNG(13)
	for _, pos := range [][]int{{0}, {1}, {2}, {2, 0}, {1, 2}} {
		k := 3
		d := 1 << uint(k)
		m := member{k: len(pos), pos: pos}
		m.alpha, m.rest = embedding(k, pos)
		dm := 1 << uint(m.k)
		x := make([]complex128, d*d)
		g := make([]complex128, dm*dm)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		for i := range g {
			g[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		e := make([]complex128, d*d)
		embed(e, g, &m, d)
		red := make([]complex128, dm*dm)
		reduce(red, x, &m, d)
		var lhs, rhs float64
		for i := range red {
			lhs += real(conj(red[i]) * g[i])
		}
		for i := range x {
			rhs += real(conj(x[i]) * e[i])
		}
		if math.Abs(lhs-rhs) > 1e-12*math.Abs(rhs) {
			t.Errorf("positions %v: ⟨reduce X, G⟩ = %g, ⟨X, embed G⟩ = %g", pos, lhs, rhs)
		}
	}
}
