package gate_test

import (
	"encoding/json"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/pauli"
)

func jsonString(raw json.RawMessage, s *string) error { return json.Unmarshal(raw, s) }

// suWords enumerates the 4ᵏ−1 non-identity words on k wires in
// lexicographic order with I < X < Y < Z, first letter on the first wire.
func suWords(k int) []pauli.Word {
	var ws []pauli.Word
	for m := 1; m < 1<<(2*k); m++ {
		w := pauli.Word{Ops: make([]pauli.Op, k), Wires: make([]int, k)}
		for p := 0; p < k; p++ {
			w.Ops[p] = pauli.Op((m >> (2 * (k - 1 - p))) & 3)
			w.Wires[p] = p
		}
		ws = append(ws, w)
	}
	return ws
}

func TestSpecialUnitaryMatchesExpm(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 22))
	for k := 1; k <= 3; k++ {
		g := gate.SpecialUnitary(k)
		words := suWords(k)
		if g.NumParams() != len(words) {
			t.Fatalf("k=%d: %d params, want %d", k, g.NumParams(), len(words))
		}
		for trial := 0; trial < 2; trial++ {
			theta := make([]float64, len(words))
			for i := range theta {
				theta[i] = 0.4 * r.NormFloat64()
			}
			a := cmat.New(1<<k, 1<<k)
			for m, w := range words {
				pm := wordMatrix(w, k)
				for i := range a.Data {
					a.Data[i] += complex(0, theta[m]) * pm.Data[i]
				}
			}
			want := cmat.Expm(a)
			if d := cmat.MaxAbsDiff(g.Matrix(theta), want); d > 1e-12 {
				t.Errorf("k=%d: SpecialUnitary differs from expm(iΣθP) by %.3g", k, d)
			}
		}
	}
}

// SpecialUnitary(t·e_m) = PauliRot(−2t, word_m): pins the word order and
// sign against an independent gate.
func TestSpecialUnitaryBasisIsPauliRot(t *testing.T) {
	t.Parallel()
	g := gate.SpecialUnitary(2)
	for m, w := range suWords(2) {
		s := ""
		for _, o := range w.Ops {
			s += o.String()
		}
		pr, err := gate.PauliRot(s)
		if err != nil {
			t.Fatal(err)
		}
		theta := make([]float64, 15)
		theta[m] = 0.37
		if d := cmat.MaxAbsDiff(g.Matrix(theta), pr.Matrix([]float64{-0.74})); d > 1e-13 {
			t.Errorf("word %d (%s): SpecialUnitary(0.37·e_m) ≠ PauliRot(−0.74): %.3g", m, s, d)
		}
	}
}

func TestSpecialUnitaryVJPAtDegeneratePoints(t *testing.T) {
	t.Parallel()
	g := gate.SpecialUnitary(2)
	r := rand.New(rand.NewPCG(23, 24))
	zero := make([]float64, 15)
	one := make([]float64, 15)
	one[2] = 0.8 // A = 0.8·IZ: two doubly degenerate eigenvalues
	for _, p := range [][]float64{zero, one} {
		checkVJP(t, g, p, randomMatrix(r, 4))
	}
}

// imageHamiltonian builds (D + Dᵀ)/2 from x padded with zeros to 4ᵏ.
func imageHamiltonian(k int, x []float64) *cmat.Dense {
	d := 1 << k
	dm := make([]float64, d*d)
	copy(dm, x)
	h := cmat.New(d, d)
	for a := 0; a < d; a++ {
		for b := 0; b < d; b++ {
			h.Set(a, b, complex((dm[a*d+b]+dm[b*d+a])/2, 0))
		}
	}
	return h
}

func expmMinusIT(h *cmat.Dense, t float64) *cmat.Dense {
	a := h.Clone()
	for i := range a.Data {
		a.Data[i] *= complex(0, -t)
	}
	return cmat.Expm(a)
}

func TestEvolveImageMatchesExpm(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(25, 26))
	for _, tc := range []struct{ k, n int }{{1, 3}, {2, 11}, {3, 64}} {
		g := gate.EvolveImage(tc.k, tc.n)
		p := randomParams(r, 1+tc.n)
		want := expmMinusIT(imageHamiltonian(tc.k, p[1:]), p[0])
		if d := cmat.MaxAbsDiff(g.Matrix(p), want); d > 1e-12 {
			t.Errorf("k=%d n=%d: Evolve differs from expm(−itH) by %.3g", tc.k, tc.n, d)
		}
	}
}

func TestEvolvePauliMatchesExpm(t *testing.T) {
	t.Parallel()
	words := []pauli.Word{
		{Ops: []pauli.Op{pauli.X, pauli.Z}, Wires: []int{0, 2}},
		{Ops: []pauli.Op{pauli.Y, pauli.Y}, Wires: []int{2, 1}},
		{Ops: []pauli.Op{pauli.Z}, Wires: []int{1}},
		{Ops: []pauli.Op{pauli.I, pauli.X}, Wires: []int{0, 1}},
	}
	g, err := gate.EvolvePauli(3, words)
	if err != nil {
		t.Fatal(err)
	}
	p := []float64{0.83, 0.5, -1.2, 0.3, 0.7}
	h := cmat.New(8, 8)
	for i, w := range words {
		pm := wordMatrix(w, 3)
		for j := range h.Data {
			h.Data[j] += complex(p[1+i], 0) * pm.Data[j]
		}
	}
	if d := cmat.MaxAbsDiff(g.Matrix(p), expmMinusIT(h, p[0])); d > 1e-12 {
		t.Errorf("Evolve differs from expm(−itΣxP) by %.3g", d)
	}
}

func TestEvolveVJPAtDegenerateHamiltonians(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(27, 28))
	img := gate.EvolveImage(2, 16)
	identity := make([]float64, 17) // H = I: one fourfold eigenvalue
	identity[0] = 0.9
	for i := 0; i < 4; i++ {
		identity[1+5*i] = 1
	}
	pairs := append([]float64(nil), identity...) // eigenvalues {1, 1, −1, −1}
	pairs[1+10], pairs[1+15] = -1, -1
	zeroH := make([]float64, 17) // H = 0
	zeroH[0] = 1.3
	atT0 := append([]float64(nil), pairs...) // t = 0
	atT0[0] = 0
	for name, p := range map[string][]float64{"identity": identity, "pairs": pairs, "zero": zeroH, "t=0": atT0} {
		t.Run("image/"+name, func(t *testing.T) { checkVJP(t, img, p, randomMatrix(r, 4)) })
	}
	pw, err := gate.EvolvePauli(2, []pauli.Word{
		{Ops: []pauli.Op{pauli.Z}, Wires: []int{0}},
		{Ops: []pauli.Op{pauli.Z}, Wires: []int{1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// x0 = x1: eigenvalues {2x, 0, 0, −2x}, the middle one degenerate.
	checkVJP(t, pw, []float64{0.7, 0.45, 0.45}, randomMatrix(r, 4))
}

func TestEvolvePauliValidates(t *testing.T) {
	t.Parallel()
	for name, ws := range map[string][]pauli.Word{
		"empty":    nil,
		"range":    {{Ops: []pauli.Op{pauli.X}, Wires: []int{2}}},
		"repeat":   {{Ops: []pauli.Op{pauli.X, pauli.Z}, Wires: []int{0, 0}}},
		"mismatch": {{Ops: []pauli.Op{pauli.X}, Wires: []int{0, 1}}},
		"letter":   {{Ops: []pauli.Op{7}, Wires: []int{0}}},
	} {
		if _, err := gate.EvolvePauli(2, ws); err == nil {
			t.Errorf("%s: EvolvePauli accepted invalid words", name)
		}
	}
	if _, err := gate.EvolvePauli(8, []pauli.Word{{Ops: []pauli.Op{pauli.X}, Wires: []int{0}}}); err == nil {
		t.Error("EvolvePauli on 8 wires accepted")
	}
}

func TestNonFiniteParametersGiveNaN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		g gate.Gate
		p []float64
	}{
		{gate.SpecialUnitary(1), []float64{math.NaN(), 0, 0}},
		{gate.EvolveImage(1, 2), []float64{1, math.Inf(1), 0}},
	} {
		m := tc.g.Matrix(tc.p)
		if !cmplx.IsNaN(m.Data[0]) {
			t.Errorf("%s at %v: matrix %v, want NaN", tc.g.Name(), tc.p, m.Data)
		}
		grad := make([]float64, len(tc.p))
		tc.g.VJP(tc.p, cmat.Identity(2), grad)
		if !math.IsNaN(grad[0]) {
			t.Errorf("%s at %v: gradient %v, want NaN", tc.g.Name(), tc.p, grad)
		}
	}
}
