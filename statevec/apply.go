package statevec

import (
	"fmt"

	"github.com/quanta-qml/quanta/internal/bitidx"
)

// Apply applies the k-qubit matrix m to the given wires of every sample. m is
// row-major 2ᵏ×2ᵏ in the basis of the wires in the order listed: wires[0] is
// the most significant bit of the row and column index. Wires need not be
// sorted or adjacent. m need not be unitary.
//
// The kernel is chosen from the matrix's structure: a leading block
// identity(first wire) ⊕ U is applied as U controlled by that wire, and
// diagonal, anti-diagonal, real and permutation (X, SWAP) matrices have
// their own loops. The result equals the dense product up to rounding.
func (s *Batch) Apply(wires []int, m []complex128) {
	s.apply("Apply", nil, wires, m, false)
}

// ApplyEach applies one matrix per sample: sample b gets the 2ᵏ×2ᵏ matrix
// ms[b·4ᵏ:(b+1)·4ᵏ], laid out as in [Batch.Apply]. It serves gates whose
// parameters depend on the input.
func (s *Batch) ApplyEach(wires []int, ms []complex128) {
	s.apply("ApplyEach", nil, wires, ms, true)
}

// ApplyControlled applies the matrix m to targets in the samples' subspace
// where every control wire is 1, and leaves the rest alone: the matrix
// |0⟩⟨0|⊗I + |1⟩⟨1|⊗m for one control. m is laid out as in [Batch.Apply]
// over targets; controls and targets must be disjoint.
func (s *Batch) ApplyControlled(controls, targets []int, m []complex128) {
	s.apply("ApplyControlled", controls, targets, m, false)
}

// ApplyControlledEach is [Batch.ApplyControlled] with one matrix per sample,
// laid out as in [Batch.ApplyEach].
func (s *Batch) ApplyControlledEach(controls, targets []int, ms []complex128) {
	s.apply("ApplyControlledEach", controls, targets, ms, true)
}

// ApplyDiag multiplies amplitude |…a…⟩ by d[a], where a is the local index
// over wires (wires[0] most significant) and len(d) = 2ᵏ. It is Apply with
// the diagonal matrix diag(d), without forming it.
func (s *Batch) ApplyDiag(wires []int, d []complex128) {
	s.applyDiag("ApplyDiag", wires, d, false)
}

// ApplyDiagEach is [Batch.ApplyDiag] with one diagonal per sample: sample b
// uses ds[b·2ᵏ:(b+1)·2ᵏ].
func (s *Batch) ApplyDiagEach(wires []int, ds []complex128) {
	s.applyDiag("ApplyDiagEach", wires, ds, true)
}

// ApplyX applies Pauli X to wire.
func (s *Batch) ApplyX(wire int) {
	s.permX("ApplyX", nil, wire)
}

// ApplyCNOT applies X to target when control is 1. It moves only the
// amplitudes with control 1 (see [CNOT]).
func (s *Batch) ApplyCNOT(control, target int) {
	s.permX("ApplyCNOT", []int{control}, target)
}

// ApplyToffoli applies X to target when both controls are 1.
func (s *Batch) ApplyToffoli(c1, c2, target int) {
	s.permX("ApplyToffoli", []int{c1, c2}, target)
}

// ApplyMultiControlledX applies X to target when every control is 1.
func (s *Batch) ApplyMultiControlledX(controls []int, target int) {
	s.permX("ApplyMultiControlledX", controls, target)
}

// ApplySWAP exchanges wires a and b.
func (s *Batch) ApplySWAP(a, b int) {
	s.permSwap("ApplySWAP", nil, a, b)
}

// ApplyCSWAP exchanges wires a and b when control is 1 (Fredkin gate).
func (s *Batch) ApplyCSWAP(control, a, b int) {
	s.permSwap("ApplyCSWAP", []int{control}, a, b)
}

// wireSet holds validated wires: positions of targets then controls, the
// control mask and the target count.
type wireSet struct {
	pos  [MaxQubits]int
	np   int
	ctrl uint64
	k    int
}

// fixed returns the positions of targets and controls.
func (t *wireSet) fixed() []int { return t.pos[:t.np] }

// validate converts and checks controls and targets.
func (s *Batch) validate(what string, controls, targets []int) wireSet {
	var t wireSet
	var tp, cp [MaxQubits]int
	tpos, tm := s.positions(&tp, targets, what)
	cpos, cm := s.positions(&cp, controls, what)
	if tm&cm != 0 {
		for _, c := range controls {
			for _, w := range targets {
				if c == w {
					panic(fmt.Sprintf("statevec: %s: wire %d is both control and target", what, c))
				}
			}
		}
	}
	t.k = len(tpos)
	t.np = copy(t.pos[:], tpos)
	t.np += copy(t.pos[t.np:], cpos)
	t.ctrl = cm
	return t
}

// apply is the common path of the dense-matrix entry points.
func (s *Batch) apply(what string, controls, targets []int, ms []complex128, each bool) {
	t := s.validate(what, controls, targets)
	if t.k == 0 {
		panic(fmt.Sprintf("statevec: %s: no target wires", what))
	}
	K := 1 << uint(t.k)
	m := mref{ms: ms, ld: K}
	if each {
		s.checkLen(what, "matrices", len(ms), s.size*K*K)
		m.stride = K * K
	} else {
		s.checkLen(what, "matrix", len(ms), K*K)
	}
	// Peel leading controls: identity ⊕ U on the first target.
	for t.k > 1 && s.leadingIdentity(&m, t.k) {
		h := 1 << uint(t.k-1)
		m.off += h*m.ld + h
		p := t.pos[0]
		copy(t.pos[:], t.pos[1:t.np])
		t.pos[t.np-1] = p
		t.ctrl |= 1 << uint(p)
		t.k--
	}
	s.run(&t, m, false)
}

// applyDiag is the common path of ApplyDiag and ApplyDiagEach.
func (s *Batch) applyDiag(what string, wires []int, ds []complex128, each bool) {
	t := s.validate(what, nil, wires)
	if t.k == 0 {
		panic(fmt.Sprintf("statevec: %s: no target wires", what))
	}
	K := 1 << uint(t.k)
	m := mref{ms: ds}
	if each {
		s.checkLen(what, "diagonals", len(ds), s.size*K)
		m.stride = K
	} else {
		s.checkLen(what, "diagonal", len(ds), K)
	}
	s.run(&t, m, true)
}

// leadingIdentity reports whether every sample's matrix (k targets) is
// identity ⊕ U with respect to its first target.
func (s *Batch) leadingIdentity(m *mref, k int) bool {
	K := 1 << uint(k)
	h := K / 2
	for b := 0; b < s.samplesOf(m); b++ {
		for r := 0; r < K; r++ {
			for c := 0; c < K; c++ {
				v := m.at(b, r, c)
				switch {
				case r < h && r == c:
					if !isOne(v) {
						return false
					}
				case r < h || c < h:
					if !isZero(v) {
						return false
					}
				}
			}
		}
	}
	return true
}

// samplesOf returns how many distinct matrices m holds.
func (s *Batch) samplesOf(m *mref) int {
	if m.stride == 0 {
		return 1
	}
	return s.size
}

// structure classifies the matrices of m (k targets) over all samples.
func (s *Batch) structure(m *mref, k int) (diag, anti, isReal, allX, swap bool) {
	K := 1 << uint(k)
	diag, anti, isReal, allX, swap = true, k == 1, true, k == 1, k == 2
	for b := 0; b < s.samplesOf(m); b++ {
		for r := 0; r < K; r++ {
			for c := 0; c < K; c++ {
				v := m.at(b, r, c)
				if imag(v) != 0 {
					isReal = false
				}
				if r != c && !isZero(v) {
					diag = false
				}
				if k == 1 {
					if r == c && !isZero(v) {
						anti, allX = false, false
					}
					if r != c && !isOne(v) {
						allX = false
					}
				}
				if k == 2 {
					// SWAP permutes local indices 1 and 2.
					want := complex128(0)
					if (r == c && (r == 0 || r == 3)) || (r == 1 && c == 2) || (r == 2 && c == 1) {
						want = 1
					}
					if v != want {
						swap = false
					}
				}
			}
		}
	}
	return diag, anti, isReal, allX, swap
}

// run builds the kernel for validated wires and a matrix (or a diagonal when
// diagVec) and runs it over the batch.
func (s *Batch) run(t *wireSet, m mref, diagVec bool) {
	k := t.k
	l := newLayout(s.n, t.fixed(), t.ctrl)
	ulog, nlog := log2(l.units), s.n
	groupLog := k // amplitudes per unit
	diag := diagVec
	var anti, isReal, allX, swap bool
	if !diagVec {
		diag, anti, isReal, allX, swap = s.structure(&m, k)
	}
	switch {
	case diag && k > 1 || diagVec:
		kd := kdiag{amp: s.amp, ulog: ulog, nlog: nlog, k: k, l: l, ms: m.ms, stride: m.stride, doff: m.off, dstep: m.ld + 1}
		fillOffsets(&kd.off, t.pos[:k])
		forUnits(s, l.units, groupLog, kd)
	case k == 1 && allX && t.np == 2:
		s.cnot(t.pos[1], t.pos[0])
	case k == 1 && allX:
		forUnits(s, l.units, 1, s.xKernel(t, l))
	case k == 2 && swap:
		forUnits(s, l.units, 2, kswap{amp: s.amp, l: l, o1: 1 << uint(t.pos[1]), o2: 1 << uint(t.pos[0])})
	case k == 1:
		k1k := k1{amp: s.amp, ulog: ulog, nlog: nlog, l: l, h: 1 << uint(t.pos[0]), m: m, big: len(s.amp) >= stageAmps, asm: s.asm()}
		k1k.hc, k1k.free = newRuns(s.n, t.pos[:1], t.pos[1:t.np], t.ctrl)
		switch {
		case diag:
			k1k.kind = diag1
		case anti:
			k1k.kind = anti1
		case isReal:
			k1k.kind = real1
		default:
			k1k.kind = dense1
		}
		forUnits(s, l.units, 1, k1k)
	case k == 2:
		k2k := k2{amp: s.amp, ulog: ulog, nlog: nlog, l: l, m: m}
		k2k.o1 = 1 << uint(t.pos[1])
		k2k.o2 = 1 << uint(t.pos[0])
		k2k.o3 = k2k.o1 | k2k.o2
		forUnits(s, l.units, 3, k2k)
	default:
		kg := kk{amp: s.amp, ulog: ulog, nlog: nlog, k: k, l: l, m: m}
		fillOffsets(&kg.off, t.pos[:k])
		cost := 2*k - 1
		if k > maxStackK {
			kg.scratch = make([]complex128, s.numChunks(l.units, cost)*2<<uint(k))
		}
		forUnits(s, l.units, cost, kg)
	}
}

// fillOffsets fills o with the offsets of the local indices over positions
// (positions[0] most significant).
func fillOffsets(o *offsets, positions []int) {
	k := len(positions)
	if k > maxStackK {
		o.heap = make([]int, 1<<uint(k))
		bitidx.Offsets(o.heap, positions)
		return
	}
	bitidx.Offsets(o.inline[:1<<uint(k)], positions)
}

// permX applies X on target under controls.
func (s *Batch) permX(what string, controls []int, target int) {
	tw := [1]int{target}
	t := s.validate(what, controls, tw[:])
	if t.np == 2 {
		s.cnot(t.pos[1], t.pos[0]) // one control: CNOT
		return
	}
	l := newLayout(s.n, t.fixed(), t.ctrl)
	forUnits(s, l.units, 1, s.xKernel(&t, l))
}

// xKernel returns the kernel of X on the single target of t under its
// controls.
func (s *Batch) xKernel(t *wireSet, l layout) kswap {
	k := kswap{amp: s.amp, l: l, o2: 1 << uint(t.pos[0])}
	k.hc, k.free = newRuns(s.n, t.pos[:1], t.pos[1:t.np], t.ctrl)
	return k
}

// permSwap exchanges wires a and b under controls.
func (s *Batch) permSwap(what string, controls []int, a, b int) {
	tw := [2]int{a, b}
	t := s.validate(what, controls, tw[:])
	l := newLayout(s.n, t.fixed(), t.ctrl)
	forUnits(s, l.units, 2, kswap{amp: s.amp, l: l, o1: 1 << uint(t.pos[1]), o2: 1 << uint(t.pos[0])})
}
