package gate_test

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/pauli"
)

// goldenGates maps each golden gate case to the gate it checks.
var goldenGates = []struct {
	cse  string
	make func() (gate.Gate, error)
}{
	{"gate/RX", byName("RX", 1)},
	{"gate/RY", byName("RY", 1)},
	{"gate/RZ", byName("RZ", 1)},
	{"gate/PhaseShift", byName("PhaseShift", 1)},
	{"gate/Rot", byName("Rot", 1)},
	{"gate/U3", byName("U3", 1)},
	{"gate/Hadamard", byName("Hadamard", 1)},
	{"gate/S", byName("S", 1)},
	{"gate/T", byName("T", 1)},
	{"gate/SX", byName("SX", 1)},
	{"gate/CNOT", byName("CNOT", 2)},
	{"gate/CY", byName("CY", 2)},
	{"gate/CZ", byName("CZ", 2)},
	{"gate/SWAP", byName("SWAP", 2)},
	{"gate/CRX", byName("CRX", 2)},
	{"gate/CRY", byName("CRY", 2)},
	{"gate/CRZ", byName("CRZ", 2)},
	{"gate/CRot", byName("CRot", 2)},
	{"gate/IsingXX", byName("IsingXX", 2)},
	{"gate/IsingYY", byName("IsingYY", 2)},
	{"gate/IsingZZ", byName("IsingZZ", 2)},
	{"gate/CNOT/w01", byName("CNOT", 2)},
	{"gate/SpecialUnitary/w01", byName("SpecialUnitary", 2)},
	{"gate/SpecialUnitary/w20", byName("SpecialUnitary", 2)},
	{"gate/Toffoli", byName("Toffoli", 3)},
	{"gate/MultiRZ", byName("MultiRZ", 3)},
	{"gate/PauliRot", func() (gate.Gate, error) { return gate.PauliRot("XYZ") }},
}

func byName(name string, wires int) func() (gate.Gate, error) {
	return func() (gate.Gate, error) { return gate.Lookup(name, wires) }
}

func TestMatrixMatchesPennyLane(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenGates {
		t.Run(tc.cse, func(t *testing.T) {
			t.Parallel()
			c, err := numtest.PennyLaneCase(tc.cse)
			if err != nil {
				t.Fatal(err)
			}
			g, err := tc.make()
			if err != nil {
				t.Fatal(err)
			}
			var name string
			if err := jsonString(c.Gate["name"], &name); err != nil {
				t.Fatal(err)
			}
			if g.Name() != name {
				t.Errorf("Name() = %q, golden gate is %q", g.Name(), name)
			}
			params := c.Weights["theta"].Data
			if g.NumParams() != len(params) {
				t.Fatalf("NumParams() = %d, golden has %d", g.NumParams(), len(params))
			}
			want := c.Outputs["gate_matrix"]
			d := 1 << g.NumWires()
			if len(want.Shape) != 2 || want.Shape[0] != d || want.Shape[1] != d {
				t.Fatalf("golden matrix shape %v for a %d-wire gate", want.Shape, g.NumWires())
			}
			got := g.Matrix(params)
			if diff := numtest.MaxDiffC(got.Data, want.Complex()); diff > 1e-12 {
				t.Errorf("matrix differs from PennyLane by %.3g\ngot  %v\nwant %v", diff, got.Data, want.Complex())
			}
		})
	}
}

// testGates returns one instance of every gate kind, with a name for the
// subtest.
func testGates(t testing.TB) []gate.Gate {
	t.Helper()
	var gs []gate.Gate
	for _, n := range gate.Names() {
		wires := 0
		switch n {
		case "MultiRZ":
			wires = 3
		case "SpecialUnitary":
			wires = 2
		}
		g, err := gate.Lookup(n, wires)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	must := func(g gate.Gate, err error) gate.Gate {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	gs = append(gs,
		gate.MultiRZ(1),
		gate.SpecialUnitary(1),
		gate.SpecialUnitary(3),
		must(gate.PauliRot("XIYZ")),
		must(gate.PauliRot("ZIZ")),
		must(gate.PauliRot("Y")),
		must(gate.QubitUnitary(randomUnitary(rand.New(rand.NewPCG(7, 1)), 2))),
		gate.EvolveImage(2, 11),
		gate.EvolveImage(1, 4),
		must(gate.EvolvePauli(2, []pauli.Word{
			{Ops: []pauli.Op{pauli.Z}, Wires: []int{0}},
			{Ops: []pauli.Op{pauli.X, pauli.Y}, Wires: []int{1, 0}},
			{Ops: []pauli.Op{pauli.Y}, Wires: []int{1}},
		})),
	)
	return gs
}

func label(g gate.Gate) string {
	if r, ok := g.(gate.Rotation); ok && g.Name() == "PauliRot" {
		s := ""
		for _, o := range r.Word().Ops {
			s += o.String()
		}
		return "PauliRot_" + s
	}
	return g.Name() + "/k=" + string(rune('0'+g.NumWires())) + "/p=" + itoa(g.NumParams())
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func randomParams(r *rand.Rand, n int) []float64 {
	p := make([]float64, n)
	for i := range p {
		p[i] = (2*r.Float64() - 1) * math.Pi
	}
	return p
}

func randomMatrix(r *rand.Rand, d int) *cmat.Dense {
	m := cmat.New(d, d)
	for i := range m.Data {
		m.Data[i] = complex(r.NormFloat64(), r.NormFloat64())
	}
	return m
}

// randomUnitary returns a Haar-ish unitary by Gram–Schmidt on a Gaussian
// matrix (columns).
func randomUnitary(r *rand.Rand, d int) *cmat.Dense {
	m := randomMatrix(r, d)
	for j := 0; j < d; j++ {
		for p := 0; p < j; p++ {
			var dot complex128
			for i := 0; i < d; i++ {
				dot += cmplx.Conj(m.At(i, p)) * m.At(i, j)
			}
			for i := 0; i < d; i++ {
				m.Set(i, j, m.At(i, j)-dot*m.At(i, p))
			}
		}
		nrm := 0.0
		for i := 0; i < d; i++ {
			nrm += real(m.At(i, j) * cmplx.Conj(m.At(i, j)))
		}
		nrm = math.Sqrt(nrm)
		for i := 0; i < d; i++ {
			m.Set(i, j, m.At(i, j)/complex(nrm, 0))
		}
	}
	return m
}

func TestEveryGateIsUnitary(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, g := range testGates(t) {
		for trial := 0; trial < 3; trial++ {
			u := g.Matrix(randomParams(r, g.NumParams()))
			d := 1 << g.NumWires()
			if u.Rows != d || u.Cols != d {
				t.Fatalf("%s: matrix %d×%d, want %d×%d", label(g), u.Rows, u.Cols, d, d)
			}
			if diff := cmat.MaxAbsDiff(cmat.Mul(cmat.Adjoint(u), u), cmat.Identity(d)); diff > 1e-12 {
				t.Errorf("%s: |U†U − I| = %.3g", label(g), diff)
			}
		}
	}
}

// reInner returns Re Σ conj(a)·b.
func reInner(a, b *cmat.Dense) float64 {
	s := 0.0
	for i := range a.Data {
		s += real(cmplx.Conj(a.Data[i]) * b.Data[i])
	}
	return s
}

func TestVJPMatchesFiniteDifferences(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for _, g := range testGates(t) {
		if g.NumParams() == 0 {
			continue
		}
		t.Run(label(g), func(t *testing.T) {
			for trial := 0; trial < 2; trial++ {
				p := randomParams(r, g.NumParams())
				ubar := randomMatrix(r, 1<<g.NumWires())
				checkVJP(t, g, p, ubar)
			}
		})
	}
}

// checkVJP compares VJP with central differences of Re⟨ū, U(θ)⟩, and checks
// that VJP adds to grad instead of overwriting it.
func checkVJP(t *testing.T, g gate.Gate, p []float64, ubar *cmat.Dense) {
	t.Helper()
	f := func(x []float64) float64 { return reInner(ubar, g.Matrix(x)) }
	want := numtest.FiniteDiff(f, append([]float64(nil), p...), 1e-6)
	got := make([]float64, len(p))
	for i := range got {
		got[i] = 1
	}
	g.VJP(p, ubar, got)
	for i := range got {
		got[i]--
	}
	if d := numtest.MaxDiff(got, want); d > 1e-7*(1+maxAbs(want)) {
		t.Errorf("%s at %v: VJP differs from finite differences by %.3g:%s", label(g), p, d, numtest.Report(got, want, 1e-7))
	}
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

// expval returns ⟨ψ|U†OU|ψ⟩.
func expval(u, o *cmat.Dense, psi []complex128) float64 {
	d := len(psi)
	phi := make([]complex128, d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			phi[i] += u.At(i, j) * psi[j]
		}
	}
	s := 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s += real(cmplx.Conj(phi[i]) * o.At(i, j) * phi[j])
		}
	}
	return s
}

func TestShiftRulesGiveExactDerivatives(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	withRule := map[string]bool{}
	for _, g := range testGates(t) {
		sr, ok := g.(gate.ShiftRuler)
		if !ok {
			continue
		}
		withRule[g.Name()] = true
		d := 1 << g.NumWires()
		for trial := 0; trial < 3; trial++ {
			psi := make([]complex128, d)
			nrm := 0.0
			for i := range psi {
				psi[i] = complex(r.NormFloat64(), r.NormFloat64())
				nrm += real(psi[i] * cmplx.Conj(psi[i]))
			}
			for i := range psi {
				psi[i] /= complex(math.Sqrt(nrm), 0)
			}
			a := randomMatrix(r, d)
			o := cmat.Mul(cmat.Adjoint(a), a) // Hermitian
			f := func(x []float64) float64 { return expval(g.Matrix(x), o, psi) }
			p := randomParams(r, g.NumParams())
			want := numtest.FiniteDiff(f, append([]float64(nil), p...), 1e-6)
			for j := range p {
				got := 0.0
				for _, s := range sr.ShiftRule(j) {
					q := append([]float64(nil), p...)
					q[j] += s.Shift
					got += s.Coeff * f(q)
				}
				if math.Abs(got-want[j]) > 1e-7*(1+math.Abs(want[j])) {
					t.Errorf("%s param %d: shift rule %.12g, finite differences %.12g", label(g), j, got, want[j])
				}
			}
		}
	}
	for _, n := range []string{"RX", "RY", "RZ", "PhaseShift", "Rot", "U3", "CRX", "CRY", "CRZ", "CRot",
		"ControlledPhaseShift", "IsingXX", "IsingYY", "IsingZZ", "MultiRZ", "PauliRot"} {
		if !withRule[n] {
			t.Errorf("%s has no shift rule", n)
		}
	}
	for _, n := range []string{"SpecialUnitary", "Evolve"} {
		if withRule[n] {
			t.Errorf("%s claims a shift rule", n)
		}
	}
}

func TestOptionalInterfacesAgreeWithMatrix(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	kinds := map[string]string{}
	for _, g := range testGates(t) {
		p := randomParams(r, g.NumParams())
		u := g.Matrix(p)
		d := 1 << g.NumWires()
		if dg, ok := g.(gate.Diagonal); ok {
			kinds[g.Name()] += "D"
			diag := make([]complex128, d)
			dg.DiagonalTo(diag, p)
			want := cmat.New(d, d)
			for i, v := range diag {
				want.Set(i, i, v)
			}
			if diff := cmat.MaxAbsDiff(u, want); diff > 1e-14 {
				t.Errorf("%s: Diagonal disagrees with Matrix by %.3g", label(g), diff)
			}
		}
		if pg, ok := g.(gate.Permutation); ok {
			kinds[g.Name()] += "P"
			perm := pg.Perm()
			want := cmat.New(d, d)
			for j, i := range perm {
				want.Set(i, j, 1)
			}
			if diff := cmat.MaxAbsDiff(u, want); diff != 0 {
				t.Errorf("%s: Permutation disagrees with Matrix", label(g))
			}
		}
		if cg, ok := g.(gate.Controlled); ok {
			kinds[g.Name()] += "C"
			c := cg.NumControls()
			dt := d >> c
			tm := cmat.New(dt, dt)
			cg.TargetTo(tm, p)
			// |1…1⟩⟨1…1| ⊗ T + (I − |1…1⟩⟨1…1|) ⊗ I.
			proj := cmat.New(1<<c, 1<<c)
			proj.Set(1<<c-1, 1<<c-1, 1)
			rest := cmat.Identity(1 << c)
			rest.Set(1<<c-1, 1<<c-1, 0)
			want := cmat.Kron(proj, tm)
			restI := cmat.Kron(rest, cmat.Identity(dt))
			for i := range want.Data {
				want.Data[i] += restI.Data[i]
			}
			if diff := cmat.MaxAbsDiff(u, want); diff > 1e-15 {
				t.Errorf("%s: Controlled disagrees with Matrix by %.3g", label(g), diff)
			}
		}
		if rg, ok := g.(gate.Rotation); ok {
			kinds[g.Name()] += "R"
			w := rg.Word()
			pm := wordMatrix(w, g.NumWires())
			s, c := math.Sincos(p[0] / 2)
			want := cmat.Identity(d)
			for i := range want.Data {
				want.Data[i] = complex(c, 0)*want.Data[i] + complex(0, -s)*pm.Data[i]
			}
			if diff := cmat.MaxAbsDiff(u, want); diff > 1e-14 {
				t.Errorf("%s: Rotation word %v disagrees with Matrix by %.3g", label(g), w.Ops, diff)
			}
		}
	}
	want := map[string]string{
		"PauliX": "P", "CNOT": "PC", "SWAP": "P", "Toffoli": "PC", "CZ": "DC", "CRZ": "DC", "CRX": "C",
		"CY": "C", "CRot": "C", "ControlledPhaseShift": "DC", "RZ": "DR", "RX": "R", "IsingZZ": "DR",
		"IsingXX": "R", "PhaseShift": "D", "S": "D", "Identity": "D", "Hadamard": "", "U3": "",
	}
	for name, k := range want {
		if kinds[name] != k {
			t.Errorf("%s implements %q, want %q (D=Diagonal P=Permutation C=Controlled R=Rotation)", name, kinds[name], k)
		}
	}
}

// wordMatrix builds the 2ᵏ×2ᵏ matrix of a Pauli word by Kronecker products,
// the first wire being the most significant factor.
func wordMatrix(w pauli.Word, k int) *cmat.Dense {
	letters := make([]pauli.Op, k)
	for p, wire := range w.Wires {
		letters[wire] = w.Ops[p]
	}
	m := cmat.Identity(1)
	for _, o := range letters {
		m = cmat.Kron(m, pauliMatrix(o))
	}
	return m
}

func pauliMatrix(o pauli.Op) *cmat.Dense {
	switch o {
	case pauli.X:
		return cmat.NewFrom(2, 2, []complex128{0, 1, 1, 0})
	case pauli.Y:
		return cmat.NewFrom(2, 2, []complex128{0, -1i, 1i, 0})
	case pauli.Z:
		return cmat.NewFrom(2, 2, []complex128{1, 0, 0, -1})
	}
	return cmat.Identity(2)
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		wires int
		want  string
	}{
		{"X", 0, "PauliX"}, {"H", 1, "Hadamard"}, {"Sdg", 0, "Adjoint(S)"}, {"Tdg", 0, "Adjoint(T)"},
		{"SXdg", 0, "Adjoint(SX)"}, {"CX", 2, "CNOT"}, {"CCX", 0, "Toffoli"}, {"I", 0, "Identity"},
		{"MultiRZ", 4, "MultiRZ"}, {"SpecialUnitary", 1, "SpecialUnitary"},
	} {
		g, err := gate.Lookup(tc.name, tc.wires)
		if err != nil {
			t.Errorf("Lookup(%q, %d): %v", tc.name, tc.wires, err)
			continue
		}
		if g.Name() != tc.want {
			t.Errorf("Lookup(%q) = %s, want %s", tc.name, g.Name(), tc.want)
		}
		if tc.wires != 0 && g.NumWires() != tc.wires {
			t.Errorf("Lookup(%q, %d) has %d wires", tc.name, tc.wires, g.NumWires())
		}
	}
	if _, err := gate.Lookup("rx", 1); !errors.Is(err, gate.ErrUnknown) {
		t.Errorf("Lookup(rx) error %v, want ErrUnknown", err)
	}
	for _, tc := range []struct {
		name  string
		wires int
	}{{"CNOT", 3}, {"MultiRZ", 0}, {"SpecialUnitary", 8}, {"PauliRot", 2}, {"Evolve", 2}} {
		if g, err := gate.Lookup(tc.name, tc.wires); err == nil {
			t.Errorf("Lookup(%q, %d) = %s, want an error", tc.name, tc.wires, g.Name())
		}
	}
	if _, err := gate.PauliRot("XQ"); err == nil {
		t.Error("PauliRot(XQ) did not fail")
	}
	if _, err := gate.PauliRot(""); err == nil {
		t.Error("PauliRot of an empty word did not fail")
	}
}

func TestQubitUnitaryValidates(t *testing.T) {
	t.Parallel()
	if _, err := gate.QubitUnitary(cmat.NewFrom(2, 2, []complex128{1, 1, 0, 1})); err == nil {
		t.Error("non-unitary matrix accepted")
	}
	if _, err := gate.QubitUnitary(cmat.Identity(3)); err == nil {
		t.Error("3×3 matrix accepted")
	}
	if _, err := gate.QubitUnitary(cmat.New(2, 4)); err == nil {
		t.Error("non-square matrix accepted")
	}
	nan := cmat.Identity(2)
	nan.Set(0, 1, cmplx.NaN())
	if _, err := gate.QubitUnitary(nan); err == nil {
		t.Error("NaN matrix accepted")
	}
	u := randomUnitary(rand.New(rand.NewPCG(1, 1)), 4)
	g, err := gate.QubitUnitary(u)
	if err != nil {
		t.Fatal(err)
	}
	orig := u.Clone()
	u.Set(0, 0, 42)
	if diff := cmat.MaxAbsDiff(g.Matrix(nil), orig); diff != 0 {
		t.Error("QubitUnitary did not copy its matrix")
	}
	if g.NumWires() != 2 || g.NumParams() != 0 {
		t.Errorf("QubitUnitary on 4×4: %d wires, %d params", g.NumWires(), g.NumParams())
	}
}

func TestCallerMistakesPanic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"params", func() { gate.RX().Matrix([]float64{1, 2}) }},
		{"dst", func() { gate.CNOT().MatrixTo(cmat.New(2, 2), nil) }},
		{"ubar", func() { gate.Rot().VJP([]float64{1, 2, 3}, cmat.New(4, 4), make([]float64, 3)) }},
		{"grad", func() { gate.CRX().VJP([]float64{1}, cmat.New(4, 4), make([]float64, 2)) }},
		{"MultiRZ", func() { gate.MultiRZ(0) }},
		{"SpecialUnitary", func() { gate.SpecialUnitary(8) }},
		{"EvolveImage", func() { gate.EvolveImage(2, 17) }},
	} {
		func() {
			defer func() {
				r := recover()
				s, _ := r.(string)
				if len(s) < 5 || s[:5] != "gate:" {
					t.Errorf("%s: panic %v, want a message starting with gate:", tc.name, r)
				}
			}()
			tc.f()
		}()
	}
}

func TestKernelsDoNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, name := range []string{"RX", "RZ", "Rot", "U3", "CRX", "CRot", "IsingYY", "CNOT", "Toffoli", "Hadamard"} {
		g, err := gate.Lookup(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		d := 1 << g.NumWires()
		p := randomParams(r, g.NumParams())
		m := cmat.New(d, d)
		ubar := randomMatrix(r, d)
		grad := make([]float64, g.NumParams())
		if a := testing.AllocsPerRun(20, func() { g.MatrixTo(m, p) }); a != 0 {
			t.Errorf("%s.MatrixTo allocates %.0f times", name, a)
		}
		if a := testing.AllocsPerRun(20, func() { g.VJP(p, ubar, grad) }); a != 0 {
			t.Errorf("%s.VJP allocates %.0f times", name, a)
		}
	}
}
