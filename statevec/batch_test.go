package statevec

import (
	"math/cmplx"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

func TestBatchBasics(t *testing.T) {
	t.Parallel()
	s := New(3, 2)
	if s.NumQubits() != 3 || s.Len() != 2 || s.Dim() != 8 {
		t.Fatalf("shape %d qubits, %d samples, dim %d", s.NumQubits(), s.Len(), s.Dim())
	}
	for b := 0; b < 2; b++ {
		for j, v := range s.Sample(b) {
			if (j == 0) != (v == 1) || (j != 0 && v != 0) {
				t.Fatalf("New: sample %d amplitude %d = %v, want |000⟩", b, j, v)
			}
		}
	}
	s.SetBasis(1, 5)
	if s.Sample(1)[5] != 1 || s.Sample(1)[0] != 0 || s.Sample(0)[0] != 1 {
		t.Errorf("SetBasis(1, 5): %v / %v", s.Sample(0), s.Sample(1))
	}
	// Sample is a view.
	s.Sample(0)[3] = 2i
	c := s.Clone()
	if c.Sample(0)[3] != 2i {
		t.Errorf("Clone lost a value written through Sample")
	}
	c.Sample(0)[3] = 0
	if s.Sample(0)[3] != 2i {
		t.Errorf("Clone shares storage with the original")
	}
	d := New(3, 2)
	d.CopyFrom(s)
	if numtest.MaxDiffC(d.Sample(1), s.Sample(1)) != 0 || numtest.MaxDiffC(d.Sample(0), s.Sample(0)) != 0 {
		t.Errorf("CopyFrom differs")
	}
	d.Zero()
	for _, v := range d.amp {
		if v != 0 {
			t.Fatalf("Zero left %v", v)
		}
	}
	d.Reset()
	if d.Sample(1)[0] != 1 || d.Sample(0)[0] != 1 {
		t.Errorf("Reset: %v", d.amp)
	}
	// Wire 0 is the most significant bit: bit n−1.
	if m := s.WireMask(0, 2); m != 0b101 {
		t.Errorf("WireMask(0, 2) = %b", m)
	}
	if m := s.WireMask(1); m != 0b010 {
		t.Errorf("WireMask(1) = %b", m)
	}
}

func TestScaleAndAddScaled(t *testing.T) {
	t.Parallel()
	rng := newRNG(51)
	s := randBatch(rng, 4, 3)
	o := randBatch(rng, 4, 3)
	c := []complex128{2 - 1i, 0, 0.5i}
	want := make([][]complex128, 3)
	for b := range want {
		want[b] = make([]complex128, 16)
		for j := range want[b] {
			want[b][j] = s.Sample(b)[j] + c[b]*o.Sample(b)[j]
		}
	}
	s.AddScaled(o, c)
	checkStates(t, "AddScaled", s, want)
	for b := range want {
		for j := range want[b] {
			want[b][j] *= c[b]
		}
	}
	s.Scale(c)
	checkStates(t, "Scale", s, want)
	// AddScaled onto itself doubles with c = 1.
	s.AddScaled(s, []complex128{1, 1, 1})
	for b := range want {
		for j := range want[b] {
			if cmplx.Abs(s.Sample(b)[j]-2*want[b][j]) > tol {
				t.Fatalf("AddScaled(s, 1): sample %d amplitude %d = %v, want %v", b, j, s.Sample(b)[j], 2*want[b][j])
			}
		}
	}
}

func TestSliceSharesStorage(t *testing.T) {
	s := New(2, 4)
	v := s.Slice(1, 3)
	if v.Len() != 2 || v.NumQubits() != 2 {
		t.Fatalf("slice has %d samples of %d qubits, want 2 of 2", v.Len(), v.NumQubits())
	}
	v.ApplyX(0) // |00⟩ → |10⟩ on samples 1 and 2 of s
	for b, want := range []int{0, 2, 2, 0} {
		for j, a := range s.Sample(b) {
			if (j == want) != (a == 1) {
				t.Fatalf("sample %d amplitude %d = %v; want basis state %d", b, j, a, want)
			}
		}
	}
	for _, r := range [][2]int{{-1, 2}, {0, 5}, {2, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Slice(%d, %d) did not panic", r[0], r[1])
				}
			}()
			s.Slice(r[0], r[1])
		}()
	}
}
