package qnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// maxQubits bounds the register of the Hamiltonian layers: 2⁸×2⁸
// Hamiltonians (65,536 inputs) and SU(256) blocks.
const maxQubits = 8

// HamiltonianLinearOptions are the optional settings of HamiltonianLinear.
// The zero value gives the paper's layer for the given sizes.
type HamiltonianLinearOptions struct {
	// Qubits is n; 0 picks the smallest n with 4ⁿ ≥ in and 2ⁿ ≥ out
	// (n = 7 for the paper's 12544 → 10). At most 8.
	Qubits int
	// Reps is the number r of data evolutions, each followed by an SU(2ⁿ)
	// block; 0 means 10, the paper's.
	Reps int
	// Time is the evolution time t of exp(+i·t·H(x)), fixed (not
	// trained); 0 means 1/Reps, the paper's.
	Time float64
	// NonUnitary trains complex block coefficients φ = a + ib as the
	// paper's code does (see FlippedQuanvOptions.NonUnitary): the blocks
	// are not unitary and the state is not normalised. A reproduction
	// aid; it costs a 2ⁿ⁺¹×2ⁿ⁺¹ matrix exponential per block per
	// backward pass.
	NonUnitary bool
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// HamiltonianLinear is the quantum linear layer of Wang et al., "Let the
// Quantum Creep In" (arXiv:2409.17583), the paper's DataReUploadingLinear:
// it replaces nn.Linear(in, out), x [..., in] to [..., out].
//
// Each sample is zero-padded to 4ⁿ values and reshaped row-major to a
// 2ⁿ×2ⁿ matrix D, whose symmetric part H(x) = (D + Dᵀ)/2 is a Hamiltonian
// on n qubits. From |+⟩^⊗n the circuit repeats Reps times
//
//	|s⟩ ← exp(+i·Time·H(x))|s⟩,   |s⟩ ← exp(i·Σ_k φ_rk P_k)|s⟩,
//
// the second an SU(2ⁿ) block over all 4ⁿ−1 Pauli words (PennyLane's
// SpecialUnitary order), and the outputs are the probabilities of the
// basis states 0 … out−1 (wire 0 the most significant bit) plus Bias. The
// data enter as the exponent, so the layer is non-linear in x.
//
// It runs as one custom autograd Function with exact gradients for x,
// the blocks and the bias: one eigendecomposition of H(x) per sample
// serves all evolutions, the blocks are built once per batch, and the
// backward pass works in the eigenbasis of H(x) (see evolve.go).
//
// Parameters: Weight φ [Reps, 4ⁿ−1] (quantum, N(0, 1) as the paper's
// randn); with NonUnitary also WeightImag (kind QuantumImag, initialised
// to 0); Bias [out] (classical, N(0, 1)).
type HamiltonianLinear struct {
	nn.Base
	In, Out, Qubits, Reps int
	Time                  float64
	NonUnitary            bool
	Workers               int
	Weight                *autograd.Var // φ [Reps, 4ⁿ−1]; the real parts a when NonUnitary
	WeightImag            *autograd.Var // b [Reps, 4ⁿ−1] when NonUnitary, else nil
	Bias                  *autograd.Var // [Out]
}

// NewHamiltonianLinear returns HamiltonianLinear(in, out) with Weight and
// then Bias drawn from N(0, 1) by r. It panics when the sizes do not fit:
// in and out must be positive, 4ⁿ ≥ in, 2ⁿ ≥ out and 1 ≤ n ≤ 8.
func NewHamiltonianLinear(r *rand.Rand, in, out int, opt HamiltonianLinearOptions) *HamiltonianLinear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("qnn: HamiltonianLinear(%d, %d)", in, out))
	}
	n := opt.Qubits
	if n == 0 {
		n = 1
		for 1<<(2*n) < in || 1<<n < out {
			n++
		}
	}
	reps := opt.Reps
	if reps == 0 {
		reps = 10
	}
	t := opt.Time
	if t == 0 {
		t = 1 / float64(reps)
	}
	l := &HamiltonianLinear{In: in, Out: out, Qubits: n, Reps: reps, Time: t,
		NonUnitary: opt.NonUnitary, Workers: opt.Workers}
	l.config() // validate before drawing
	np := 1<<(2*n) - 1
	l.Weight = l.RegisterParam("weight", autograd.Param(tensor.RandN(r, reps, np)), nn.Quantum)
	if opt.NonUnitary {
		l.WeightImag = l.RegisterParam("weight_imag", autograd.Param(tensor.New(reps, np)), QuantumImag)
	}
	l.Bias = l.RegisterParam("bias", autograd.Param(tensor.RandN(r, out)), nn.Classical)
	return l
}

// config checks the fields and returns the engine's configuration.
func (l *HamiltonianLinear) config() *evolveConfig {
	n := l.Qubits
	if n < 1 || n > maxQubits || l.In < 1 || l.In > 1<<(2*n) || l.Out < 1 || l.Out > 1<<n || l.Reps < 1 {
		panic(fmt.Sprintf("qnn: HamiltonianLinear(%d, %d) on %d qubits with %d reps (need 1 ≤ n ≤ %d, in ≤ 4ⁿ, out ≤ 2ⁿ, reps ≥ 1)",
			l.In, l.Out, n, l.Reps, maxQubits))
	}
	times := make([]float64, l.Reps)
	for i := range times {
		times[i] = l.Time
	}
	return &evolveConfig{qubits: n, in: l.In, out: l.Out, reps: l.Reps, scale: 1, times: times,
		readout: n, complex: l.NonUnitary, workers: l.Workers}
}

// Forward returns the layer's output for x [..., In]: [..., Out].
func (l *HamiltonianLinear) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	if len(s) == 0 || s[len(s)-1] != l.In {
		panic(fmt.Sprintf("qnn: HamiltonianLinear(%d, %d) input of shape %v, want [... %d]", l.In, l.Out, s, l.In))
	}
	flat := x
	if len(s) != 2 {
		flat = autograd.Reshape(x, -1, l.In)
	}
	f := &evolveFn{cfg: l.config()}
	var p *autograd.Var
	if l.NonUnitary {
		p = autograd.Apply(f, flat, l.Weight, l.WeightImag)
	} else {
		p = autograd.Apply(f, flat, l.Weight)
	}
	y := autograd.Add(p, l.Bias)
	if len(s) == 2 {
		return y
	}
	shape := append(append([]int(nil), s[:len(s)-1]...), l.Out)
	return autograd.Reshape(y, shape...)
}

// HamiltonianReuploadOptions are the optional settings of
// HamiltonianReupload. The zero value is the paper's MNIST classifier: 5
// qubits (32×32 images), 10 layers, 8 classes read on the first 4 wires.
type HamiltonianReuploadOptions struct {
	Qubits       int // n, the image is 2ⁿ×2ⁿ; 0 means 5. At most 8.
	Layers       int // L, evolutions each followed by an SU(2ⁿ) block; 0 means 10
	Classes      int // outputs; 0 means 8. At most 2^ReadoutWires
	ReadoutWires int // k, the outputs are marginals of the first k wires; 0 means n−1
	Workers      int // goroutines; 0 means GOMAXPROCS
}

// HamiltonianReupload is the whole classifier of Wang et al., "Quantum
// Hamiltonian Embedding of Images for Data Reuploading Classifiers"
// (arXiv:2407.14055), the paper's HermImgReUpload. A 2ⁿ×2ⁿ image M
// (x [B, 2ⁿ, 2ⁿ], [B, 1, 2ⁿ, 2ⁿ] or [B, 4ⁿ], row-major) is the Hamiltonian
// H = (M + Mᵀ)/2 on n qubits; from |+⟩^⊗n the circuit repeats Layers times
//
//	|ψ⟩ ← exp(−i·0.5·t_ℓ·H)|ψ⟩,   |ψ⟩ ← exp(i·Σ_k θ_ℓk P_k)|ψ⟩,
//
// with trainable times t_ℓ and SU(2ⁿ) blocks, and the logits [B, Classes]
// are ⟨ψ|(|c⟩⟨c| ⊗ I)|ψ⟩ for c = 0 … Classes−1: the probabilities of the
// first ReadoutWires wires, the others traced out. It shares the engine of
// HamiltonianLinear, with exact gradients for the image, the blocks and
// the times.
//
// Parameters (all quantum, N(0, 1) as the paper's initialisation, drawn
// in this order): Weight θ [Layers, 4ⁿ−1], Time t [Layers].
type HamiltonianReupload struct {
	nn.Base
	Qubits, Layers, Classes, ReadoutWires int
	Workers                               int
	Weight                                *autograd.Var // θ [Layers, 4ⁿ−1]
	Time                                  *autograd.Var // t [Layers]
}

// NewHamiltonianReupload returns the classifier with its parameters drawn
// from r. It panics when the sizes do not fit (see the options).
func NewHamiltonianReupload(r *rand.Rand, opt HamiltonianReuploadOptions) *HamiltonianReupload {
	h := &HamiltonianReupload{Qubits: opt.Qubits, Layers: opt.Layers, Classes: opt.Classes,
		ReadoutWires: opt.ReadoutWires, Workers: opt.Workers}
	if h.Qubits == 0 {
		h.Qubits = 5
	}
	if h.Layers == 0 {
		h.Layers = 10
	}
	if h.Classes == 0 {
		h.Classes = 8
	}
	if h.ReadoutWires == 0 {
		h.ReadoutWires = h.Qubits - 1
	}
	h.config()
	np := 1<<(2*h.Qubits) - 1
	h.Weight = h.RegisterParam("weight", autograd.Param(tensor.RandN(r, h.Layers, np)), nn.Quantum)
	h.Time = h.RegisterParam("time", autograd.Param(tensor.RandN(r, h.Layers)), nn.Quantum)
	return h
}

// config checks the fields and returns the engine's configuration.
func (h *HamiltonianReupload) config() *evolveConfig {
	n, k := h.Qubits, h.ReadoutWires
	if n < 1 || n > maxQubits || h.Layers < 1 || k < 1 || k > n || h.Classes < 1 || h.Classes > 1<<k {
		panic(fmt.Sprintf("qnn: HamiltonianReupload on %d qubits, %d layers, %d classes on %d wires (need 1 ≤ n ≤ %d, 1 ≤ wires ≤ n, classes ≤ 2^wires)",
			n, h.Layers, h.Classes, k, maxQubits))
	}
	return &evolveConfig{qubits: n, in: 1 << (2 * n), out: h.Classes, reps: h.Layers, scale: -0.5,
		readout: k, workers: h.Workers}
}

// Forward returns the logits [B, Classes] for a batch of images x [B, …]
// with 4ⁿ values each.
func (h *HamiltonianReupload) Forward(x *autograd.Var) *autograd.Var {
	cfg := h.config()
	s := x.Shape()
	size := 1
	for _, d := range s[min(1, len(s)):] {
		size *= d
	}
	if len(s) < 2 || size != cfg.in {
		panic(fmt.Sprintf("qnn: HamiltonianReupload on %d qubits: input of shape %v, want [B ...] with %d values per sample",
			h.Qubits, s, cfg.in))
	}
	if len(s) != 2 {
		x = autograd.Reshape(x, s[0], cfg.in)
	}
	return autograd.Apply(&evolveFn{cfg: cfg}, x, h.Weight, h.Time)
}
