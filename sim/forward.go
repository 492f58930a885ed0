package sim

import (
	"fmt"

	"github.com/quanta-qml/quanta/statevec"
)

// params evaluates the gate parameters of a member for sample b (any
// sample for a member shared by the batch), with the ParamShift offset.
func (r *Result) params(m *member, b int, dst []float64) {
	m.o.Params(dst, r.row(b), r.weights)
	if m.op == r.shiftOp {
		dst[r.shiftJ] += r.shiftBy
	}
}

// memberMatrix writes the matrix of member m of block blk for sample b into
// dst, in block space (embedded when the member acts on fewer wires). A
// per-sample member keeps its parameters and, on one or two wires, its
// matrix for the backward pass.
func (r *Result) memberMatrix(wk *worker, blk *block, m *member, b int, dst []complex128) error {
	par := wk.par[:m.np]
	if m.each {
		par = r.keptParams(m, b)
	}
	r.params(m, b, par)
	dn := wk.dense[m.k]
	m.g.MatrixTo(dn, par)
	if m.check && notUnitary(dn.Data, 1<<uint(m.k)) {
		return r.unitaryError(m, b)
	}
	if m.each && m.matOff >= 0 {
		copy(r.keptMatrix(m, b), dn.Data)
	}
	if m.plain {
		copy(dst, dn.Data)
	} else {
		embed(dst, dn.Data, m, blk.dim)
	}
	return nil
}

// keptParams returns the kept parameters of per-sample member m for
// sample b.
func (r *Result) keptParams(m *member, b int) []float64 {
	off := m.parOff*r.size + b*m.np
	return r.eachPar[off : off+m.np]
}

// keptMatrix returns the kept matrix (member space) of per-sample member m
// for sample b; m.matOff must be set.
func (r *Result) keptMatrix(m *member, b int) []complex128 {
	d2 := 1 << uint(2*m.k)
	off := m.matOff*r.size + b*d2
	return r.eachMem[off : off+d2]
}

func (r *Result) unitaryError(m *member, b int) error {
	hint := ""
	if m.g.Name() == "Evolve" {
		hint = " (is the Hamiltonian Hermitian?)"
	}
	where := ""
	if m.each {
		where = fmt.Sprintf(", sample %d", b)
	}
	return fmt.Errorf("sim: op %d (%s)%s: matrix is not unitary%s: %w", m.op, m.g.Name(), where, hint, ErrNotUnitary)
}

// sharedMember returns the block-space matrix of shared member q.
func (r *Result) sharedMember(blk *block, q int) []complex128 {
	d2 := blk.dim * blk.dim
	off := blk.memOff + blk.members[q].sidx*d2
	return r.shared[off : off+d2]
}

// eachMat returns the matrix of a per-sample block for sample b.
func (r *Result) eachMat(blk *block, b int) []complex128 {
	d2 := blk.dim * blk.dim
	off := blk.eachOff*r.size + b*d2
	return r.each[off : off+d2]
}

// computeShared fills Result.shared: the matrices of the members shared by
// the batch, the products of their runs, the matrix and adjoint of shared
// blocks and the suffix products of per-sample blocks.
func (r *Result) computeShared(wk *worker) error {
	p := r.p
	for j := range p.blocks {
		blk := &p.blocks[j]
		if blk.kind != kMat {
			continue
		}
		d := blk.dim
		d2 := d * d
		for q := range blk.members {
			m := &blk.members[q]
			if m.each {
				continue
			}
			if err := r.memberMatrix(wk, blk, m, 0, r.sharedMember(blk, q)); err != nil {
				return err
			}
		}
		for s := range blk.segs {
			seg := &blk.segs[s]
			if seg.each {
				continue
			}
			r.product(wk, blk, seg.lo, seg.hi, r.shared[seg.off:seg.off+d2])
		}
		if !blk.each {
			u := r.shared[blk.matOff : blk.matOff+d2]
			copy(u, r.shared[blk.segs[0].off:blk.segs[0].off+d2])
			adjoint(r.shared[blk.matOff+d2:blk.matOff+2*d2], u, d)
			continue
		}
		r.product(wk, blk, blk.split+1, len(blk.members), r.shared[blk.sufOff:blk.sufOff+d2])
	}
	return nil
}

// product writes the product U_{hi−1}···U_lo of shared members into dst
// (the identity when the range is empty).
func (r *Result) product(wk *worker, blk *block, lo, hi int, dst []complex128) {
	d := blk.dim
	if lo >= hi {
		setIdentity(dst, d)
		return
	}
	copy(dst, r.sharedMember(blk, lo))
	tmp := wk.m[3][:d*d]
	for q := lo + 1; q < hi; q++ {
		mul(tmp, r.sharedMember(blk, q), dst, d)
		copy(dst, tmp)
	}
}

// sampleMatrix writes the matrix of per-sample block blk for sample b into
// dst: the product of its segments.
func (r *Result) sampleMatrix(wk *worker, blk *block, b int, dst []complex128) error {
	d := blk.dim
	d2 := d * d
	cur, tmp, mm := wk.m[0][:d2], wk.m[1][:d2], wk.m[2][:d2]
	for s := range blk.segs {
		seg := &blk.segs[s]
		var x []complex128
		if seg.each {
			if err := r.memberMatrix(wk, blk, &blk.members[seg.lo], b, mm); err != nil {
				return err
			}
			x = mm
		} else {
			x = r.shared[seg.off : seg.off+d2]
		}
		if s == 0 {
			copy(cur, x)
			continue
		}
		mul(tmp, x, cur, d)
		cur, tmp = tmp, cur
	}
	copy(dst, cur)
	return nil
}

// forwardGroup runs group gi from the start state to the outputs.
func (r *Result) forwardGroup(wk *worker, gi int) error {
	p := r.p
	lo, hi := r.groupRange(gi)
	s := r.groups[gi]
	for j := range p.blocks {
		blk := &p.blocks[j]
		if blk.kind != kMat || !blk.each {
			continue
		}
		for b := lo; b < hi; b++ {
			if err := r.sampleMatrix(wk, blk, b, r.eachMat(blk, b)); err != nil {
				return err
			}
		}
	}
	switch {
	case p.amp >= 0:
		if err := r.ampStart(wk, s, lo, hi); err != nil {
			return err
		}
	case p.hasPrep():
		for b := lo; b < hi; b++ {
			r.startVectors(wk, b)
			productState(s.Sample(b-lo), wk.vec, wk.arena, r.kw)
		}
	default:
		s.Reset()
	}
	for j := range p.blocks {
		blk := &p.blocks[j]
		if blk.prep || blk.kind == kAmp {
			continue
		}
		r.applyBlock(wk, s, blk, lo, hi, false)
	}
	r.outputs(wk, s, lo, hi)
	return nil
}

// hasPrep reports whether the plan starts from a product state.
func (p *Plan) hasPrep() bool {
	for _, j := range p.prep {
		if j >= 0 {
			return true
		}
	}
	return false
}

// startVectors sets wk.vec to the one-qubit states of the product start of
// sample b: the first column of each leading block, |0⟩ elsewhere.
func (r *Result) startVectors(wk *worker, b int) {
	p := r.p
	for w, j := range p.prep {
		if j < 0 {
			wk.vec[w] = [2]complex128{1, 0}
			continue
		}
		blk := &p.blocks[j]
		var u []complex128
		if blk.each {
			u = r.eachMat(blk, b)
		} else {
			u = r.shared[blk.matOff : blk.matOff+4]
		}
		wk.vec[w] = [2]complex128{u[0], u[2]}
	}
}

// ampStart loads the amplitude embedding of every sample of a group.
func (r *Result) ampStart(wk *worker, s *statevec.Batch, lo, hi int) error {
	blk := &r.p.blocks[r.p.amp]
	o := blk.members[0].o
	for b := lo; b < hi; b++ {
		if err := o.Amplitudes(wk.amps, r.row(b)); err != nil {
			return fmt.Errorf("sim: sample %d: %w: %w", b, ErrInput, err)
		}
		a := s.Sample(b - lo)
		clear(a)
		for i, v := range wk.amps {
			a[r.p.ampIdx[i]] = complex(v, 0)
		}
	}
	return nil
}

// applyBlock applies block blk (or its adjoint) to the samples [lo, hi) of
// the batch s, which holds exactly those samples.
func (r *Result) applyBlock(wk *worker, s *statevec.Batch, blk *block, lo, hi int, adj bool) {
	switch blk.kind {
	case kTable:
		tab := blk.src
		if adj {
			tab = blk.inv
		}
		for b := 0; b < hi-lo; b++ {
			gather(s.Sample(b), tab, wk.tmp)
		}
	case kPerm:
		w := blk.wires
		switch blk.perm {
		case permCNOT:
			s.ApplyCNOT(w[0], w[1])
		case permSWAP:
			s.ApplySWAP(w[0], w[1])
		case permToffoli:
			s.ApplyToffoli(w[0], w[1], w[2])
		case permX:
			s.ApplyX(w[0])
		}
	case kRot:
		m := &blk.members[0]
		sign := 1.0
		if adj {
			sign = -1
		}
		par := wk.par[:1]
		if !blk.each {
			r.params(m, lo, par)
			s.ApplyPauliRot(blk.rx, blk.rz, blk.rny, sign*par[0])
			return
		}
		th := wk.coef[:hi-lo]
		for b := lo; b < hi; b++ {
			r.params(m, b, par)
			th[b-lo] = sign * par[0]
		}
		s.ApplyPauliRotEach(blk.rx, blk.rz, blk.rny, th)
	case kMat:
		r.applyMat(wk, s, blk, lo, hi, adj)
	}
}

func (r *Result) applyMat(wk *worker, s *statevec.Batch, blk *block, lo, hi int, adj bool) {
	d2 := blk.dim * blk.dim
	if blk.k == 1 {
		// statevec's one-wire kernel on flat arrays: a shared matrix in one
		// call over the whole group (its pair structure repeats every
		// sample), a per-sample matrix sample by sample.
		pos := r.p.n - 1 - blk.wires[0]
		if !blk.each {
			off := blk.matOff
			if adj {
				off += 4 // the stored adjoint
			}
			u := statevec.NewMat2(r.shared[off : off+4])
			statevec.Apply1(s.Amplitudes(), pos, &u, r.kw)
			return
		}
		for b := lo; b < hi; b++ {
			u := statevec.NewMat2(r.eachMat(blk, b))
			if adj {
				u = u.Adjoint()
			}
			statevec.Apply1(s.Sample(b-lo), pos, &u, r.kw)
		}
		return
	}
	if !blk.each {
		off := blk.matOff
		if adj {
			off += d2
		}
		s.Apply(blk.wires, r.shared[off:off+d2])
		return
	}
	ms := r.each[blk.eachOff*r.size+lo*d2 : blk.eachOff*r.size+hi*d2]
	if adj {
		a := wk.adj[:(hi-lo)*d2]
		for b := 0; b < hi-lo; b++ {
			adjoint(a[b*d2:(b+1)*d2], ms[b*d2:(b+1)*d2], blk.dim)
		}
		ms = a
	}
	s.ApplyEach(blk.wires, ms)
}

// outputs writes the outputs of the samples [lo, hi) held by s.
func (r *Result) outputs(wk *worker, s *statevec.Batch, lo, hi int) {
	p := r.p
	g := hi - lo
	for i := range p.outs {
		o := &p.outs[i]
		switch o.kind {
		case outExpval:
			sum := wk.vals[:g]
			clear(sum)
			tmp := wk.coef[:g]
			for _, t := range o.terms {
				if t.zonly {
					continue // zOutputs
				}
				s.ExpectPauli(t.x, t.z, t.ny, tmp)
				for b := range sum {
					sum[b] += t.coeff * tmp[b]
				}
			}
			for b := range sum {
				r.values[(lo+b)*p.width+o.off] = sum[b]
			}
		case outProbs:
			w := o.width
			pr := wk.vals[:g*w]
			s.Probabilities(o.wires, pr)
			for b := 0; b < g; b++ {
				copy(r.values[(lo+b)*p.width+o.off:(lo+b)*p.width+o.off+w], pr[b*w:(b+1)*w])
			}
		}
	}
	if p.hasZ {
		r.zOutputs(wk, s, lo, hi)
	}
}

// gather permutes a through the table: a[j] ← a[tab[j]], through tmp.
func gather(a []complex128, tab []int32, tmp []complex128) {
	tmp = tmp[:len(a)]
	tab = tab[:len(a)]
	for j, s := range tab {
		tmp[j] = a[s]
	}
	copy(a, tmp)
}
