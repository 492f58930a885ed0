package pauli

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/numtest"
)

func TestWordsOrder(t *testing.T) {
	t.Parallel()
	want2 := []string{"IX", "IY", "IZ", "XI", "XX", "XY", "XZ", "YI", "YX", "YY", "YZ", "ZI", "ZX", "ZY", "ZZ"}
	ws := Words(2)
	if len(ws) != len(want2) {
		t.Fatalf("Words(2) has %d words", len(ws))
	}
	for m, w := range ws {
		got := ""
		for k, o := range w.Ops {
			got += o.String()
			if w.Wires[k] != k {
				t.Fatalf("Words(2)[%d] has wires %v", m, w.Wires)
			}
		}
		if got != want2[m] {
			t.Errorf("Words(2)[%d] = %s, want %s", m, got, want2[m])
		}
	}
	if got := Words(1); len(got) != 3 || got[0].Ops[0] != X || got[1].Ops[0] != Y || got[2].Ops[0] != Z {
		t.Errorf("Words(1) = %v", got)
	}
	for k := 0; k <= 4; k++ {
		ws := Words(k)
		if len(ws) != 1<<(2*k)-1 {
			t.Fatalf("Words(%d) has %d words", k, len(ws))
		}
		// Strictly increasing in the lexicographic order.
		for m := 1; m < len(ws); m++ {
			if !lexLess(ws[m-1], ws[m]) {
				t.Fatalf("Words(%d)[%d] = %v is not after %v", k, m, ws[m], ws[m-1])
			}
		}
	}
}

func lexLess(a, b Word) bool {
	for k := range a.Ops {
		if a.Ops[k] != b.Ops[k] {
			return a.Ops[k] < b.Ops[k]
		}
	}
	return false
}

func randCoeffs(seed uint64, n int) []float64 {
	rng := newRNG(seed)
	c := make([]float64, n)
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	return c
}

func randComplex(seed uint64, d int) *cmat.Dense {
	rng := newRNG(seed)
	m := cmat.New(d, d)
	for i := range m.Data {
		m.Data[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return m
}

// TestCombineDense checks Combine against Σ c_m·P_m summed from the
// Kronecker-product matrices of Words(k).
func TestCombineDense(t *testing.T) {
	t.Parallel()
	for k := 0; k <= 4; k++ {
		d := 1 << k
		ws := Words(k)
		c := randCoeffs(uint64(10+k), len(ws))
		want := cmat.New(d, d)
		for m, w := range ws {
			cmat.AddScaledTo(want, want, complex(c[m], 0), w.Dense(k))
		}
		got := randComplex(20, d) // stale contents must be overwritten
		Combine(got, c)
		if diff := cmat.MaxAbsDiff(got, want); diff > 1e-13*float64(d) {
			t.Errorf("k=%d: Combine off by %g", k, diff)
		}
		if !got.IsHermitian(0) {
			t.Errorf("k=%d: Combine is not exactly Hermitian", k)
		}
	}
}

// TestProjectDense checks Project against Re⟨g, P_m⟩ computed from the
// dense words, and the adjoint identity Re⟨g, Combine(c)⟩ = Σ c_m·dst[m].
func TestProjectDense(t *testing.T) {
	t.Parallel()
	for k := 1; k <= 4; k++ {
		d := 1 << k
		ws := Words(k)
		g := randComplex(uint64(30+k), d)
		got := make([]float64, len(ws))
		Project(got, g)
		for m, w := range ws {
			want := real(cmat.Inner(g, w.Dense(k)))
			if math.Abs(got[m]-want) > 1e-12*float64(d) {
				t.Errorf("k=%d: Project[%d] (%v) = %g, want %g", k, m, w, got[m], want)
			}
		}
		c := randCoeffs(uint64(40+k), len(ws))
		comb := cmat.New(d, d)
		Combine(comb, c)
		lhs := real(cmat.Inner(g, comb))
		rhs := 0.0
		for m := range c {
			rhs += c[m] * got[m]
		}
		if math.Abs(lhs-rhs) > 1e-11*float64(d) {
			t.Errorf("k=%d: Re⟨g, Combine(c)⟩ = %g but Σ c·Project(g) = %g", k, lhs, rhs)
		}
	}
}

// TestBasisLarge runs the transforms at k = 9, where the scratch buffer
// comes from the heap, through Decompose(Combine(c)) = (0, c) and the
// adjoint identity of Project.
func TestBasisLarge(t *testing.T) {
	t.Parallel()
	k := 9
	d := 1 << k
	c := randCoeffs(90, d*d-1)
	h := cmat.New(d, d)
	Combine(h, c)
	beta := Decompose(h)
	for m := range c {
		if cmplx.Abs(beta[m+1]-complex(c[m], 0)) > 1e-13 {
			t.Fatalf("Decompose(Combine(c))[%d] = %v, want %g", m+1, beta[m+1], c[m])
		}
	}
	g := randComplex(91, d)
	p := make([]float64, d*d-1)
	Project(p, g)
	lhs, rhs := real(cmat.Inner(g, h)), 0.0
	for m := range c {
		rhs += c[m] * p[m]
	}
	if math.Abs(lhs-rhs) > 1e-9*math.Abs(lhs) {
		t.Errorf("Re⟨g, Combine(c)⟩ = %g but Σ c·Project(g) = %g", lhs, rhs)
	}
}

// TestDecompose checks Decompose against tr(P_u·a)/2ᵏ from the dense words,
// the reconstruction a = Σ α_u·P_u, and Decompose(Combine(c)) = (0, c).
func TestDecompose(t *testing.T) {
	t.Parallel()
	for k := 0; k <= 3; k++ {
		d := 1 << k
		a := randComplex(uint64(50+k), d)
		alpha := Decompose(a)
		if len(alpha) != d*d {
			t.Fatalf("k=%d: %d coefficients", k, len(alpha))
		}
		basis := append([]Word{{}}, Words(k)...)
		rebuilt := cmat.New(d, d)
		for u, w := range basis {
			p := w.Dense(k)
			want := cmat.Trace(cmat.Mul(p, a)) / complex(float64(d), 0)
			if cmplx.Abs(alpha[u]-want) > 1e-13 {
				t.Errorf("k=%d: α[%d] (%v) = %v, want %v", k, u, w, alpha[u], want)
			}
			cmat.AddScaledTo(rebuilt, rebuilt, alpha[u], p)
		}
		if diff := cmat.MaxAbsDiff(rebuilt, a); diff > 1e-13 {
			t.Errorf("k=%d: Σ α_u P_u differs from a by %g", k, diff)
		}
		if k == 0 {
			continue
		}
		c := randCoeffs(uint64(60+k), d*d-1)
		h := cmat.New(d, d)
		Combine(h, c)
		beta := Decompose(h)
		if cmplx.Abs(beta[0]) > 1e-15 {
			t.Errorf("k=%d: identity coefficient of Combine(c) = %v", k, beta[0])
		}
		for m := range c {
			if cmplx.Abs(beta[m+1]-complex(c[m], 0)) > 1e-14 {
				t.Errorf("k=%d: Decompose(Combine(c))[%d] = %v, want %g", k, m+1, beta[m+1], c[m])
			}
		}
	}
}

// TestGoldenSpecialUnitary rebuilds PennyLane's SpecialUnitary matrices,
// exp(i·Σ θ_m P_m), from Combine and cmat.Expm. This pins the word order,
// the + sign and the missing ½.
func TestGoldenSpecialUnitary(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"gate/SpecialUnitary/w01", "gate/SpecialUnitary/w20"} {
		c, err := numtest.PennyLaneCase(name)
		if err != nil {
			t.Fatal(err)
		}
		theta := c.Weights["theta"].Data
		want := c.Outputs["gate_matrix"].Complex()
		a := cmat.New(4, 4)
		Combine(a, theta)
		u := cmat.Expm(cmat.ScaleTo(nil, 1i, a))
		if d := numtest.MaxDiffC(u.Data, want); d > 1e-10 {
			t.Errorf("%s: exp(iΣθP) differs from PennyLane's matrix by %g", name, d)
		}
	}
}

func TestBasisDoesNotAllocate(t *testing.T) {
	k := 5
	d := 1 << k
	c := randCoeffs(70, d*d-1)
	m := cmat.New(d, d)
	out := make([]float64, d*d-1)
	if n := testing.AllocsPerRun(5, func() { Combine(m, c) }); n != 0 {
		t.Errorf("Combine allocates %v times", n)
	}
	if n := testing.AllocsPerRun(5, func() { Project(out, m) }); n != 0 {
		t.Errorf("Project allocates %v times", n)
	}
}

func BenchmarkCombine(b *testing.B) {
	for _, k := range []int{3, 5, 7} {
		d := 1 << k
		c := randCoeffs(80, d*d-1)
		m := cmat.New(d, d)
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Combine(m, c)
			}
		})
	}
}

func BenchmarkProject(b *testing.B) {
	for _, k := range []int{3, 5, 7} {
		d := 1 << k
		g := randComplex(81, d)
		out := make([]float64, d*d-1)
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Project(out, g)
			}
		})
	}
}

func BenchmarkDecompose(b *testing.B) {
	for _, k := range []int{3, 5, 7} {
		g := randComplex(82, 1<<k)
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Decompose(g)
			}
		})
	}
}
