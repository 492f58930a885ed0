package sim

import (
	"fmt"
	"math"
	"testing"
)

// Results are identical bit for bit for any worker count: groups depend
// on the shape only, reductions sum fixed segments in order, and group
// sums combine in group order.

func runAll(t *testing.T, p *Plan, w, x, cot []float64) (vals, dw, dx []float64) {
	t.Helper()
	r, err := p.Forward(w, x)
	if err != nil {
		t.Fatal(err)
	}
	dw, dx = r.VJP(cot)
	return append([]float64(nil), r.Values()...), dw, dx
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestWorkersGiveIdenticalResults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, size, group int }{
		{5, 13, 2}, // parallel over groups
		{6, 40, 0}, // automatic groups
		{18, 1, 0}, // one large state: parallel inside the kernels
		{17, 3, 0}, // several large states
		{3, 1, 0},  // one small state
	} {
		rng := newRNG(uint64(tc.n*100 + tc.size))
		ops := 14
		if tc.n >= 17 {
			ops = 7
		}
		c := randCircuit(rng, tc.n, 3, 5, ops, []string{"RY", "Rot", "CNOT", "CRX", "IsingXX", "SpecialUnitary"})
		outs := randOutputs(rng, min(tc.n, 4))
		w, x := randValues(rng, 5), randValues(rng, 3*tc.size)
		var ref [3][]float64
		for _, workers := range []int{1, 2, 3, 8} {
			p, err := Compile(c, outs, Options{Workers: workers, Group: tc.group})
			if err != nil {
				t.Fatal(err)
			}
			cot := randValues(newRNG(9), tc.size*p.Width())
			vals, dw, dx := runAll(t, p, w, x, cot)
			if workers == 1 {
				ref = [3][]float64{vals, dw, dx}
				continue
			}
			name := fmt.Sprintf("n=%d/B=%d/workers=%d", tc.n, tc.size, workers)
			if !sameBits(vals, ref[0]) || !sameBits(dw, ref[1]) || !sameBits(dx, ref[2]) {
				t.Errorf("%s: results differ from one worker", name)
			}
		}
	}
}
