package statevec

import "testing"

// TestKernelsDoNotAllocate checks that, once warmed up, kernel calls on one
// worker allocate nothing: index tables and scratch live on the stack or in
// the package's pools.
func TestKernelsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	rng := newRNG(41)
	const n, B = 10, 4
	s := randBatch(rng, n, B)
	o := randBatch(rng, n, B)
	s.Workers, o.Workers = 1, 1
	u1, u2, u3 := randUnitary(rng, 2), randUnitary(rng, 4), randUnitary(rng, 8)
	each := make([]complex128, 4*B)
	for b := 0; b < B; b++ {
		copy(each[4*b:], randUnitary(rng, 2))
	}
	d := randPhases(rng, 4)
	f := make([]float64, B*8)
	c := make([]complex128, B*64)
	w1, w2, w3 := []int{9}, []int{8, 2}, []int{1, 9, 4}
	m1 := NewMat2(u1)
	var acc [4]complex128
	cases := []struct {
		name string
		f    func()
	}{
		{"Apply1q", func() { s.Apply(w1, u1) }},
		{"Apply1q/bit1", func() { s.Apply([]int{8}, u1) }},
		{"ApplyEach", func() { s.ApplyEach(w1, each) }},
		{"Apply2q", func() { s.Apply(w2, u2) }},
		{"Apply3q", func() { s.Apply(w3, u3) }},
		{"ApplyControlled", func() { s.ApplyControlled(w1, w2, u2) }},
		{"ApplyDiag", func() { s.ApplyDiag(w2, d) }},
		{"CNOT", func() { s.ApplyCNOT(9, 0) }},
		{"Toffoli", func() { s.ApplyToffoli(9, 3, 0) }},
		{"SWAP", func() { s.ApplySWAP(9, 0) }},
		{"PauliRot", func() { s.ApplyPauliRot(0b101, 0b110, 1, 0.3) }},
		{"ExpectPauli", func() { s.ExpectPauli(0b11, 0b10, 1, f[:B]) }},
		{"Norms", func() { s.Norms(f[:B]) }},
		{"InnerPauli", func() { s.InnerPauli(o, 0b1, 0, 0, c[:B]) }},
		{"AddPauli", func() { s.AddPauli(o, 0b1, 0b1, 1, f[:B]) }},
		{"Probabilities", func() { s.Probabilities(w3, f[:B*8]) }},
		{"ScaleByMarginal", func() { s.ScaleByMarginal(w3, f[:B*8], o) }},
		{"ReducedOuter", func() { ReducedOuter(s, o, w2, c[:16]) }},
		{"ReducedOuterEach", func() { ReducedOuterEach(s, o, w2, c[:B*16]) }},
		{"AdjointStep1", func() { AdjointStep(s, o, w1, u1, c[:4], true) }},
		{"AdjointStep1Each", func() { AdjointStep(s, o, w1, each, c[:B*4], true) }},
		{"AdjointStep2", func() { AdjointStep(s, o, w2, u2, c[:16], true) }},
		{"AdjointStep3", func() { AdjointStep(s, o, w3, u3, c[:64], true) }},
		{"Apply1", func() { Apply1(s.Amplitudes(), 3, &m1, 1) }},
		{"Back1", func() { Back1(s.Amplitudes(), o.Amplitudes(), 3, &m1, &acc, true, 1) }},
		{"FlatCNOT", func() { CNOT(s.Amplitudes(), 2, 7, 1) }},
	}
	for _, tc := range cases {
		tc.f() // warm the pools
		if a := testing.AllocsPerRun(20, tc.f); a != 0 {
			t.Errorf("%s allocates %.1f times per call", tc.name, a)
		}
	}
}
