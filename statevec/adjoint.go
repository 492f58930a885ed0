package statevec

import "fmt"

// AdjointStep takes the adjoint method one gate back. M is the matrix a
// forward pass applied to wires (laid out as in [Batch.Apply]), phi the
// state after that gate and lambda the adjoint state there. AdjointStep
// sets φ ← M†φ (the state before the gate), adds to dst the reduced outer
// product of λ and that φ, as [ReducedOuter] does,
//
//	dst[a·2ᵏ + c] += Σ_rest conj(λ[a, rest])·φ[c, rest],
//
// and, when stepLambda is set, sets λ ← M†λ. ms holds 4ᵏ entries, one
// matrix shared by the batch, or Len()·4ᵏ, one per sample as in
// [Batch.ApplyEach]; dst holds 4ᵏ entries, the product summed over the
// batch, or Len()·4ᵏ, one per sample as in [ReducedOuterEach]. Other
// lengths, mismatched batches and bad wires panic.
//
// On one and two wires the three steps run in one pass over the
// amplitudes, group by group (one wire through the kernels of [Back1]); on
// more wires they run one after the other. Sums run over fixed blocks, so
// dst does not depend on the worker count.
func AdjointStep(lambda, phi *Batch, wires []int, ms, dst []complex128, stepLambda bool) {
	const what = "AdjointStep"
	lambda.checkSame(what, phi)
	t := lambda.validate(what, nil, wires)
	if t.k == 0 {
		panic("statevec: AdjointStep: no wires")
	}
	K2 := 1 << uint(2*t.k)
	B := lambda.size
	if len(ms) != K2 && len(ms) != B*K2 {
		panic(fmt.Sprintf("statevec: AdjointStep matrices has length %d, want %d or %d", len(ms), K2, B*K2))
	}
	if len(dst) != K2 && len(dst) != B*K2 {
		panic(fmt.Sprintf("statevec: AdjointStep dst has length %d, want %d or %d", len(dst), K2, B*K2))
	}
	m := mref{ms: ms, ld: 1 << uint(t.k)}
	if len(ms) != K2 {
		m.stride = K2
	}
	eachDst := len(dst) != K2
	switch t.k {
	case 1:
		adjointStep1(lambda, phi, t.pos[0], m, dst, eachDst, stepLambda)
	case 2:
		k := adj2K{lam: lambda.amp, phi: phi.amp, nlog: lambda.n, l: newLayout(lambda.n, t.fixed(), 0),
			o1: 1 << uint(t.pos[1]), o2: 1 << uint(t.pos[0]), m: m, stepLam: stepLambda}
		k.o3 = k.o1 | k.o2
		reduceInto(lambda, k.l.units, 4, K2, k, dst, eachDst)
	default:
		adjointStepWide(lambda, phi, wires, &t, m, dst, eachDst, stepLambda)
	}
}

// reduceInto adds the reduction of k over every unit to dst: summed over
// the batch, or per sample when each is set.
func reduceInto[K reducer[complex128]](s *Batch, units, costLog, p int, k K, dst []complex128, each bool) {
	if !each {
		reduceSum(s, units, costLog, p, k, dst)
		return
	}
	bp, tmp := getScratch[complex128](s.size * p)
	reduceEach(s, units, costLog, p, k, tmp)
	for i, v := range tmp {
		dst[i] += v
	}
	putScratch(bp)
}

// adjointStep1 is AdjointStep on one wire (bit p): the whole batch in one
// call of back1 for a shared matrix summed over the batch, else sample by
// sample through the reducers.
func adjointStep1(lambda, phi *Batch, p int, m mref, dst []complex128, eachDst, stepLam bool) {
	asm := lambda.asm() && phi.asm()
	if m.stride == 0 && !eachDst {
		u := mat2Of(m.at(0, 0, 0), m.at(0, 0, 1), m.at(0, 1, 0), m.at(0, 1, 1))
		uh := u.Adjoint()
		var acc [4]complex128
		back1(phi.amp, lambda.amp, p, &uh, &acc, stepLam, lambda.workers(), asm)
		for i, v := range acc {
			dst[i] += v
		}
		return
	}
	k := adj1K{lam: lambda.amp, phi: phi.amp, nlog: lambda.n, h: 1 << uint(p), m: m, stepLam: stepLam, asm: asm}
	reduceInto(lambda, lambda.dim/2, 2, 4, k, dst, eachDst)
}

// adj1K is the fused backward step on one wire; a unit is one pair of
// sample b.
type adj1K struct {
	lam, phi []complex128
	nlog, h  int
	m        mref
	stepLam  bool
	asm      bool
}

func (k adj1K) accum(b, lo, hi int, acc []complex128) {
	m := &k.m
	u := mat2Of(m.at(b, 0, 0), m.at(b, 0, 1), m.at(b, 1, 0), m.at(b, 1, 1))
	uh := u.Adjoint()
	lam := k.lam[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	phi := k.phi[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	back1Range(phi, lam, k.h, &uh, lo, hi, (*[4]complex128)(acc), k.stepLam, k.asm)
}

// adj2K is the fused backward step on two wires; a unit is one group of
// four amplitudes (local indices 0..3 at offsets 0, o1, o2, o3).
type adj2K struct {
	lam, phi   []complex128
	nlog       int
	l          layout
	o1, o2, o3 int
	m          mref
	stepLam    bool
}

func (k adj2K) accum(b, lo, hi int, acc []complex128) {
	// H = M_b†, copied once per call.
	var h [16]complex128
	for r := range 4 {
		for c := range 4 {
			v := k.m.at(b, c, r)
			h[4*r+c] = complex(real(v), -imag(v))
		}
	}
	lam := k.lam[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	phi := k.phi[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	var loc [16]complex128
	step := 1 << uint(k.l.stepLog)
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		adjGroups2(phi, lam, &h, &loc, i0, cnt, step, k.o1, k.o2, k.o3, k.stepLam)
	}
	acc = acc[:16]
	for e, v := range loc {
		acc[e] += v
	}
}

// adjGroups2 runs the fused step on the groups i0 + t·step, t < cnt: for
// each, w = H·φ_group is stored back, loc[4a+c] += conj(λ_a)·w_c, and, when
// stepLam is set, λ_group ← H·λ_group.
func adjGroups2(phi, lam []complex128, h, loc *[16]complex128, i0, cnt, step, o1, o2, o3 int, stepLam bool) {
	for j := i0; j < i0+cnt*step; j += step {
		v0, v1, v2, v3 := phi[j], phi[j+o1], phi[j+o2], phi[j+o3]
		w0 := h[0]*v0 + h[1]*v1 + h[2]*v2 + h[3]*v3
		w1 := h[4]*v0 + h[5]*v1 + h[6]*v2 + h[7]*v3
		w2 := h[8]*v0 + h[9]*v1 + h[10]*v2 + h[11]*v3
		w3 := h[12]*v0 + h[13]*v1 + h[14]*v2 + h[15]*v3
		phi[j], phi[j+o1], phi[j+o2], phi[j+o3] = w0, w1, w2, w3
		l0, l1, l2, l3 := lam[j], lam[j+o1], lam[j+o2], lam[j+o3]
		outerRow(loc[0:4], l0, w0, w1, w2, w3)
		outerRow(loc[4:8], l1, w0, w1, w2, w3)
		outerRow(loc[8:12], l2, w0, w1, w2, w3)
		outerRow(loc[12:16], l3, w0, w1, w2, w3)
		if stepLam {
			lam[j] = h[0]*l0 + h[1]*l1 + h[2]*l2 + h[3]*l3
			lam[j+o1] = h[4]*l0 + h[5]*l1 + h[6]*l2 + h[7]*l3
			lam[j+o2] = h[8]*l0 + h[9]*l1 + h[10]*l2 + h[11]*l3
			lam[j+o3] = h[12]*l0 + h[13]*l1 + h[14]*l2 + h[15]*l3
		}
	}
}

// outerRow adds conj(l)·w_c to row[c].
func outerRow(row []complex128, l, w0, w1, w2, w3 complex128) {
	row = row[:4]
	lr, li := real(l), imag(l)
	row[0] += complex(lr*real(w0)+li*imag(w0), lr*imag(w0)-li*real(w0))
	row[1] += complex(lr*real(w1)+li*imag(w1), lr*imag(w1)-li*real(w1))
	row[2] += complex(lr*real(w2)+li*imag(w2), lr*imag(w2)-li*real(w2))
	row[3] += complex(lr*real(w3)+li*imag(w3), lr*imag(w3)-li*real(w3))
}

// adjointStepWide is AdjointStep on three or more wires: the adjoint
// matrices into pooled scratch, then the three steps one after the other
// through Apply's and ReducedOuter's kernels.
func adjointStepWide(lambda, phi *Batch, wires []int, t *wireSet, m mref, dst []complex128, eachDst, stepLam bool) {
	K := m.ld
	K2 := K * K
	bp, adj := getScratch[complex128](len(m.ms))
	for b := 0; b < len(m.ms)/K2; b++ {
		a := adj[b*K2 : (b+1)*K2]
		for r := 0; r < K; r++ {
			for c := 0; c < K; c++ {
				v := m.ms[b*K2+c*K+r]
				a[r*K+c] = complex(real(v), -imag(v))
			}
		}
	}
	each := m.stride != 0
	phi.apply("AdjointStep", nil, wires, adj, each)
	k := outerK{lam: lambda.amp, phi: phi.amp, nlog: lambda.n, k: t.k, l: newLayout(lambda.n, t.fixed(), 0)}
	fillOffsets(&k.off, t.pos[:t.k])
	reduceInto(lambda, k.l.units, 2*t.k, K2, k, dst, eachDst)
	if stepLam {
		lambda.apply("AdjointStep", nil, wires, adj, each)
	}
	putScratch(bp)
}
