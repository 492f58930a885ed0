package pauli

import (
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/numtest"
)

// TestDenseConvention pins wire 0 as the most significant bit with
// hand-written matrices.
func TestDenseConvention(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w    Word
		n    int
		want []complex128
	}{
		// X on wire 0 of 2 wires maps |00⟩ (index 0) to |10⟩ (index 2).
		{Word{Ops: []Op{X}, Wires: []int{0}}, 2, []complex128{
			0, 0, 1, 0,
			0, 0, 0, 1,
			1, 0, 0, 0,
			0, 1, 0, 0}},
		{Word{Ops: []Op{Y}, Wires: []int{1}}, 2, []complex128{
			0, -1i, 0, 0,
			1i, 0, 0, 0,
			0, 0, 0, -1i,
			0, 0, 1i, 0}},
		{Word{Ops: []Op{Z, Z}, Wires: []int{1, 0}}, 2, []complex128{
			1, 0, 0, 0,
			0, -1, 0, 0,
			0, 0, -1, 0,
			0, 0, 0, 1}},
		{Word{}, 1, []complex128{1, 0, 0, 1}},
	} {
		got := tc.w.Dense(tc.n)
		if d := cmat.MaxAbsDiff(got, cmat.NewFrom(1<<tc.n, 1<<tc.n, tc.want)); d != 0 {
			t.Errorf("%v on %d wires: %v", tc.w, tc.n, got.Data)
		}
	}
}

// TestMasksMatchDense checks the mask form against the Kronecker-product
// matrix for random words on up to 5 wires.
func TestMasksMatchDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(1)
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(5)
		w := randWord(rng, n)
		x, z, ny := w.Masks(n)
		if d := cmat.MaxAbsDiff(maskMatrix(n, x, z, ny), w.Dense(n)); d != 0 {
			t.Fatalf("%v on %d wires: masks x=%b z=%b ny=%d disagree with Dense", w, n, x, z, ny)
		}
	}
	x, z, ny := Word{Ops: []Op{Y, X, Z}, Wires: []int{63, 0, 5}}.Masks(64)
	if x != 1|1<<63 || z != 1|1<<58 || ny != 1 {
		t.Errorf("64-wire masks: x=%x z=%x ny=%d", x, z, ny)
	}
}

// TestCommutes checks Commutes against the commutator of the dense
// matrices.
func TestCommutes(t *testing.T) {
	t.Parallel()
	rng := newRNG(2)
	seen := [2]int{}
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(4)
		a, b := randWord(rng, n), randWord(rng, n)
		da, db := a.Dense(n), b.Dense(n)
		comm := cmat.MaxAbsDiff(cmat.Mul(da, db), cmat.Mul(db, da)) == 0
		if got := Commutes(a, b); got != comm {
			t.Fatalf("Commutes(%v, %v) = %v, commutator says %v", a, b, got, comm)
		}
		if comm {
			seen[1]++
		} else {
			seen[0]++
		}
	}
	if seen[0] == 0 || seen[1] == 0 {
		t.Fatalf("the random words did not cover both cases: %v", seen)
	}
}

func TestValidateMaxWire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w       Word
		max     int
		wantErr string
	}{
		{Word{}, -1, ""},
		{Word{Ops: []Op{X, I}, Wires: []int{4, 2}}, 4, ""},
		{Word{Ops: []Op{X, Z}, Wires: []int{1, 1}}, 1, "appears twice"},
		{Word{Ops: []Op{X}, Wires: []int{-1}}, -1, "negative"},
		{Word{Ops: []Op{X}, Wires: nil}, -1, "1 letters and 0 wires"},
		{Word{Ops: []Op{7}, Wires: []int{0}}, 0, "not a Pauli"},
	} {
		err := tc.w.Validate()
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%v: Validate() = %v, want %q", tc.w, err, tc.wantErr)
		}
		if err == nil && tc.w.MaxWire() != tc.max {
			t.Errorf("%v: MaxWire() = %d, want %d", tc.w, tc.w.MaxWire(), tc.max)
		}
	}
	s := Sum{{1, Word{Ops: []Op{Z}, Wires: []int{3}}}, {math.NaN(), Word{}}}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "term 1") {
		t.Errorf("Sum.Validate with a NaN coefficient: %v", err)
	}
	if s.MaxWire() != 3 {
		t.Errorf("Sum.MaxWire() = %d", s.MaxWire())
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	w := Word{Ops: []Op{X}, Wires: []int{2}}
	mustPanic(t, "out of range", func() { w.Dense(2) })
	mustPanic(t, "out of range", func() { w.Masks(2) })
	mustPanic(t, "at most 64", func() { w.Masks(65) })
	mustPanic(t, "appears twice", func() { Word{Ops: []Op{X, Y}, Wires: []int{0, 0}}.Masks(3) })
	mustPanic(t, "2ᵏ×2ᵏ", func() { Combine(cmat.New(3, 3), nil) })
	mustPanic(t, "coefficients", func() { Combine(cmat.New(4, 4), make([]float64, 3)) })
	mustPanic(t, "outputs", func() { Project(make([]float64, 3), cmat.New(4, 4)) })
}

// TestGoldenExpvals parses PennyLane's observable strings of every gate
// case and checks ⟨ψ|O|ψ⟩ (with Sum.Dense) against PennyLane's values:
// the parser, the wire order and the Y sign all have to be right.
func TestGoldenExpvals(t *testing.T) {
	t.Parallel()
	cases, err := numtest.PennyLane()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range cases {
		if c.Group != "gate" || len(c.Observables) == 0 {
			continue
		}
		psi := c.Outputs["state"].Complex()
		want := c.Outputs["expvals"].Data
		for k, obs := range c.Observables {
			s, err := Parse(obs)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			m := s.Dense(c.NWires)
			var ev complex128
			for i := range psi {
				for j := range psi {
					ev += cmplx.Conj(psi[i]) * m.At(i, j) * psi[j]
				}
			}
			if math.Abs(real(ev)-want[k]) > 1e-10 || math.Abs(imag(ev)) > 1e-12 {
				t.Errorf("%s: ⟨%s⟩ = %v, PennyLane %g", c.Name, obs, ev, want[k])
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d golden expectation values checked", checked)
	}
}
