package densesim_test

import (
	"encoding/json"
	"math"
	"math/cmplx"
	"strconv"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/pauli"
)

func build(t *testing.T, b *circuit.Builder) *circuit.Circuit {
	t.Helper()
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func state(t *testing.T, c *circuit.Circuit, in, w []float64) []complex128 {
	t.Helper()
	psi, err := densesim.State(c, in, w)
	if err != nil {
		t.Fatal(err)
	}
	return psi
}

func TestBellAndGHZ(t *testing.T) {
	t.Parallel()
	r := complex(1/math.Sqrt2, 0)
	for n := 2; n <= 5; n++ {
		b := circuit.NewBuilder(n)
		b.Append(gate.Hadamard(), []int{0})
		for w := 0; w+1 < n; w++ {
			b.Append(gate.CNOT(), []int{w, w + 1})
		}
		psi := state(t, build(t, b), nil, nil)
		want := make([]complex128, 1<<n)
		want[0], want[1<<n-1] = r, r
		if d := numtest.MaxDiffC(psi, want); d > 1e-15 {
			t.Errorf("n=%d: GHZ state %v", n, psi)
		}
	}
}

func TestRotationExpectations(t *testing.T) {
	t.Parallel()
	for _, theta := range []float64{0, 0.3, 1.7, -2.9} {
		b := circuit.NewBuilder(2)
		in := b.AddInputs(1)
		b.Append(gate.RX(), []int{1}, circuit.Input(in))
		psi := state(t, build(t, b), []float64{theta}, nil)
		z := densesim.ExpvalsZ(psi)
		y := densesim.Expval(psi, pauli.Sum{{Coeff: 2, Word: pauli.Word{Ops: []pauli.Op{pauli.Y}, Wires: []int{1}}}})
		if math.Abs(z[0]-1) > 1e-15 || math.Abs(z[1]-math.Cos(theta)) > 1e-15 || math.Abs(y+2*math.Sin(theta)) > 1e-15 {
			t.Errorf("RX(%g) on wire 1: <Z> = %v, <2Y1> = %g; want [1 %g], %g", theta, z, y, math.Cos(theta), -2*math.Sin(theta))
		}
	}
}

// Embed against the action on basis states computed bit by bit.
func TestEmbedPermutesWires(t *testing.T) {
	t.Parallel()
	n := 4
	wires := []int{3, 1} // CNOT with control 3, target 1
	u := densesim.Embed(n, gate.CNOT().Matrix(nil), wires)
	for j := 0; j < 1<<n; j++ {
		want := j
		if j&1 == 1 { // wire 3 is the least significant bit
			want ^= 1 << 2 // wire 1
		}
		for i := 0; i < 1<<n; i++ {
			v := u.At(i, j)
			if (i == want) != (v == 1) || (i != want && v != 0) {
				t.Fatalf("CNOT[3,1]: entry (%d, %d) = %v, basis %d should go to %d", i, j, v, j, want)
			}
		}
	}
	// A non-symmetric gate on reversed, non-adjacent wires: RY on the
	// target of a CRY with control 2 and target 0 of 3 wires.
	theta := 0.7
	m := densesim.Embed(3, gate.CRY().Matrix([]float64{theta}), []int{2, 0})
	c, s := math.Cos(theta/2), math.Sin(theta/2)
	// |001⟩ (wire 2 set, wire 0 clear) → c|001⟩ + s|101⟩.
	if cmplx.Abs(m.At(1, 1)-complex(c, 0)) > 1e-15 || cmplx.Abs(m.At(5, 1)-complex(s, 0)) > 1e-15 || m.At(4, 4) != 1 {
		t.Errorf("CRY[2,0] column 1: %v %v, want %g %g", m.At(1, 1), m.At(5, 1), c, s)
	}
}

func TestProbsMarginalOrder(t *testing.T) {
	t.Parallel()
	// |ψ⟩ = |1⟩|0⟩|0⟩ on wires 0, 1, 2: P(wires [2, 0] = 01) = 1.
	psi := make([]complex128, 8)
	psi[4] = 1
	p := densesim.Probs(psi, []int{2, 0})
	if p[1] != 1 || p[0]+p[2]+p[3] != 0 {
		t.Errorf("Probs([2 0]) = %v, want [0 1 0 0]", p)
	}
}

func TestUnitaryOfCircuit(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	b.Append(gate.Hadamard(), []int{0})
	b.Append(gate.CNOT(), []int{0, 1})
	u, err := densesim.Unitary(build(t, b), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := gate.Hadamard().Matrix(nil)
	want := cmat.Mul(gate.CNOT().Matrix(nil), cmat.Kron(h, cmat.Identity(2)))
	if d := cmat.MaxAbsDiff(u, want); d > 1e-15 {
		t.Errorf("Unitary differs by %g", d)
	}
	ab := circuit.NewBuilder(1)
	in := ab.AddInputs(2)
	ab.AmplitudeEmbedding([]int{0}, []int{in, in + 1}, circuit.Amplitude{Normalize: true})
	if _, err := densesim.Unitary(build(t, ab), []float64{1, 1}, nil); err == nil {
		t.Error("Unitary of an amplitude embedding did not fail")
	}
}

func TestAmplitudeEmbeddingOnSubsetOfWires(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(3)
	in := b.AddInputs(2)
	b.AmplitudeEmbedding([]int{2}, []int{in, in + 1}, circuit.Amplitude{Normalize: true})
	psi := state(t, build(t, b), []float64{3, 4}, nil)
	want := make([]complex128, 8)
	want[0], want[1] = 0.6, 0.8 // wire 2 is the least significant bit
	if d := numtest.MaxDiffC(psi, want); d > 1e-15 {
		t.Errorf("state %v, want %v", psi, want)
	}
	if _, err := densesim.State(build(t, b), []float64{0, 0}, nil); err == nil {
		t.Error("all-zero features did not fail")
	}
}

// parseObservable reads "Z(0) @ Z(1)" or "X(2)".
func parseObservable(t *testing.T, s string) pauli.Sum {
	t.Helper()
	var w pauli.Word
	for _, f := range strings.Split(s, "@") {
		f = strings.TrimSpace(f)
		wire, err := strconv.Atoi(strings.TrimSuffix(f[2:], ")"))
		if err != nil || len(f) < 4 || f[1] != '(' {
			t.Fatalf("observable %q", s)
		}
		w.Ops = append(w.Ops, pauli.Op(strings.IndexByte("IXYZ", f[0])))
		w.Wires = append(w.Wires, wire)
	}
	return pauli.Sum{{Coeff: 1, Word: w}}
}

func gateFor(t *testing.T, name string, wires int) gate.Gate {
	t.Helper()
	if name == "PauliRot" {
		g, err := gate.PauliRot("XYZ")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g, err := gate.Lookup(name, wires)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGoldenGateCases(t *testing.T) {
	t.Parallel()
	cases, err := numtest.PennyLane()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, cs := range cases {
		if cs.Group != "gate" {
			continue
		}
		seen++
		var meta struct {
			Name  string `json:"name"`
			Wires []int  `json:"wires"`
		}
		raw := "{\"name\":" + string(cs.Gate["name"]) + ",\"wires\":" + string(cs.Gate["wires"]) + "}"
		if err := json.Unmarshal([]byte(raw), &meta); err != nil {
			t.Fatal(err)
		}
		n := cs.NWires
		b := circuit.NewBuilder(n)
		ry := b.AddInputs(n)
		rz := b.AddInputs(n)
		for i := 0; i < n; i++ {
			b.Append(gate.RY(), []int{i}, circuit.Input(ry+i))
			b.Append(gate.RZ(), []int{i}, circuit.Input(rz+i))
		}
		g := gateFor(t, meta.Name, len(meta.Wires))
		theta := cs.Weights["theta"].Data
		w0 := b.AddWeights(len(theta))
		ps := make([]circuit.Param, len(theta))
		for j := range ps {
			ps[j] = circuit.Weight(w0 + j)
		}
		b.Append(g, meta.Wires, ps...)
		inputs := append(append([]float64(nil), cs.Inputs["prep_ry"].Data...), cs.Inputs["prep_rz"].Data...)
		psi := state(t, build(t, b), inputs, theta)
		if d := numtest.MaxDiffC(psi, cs.Outputs["state"].Complex()); d > 1e-10 {
			t.Errorf("%s: state differs from PennyLane by %.3g", cs.Name, d)
		}
		want := cs.Outputs["expvals"].Data
		for k, obs := range cs.Observables {
			if got := densesim.Expval(psi, parseObservable(t, obs)); math.Abs(got-want[k]) > 1e-10 {
				t.Errorf("%s: <%s> = %.15g, PennyLane %.15g", cs.Name, obs, got, want[k])
			}
		}
	}
	if seen != 27 {
		t.Errorf("checked %d gate cases, want 27", seen)
	}
}
