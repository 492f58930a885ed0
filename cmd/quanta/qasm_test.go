package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
	"github.com/quanta-qml/quanta/qnn"
	"github.com/quanta-qml/quanta/sim"
)

// TestQASMRoundTrip exports a circuit of HQNN-Parallel, imports and runs
// the program, and compares the probabilities with a direct simulation of
// the layer's own circuit with the same weights and inputs (the oracle).
func TestQASMRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "slice.qasm")
	input := []float64{0.1, -0.2, 0.3, 0.7, 1.1}
	code, _, errOut := runCLI(t, "qasm", "export", "hqnn-parallel", "--copy", "2", "--seed", "5",
		"--input", "0.1,-0.2,0.3,0.7,1.1", "-o", path)
	if code != exitOK || !strings.Contains(errOut, "hqnn-parallel/quantum, layer 13 (qnn.Parallel, circuit 2 of 4): 5 qubits") {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "qasm", "import", path, "--run", "--all")
	if code != exitOK {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "5 qubits, 65 ops: RZ 30, CNOT 15, RY 15, RX 5" || len(lines) != 33 {
		t.Fatalf("import output:\n%s", out)
	}

	spec, err := experiment.ZooSpec("hqnn-parallel")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := spec.Config("quantum")
	m, err := spec.Build(cfg, nil, rand.New(rand.NewPCG(5, 0)).Uint64(), experiment.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	par := m.Layer.At(13).(*qnn.Parallel)
	c := par.Circuit()
	w := par.Weight.Value().Data()[2*c.NumWeights() : 3*c.NumWeights()]
	r, err := sim.Forward(c, w, input, []sim.Output{sim.Probs()}, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range r.Values() {
		f := strings.Fields(lines[1+i])
		got, err := strconv.ParseFloat(f[1], 64)
		if err != nil || math.Abs(got-p) > 1e-9 {
			t.Errorf("basis state %d: %s, want %.10f", i, lines[1+i], p)
		}
	}
}

func TestQASMImportSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bell := filepath.Join(dir, "bell.qasm")
	os.WriteFile(bell, []byte("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n"), 0o644)
	code, out, errOut := runCLI(t, "qasm", "import", bell, "--run")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "qasm-bell.golden", out)
	bad := filepath.Join(dir, "bad.qasm")
	os.WriteFile(bad, []byte("OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n"), 0o644)
	if code, _, errOut := runCLI(t, "qasm", "import", bad); code != exitError || !strings.Contains(errOut, "line 3") {
		t.Errorf("bad program: exit %d: %s", code, errOut)
	}
}

func TestQASMExportErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"qasm", "export", "hybridcnn"}, exitError, "AmplitudeEmbedding): no OpenQASM 2.0 form"},
		{[]string{"qasm", "export", "hybridnet"}, exitError, "hybridnet/L1 has no circuit-backed layer"},
		{[]string{"qasm", "export", "vqc", "--layer", "3"}, exitUsage, "--layer 3: vqc/vqc has 1 circuit-backed layers"},
		{[]string{"qasm", "export", "vqc", "--input", "1,2"}, exitUsage, "--input has 2 values; the circuit reads 5"},
		{[]string{"qasm", "export", "nope"}, exitError, `no built-in model "nope"`},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	// The VQC's circuit exports (ZZFeatureMap + EfficientSU2).
	code, out, errOut := runCLI(t, "qasm", "export", "vqc", "--input", "0.1,0.2,0.3,0.4,0.5")
	if code != exitOK || !strings.HasPrefix(out, "OPENQASM 2.0;") || !strings.Contains(out, "cx q[0],q[1];") {
		t.Fatalf("vqc export: exit %d: %s\n%s", code, errOut, out)
	}
}
