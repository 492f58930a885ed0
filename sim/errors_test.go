package sim

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/pauli"
)

// nonHermitianEvolve is an "Evolve" gate exp(−i·t·H) whose Hamiltonian
// block H = [[0, 1], [0, 0]] is not Hermitian, so its matrix I − i·t·H is
// not unitary.
type nonHermitianEvolve struct{}

func (nonHermitianEvolve) Name() string   { return "Evolve" }
func (nonHermitianEvolve) NumWires() int  { return 1 }
func (nonHermitianEvolve) NumParams() int { return 1 }
func (g nonHermitianEvolve) Matrix(p []float64) *cmat.Dense {
	m := cmat.New(2, 2)
	g.MatrixTo(m, p)
	return m
}
func (nonHermitianEvolve) MatrixTo(dst *cmat.Dense, p []float64) {
	copy(dst.Data, []complex128{1, complex(0, -p[0]), 0, 1})
}
func (nonHermitianEvolve) VJP([]float64, *cmat.Dense, []float64) {}

func TestBadInputsAreErrors(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	b.AddInputs(2)
	b.AddWeights(1)
	b.Append(gate.RY(), []int{0}, circuit.Input(0))
	b.Append(gate.CRX(), []int{0, 1}, circuit.Affine(1, 1, 1, 0, 0))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	outs := ExpvalZ(0, 1)
	cases := []struct {
		name    string
		w, x    []float64
		wantErr error
		msg     string
	}{
		{"input width", []float64{1}, []float64{1, 2, 3}, ErrInput, "3 input values are not a whole number of rows of 2"},
		{"no inputs", []float64{1}, nil, ErrInput, "0 input values"},
		{"weight count", []float64{1, 2}, []float64{1, 2}, ErrInput, "2 weights for a circuit with 1"},
		{"NaN input", []float64{1}, []float64{1, 2, 3, math.NaN()}, ErrInput, "input 3 (sample 1, input 1) is NaN"},
		{"Inf weight", []float64{math.Inf(-1)}, []float64{1, 2}, ErrInput, "weight 0 is -Inf"},
	}
	for _, tc := range cases {
		_, err := Forward(c, tc.w, tc.x, outs, Options{})
		if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %v saying %q", tc.name, err, tc.wantErr, tc.msg)
		}
	}
}

func TestNonHermitianEvolveIsAnError(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	b.AddInputs(1)
	b.Append(gate.Hadamard(), []int{1})
	b.Append(nonHermitianEvolve{}, []int{0}, circuit.Input(0))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Forward(c, nil, []float64{0, 0.5}, ExpvalZ(0), Options{})
	if !errors.Is(err, ErrNotUnitary) || !strings.Contains(err.Error(), "op 1 (Evolve), sample 1") ||
		!strings.Contains(err.Error(), "Hermitian") {
		t.Errorf("error %v, want one naming op 1, sample 1 and the Hamiltonian", err)
	}
	// With t = 0 the matrix is the identity: no error.
	if _, err := Forward(c, nil, []float64{0}, ExpvalZ(0), Options{}); err != nil {
		t.Errorf("t = 0: %v", err)
	}
}

func TestZeroAmplitudesAreAnError(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	x0 := b.AddInputs(3)
	b.AmplitudeEmbedding([]int{0, 1}, []int{x0, x0 + 1, x0 + 2}, circuit.Amplitude{Normalize: true, Pad: true})
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Forward(c, nil, []float64{1, 0, 0, 0, 0, 0}, ExpvalZ(0), Options{})
	if !errors.Is(err, ErrInput) || !errors.Is(err, circuit.ErrAmplitudes) || !strings.Contains(err.Error(), "sample 1") {
		t.Errorf("error %v, want an amplitude error for sample 1", err)
	}
}

func TestBadOutputsAreErrors(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(3)
	b.Append(gate.Hadamard(), []int{0})
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	z5 := Expval(pauli.Sum{{Coeff: 1, Word: pauli.Word{Ops: []pauli.Op{pauli.Z}, Wires: []int{5}}}})
	for _, tc := range []struct {
		outs []Output
		msg  string
	}{
		{nil, "no outputs"},
		{[]Output{{}}, "zero Output value"},
		{[]Output{z5}, "wire 5"},
		{[]Output{Probs(0, 3)}, "wire 3, out of range"},
		{[]Output{Probs(1, 1)}, "wire 1 listed twice"},
	} {
		if _, err := Compile(c, tc.outs, Options{}); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("outputs %v: error %v, want one saying %q", tc.outs, err, tc.msg)
		}
	}
}

func TestParamShiftErrors(t *testing.T) {
	t.Parallel()
	b := circuit.NewBuilder(2)
	b.AddWeights(3)
	b.Append(gate.SpecialUnitary(1), []int{1}, circuit.Weight(0), circuit.Weight(1), circuit.Weight(2))
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParamShift(c, []float64{1, 2, 3}, nil, ExpvalZ(1), ShiftOptions{})
	if !errors.Is(err, ErrNoShiftRule) || !strings.Contains(err.Error(), "op 0 (SpecialUnitary)") {
		t.Errorf("error %v, want no shift rule for op 0", err)
	}
	if _, err := ParamShift(c, []float64{1, 2, 3}, nil, ExpvalZ(1), ShiftOptions{Shots: 10}); err == nil {
		t.Error("shots without a random source: no error")
	}
}

func TestSamplingErrors(t *testing.T) {
	t.Parallel()
	c := sampleCircuit(t)
	r, err := Forward(c, nil, []float64{1}, ExpvalZ(0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Counts(nil, []int{0}, 10); err == nil {
		t.Error("nil random source: no error")
	}
	if _, err := r.Shots(newRNG(1), []int{0}, 0); err == nil {
		t.Error("zero shots: no error")
	}
	if _, err := r.Counts(newRNG(1), []int{0, 7}, 10); err == nil || !strings.Contains(err.Error(), "wire 7") {
		t.Errorf("wire 7: error %v", err)
	}
}

// Caller mistakes in hot code panic with a message naming the package.
func TestVJPPanicsOnShapes(t *testing.T) {
	t.Parallel()
	c := sampleCircuit(t)
	r, err := Forward(c, nil, []float64{1, 2}, ExpvalZ(0, 1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []func(){
		func() { r.VJP(make([]float64, 3)) },
		func() { r.VJPTo(make([]float64, 1), make([]float64, 2), make([]float64, 4)) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "sim: ") {
					t.Errorf("panic %q, want one starting with \"sim: \"", msg)
				}
			}()
			f()
		}()
	}
}
