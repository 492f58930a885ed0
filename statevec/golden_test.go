package statevec

import (
	"encoding/json"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// The PennyLane golden cases (internal/numtest/testdata) pin the wire,
// matrix and marginal conventions to PennyLane's own output.

const goldenTol = 1e-10

func ry(t float64) []complex128 {
	c, s := complex(math.Cos(t/2), 0), complex(math.Sin(t/2), 0)
	return []complex128{c, -s, s, c}
}

func rz(t float64) []complex128 {
	return []complex128{cmplx.Exp(complex(0, -t/2)), 0, 0, cmplx.Exp(complex(0, t/2))}
}

// rot is PennyLane's Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ).
func rot(phi, theta, omega float64) []complex128 {
	c, s := math.Cos(theta/2), math.Sin(theta/2)
	return []complex128{
		cmplx.Exp(complex(0, -(phi+omega)/2)) * complex(c, 0),
		-cmplx.Exp(complex(0, (phi-omega)/2)) * complex(s, 0),
		cmplx.Exp(complex(0, -(phi-omega)/2)) * complex(s, 0),
		cmplx.Exp(complex(0, (phi+omega)/2)) * complex(c, 0),
	}
}

// observableMasks parses "Z(0) @ X(2)" into Pauli masks on n wires.
func observableMasks(t *testing.T, obs string, n int) (x, z uint64, ny int) {
	for _, f := range strings.Split(obs, "@") {
		f = strings.TrimSpace(f)
		var w int
		var p byte
		if len(f) != 4 || f[1] != '(' || f[3] != ')' {
			t.Fatalf("cannot parse observable %q", obs)
		}
		p, w = f[0], int(f[2]-'0')
		bit := uint64(1) << (n - 1 - w)
		switch p {
		case 'X':
			x |= bit
		case 'Y':
			x, z, ny = x|bit, z|bit, ny+1
		case 'Z':
			z |= bit
		}
	}
	return x, z, ny
}

func TestGoldenGates(t *testing.T) {
	t.Parallel()
	cases, err := numtest.PennyLane()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range cases {
		if c.Group != "gate" {
			continue
		}
		seen++
		n := c.NWires
		s := New(n, 1)
		ryA, rzA := c.Inputs["prep_ry"].Data, c.Inputs["prep_rz"].Data
		for w := 0; w < n; w++ {
			s.Apply([]int{w}, ry(ryA[w]))
			s.Apply([]int{w}, rz(rzA[w]))
		}
		var wires []int
		if err := json.Unmarshal(c.Gate["wires"], &wires); err != nil {
			t.Fatalf("%s: gate wires: %v", c.Name, err)
		}
		s.Apply(wires, c.Outputs["gate_matrix"].Complex())
		if d := numtest.MaxDiffC(s.Sample(0), c.Outputs["state"].Complex()); d > goldenTol {
			t.Errorf("%s: state differs from PennyLane by %.3g", c.Name, d)
		}
		want := c.Outputs["expvals"].Data
		for i, obs := range c.Observables {
			x, z, ny := observableMasks(t, obs, n)
			got := make([]float64, 1)
			s.ExpectPauli(x, z, ny, got)
			if math.Abs(got[0]-want[i]) > goldenTol {
				t.Errorf("%s: <%s> = %.15g, PennyLane %.15g", c.Name, obs, got[0], want[i])
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d golden gate cases", seen)
	}
}

func TestGoldenMeasurements(t *testing.T) {
	t.Parallel()
	cases, err := numtest.PennyLane()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range cases {
		if c.Group != "measurement" {
			continue
		}
		seen++
		n := c.NWires
		s := New(n, 1)
		for _, op := range c.OpsExpanded {
			ps := make([]float64, len(op.Params))
			for i, raw := range op.Params {
				if err := json.Unmarshal(raw, &ps[i]); err != nil {
					t.Fatalf("%s: %s parameter: %v", c.Name, op.Gate, err)
				}
			}
			switch op.Gate {
			case "RY":
				s.Apply(op.Wires, ry(ps[0]))
			case "Rot":
				s.Apply(op.Wires, rot(ps[0], ps[1], ps[2]))
			case "CNOT":
				s.ApplyCNOT(op.Wires[0], op.Wires[1])
			default:
				t.Fatalf("%s: unexpected gate %s", c.Name, op.Gate)
			}
		}
		var meas struct {
			Type  string `json:"type"`
			Wires []int  `json:"wires"`
			Terms []struct {
				Coeff  float64 `json:"coeff"`
				Paulis string  `json:"paulis"`
				Wires  []int   `json:"wires"`
			} `json:"terms"`
		}
		raw, _ := json.Marshal(c.Measurement)
		if err := json.Unmarshal(raw, &meas); err != nil {
			t.Fatalf("%s: measurement: %v", c.Name, err)
		}
		switch meas.Type {
		case "probs":
			want := c.Outputs["probs"].Data
			got := make([]float64, len(want))
			s.Probabilities(meas.Wires, got)
			if d := numtest.MaxDiff(got, want); d > goldenTol {
				t.Errorf("%s: probs%v differ from PennyLane by %.3g:%s", c.Name, meas.Wires, d, numtest.Report(got, want, goldenTol))
			}
		case "expval_pauli_sum":
			want := c.Outputs["term_expvals"].Data
			var total float64
			for i, term := range meas.Terms {
				var obs []string
				for k, w := range term.Wires {
					obs = append(obs, string(term.Paulis[k])+"("+string(rune('0'+w))+")")
				}
				x, z, ny := observableMasks(t, strings.Join(obs, " @ "), n)
				got := make([]float64, 1)
				s.ExpectPauli(x, z, ny, got)
				total += term.Coeff * got[0]
				if math.Abs(got[0]-want[i]) > goldenTol {
					t.Errorf("%s: term %d = %.15g, PennyLane %.15g", c.Name, i, got[0], want[i])
				}
			}
			if w := c.Outputs["expval"].Data[0]; math.Abs(total-w) > goldenTol {
				t.Errorf("%s: <H> = %.15g, PennyLane %.15g", c.Name, total, w)
			}
		default:
			t.Fatalf("%s: unexpected measurement %q", c.Name, meas.Type)
		}
	}
	if seen != 4 {
		t.Errorf("saw %d golden measurement cases, want 4", seen)
	}
}
