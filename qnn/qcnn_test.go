package qnn

import (
	"fmt"
	"math"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/densesim"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/tensor"
)

// The QCNN oracle: the paper's Python (PennyLane's QCNN demo) followed
// line by line, with its mid-circuit measurements done for real. The state
// is a mixture of branches (probability, normalised state); measuring a
// wire splits every branch into its two outcomes, renormalised, and the
// conditioned U3 acts on the outcome-1 branch only. The outputs are the
// branch-weighted marginal probabilities of the final wires.

type branch struct {
	p   float64
	psi []complex128
}

// applyOn applies the 2ᵏ×2ᵏ matrix u on wires (first listed = most
// significant bit of u's index) to the n-wire state psi in place.
func applyOn(psi []complex128, n int, u *cmat.Dense, wires []int) {
	k := len(wires)
	d := 1 << k
	var mask int
	off := make([]int, d)
	for a := range d {
		for t, w := range wires {
			if a>>(k-1-t)&1 == 1 {
				off[a] |= 1 << (n - 1 - w)
			}
		}
	}
	for _, w := range wires {
		mask |= 1 << (n - 1 - w)
	}
	in, out := make([]complex128, d), make([]complex128, d)
	for base := range psi {
		if base&mask != 0 {
			continue
		}
		for a := range d {
			in[a] = psi[base|off[a]]
		}
		for a := range d {
			var s complex128
			for b := range d {
				s += u.Data[a*d+b] * in[b]
			}
			out[a] = s
		}
		for a := range d {
			psi[base|off[a]] = out[a]
		}
	}
}

type qcnnOracle struct {
	n        int
	branches []branch
}

func (o *qcnnOracle) gate(g gate.Gate, wires []int, params ...float64) {
	u := g.Matrix(params)
	for _, b := range o.branches {
		applyOn(b.psi, o.n, u, wires)
	}
}

// measureCond is qml.measure(m) followed by qml.cond(outcome, qml.U3)(p,
// wires=target).
func (o *qcnnOracle) measureCond(m, target int, p []float64) {
	bit := 1 << (o.n - 1 - m)
	var next []branch
	for _, b := range o.branches {
		for outcome := range 2 {
			psi := make([]complex128, len(b.psi))
			norm := 0.0
			for j, v := range b.psi {
				if (j&bit != 0) == (outcome == 1) {
					psi[j] = v
					norm += real(v)*real(v) + imag(v)*imag(v)
				}
			}
			if norm == 0 {
				continue
			}
			for j := range psi {
				psi[j] /= complex(math.Sqrt(norm), 0)
			}
			if outcome == 1 {
				applyOn(psi, o.n, gate.U3().Matrix(p), []int{target})
			}
			next = append(next, branch{b.p * norm, psi})
		}
	}
	o.branches = next
}

// qcnnByMeasurement runs the demo's conv_net on one sample: weights [18][S]
// (weights[:, j] is stage j), last the ArbitraryUnitary angles.
func qcnnByMeasurement(t *testing.T, n int, x []float64, weights [][]float64, last []float64) []float64 {
	t.Helper()
	// qml.AmplitudeEmbedding(features, wires, pad_with=0.5): pad, normalise.
	amp := make([]float64, 1<<n)
	for i := range amp {
		amp[i] = 0.5
	}
	copy(amp, x)
	norm := 0.0
	for _, v := range amp {
		norm += v * v
	}
	psi := make([]complex128, 1<<n)
	for i, v := range amp {
		psi[i] = complex(v/math.Sqrt(norm), 0)
	}
	o := &qcnnOracle{n: n, branches: []branch{{1, psi}}}
	wires := make([]int, n)
	for i := range wires {
		wires[i] = i
	}
	layers := len(weights[0])
	for j := range layers {
		kernel := make([]float64, 18)
		for i := range kernel {
			kernel[i] = weights[i][j]
		}
		skipFirstLayer := j != 0
		// convolutional_layer(kernel[:15], wires, skip_first_layer)
		nw := len(wires)
		for _, p := range []int{0, 1} {
			for indx, w := range wires {
				if indx%2 == p && indx < nw-1 {
					if indx%2 == 0 && !skipFirstLayer {
						o.gate(gate.U3(), []int{w}, kernel[0:3]...)
						o.gate(gate.U3(), []int{wires[indx+1]}, kernel[3:6]...)
					}
					o.gate(gate.IsingXX(), []int{w, wires[indx+1]}, kernel[6])
					o.gate(gate.IsingYY(), []int{w, wires[indx+1]}, kernel[7])
					o.gate(gate.IsingZZ(), []int{w, wires[indx+1]}, kernel[8])
					o.gate(gate.U3(), []int{w}, kernel[9:12]...)
					o.gate(gate.U3(), []int{wires[indx+1]}, kernel[12:15]...)
				}
			}
		}
		// pooling_layer(kernel[15:], wires)
		for indx, w := range wires {
			if indx%2 == 1 && indx < nw {
				o.measureCond(w, wires[indx-1], kernel[15:18])
			}
		}
		var kept []int // wires = wires[::2]
		for i := 0; i < len(wires); i += 2 {
			kept = append(kept, wires[i])
		}
		wires = kept
	}
	// dense_layer: qml.ArbitraryUnitary(last, wires), PennyLane's words.
	for m, word := range pennyLaneWords[len(wires)] {
		g, err := gate.PauliRot(word)
		if err != nil {
			t.Fatal(err)
		}
		o.gate(g, wires, last[m])
	}
	out := make([]float64, 1<<len(wires))
	total := 0.0
	for _, b := range o.branches {
		total += b.p
		for i, v := range densesim.Probs(b.psi, wires) {
			out[i] += b.p * v
		}
	}
	if math.Abs(total-1) > 1e-12 {
		t.Fatalf("branch probabilities sum to %v", total)
	}
	return out
}

// TestApplyOn checks the oracle's gate application against densesim.Embed.
func TestApplyOn(t *testing.T) {
	t.Parallel()
	rng := newRand(41)
	n := 4
	for _, wires := range [][]int{{2}, {3, 0}, {1, 3, 2}} {
		u := randC(rng, 1<<len(wires), 1<<len(wires), 1)
		psi := randC(rng, 1, 1<<n, 1).Data
		want := matVec(densesim.Embed(n, u, wires), psi)
		applyOn(psi, n, u, wires)
		if d := numtest.MaxDiffC(psi, want); d > 1e-13 {
			t.Errorf("wires %v: differs from Embed by %.3g", wires, d)
		}
	}
}

// TestQCNNMatchesMeasurement checks the QCNN, whose pooling is written with
// controlled U3 gates (deferred measurement), against the measuring
// circuit: on 6 qubits with padded features (6 → 3 → 2 wires, a
// two-wire ArbitraryUnitary) and on the paper's 10 qubits (10 → 5 → 3).
func TestQCNNMatchesMeasurement(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		opt   QCNNOptions
		wires []int
	}{
		{QCNNOptions{Qubits: 6, Features: 50}, []int{0, 4}},
		{QCNNOptions{}, []int{0, 4, 8}},
	} {
		rng := newRand(42)
		q := NewQCNN(rng, c.opt)
		if fmt.Sprint(q.Wires) != fmt.Sprint(c.wires) {
			t.Errorf("%d qubits: final wires %v, want %v", q.Qubits, q.Wires, c.wires)
		}
		x := tensor.RandU(rng, 0, 1, 2, q.Features)
		y := q.Forward(autograd.Const(x)).Value()
		weights := make([][]float64, 18)
		for i := range weights {
			weights[i] = make([]float64, q.Stages)
			for j := range weights[i] {
				weights[i][j] = q.Weight.Value().At(i, j)
			}
		}
		for b := range 2 {
			want := qcnnByMeasurement(t, q.Qubits, x.Data()[b*q.Features:(b+1)*q.Features], weights, q.Last.Value().Data())
			got := y.Data()[b*len(want) : (b+1)*len(want)]
			if d := numtest.MaxDiff(got, want); d > 1e-12 {
				t.Errorf("%d qubits, sample %d: probabilities differ from the measuring circuit by %.3g:%s",
					q.Qubits, b, d, numtest.Report(got, want, 1e-12))
			}
		}
	}
	mustPanic(t, "too few wires", func() { NewQCNN(newRand(1), QCNNOptions{Qubits: 4, Stages: 2}) })
	mustPanic(t, "features", func() { NewQCNN(newRand(1), QCNNOptions{Qubits: 3, Stages: 1, Features: 9}) })
	mustPanic(t, "input", func() { NewQCNN(newRand(1), QCNNOptions{}).Forward(autograd.Const(tensor.New(2, 100))) })
}

// TestQCNNGateCounts checks the op list of the paper's QCNN: the
// amplitude embedding, 9 + 4 convolution units in stage 0 (the 5 on even
// pairs with the first U3 pair) and 2 + 2 in stage 1, 5 + 2 pooling
// gates, one ArbitraryUnitary.
func TestQCNNGateCounts(t *testing.T) {
	t.Parallel()
	c := NewQCNN(newRand(43), QCNNOptions{}).Circuit()
	counts := map[string]int{}
	for i := range c.NumOps() {
		counts[c.Op(i).Name()]++
	}
	want := map[string]int{"AmplitudeEmbedding": 1, "QCNNConv": 5, "QCNNConv9": 8, "C(U3)": 7, "ArbitraryUnitary": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("op counts %v, want %v", counts, want)
	}
	if c.NumWeights() != 99 || c.NumInputs() != 1024 {
		t.Errorf("%d weights and %d inputs, want 99 and 1024", c.NumWeights(), c.NumInputs())
	}
}
