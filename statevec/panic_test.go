package statevec

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCallerMistakesPanic(t *testing.T) {
	t.Parallel()
	s := New(3, 2)
	o := New(3, 2)
	other := New(2, 2)
	u := []complex128{1, 0, 0, 1}
	cases := []struct {
		name string
		f    func()
		msg  string
	}{
		{"qubits", func() { New(-1, 1) }, "statevec: -1 qubits out of range"},
		{"too many qubits", func() { New(MaxQubits+1, 1) }, "statevec: 31 qubits"},
		{"batch", func() { New(2, 0) }, "statevec: batch size 0"},
		{"wire high", func() { s.Apply([]int{3}, u) }, "statevec: Apply: wire 3 out of range [0, 3)"},
		{"wire negative", func() { s.ApplyX(-1) }, "statevec: ApplyX: wire -1 out of range"},
		{"duplicate", func() { s.Apply([]int{1, 1}, make([]complex128, 16)) }, "statevec: Apply: wire 1 repeated"},
		{"control is target", func() { s.ApplyCNOT(2, 2) }, "statevec: ApplyCNOT: wire 2 is both control and target"},
		{"controlled overlap", func() { s.ApplyControlled([]int{0}, []int{0}, u) }, "statevec: ApplyControlled: wire 0 is both"},
		{"matrix size", func() { s.Apply([]int{0}, make([]complex128, 3)) }, "statevec: Apply matrix has length 3, want 4"},
		{"each size", func() { s.ApplyEach([]int{0}, u) }, "statevec: ApplyEach matrices has length 4, want 8"},
		{"diag size", func() { s.ApplyDiag([]int{0, 1}, u[:2]) }, "statevec: ApplyDiag diagonal has length 2, want 4"},
		{"no targets", func() { s.Apply(nil, []complex128{1}) }, "statevec: Apply: no target wires"},
		{"too many wires", func() { s.Apply([]int{0, 1, 2, 3}, nil) }, "statevec: Apply: 4 wires on 3 qubits"},
		{"sample index", func() { s.Sample(2) }, "statevec: sample 2 out of range [0, 2)"},
		{"set sample", func() { s.SetSample(0, u) }, "statevec: SetSample amps has length 4, want 8"},
		{"basis", func() { s.SetBasis(0, 8) }, "statevec: basis index 8 out of range"},
		{"copy shape", func() { s.CopyFrom(other) }, "statevec: CopyFrom: batch of 2×2 qubits, want 2×3"},
		{"expect dst", func() { s.ExpectPauli(0, 1, 0, make([]float64, 3)) }, "statevec: ExpectPauli dst has length 3, want 2"},
		{"expect mask", func() { s.ExpectPauli(0b1000, 0, 0, make([]float64, 2)) }, "statevec: ExpectPauli x: mask 0x8 has bits beyond 3 qubits"},
		{"norms dst", func() { s.Norms(nil) }, "statevec: Norms dst has length 0"},
		{"inner shape", func() { Inner(s, other, make([]complex128, 2)) }, "statevec: InnerPauli: batch of"},
		{"probs dst", func() { s.Probabilities([]int{2, 0}, make([]float64, 4)) }, "statevec: Probabilities dst has length 4, want 8"},
		{"probs wire", func() { s.Probabilities([]int{5}, make([]float64, 4)) }, "statevec: Probabilities: wire 5 out of range"},
		{"scale g", func() { s.ScaleByMarginal([]int{0}, make([]float64, 2), o) }, "statevec: ScaleByMarginal g has length 2, want 4"},
		{"addPauli alias", func() { s.AddPauli(s, 1, 0, 0, make([]float64, 2)) }, "statevec: AddPauli: dst must not be the source batch"},
		{"addPauli coeffs", func() { s.AddPauli(o, 1, 0, 0, nil) }, "statevec: AddPauli coeffs has length 0, want 2"},
		{"outer dst", func() { ReducedOuter(s, o, []int{0}, make([]complex128, 3)) }, "statevec: ReducedOuter dst has length 3, want 4"},
		{"outer each dst", func() { ReducedOuterEach(s, o, []int{0}, make([]complex128, 4)) }, "statevec: ReducedOuterEach dst has length 4, want 8"},
		{"outer shape", func() { ReducedOuter(s, other, []int{0}, make([]complex128, 4)) }, "statevec: ReducedOuter: batch of"},
		{"pauliRot hermitian", func() { s.ApplyPauliRot(0b1, 0b1, 0, 1) }, "statevec: ApplyPauliRot: word with x=0x1 z=0x1 ny=0 is not Hermitian"},
		{"pauliRot thetas", func() { s.ApplyPauliRotEach(1, 0, 0, nil) }, "statevec: ApplyPauliRotEach thetas has length 0, want 2"},
		{"counts dst", func() { _ = s.SampleCounts(rand.New(rand.NewPCG(1, 1)), []int{0}, 5, make([]int, 3)) }, "statevec: SampleCounts dst has length 3, want 4"},
		{"shots", func() { _ = s.SampleShots(rand.New(rand.NewPCG(1, 1)), []int{0}, -1, nil) }, "statevec: SampleShots: -1 shots"},
		{"scale factors", func() { s.Scale(nil) }, "statevec: Scale factors has length 0, want 2"},
		{"wire mask", func() { s.WireMask(0, 0) }, "statevec: WireMask: wire 0 repeated"},
	}
	for _, c := range cases {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, c.msg) {
					t.Errorf("%s: panic %v, want prefix %q", c.name, r, c.msg)
				}
			}()
			c.f()
		}()
	}
}
