package circuit_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/internal/numtest"
)

func mustBuild(t testing.TB, b *circuit.Builder) *circuit.Circuit {
	t.Helper()
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQASMExportText(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(3)
	in := b.AddInputs(1)
	w := b.AddWeights(3)
	b.Append(gate.RY(), []int{0}, circuit.Affine(2, in, 0, 0, 0))
	b.Append(gate.Rot(), []int{2}, circuit.Weight(w), circuit.Weight(w+1), circuit.Weight(w+2))
	b.Append(gate.CNOT(), []int{2, 0})
	b.Append(gate.PhaseShift(), []int{1}, circuit.Const(-0.125))
	b.Append(gate.MultiRZ(3), []int{0, 2, 1}, circuit.Const(1e-7))
	b.Append(gate.IsingYY(), []int{1, 0}, circuit.Const(0.5))
	got, err := mustBuild(t, b).QASM([]float64{0.25}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	want := `OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
ry(0.5) q[0];
rz(1) q[2];
ry(2) q[2];
rz(3) q[2];
cx q[2],q[0];
u1(-0.125) q[1];
cx q[0],q[2];
cx q[2],q[1];
rz(1e-07) q[1];
cx q[2],q[1];
cx q[0],q[2];
rx(1.5707963267948966) q[1];
rx(1.5707963267948966) q[0];
rzz(0.5) q[1],q[0];
rx(-1.5707963267948966) q[1];
rx(-1.5707963267948966) q[0];
`
	if got != want {
		t.Errorf("QASM:\n%s\nwant:\n%s", got, want)
	}
}

func TestQASMExportRejects(t *testing.T) {
	t.Parallel()
	su := circuit.NewBuilder(2)
	su.AddWeights(15)
	ps := make([]circuit.Param, 15)
	su.Append(gate.SpecialUnitary(2), []int{0, 1}, ps...)
	amp := circuit.NewBuilder(1)
	amp.AddInputs(2)
	amp.AmplitudeEmbedding([]int{0}, []int{0, 1}, circuit.Amplitude{Normalize: true})
	ident, err := gate.PauliRot("II")
	if err != nil {
		t.Fatal(err)
	}
	pr := circuit.NewBuilder(2)
	pr.Append(ident, []int{0, 1}, circuit.Const(1))
	u, err := gate.QubitUnitary(gate.Hadamard().Matrix(nil))
	if err != nil {
		t.Fatal(err)
	}
	qu := circuit.NewBuilder(1)
	qu.Append(gate.PauliX(), []int{0})
	qu.Append(u, []int{0})
	for name, tc := range map[string]struct {
		b    *circuit.Builder
		in   []float64
		want string
	}{
		"SpecialUnitary": {su, nil, "op 0 (SpecialUnitary)"},
		"amplitude":      {amp, []float64{1, 1}, "op 0 (AmplitudeEmbedding)"},
		"identity word":  {pr, nil, "op 0 (PauliRot): an all-identity PauliRot"},
		"QubitUnitary":   {qu, nil, "op 1 (QubitUnitary)"},
	} {
		c := mustBuild(t, tc.b)
		_, err := c.QASM(tc.in, make([]float64, c.NumWeights()))
		if !errors.Is(err, circuit.ErrNoQASM) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrNoQASM naming %q", name, err, tc.want)
		}
	}
	if _, err := mustBuild(t, amp).QASM(nil, nil); err == nil {
		t.Error("QASM with missing inputs did not fail")
	}
}

// exportable returns a circuit on 4 wires with every exportable gate, with
// random parameters.
func exportable(t testing.TB, r *rand.Rand) *circuit.Circuit {
	t.Helper()
	b := circuit.NewBuilder(4)
	pr, err := gate.PauliRot("XIYZ")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		g     gate.Gate
		wires []int
	}{
		{gate.Hadamard(), []int{0}}, {gate.Hadamard(), []int{1}}, {gate.RY(), []int{2}}, {gate.RX(), []int{3}},
		{gate.Identity(), []int{2}}, {gate.PauliX(), []int{1}}, {gate.PauliY(), []int{3}}, {gate.PauliZ(), []int{0}},
		{gate.S(), []int{2}}, {gate.Sdg(), []int{1}}, {gate.T(), []int{0}}, {gate.Tdg(), []int{3}},
		{gate.SX(), []int{2}}, {gate.SXdg(), []int{0}}, {gate.RZ(), []int{1}}, {gate.PhaseShift(), []int{3}},
		{gate.U3(), []int{2}}, {gate.Rot(), []int{1}}, {gate.CNOT(), []int{3, 0}}, {gate.CY(), []int{1, 2}},
		{gate.CZ(), []int{0, 3}}, {gate.SWAP(), []int{2, 0}}, {gate.CRX(), []int{0, 1}}, {gate.CRY(), []int{3, 2}},
		{gate.CRZ(), []int{2, 1}}, {gate.CRot(), []int{1, 3}}, {gate.ControlledPhaseShift(), []int{0, 2}},
		{gate.IsingXX(), []int{3, 1}}, {gate.IsingYY(), []int{0, 2}}, {gate.IsingZZ(), []int{1, 0}},
		{gate.Toffoli(), []int{2, 0, 3}}, {gate.MultiRZ(1), []int{3}}, {gate.MultiRZ(2), []int{2, 3}},
		{gate.MultiRZ(4), []int{1, 3, 0, 2}}, {pr, []int{3, 1, 0, 2}},
	} {
		ps := make([]circuit.Param, tc.g.NumParams())
		for j := range ps {
			ps[j] = circuit.Const((2*r.Float64() - 1) * math.Pi)
		}
		b.Append(tc.g, tc.wires, ps...)
	}
	return mustBuild(t, b)
}

func unitary(t testing.TB, c *circuit.Circuit) *cmat.Dense {
	t.Helper()
	u, err := densesim.Unitary(c, make([]float64, c.NumInputs()), make([]float64, c.NumWeights()))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// An exported circuit, read back, has exactly the same matrix: the export
// and the import mappings carry no global phase.
func TestQASMRoundTripKeepsTheUnitary(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 3; trial++ {
		c := exportable(t, r)
		src, err := c.QASM(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		back, err := circuit.ParseQASM(src)
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if d := cmat.MaxAbsDiff(unitary(t, c), unitary(t, back)); d > 1e-12 {
			t.Errorf("round trip changed the unitary by %.3g", d)
		}
	}
}

// The import conventions: U and u3 are PennyLane's U3, u2(φ, λ) is
// U3(π/2, φ, λ), u1 and p are PhaseShift, rz is RZ; checked on matrices.
func TestQASMImportConventions(t *testing.T) {
	t.Parallel()
	a, bb, c := 0.3, -1.1, 2.4
	for _, tc := range []struct {
		src  string
		want *cmat.Dense
	}{
		{"U(0.3,-1.1,2.4) q[0];", gate.U3().Matrix([]float64{a, bb, c})},
		{"u3(0.3,-1.1,2.4) q[0];", gate.U3().Matrix([]float64{a, bb, c})},
		{"u2(-1.1,2.4) q[0];", gate.U3().Matrix([]float64{math.Pi / 2, bb, c})},
		{"u1(0.3) q[0];", gate.PhaseShift().Matrix([]float64{a})},
		{"p(0.3) q[0];", gate.PhaseShift().Matrix([]float64{a})},
		{"rz(0.3) q[0];", gate.RZ().Matrix([]float64{a})},
		{"sxdg q[0];", cmat.Adjoint(gate.SX().Matrix(nil))},
		{"tdg q[0];", cmat.Adjoint(gate.T().Matrix(nil))},
	} {
		circ, err := circuit.ParseQASM("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\n" + tc.src)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmat.MaxAbsDiff(unitary(t, circ), tc.want); d > 1e-15 {
			t.Errorf("%s: matrix differs by %.3g", tc.src, d)
		}
	}
}

func TestParseQASMProgram(t *testing.T) {
	t.Parallel()
	src := `// a test program
OPENQASM 2.0;
include "qelib1.inc";
qreg a[2];
qreg b[2];
creg c[2];
h a;                       // broadcast over a
cx a, b;                   // pairwise: a[0]→b[0], a[1]→b[1]
rx(-pi/2) b[1];
ry(2^-1 + sqrt(4)*cos(0)) a[0];
rz(.5e1 - -1) b[0];
U(pi, 0, pi) a[1];
CX b[0], a[0];
barrier a, b[1];
measure b -> c;
measure a[1] -> c[0];
`
	c, err := circuit.ParseQASM(src)
	if err != nil {
		t.Fatal(err)
	}
	if c.NumWires() != 4 || c.NumInputs() != 0 || c.NumWeights() != 0 {
		t.Fatalf("%d wires, %d inputs, %d weights", c.NumWires(), c.NumInputs(), c.NumWeights())
	}
	want := []struct {
		name   string
		wires  []int
		params []float64
	}{
		{"Hadamard", []int{0}, nil}, {"Hadamard", []int{1}, nil},
		{"CNOT", []int{0, 2}, nil}, {"CNOT", []int{1, 3}, nil},
		{"RX", []int{3}, []float64{-math.Pi / 2}},
		{"RY", []int{0}, []float64{2.5}},
		{"RZ", []int{2}, []float64{6}},
		{"U3", []int{1}, []float64{math.Pi, 0, math.Pi}},
		{"CNOT", []int{2, 0}, nil},
	}
	if c.NumOps() != len(want) {
		t.Fatalf("%d ops:\n%s", c.NumOps(), c)
	}
	for i, w := range want {
		o := c.Op(i)
		p := make([]float64, o.NumParams())
		o.Params(p, nil, nil)
		if o.Name() != w.name || numtest.MaxDiff(toF(o.Wires()), toF(w.wires)) != 0 || numtest.MaxDiff(p, nilToEmpty(w.params)) > 1e-15 {
			t.Errorf("op %d: %s %v %v, want %s %v %v", i, o.Name(), o.Wires(), p, w.name, w.wires, w.params)
		}
	}
}

func toF(x []int) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func nilToEmpty(x []float64) []float64 {
	if x == nil {
		return []float64{}
	}
	return x
}

func TestParseQASMErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	const head = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\n"
	for _, tc := range []struct {
		src, want string
	}{
		{"qreg q[1];", "line 1:1: expected the header OPENQASM 2.0;"},
		{"OPENQASM 3.0;", "line 1:10: only OPENQASM 2.0 is supported"},
		{"OPENQASM 2.0;\ninclude \"stdgates.inc\";", "line 2:9: only qelib1.inc can be included"},
		{"OPENQASM 2.0;\nqreg q[1];\nh q[0];", "line 3:1: gate h needs include \"qelib1.inc\""},
		{head + "gate g a { h a; }", "line 4:1: gate is not supported"},
		{head + "opaque g a;", "line 4:1: opaque is not supported"},
		{head + "creg c[1];\nif (c==1) x q[0];", "line 5:1: if is not supported"},
		{head + "reset q[0];", "line 4:1: reset is not supported"},
		{head + "cu3(1,2,3) q[0],q[1];", "line 4:1: gate cu3 is not supported"},
		{head + "h r[0];", "line 4:3: undeclared register r"},
		{head + "h q[2];", "line 4:5: index 2 out of range for q[2]"},
		{head + "rx q[0];", "line 4:1: gate rx takes 1 parameters, found 0"},
		{head + "cx q[0];", "line 4:1: gate cx acts on 2 qubits, found 1 arguments"},
		{head + "cx q[1], q[1];", "line 4:1: gate cx uses qubit 1 twice"},
		{head + "creg c[2];\nmeasure q[0] -> c[0];\nh q[0];", "line 6:1: gate h on qubit 0 after it was measured"},
		{head + "qreg r[3];\ncx q, r;", "line 5:7: registers q and r differ in size"},
		{head + "rx(0/0) q[0];", "line 4:4: parameter evaluates to NaN"},
		{head + "rx(1/0) q[0];", "line 4:4: parameter evaluates to +Inf"},
		{head + "rx(foo) q[0];", "line 4:4: unknown name foo in an expression"},
		{head + "rx(1 q[0];", "line 4:6: expected \")\", found \"q\""},
		{head + "h q[0]", "line 4:7: expected \";\", found end of input"},
		{head + "h q[0]; $", "line 4:9: unexpected character '$'"},
		{head + "include \"qelib1.inc", "line 4:9: unterminated string"},
		{head + "qreg q[1];", "line 4:6: register q declared twice"},
		{head + "qreg big[2000];", "line 4:10: more than 1024 qubits"},
		{head + "creg c[1];\nh c[0];", "line 5:3: c is not a quantum register"},
		{head + "rx(" + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200) + ") q[0];", "expression nested more than 100 deep"},
	} {
		_, err := circuit.ParseQASM(tc.src)
		if err == nil || !errors.Is(err, circuit.ErrQASM) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseQASM(%q): error %v, want one containing %q", tc.src, err, tc.want)
		}
	}
}

func FuzzParseQASM(f *testing.F) {
	f.Add("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\nh q;\ncx q[0],q[2];\nrx(pi/3) q[1];\n")
	f.Add("OPENQASM 2.0;\nqreg q[2];\nU(1,2,3) q[0];\nCX q[0],q[1];\n")
	f.Add("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg a[2];\nqreg b[2];\ncreg c[2];\nryy(-2^0.5) a,b;\nu2(0,pi) b[1];\nccx a[0],a[1],b[0];\nmeasure a -> c;\n")
	f.Add("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncu1(sin(1)*ln(2)) q[1],q[0];\nswap q[0],q[1];\nbarrier q;\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := circuit.ParseQASM(src)
		if err != nil {
			if !errors.Is(err, circuit.ErrQASM) {
				t.Fatalf("error %v does not wrap ErrQASM", err)
			}
			return
		}
		out, err := c.QASM(nil, nil)
		if err != nil {
			t.Fatalf("parsed circuit does not export: %v", err)
		}
		back, err := circuit.ParseQASM(out)
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s", err, out)
		}
		again, err := back.QASM(nil, nil)
		if err != nil || again != out {
			t.Fatalf("second export differs (%v):\n%s\n%s", err, out, again)
		}
		if c.NumWires() <= 4 && c.NumOps() <= 64 {
			if d := cmat.MaxAbsDiff(unitary(t, c), unitary(t, back)); d > 1e-9 {
				t.Fatalf("round trip changed the unitary by %.3g\n%s", d, out)
			}
		}
	})
}
