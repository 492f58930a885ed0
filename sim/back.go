package sim

import (
	"fmt"

	"github.com/quanta-qml/quanta/pauli"
	"github.com/quanta-qml/quanta/statevec"
)

// The adjoint method. For a loss L = Σ_bk c_bk·f_bk with f_bk = ⟨ψ_b|O_k|ψ_b⟩,
// dL = 2·Re⟨λ|dψ⟩ per sample with λ = Σ_k c_bk·O_k·ψ (O_k = Σ_a Π_a·g_a for
// probabilities). Walking the blocks backwards with φ the state after the
// block and λ the adjoint state there, a block U with ψ = A·U·φ_before
// gives dL = 2·Re⟨λ|dU·φ_before⟩ = Re Σ_ab conj(ū_ab)·dU_ab with
//
//	ū_ab = 2·Σ_rest λ[a, rest]·conj(φ_before[b, rest]),
//
// which is the cotangent gate.Gate.VJP takes. Then φ ← U†φ and λ ← U†λ.
// A fused block U = U_m···U_1 passes ū_i = (U_m···U_{i+1})†·ū·(U_{i−1}···U_1)†
// to member i (the chain rule of the product on small matrices), reduced
// to the member's wires by a partial trace when it acts on fewer. For a
// Pauli rotation U = exp(−iθ/2·P) alone, ∂L/∂θ = Im⟨λ|P|φ_after⟩.

// VJP returns the gradients of L = Σ_bk cot[b·K+k]·values[b·K+k]: with
// respect to the weights, summed over the batch, and with respect to the
// inputs, per sample (B×P). It may be called several times on one Result
// (for several cotangents). It panics when len(cot) is not B·K.
func (r *Result) VJP(cot []float64) (dWeights, dInputs []float64) {
	dWeights = make([]float64, r.p.nw)
	dInputs = make([]float64, r.size*r.p.nin)
	r.VJPTo(dWeights, dInputs, cot)
	return dWeights, dInputs
}

// VJPTo is VJP with caller-owned destinations, which it overwrites:
// dWeights has W entries and dInputs B·P. With one worker, steady-state
// calls do not allocate.
func (r *Result) VJPTo(dWeights, dInputs, cot []float64) {
	p := r.p
	if len(cot) != r.size*p.width {
		panic(fmt.Sprintf("sim: VJP: %d cotangents, want %d (B=%d × K=%d)", len(cot), r.size*p.width, r.size, p.width))
	}
	if len(dWeights) != p.nw || len(dInputs) != r.size*p.nin {
		panic(fmt.Sprintf("sim: VJPTo: destinations of %d and %d, want %d and %d", len(dWeights), len(dInputs), p.nw, r.size*p.nin))
	}
	if r.acc == nil {
		r.acc = make([]complex128, r.ngroups*p.accLen)
		r.accSum = make([]complex128, p.accLen)
		r.dw = make([]float64, r.ngroups*p.nw)
	}
	clear(r.acc)
	clear(r.dw)
	clear(dInputs)
	clear(dWeights)
	r.cot, r.dIn = cot, dInputs
	r.forEachGroup(passBackward)
	r.cot, r.dIn = nil, nil
	r.finish(r.ws[0], dWeights)
}

// groupAcc returns group gi's accumulator at off (d2 entries).
func (r *Result) groupAcc(gi, off, d2 int) []complex128 {
	base := gi*r.p.accLen + off
	return r.acc[base : base+d2]
}

func (r *Result) groupDW(gi int) []float64 {
	return r.dw[gi*r.p.nw : (gi+1)*r.p.nw]
}

// backwardGroup runs the adjoint pass for group gi.
func (r *Result) backwardGroup(wk *worker, gi int) {
	p := r.p
	lo, hi := r.groupRange(gi)
	phi, lam := wk.backwardBuffers(r, hi-lo)
	phi.CopyFrom(r.groups[gi])
	lam.Zero()
	r.seed(wk, phi, lam, lo, hi)
	for j := len(p.blocks) - 1; j >= 0; j-- {
		blk := &p.blocks[j]
		if blk.prep || blk.kind == kAmp {
			continue
		}
		r.backBlock(wk, phi, lam, blk, gi, lo, hi)
	}
	switch {
	case p.amp >= 0:
		r.backAmp(wk, lam, lo, hi)
	case p.hasPrep():
		r.backStart(wk, lam, gi, lo, hi)
	}
}

// seed builds the adjoint start state λ_b = Σ_k cot_bk·O_k·ψ_b.
func (r *Result) seed(wk *worker, phi, lam *statevec.Batch, lo, hi int) {
	p := r.p
	g := hi - lo
	for i := range p.outs {
		o := &p.outs[i]
		switch o.kind {
		case outExpval:
			coef := wk.coef[:g]
			for _, t := range o.terms {
				if t.zonly {
					continue // zSeed
				}
				for b := range coef {
					coef[b] = r.cot[(lo+b)*p.width+o.off] * t.coeff
				}
				phi.AddPauli(lam, t.x, t.z, t.ny, coef)
			}
		case outProbs:
			w := o.width
			gv := wk.vals[:g*w]
			for b := 0; b < g; b++ {
				copy(gv[b*w:(b+1)*w], r.cot[(lo+b)*p.width+o.off:(lo+b)*p.width+o.off+w])
			}
			phi.ScaleByMarginal(o.wires, gv, lam)
		}
	}
	if p.hasZ {
		r.zSeed(wk, phi, lam, lo, hi)
	}
}

// backBlock takes φ and λ back through one block, accumulating gradients.
func (r *Result) backBlock(wk *worker, phi, lam *statevec.Batch, blk *block, gi, lo, hi int) {
	switch blk.kind {
	case kPerm, kTable:
		if blk.needPhi {
			r.applyBlock(wk, phi, blk, lo, hi, true)
		}
		if blk.needLam {
			r.applyBlock(wk, lam, blk, lo, hi, true)
		}
	case kRot:
		if blk.grad {
			r.rotGrad(wk, phi, lam, blk, gi, lo, hi)
		}
		if blk.needPhi {
			r.applyBlock(wk, phi, blk, lo, hi, true)
		}
		if blk.needLam {
			r.applyBlock(wk, lam, blk, lo, hi, true)
		}
	case kMat:
		switch {
		case !blk.grad:
			if blk.needPhi {
				r.applyMat(wk, phi, blk, lo, hi, true)
			}
			if blk.needLam {
				r.applyMat(wk, lam, blk, lo, hi, true)
			}
		case blk.k == 1:
			r.back1Block(wk, phi, lam, blk, gi, lo, hi)
		default:
			r.backWide(wk, phi, lam, blk, gi, lo, hi)
		}
	}
}

// rotGrad adds the gradient of a Pauli rotation: ∂L/∂θ = Im⟨λ|P|φ⟩ with φ
// the state after the rotation.
func (r *Result) rotGrad(wk *worker, phi, lam *statevec.Batch, blk *block, gi, lo, hi int) {
	p := r.p
	ip := wk.cv[:hi-lo]
	lam.InnerPauli(phi, blk.rx, blk.rz, blk.rny, ip)
	m := &blk.members[0]
	gbar := wk.grad[:1]
	dw := r.groupDW(gi)
	for b := lo; b < hi; b++ {
		gbar[0] = imag(ip[b-lo])
		var din []float64
		if m.each {
			din = r.dIn[b*p.nin : (b+1)*p.nin]
		}
		m.o.ParamsVJP(din, dw, r.row(b), gbar)
	}
}

// back1Block is the backward step of a one-wire block with gradients,
// through statevec's fused one-wire kernel (uncompute φ, reduce, uncompute
// λ in one pass): for a shared matrix in one call over the whole group,
// for a per-sample matrix sample by sample. Back1 gives
// Σ conj(λ_a)·φ_b; the cotangent is twice its conjugate.
func (r *Result) back1Block(wk *worker, phi, lam *statevec.Batch, blk *block, gi, lo, hi int) {
	pos := r.p.n - 1 - blk.wires[0]
	ub := wk.ubar[:4]
	if !blk.each {
		uh := statevec.NewMat2(r.shared[blk.matOff+4 : blk.matOff+8])
		var acc [4]complex128
		statevec.Back1(phi.Amplitudes(), lam.Amplitudes(), pos, &uh, &acc, blk.needLam, r.kw)
		for i := range ub {
			ub[i] = 2 * conj(acc[i])
		}
		addTo(r.groupAcc(gi, blk.accOff, 4), ub)
		return
	}
	for b := lo; b < hi; b++ {
		u := statevec.NewMat2(r.eachMat(blk, b))
		uh := u.Adjoint()
		var acc [4]complex128
		statevec.Back1(phi.Sample(b-lo), lam.Sample(b-lo), pos, &uh, &acc, blk.needLam, r.kw)
		for i := range ub {
			ub[i] = 2 * conj(acc[i])
		}
		r.distSample(wk, blk, gi, b, ub)
	}
}

// backWide is the backward step of a block on two or more wires with
// gradients, through statevec's fused step (uncompute φ, reduce, uncompute
// λ): for a shared matrix summed over the group, for per-sample matrices
// per sample. AdjointStep gives Σ conj(λ_a)·φ_b; the cotangent is twice its
// conjugate.
func (r *Result) backWide(wk *worker, phi, lam *statevec.Batch, blk *block, gi, lo, hi int) {
	d2 := blk.dim * blk.dim
	if !blk.each {
		ro := wk.ubar[:d2]
		clear(ro)
		statevec.AdjointStep(lam, phi, blk.wires, r.shared[blk.matOff:blk.matOff+d2], ro, blk.needLam)
		for i, v := range ro {
			ro[i] = 2 * conj(v)
		}
		addTo(r.groupAcc(gi, blk.accOff, d2), ro)
		return
	}
	g := hi - lo
	ms := r.each[blk.eachOff*r.size+lo*d2 : blk.eachOff*r.size+hi*d2]
	ro := wk.ubar[:g*d2]
	clear(ro)
	statevec.AdjointStep(lam, phi, blk.wires, ms, ro, blk.needLam)
	for i, v := range ro {
		ro[i] = 2 * conj(v)
	}
	for b := lo; b < hi; b++ {
		r.distSample(wk, blk, gi, b, ro[(b-lo)*d2:(b-lo+1)*d2])
	}
}

// distSample passes the cotangent ub of per-sample block blk for sample b to
// its members: per-sample members get their gradients now; the cotangent
// of the shared suffix is accumulated as Σ_b ū_b·P_b† (P_b the product of the
// members up to split) and that of shared members before split as theirs.
func (r *Result) distSample(wk *worker, blk *block, gi, b int, ub []complex128) {
	d := blk.dim
	d2 := d * d
	nm := len(blk.members)
	if nm == 1 {
		r.memberGrad(wk, blk, &blk.members[0], ub, b, gi, nil)
		return
	}
	x := wk.m[0][:d2]
	copy(x, ub)
	if blk.split < nm-1 {
		// P_b = S†·U_b with S the suffix product, so ū·P_b† = ū·U_b†·S.
		s := r.shared[blk.sufOff : blk.sufOff+d2]
		t1, t2 := wk.m[1][:d2], wk.m[2][:d2]
		adjMul(t1, r.eachMat(blk, b), s, d)
		mul(t2, ub, t1, d)
		addTo(r.groupAcc(gi, blk.accOff, d2), t2)
		adjMul(x, s, ub, d) // X = S†·ū
	}
	// Prefix products pre_i = U_{i−1}···U_0 for sample b.
	pre := wk.pre
	if blk.split > 0 {
		setIdentity(pre[:d2], d)
	}
	for i := 0; i < blk.split; i++ {
		ui := r.memberAt(wk, blk, i, b, wk.m[3][:d2])
		mul(pre[(i+1)*d2:(i+2)*d2], ui, pre[i*d2:(i+1)*d2], d)
	}
	ubi, tmp := wk.m[1][:d2], wk.m[2][:d2]
	for i := blk.split; i >= 0; i-- {
		m := &blk.members[i]
		if i == 0 {
			copy(ubi, x) // pre_0 = I
		} else {
			mulAdj(ubi, x, pre[i*d2:(i+1)*d2], d)
		}
		if m.grad {
			if m.each {
				r.memberGrad(wk, blk, m, ubi, b, gi, nil)
			} else {
				addTo(r.groupAcc(gi, blk.wrsOff+m.wrs*d2, d2), ubi)
			}
		}
		if i > 0 {
			ui := r.memberAt(wk, blk, i, b, wk.m[3][:d2])
			adjMul(tmp, ui, x, d)
			copy(x, tmp)
		}
	}
}

// memberAt returns member i's block-space matrix for sample b: the stored
// one for a shared member, the kept one (embedded into buf if needed) or a
// recomputed one for a per-sample member.
func (r *Result) memberAt(wk *worker, blk *block, i, b int, buf []complex128) []complex128 {
	m := &blk.members[i]
	switch {
	case !m.each:
		return r.sharedMember(blk, i)
	case m.matOff >= 0 && m.plain:
		return r.keptMatrix(m, b)
	case m.matOff >= 0:
		embed(buf, r.keptMatrix(m, b), m, blk.dim)
		return buf
	}
	// Recomputed: the forward pass checked this matrix, so no error recurs.
	par := wk.par[:m.np]
	r.params(m, b, par)
	dn := wk.dense[m.k]
	m.g.MatrixTo(dn, par)
	if m.plain {
		copy(buf, dn.Data)
	} else {
		embed(buf, dn.Data, m, blk.dim)
	}
	return buf
}

// memberGrad sends the block-space cotangent ub of member m to the gate's
// VJP and the chain rule of its parameters: for sample b into the input
// gradients and group gi's weight gradients, or, with b < 0 (a shared
// member, cotangent summed over the batch), into dw.
func (r *Result) memberGrad(wk *worker, blk *block, m *member, ub []complex128, b, gi int, dw []float64) {
	p := r.p
	dm := 1 << uint(m.k)
	u := wk.dense[m.k]
	if m.plain {
		copy(u.Data, ub[:dm*dm])
	} else {
		reduce(u.Data, ub, m, blk.dim)
	}
	grad := wk.grad[:m.np]
	clear(grad)
	if b < 0 {
		par := wk.par[:m.np]
		r.params(m, 0, par)
		m.g.VJP(par, u, grad)
		m.o.ParamsVJP(nil, dw, nil, grad)
		return
	}
	par := r.keptParams(m, b)
	if m.rot != 0 && m.matOff >= 0 {
		grad[0] = rotationGrad(m.rot, r.keptMatrix(m, b), u.Data)
	} else {
		m.g.VJP(par, u, grad)
	}
	m.o.ParamsVJP(r.dIn[b*p.nin:(b+1)*p.nin], r.groupDW(gi), r.row(b), grad)
}

// rotationGrad returns Re Σ_ab conj(ū_ab)·∂U_ab/∂θ for a one-wire rotation
// U = exp(−iθ/2·P), from ∂U/∂θ = −(i/2)·P·U.
func rotationGrad(letter pauli.Op, u, ubar []complex128) float64 {
	var pu [4]complex128
	switch letter {
	case pauli.X:
		pu = [4]complex128{u[2], u[3], u[0], u[1]}
	case pauli.Y:
		pu = [4]complex128{-1i * u[2], -1i * u[3], 1i * u[0], 1i * u[1]}
	default:
		pu = [4]complex128{u[0], u[1], -u[2], -u[3]}
	}
	var s float64
	for i, v := range pu {
		d := complex(0, -0.5) * v
		s += real(ubar[i])*real(d) + imag(ubar[i])*imag(d)
	}
	return s
}

// backStart adds the gradients of the product-state start (see start.go).
func (r *Result) backStart(wk *worker, lam *statevec.Batch, gi, lo, hi int) {
	p := r.p
	want := p.startGrad
	if !anyTrue(want) {
		return
	}
	for b := lo; b < hi; b++ {
		r.startVectors(wk, b)
		contract(lam.Sample(b-lo), wk.vec, want, wk.mu, wk.arena, r.kw)
		for w, j := range p.prep {
			if j < 0 || !want[w] {
				continue
			}
			blk := &p.blocks[j]
			ub := wk.ubar[:4]
			ub[0], ub[1], ub[2], ub[3] = 2*wk.mu[w][0], 0, 2*wk.mu[w][1], 0
			if !blk.each {
				addTo(r.groupAcc(gi, blk.accOff, 4), ub)
				continue
			}
			r.distSample(wk, blk, gi, b, ub)
		}
	}
}

// backAmp adds the input gradients of the amplitude embedding: the
// amplitudes v are real and ψ_idx(a) = v_a, so ∂L/∂v_a = 2·Re λ_idx(a).
func (r *Result) backAmp(wk *worker, lam *statevec.Batch, lo, hi int) {
	p := r.p
	o := p.blocks[p.amp].members[0].o
	for b := lo; b < hi; b++ {
		l := lam.Sample(b - lo)
		for a, idx := range p.ampIdx {
			wk.vbar[a] = 2 * real(l[idx])
		}
		o.AmplitudesVJP(r.dIn[b*p.nin:(b+1)*p.nin], r.row(b), wk.vbar)
	}
}

// finish combines the group accumulators in group order and runs the VJP
// of every shared member once.
func (r *Result) finish(wk *worker, dw []float64) {
	p := r.p
	sum := r.accSum
	clear(sum)
	for gi := 0; gi < r.ngroups; gi++ {
		addTo(sum, r.acc[gi*p.accLen:(gi+1)*p.accLen])
	}
	for j := range p.blocks {
		blk := &p.blocks[j]
		if blk.kind != kMat || !blk.grad {
			continue
		}
		d2 := blk.dim * blk.dim
		s := sum[blk.accOff : blk.accOff+d2]
		nm := len(blk.members)
		if !blk.each {
			r.distShared(wk, blk, 0, nm, s, dw)
			continue
		}
		if blk.split < nm-1 {
			r.distShared(wk, blk, blk.split+1, nm, s, dw)
		}
		for q := 0; q < blk.split; q++ {
			m := &blk.members[q]
			if !m.each && m.grad {
				off := blk.wrsOff + m.wrs*d2
				r.memberGrad(wk, blk, m, sum[off:off+d2], -1, 0, dw)
			}
		}
	}
	for gi := 0; gi < r.ngroups; gi++ {
		addTo64(dw, r.groupDW(gi))
	}
}

// distShared passes the batch-summed cotangent s of the product of shared
// members [lo, hi) of blk to each of them.
func (r *Result) distShared(wk *worker, blk *block, lo, hi int, s []complex128, dw []float64) {
	d := blk.dim
	d2 := d * d
	x := wk.m[0][:d2]
	copy(x, s)
	pre := wk.pre
	setIdentity(pre[:d2], d)
	for i := lo; i < hi-1; i++ {
		t := i - lo
		mul(pre[(t+1)*d2:(t+2)*d2], r.sharedMember(blk, i), pre[t*d2:(t+1)*d2], d)
	}
	ubi, tmp := wk.m[1][:d2], wk.m[2][:d2]
	for i := hi - 1; i >= lo; i-- {
		m := &blk.members[i]
		if m.grad {
			t := i - lo
			mulAdj(ubi, x, pre[t*d2:(t+1)*d2], d)
			r.memberGrad(wk, blk, m, ubi, -1, 0, dw)
		}
		if i > lo {
			adjMul(tmp, r.sharedMember(blk, i), x, d)
			copy(x, tmp)
		}
	}
}

func addTo64(dst, a []float64) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] += a[i]
	}
}
