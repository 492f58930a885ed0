package ansatz_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/internal/numtest"
)

func inputs(b *circuit.Builder, n int) []int {
	x0 := b.AddInputs(n)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = x0 + i
	}
	return idx
}

func build(t *testing.T, b *circuit.Builder) *circuit.Circuit {
	t.Helper()
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// summary lists "Name[wires]" for each op, for structural comparisons.
func summary(c *circuit.Circuit) string {
	s := make([]string, c.NumOps())
	for i := range s {
		o := c.Op(i)
		s[i] = fmt.Sprintf("%s%v", o.Name(), o.Wires())
	}
	return strings.Join(s, " ")
}

func TestStronglyEntanglingDefaultRanges(t *testing.T) {
	t.Parallel()
	// PennyLane: r_l = (l mod (n−1)) + 1, so 1, 2, 1, 2 on three wires.
	b := circuit.NewBuilder(3)
	if _, err := ansatz.StronglyEntanglingLayers(b, nil, 4, ansatz.StrongOptions{}); err != nil {
		t.Fatal(err)
	}
	c := build(t, b)
	var got []string
	for i := 0; i < c.NumOps(); i++ {
		if o := c.Op(i); o.Name() == "CNOT" {
			got = append(got, fmt.Sprint(o.Wires()))
		}
	}
	want := "[0 1] [1 2] [2 0] [0 2] [1 0] [2 1] [0 1] [1 2] [2 0] [0 2] [1 0] [2 1]"
	if strings.Join(got, " ") != want {
		t.Errorf("CNOTs %v, want %s", got, want)
	}
	// One wire: no entanglers. CZ as imprimitive.
	b1 := circuit.NewBuilder(1)
	if _, err := ansatz.StronglyEntanglingLayers(b1, nil, 2, ansatz.StrongOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := summary(build(t, b1)); s != "Rot[0] Rot[0]" {
		t.Errorf("one wire: %s", s)
	}
	bz := circuit.NewBuilder(2)
	if _, err := ansatz.StronglyEntanglingLayers(bz, nil, 1, ansatz.StrongOptions{Imprimitive: gate.CZ()}); err != nil {
		t.Fatal(err)
	}
	if s := summary(build(t, bz)); s != "Rot[0] Rot[1] CZ[0 1] CZ[1 0]" {
		t.Errorf("CZ imprimitive: %s", s)
	}
}

func TestRingSpecialCases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want string
	}{
		{1, "RX[0]"},
		{2, "RX[0] RX[1] CNOT[0 1]"},
		{3, "RX[0] RX[1] RX[2] CNOT[0 1] CNOT[1 2] CNOT[2 0]"},
	} {
		b := circuit.NewBuilder(tc.n)
		if _, err := ansatz.BasicEntanglerLayers(b, nil, 1, ansatz.BasicOptions{}); err != nil {
			t.Fatal(err)
		}
		if s := summary(build(t, b)); s != tc.want {
			t.Errorf("BasicEntanglerLayers n=%d: %s, want %s", tc.n, s, tc.want)
		}
		h := circuit.NewBuilder(tc.n)
		if _, err := ansatz.HardwareEfficient(h, nil, 1); err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(tc.want, "RX[0]", "RX[0] RY[0] RZ[0]")
		want = strings.ReplaceAll(want, "RX[1]", "RX[1] RY[1] RZ[1]")
		want = strings.ReplaceAll(want, "RX[2]", "RX[2] RY[2] RZ[2]")
		if s := summary(build(t, h)); s != want {
			t.Errorf("HardwareEfficient n=%d: %s, want %s", tc.n, s, want)
		}
	}
}

// zzState is the ZZ feature map state in closed form: each repetition is
// H^{⊗n} followed by the diagonal exp(i Σ_k x_k (1 − z_k) + i Σ_pairs
// φ_ab (1 − z_a z_b)) with z = ±1 the eigenvalue of Z and φ_ab =
// (π − x_a)(π − x_b), because CX·P(2φ)_target·CX = e^{iφ(1 − Z_a Z_b)}.
func zzState(x []float64, pairs [][2]int, reps int) []complex128 {
	n := len(x)
	d := 1 << n
	psi := make([]complex128, d)
	psi[0] = 1
	h := gate.Hadamard().Matrix(nil)
	hn := cmat.Identity(1)
	for i := 0; i < n; i++ {
		hn = cmat.Kron(hn, h)
	}
	for r := 0; r < reps; r++ {
		psi = cmat.Mul(hn, cmat.NewFrom(d, 1, psi)).Data
		for j := range psi {
			z := make([]float64, n)
			for k := range z {
				z[k] = 1 - 2*float64((j>>(n-1-k))&1)
			}
			phase := 0.0
			for k := range x {
				phase += x[k] * (1 - z[k])
			}
			for _, p := range pairs {
				phase += (math.Pi - x[p[0]]) * (math.Pi - x[p[1]]) * (1 - z[p[0]]*z[p[1]])
			}
			psi[j] *= cmplx.Exp(complex(0, phase))
		}
	}
	return psi
}

func TestZZFeatureMapClosedForm(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		ent   string
		pairs [][2]int
		reps  int
	}{
		{"", [][2]int{{0, 1}, {0, 2}, {1, 2}}, 0},
		{"linear", [][2]int{{0, 1}, {1, 2}}, 1},
		{"reverse_linear", [][2]int{{1, 2}, {0, 1}}, 3},
		{"circular", [][2]int{{2, 0}, {0, 1}, {1, 2}}, 2},
	} {
		b := circuit.NewBuilder(3)
		x := inputs(b, 3)
		if err := ansatz.ZZFeatureMap(b, nil, x, ansatz.ZZOptions{Reps: tc.reps, Entanglement: tc.ent}); err != nil {
			t.Fatal(err)
		}
		reps := tc.reps
		if reps == 0 {
			reps = 2
		}
		xv := []float64{r.Float64() * math.Pi, r.Float64() * math.Pi, r.Float64() * math.Pi}
		psi, err := densesim.State(build(t, b), xv, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := numtest.MaxDiffC(psi, zzState(xv, tc.pairs, reps)); d > 1e-12 {
			t.Errorf("%q reps %d: state differs from the closed form by %.3g", tc.ent, reps, d)
		}
	}
}

// The gate sequence of Qiskit's documentation figure (3 qubits, 1
// repetition, linear entanglement).
func TestZZFeatureMapGateOrder(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(3)
	x := inputs(b, 3)
	if err := ansatz.ZZFeatureMap(b, nil, x, ansatz.ZZOptions{Reps: 1, Entanglement: "linear"}); err != nil {
		t.Fatal(err)
	}
	c := build(t, b)
	want := "Hadamard[0] Hadamard[1] Hadamard[2] PhaseShift[0] PhaseShift[1] PhaseShift[2] " +
		"CNOT[0 1] PhaseShift[1] CNOT[0 1] CNOT[1 2] PhaseShift[2] CNOT[1 2]"
	if s := summary(c); s != want {
		t.Errorf("ops %s\nwant %s", s, want)
	}
	p := make([]float64, 1)
	c.Op(7).Params(p, []float64{0.5, 1.5, 2}, nil)
	if w := 2 * (math.Pi - 0.5) * (math.Pi - 1.5); math.Abs(p[0]-w) > 1e-15 {
		t.Errorf("pair angle %g, want 2(π − x0)(π − x1) = %g", p[0], w)
	}
}

func TestEfficientSU2(t *testing.T) {
	t.Parallel()
	// Qiskit's figure: RY(θ0..2), RZ(θ3..5), CX(1,2), CX(0,1), then the
	// next rotation layer from θ6.
	b := circuit.NewBuilder(3)
	w0, err := ansatz.EfficientSU2(b, nil, ansatz.SU2Options{Reps: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := build(t, b)
	want := "RY[0] RY[1] RY[2] RZ[0] RZ[1] RZ[2] CNOT[1 2] CNOT[0 1] RY[0] RY[1] RY[2] RZ[0] RZ[1] RZ[2]"
	if s := summary(c); s != want || w0 != 0 || c.NumWeights() != 12 {
		t.Errorf("ops %s (%d weights)\nwant %s", s, c.NumWeights(), want)
	}
	for i := 0; i < c.NumOps(); i++ {
		o := c.Op(i)
		if o.NumParams() == 1 {
			k := i
			if i > 7 {
				k = i - 2
			}
			if p := o.Param(0); p != circuit.Weight(k) {
				t.Errorf("op %d uses %v, want θ[%d]", i, p, k)
			}
		}
	}
	for _, tc := range []struct {
		opt     ansatz.SU2Options
		weights int
		cnots   string
	}{
		{ansatz.SU2Options{}, 4 * 2 * 4, "CNOT[2 3] CNOT[1 2] CNOT[0 1]"},
		{ansatz.SU2Options{Reps: 2, SkipFinalRotation: true, Gates: []string{"X"}}, 2 * 4, "CNOT[2 3] CNOT[1 2] CNOT[0 1]"},
		{ansatz.SU2Options{Reps: 1, Entanglement: "circular"}, 2 * 2 * 4, "CNOT[3 0] CNOT[0 1] CNOT[1 2] CNOT[2 3]"},
		{ansatz.SU2Options{Reps: 1, Entanglement: "full"}, 2 * 2 * 4, "CNOT[0 1] CNOT[0 2] CNOT[0 3] CNOT[1 2] CNOT[1 3] CNOT[2 3]"},
	} {
		b := circuit.NewBuilder(4)
		if _, err := ansatz.EfficientSU2(b, nil, tc.opt); err != nil {
			t.Fatal(err)
		}
		c := build(t, b)
		if !strings.Contains(summary(c), tc.cnots) || c.NumWeights() != tc.weights {
			t.Errorf("%+v: %d weights, ops %s", tc.opt, c.NumWeights(), summary(c))
		}
	}
}

// One wire: the re-uploading block is Π_l Rot(a·x + θ_l), checked against
// the product of the Rot matrices.
func TestDataReuploadingSingleQubit(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(1)
	x := inputs(b, 2) // the third angle of each layer is pure θ
	w0, err := ansatz.DataReuploading(b, nil, x, 3, ansatz.ReuploadOptions{Scale: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	c := build(t, b)
	xv := []float64{0.7, -1.3}
	th := []float64{0.1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.9, -0.8, 0.7}
	psi, err := densesim.State(c, xv, th)
	if err != nil {
		t.Fatal(err)
	}
	u := cmat.Identity(2)
	for l := 0; l < 3; l++ {
		ang := []float64{0.5*xv[0] + th[w0+3*l], 0.5*xv[1] + th[w0+3*l+1], th[w0+3*l+2]}
		u = cmat.Mul(gate.Rot().Matrix(ang), u)
	}
	if d := numtest.MaxDiffC(psi, []complex128{u.At(0, 0), u.At(1, 0)}); d > 1e-14 {
		t.Errorf("state differs from Π Rot(a·x + θ) by %.3g", d)
	}
	b2 := circuit.NewBuilder(3)
	if _, err := ansatz.DataReuploading(b2, nil, inputs(b2, 9), 2, ansatz.ReuploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := summary(build(t, b2)); s != "Rot[0] Rot[1] Rot[2] CZ[0 1] CZ[1 2] Rot[0] Rot[1] Rot[2]" {
		t.Errorf("two layers on three wires: %s", s)
	}
}

func TestHamiltonianEmbedding(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	x := inputs(b, 6)
	w := b.AddWeights(1)
	if err := ansatz.HamiltonianEmbedding(b, nil, x, circuit.Param{B: -1, W: w}); err != nil {
		t.Fatal(err)
	}
	xv := []float64{0.3, -0.2, 0.8, 0.1, 0.5, -0.7}
	psi, err := densesim.State(build(t, b), xv, []float64{0.9})
	if err != nil {
		t.Fatal(err)
	}
	// exp(+i·0.9·H) with H = (D + Dᵀ)/2 from x padded to 4×4.
	dm := make([]float64, 16)
	copy(dm, xv)
	a := cmat.New(4, 4)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			a.Set(i, j, complex(0, 0.9*(dm[4*i+j]+dm[4*j+i])/2))
		}
	}
	u := cmat.Expm(a)
	want := []complex128{u.At(0, 0), u.At(1, 0), u.At(2, 0), u.At(3, 0)}
	if d := numtest.MaxDiffC(psi, want); d > 1e-12 {
		t.Errorf("state differs from expm(+itH)|0⟩ by %.3g", d)
	}
}

func TestEmbeddingOptions(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(4)
	x := inputs(b, 4)
	if err := ansatz.AngleEmbedding(b, []int{3, 1, 0}, x[:2], ansatz.AngleOptions{Rotation: "Y", Scale: 0.5}); err != nil {
		t.Fatal(err)
	}
	if err := ansatz.IQPEmbedding(b, []int{0, 2}, x[2:], ansatz.IQPOptions{Pattern: [][2]int{{2, 0}}}); err != nil {
		t.Fatal(err)
	}
	c := build(t, b)
	if s := summary(c); s != "RY[3] RY[1] Hadamard[0] RZ[0] Hadamard[2] RZ[2] MultiRZ[2 0]" {
		t.Errorf("ops %s", s)
	}
	p := make([]float64, 1)
	xv := []float64{1, 2, 3, 4}
	c.Op(1).Params(p, xv, nil)
	if p[0] != 1 {
		t.Errorf("scaled angle %g, want 0.5·x[1] = 1", p[0])
	}
	c.Op(6).Params(p, xv, nil)
	if p[0] != 12 {
		t.Errorf("IQP product %g, want x[2]·x[3] = 12", p[0])
	}
}

func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func(b *circuit.Builder) error
		want string
	}{
		{"angle rotation", func(b *circuit.Builder) error {
			return ansatz.AngleEmbedding(b, nil, inputs(b, 1), ansatz.AngleOptions{Rotation: "W"})
		}, "AngleEmbedding: rotation \"W\""},
		{"angle features", func(b *circuit.Builder) error {
			return ansatz.AngleEmbedding(b, nil, inputs(b, 4), ansatz.AngleOptions{})
		}, "4 features for 3 wires"},
		{"amplitude first", func(b *circuit.Builder) error {
			b.Append(gate.Hadamard(), []int{0})
			return ansatz.AmplitudeEmbedding(b, nil, inputs(b, 8), circuit.Amplitude{})
		}, "must be the first op"},
		{"amplitude size", func(b *circuit.Builder) error {
			return ansatz.AmplitudeEmbedding(b, nil, inputs(b, 5), circuit.Amplitude{Normalize: true})
		}, "5 features for 3 wires"},
		{"iqp pattern", func(b *circuit.Builder) error {
			return ansatz.IQPEmbedding(b, nil, inputs(b, 3), ansatz.IQPOptions{Pattern: [][2]int{{0, 0}}})
		}, "pattern pair [0 0]"},
		{"sel ranges", func(b *circuit.Builder) error {
			_, err := ansatz.StronglyEntanglingLayers(b, nil, 2, ansatz.StrongOptions{Ranges: []int{1}})
			return err
		}, "1 ranges for 2 layers"},
		{"sel divisible", func(b *circuit.Builder) error {
			_, err := ansatz.StronglyEntanglingLayers(b, nil, 2, ansatz.StrongOptions{Ranges: []int{1, 3}})
			return err
		}, "range 3 of layer 1"},
		{"sel imprimitive", func(b *circuit.Builder) error {
			_, err := ansatz.StronglyEntanglingLayers(b, nil, 1, ansatz.StrongOptions{Imprimitive: gate.CRX()})
			return err
		}, "imprimitive CRX"},
		{"layers", func(b *circuit.Builder) error {
			_, err := ansatz.BasicEntanglerLayers(b, nil, -1, ansatz.BasicOptions{})
			return err
		}, "-1 layers"},
		{"zz entanglement", func(b *circuit.Builder) error {
			return ansatz.ZZFeatureMap(b, nil, inputs(b, 3), ansatz.ZZOptions{Entanglement: "star"})
		}, "entanglement \"star\""},
		{"su2 gate", func(b *circuit.Builder) error {
			_, err := ansatz.EfficientSU2(b, nil, ansatz.SU2Options{Gates: []string{"H"}})
			return err
		}, "rotation \"H\""},
		{"reupload features", func(b *circuit.Builder) error {
			_, err := ansatz.DataReuploading(b, nil, inputs(b, 10), 1, ansatz.ReuploadOptions{})
			return err
		}, "10 features for 3 wires"},
		{"hea inputs", func(b *circuit.Builder) error {
			_, err := ansatz.HEA(b, nil, inputs(b, 2), 1)
			return err
		}, "2 inputs for 3 wires"},
		{"hamiltonian size", func(b *circuit.Builder) error {
			return ansatz.HamiltonianEmbedding(b, []int{0}, inputs(b, 5), circuit.Const(1))
		}, "5 inputs on 1 wires"},
		{"empty wires", func(b *circuit.Builder) error {
			_, err := ansatz.SimplifiedTwoDesign(b, []int{}, 1)
			return err
		}, "no wires"},
	} {
		b := circuit.NewBuilder(3)
		err := tc.f(b)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "ansatz: ") {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if tc.name != "amplitude first" && b.NumOps() != 0 {
			t.Errorf("%s: %d ops appended before the error", tc.name, b.NumOps())
		}
	}
}
