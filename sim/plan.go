package sim

import (
	"fmt"
	"slices"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/pauli"
	"github.com/quanta-qml/quanta/statevec"
)

// blockKind is how a block is applied.
type blockKind uint8

const (
	kMat   blockKind = iota // a (fused) matrix on the block's wires
	kPerm                   // one parameterless permutation with a statevec kernel
	kRot                    // one Pauli rotation on two or more wires
	kAmp                    // the amplitude embedding (first op)
	kTable                  // consecutive permutations composed into one index table
)

// tableMax is the largest number of wires for which runs of permutation
// blocks are composed into one gather through a table of 2ⁿ indices
// (256 KiB at n = 16, plus its inverse). Measured on the HEA step
// (BenchmarkHEA, n = 16, B = 32): 92 ms with the gather against 125 ms with
// one pass per CNOT. Larger states keep one pass per gate.
const tableMax = 16

// permKind names the statevec kernel of a kPerm block.
type permKind uint8

const (
	permCNOT permKind = iota
	permSWAP
	permToffoli
	permX
)

// member is one circuit op inside a block.
type member struct {
	op    int        // index in the circuit
	o     circuit.Op // the op
	g     gate.Gate
	np    int
	each  bool // its parameters depend on the inputs
	grad  bool // some parameter depends on the inputs or the weights
	k     int  // its number of wires
	pos   []int
	plain bool // pos is 0, 1, …, k−1 and k equals the block's: no embedding
	// alpha[a] and rest[a] split a block index a into the member's local
	// index and the bits of the other block wires (when not plain).
	alpha, rest []int
	check       bool // its matrix comes from a numerical method: verify it
	segment     int  // index of the segment holding it
	sidx        int  // among the block's shared members: its index
	wrs         int  // shared member before split: its accumulator index
	// Per-sample members keep their parameters (at parOff) and, on one or
	// two wires, their matrices (at matOff, −1 if not kept) from the forward
	// pass for the backward pass.
	parOff, matOff int
	// rot is the Pauli letter (X, Y, Z) of a one-wire rotation
	// exp(−iθ/2·P), whose gradient then comes from its kept matrix:
	// ∂U/∂θ = −(i/2)·P·U. Zero otherwise.
	rot pauli.Op
}

// segment is a run of members whose product is shared by the batch, or a
// single member that depends on the inputs.
type segment struct {
	lo, hi int  // members [lo, hi)
	each   bool // a single per-sample member
	off    int  // shared product: offset in Result.shared
}

// block is one step of the simulation: one op, or several fused ops.
type block struct {
	kind    blockKind
	wires   []int
	k, dim  int // wires and 2ᵏ
	members []member
	segs    []segment
	each    bool // some member depends on the inputs: one matrix per sample
	grad    bool // some member has parameters to differentiate
	split   int  // index of the last per-sample member, −1 if none
	prep    bool // part of the product-state start
	perm    permKind
	rx, rz  uint64 // kRot: the Pauli word's masks
	rny     int
	src     []int32 // kTable: new[j] = old[src[j]]
	inv     []int32 // kTable: the inverse permutation
	cost    float64 // fusion cost model, per amplitude (see opCost)

	// Storage offsets, set by layout.
	matOff  int // shared matrix U (and U† after it) in Result.shared, when !each
	sufOff  int // shared product of the members after split, when each
	eachOff int // per-sample matrices: Result.each[eachOff + b·dim²]
	accOff  int // group accumulator (dim² complex), when grad and not all per-sample
	memOff  int // shared member matrices (block space), dim² each, per member
	wrsOff  int // per-member accumulators of shared members before split

	needPhi bool // the backward pass must uncompute the state through it
	needLam bool // … and the adjoint state
}

// Plan is a circuit prepared for simulation with a list of outputs: its
// ops grouped into blocks (fusion), the product-state start, and the
// storage layout. A Plan is immutable and safe for concurrent use.
type Plan struct {
	c      *circuit.Circuit
	n      int
	nin    int
	nw     int
	opt    Options
	outs   []compiled
	width  int // K
	blocks []block
	prep   []int // blocks of the product-state start, by wire (−1: none)
	// startGrad marks the wires whose start block has gradients.
	startGrad []bool
	amp       int   // index of the amplitude-embedding block, −1 if none
	ampIdx    []int // basis index of each amplitude of the embedding
	// Sizes of the per-Forward storage.
	sharedLen int // complex entries of Result.shared
	eachLen   int // complex entries of Result.each per sample
	parLen    int // per-sample member parameters kept, per sample
	memLen    int // per-sample member matrices kept (complex entries), per sample
	accLen    int // complex entries of one group accumulator
	maxDim    int // largest block or member dimension
	maxParams int
	maxWidth  int
	hasZ      bool // some expectation output has a diagonal term
}

// gateCost returns the fusion cost model of a gate on k wires: the work
// per amplitude of applying it, in units where a dense one-wire matrix
// costs 2 (two complex multiply-adds per amplitude).
func gateCost(g gate.Gate, k int) float64 {
	if _, ok := fastPerm(g); ok {
		return 0.3
	}
	if _, ok := g.(gate.Rotation); ok && k >= 2 {
		return 1.2
	}
	if _, ok := g.(gate.Diagonal); ok {
		return 1
	}
	if c, ok := g.(gate.Controlled); ok {
		nc := c.NumControls()
		return float64(int(1)<<uint(k-nc)) / float64(int(1)<<uint(nc))
	}
	return float64(int(1) << uint(k))
}

// fastPerm reports whether g is a permutation with a statevec kernel.
func fastPerm(g gate.Gate) (permKind, bool) {
	if _, ok := g.(gate.Permutation); !ok || g.NumParams() != 0 {
		return 0, false
	}
	switch g.Name() {
	case "CNOT":
		return permCNOT, true
	case "SWAP":
		return permSWAP, true
	case "Toffoli":
		return permToffoli, true
	case "PauliX":
		return permX, true
	}
	return 0, false
}

// closedForm lists the gates whose matrices are written in closed form;
// the matrices of the others (SpecialUnitary, Evolve, gates from outside
// package gate) come from numerical methods or unknown code and are checked
// for unitarity.
var closedForm = func() []string {
	var s []string
	for _, name := range gate.Names() {
		if name != "SpecialUnitary" {
			s = append(s, name)
		}
	}
	return append(s, "PauliRot", "QubitUnitary")
}()

func isClosedForm(name string) bool {
	for _, s := range closedForm {
		if s == name {
			return true
		}
	}
	return false
}

// Compile prepares a circuit and its outputs for simulation. It returns an
// error for outputs that do not fit the circuit (a Pauli word or a
// probability wire out of range, a repeated wire, an invalid word).
func Compile(c *circuit.Circuit, outs []Output, opt Options) (*Plan, error) {
	if c == nil {
		return nil, fmt.Errorf("sim: nil circuit")
	}
	n := c.NumWires()
	if n < 1 || n > 30 {
		return nil, fmt.Errorf("sim: circuit on %d wires, want 1 to 30", n)
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("sim: no outputs")
	}
	cs, width, err := compileOutputs(outs, n)
	if err != nil {
		return nil, err
	}
	p := &Plan{c: c, n: n, nin: c.NumInputs(), nw: c.NumWeights(), opt: opt, outs: cs, width: width, amp: -1}
	for _, o := range cs {
		p.maxWidth = max(p.maxWidth, o.width)
		for _, t := range o.terms {
			p.hasZ = p.hasZ || t.zonly
		}
	}
	p.maxDim = 1
	p.fuse()
	p.composePerms()
	p.markPrep()
	p.finishBlocks()
	p.layout()
	return p, nil
}

// newMember describes op i.
func newMember(c *circuit.Circuit, i int) member {
	o := c.Op(i)
	m := member{op: i, o: o, g: o.Gate(), np: o.NumParams(), k: o.NumWires()}
	for j := 0; j < m.np; j++ {
		pr := o.Param(j)
		m.each = m.each || pr.UsesInput()
		m.grad = m.grad || pr.UsesInput() || pr.UsesWeight()
	}
	m.check = !isClosedForm(m.g.Name())
	if r, ok := m.g.(gate.Rotation); ok && m.k == 1 && m.np == 1 {
		if w := r.Word(); len(w.Ops) == 1 {
			m.rot = w.Ops[0]
		}
	}
	return m
}

// fuse groups the ops into blocks. An op joins the latest block touching
// its wires when that block is the latest on every one of them and acts on
// all of them (so moving the op there is exact: it commutes with every
// block in between, which touch other wires), the block has at most
// FuseMax wires, and the cost model says the merged block is no more work
// than the two apart. Growing a block onto new wires never pays under the
// model (a dense pass on one more wire costs as much as the two passes
// apart), so blocks do not grow.
func (p *Plan) fuse() {
	c := p.c
	fmax := p.opt.fuseMax()
	last := make([]int, p.n)
	for w := range last {
		last[w] = -1
	}
	for i := 0; i < c.NumOps(); i++ {
		o := c.Op(i)
		if o.IsAmplitude() {
			// Build guarantees it is the first op.
			b := block{kind: kAmp, wires: o.Wires(), split: -1}
			b.members = []member{{op: i, o: o, k: o.NumWires(), each: true, grad: true}}
			b.k = len(b.wires)
			p.ampIdx = make([]int, 1<<uint(b.k))
			for a := range p.ampIdx {
				for t, w := range b.wires {
					p.ampIdx[a] |= (a >> uint(b.k-1-t) & 1) << uint(p.n-1-w)
				}
			}
			p.amp = len(p.blocks)
			for _, w := range b.wires {
				last[w] = len(p.blocks)
			}
			p.blocks = append(p.blocks, b)
			continue
		}
		if o.Gate().Name() == "Identity" && o.NumParams() == 0 {
			continue
		}
		m := newMember(c, i)
		wires := o.Wires()
		j := last[wires[0]]
		for _, w := range wires {
			if last[w] != j {
				j = -1
			}
		}
		if fmax > 0 && j >= 0 && p.canMerge(&p.blocks[j], m, fmax) {
			p.merge(j, m)
			continue
		}
		p.blocks = append(p.blocks, p.single(m, wires))
		for _, w := range wires {
			last[w] = len(p.blocks) - 1
		}
	}
}

// single returns the block of one op.
func (p *Plan) single(m member, wires []int) block {
	b := block{wires: wires, k: len(wires), split: -1}
	b.cost = gateCost(m.g, m.k)
	m.pos = make([]int, m.k)
	for q := range m.pos {
		m.pos[q] = q
	}
	m.plain = true
	if pk, ok := fastPerm(m.g); ok {
		b.kind, b.perm = kPerm, pk
	} else if r, ok := m.g.(gate.Rotation); ok && m.k >= 2 {
		b.kind = kRot
		w := r.Word()
		word := pauli.Word{Ops: append([]pauli.Op(nil), w.Ops...), Wires: make([]int, len(w.Wires))}
		for q, pos := range w.Wires {
			word.Wires[q] = wires[pos]
		}
		b.rx, b.rz, b.rny = word.Masks(p.n)
	}
	b.members = []member{m}
	return b
}

// mergedCost is the cost of a block of several members on k wires: one
// diagonal pass when every member is diagonal, a dense pass otherwise.
func mergedCost(diag bool, k int) float64 {
	if diag {
		return 1
	}
	return float64(int(1) << uint(k))
}

func (b *block) allDiagonal() bool {
	for _, m := range b.members {
		if _, ok := m.g.(gate.Diagonal); !ok {
			return false
		}
	}
	return true
}

func (p *Plan) canMerge(b *block, m member, fmax int) bool {
	if b.kind == kAmp || b.k > fmax {
		return false
	}
	_, diag := m.g.(gate.Diagonal)
	diag = diag && b.allDiagonal()
	return mergedCost(diag, b.k) <= b.cost+gateCost(m.g, m.k)
}

// merge adds op m to block j, whose wires include m's.
func (p *Plan) merge(j int, m member) {
	b := &p.blocks[j]
	b.kind = kMat
	b.members = append(b.members, m)
	b.cost = mergedCost(b.allDiagonal(), b.k)
	for q := range b.members {
		mm := &b.members[q]
		ow := mm.o.Wires()
		mm.pos = make([]int, len(ow))
		for t, w := range ow {
			for s, bw := range b.wires {
				if bw == w {
					mm.pos[t] = s
				}
			}
		}
	}
}

// composePerms replaces every run of two or more consecutive permutation
// blocks (a CNOT ring, say) by one block that gathers the amplitudes through
// the composed index table, one pass over the state instead of one per
// gate, on circuits of at most tableMax wires with fusion on.
func (p *Plan) composePerms() {
	if p.n > tableMax || p.opt.fuseMax() == 0 {
		return
	}
	var out []block
	for j := 0; j < len(p.blocks); {
		k := j
		for k < len(p.blocks) && p.blocks[k].kind == kPerm {
			k++
		}
		if k-j < 2 {
			out = append(out, p.blocks[j])
			j++
			continue
		}
		t := block{kind: kTable, split: -1, cost: 0.5}
		lab := make([]complex128, 1<<uint(p.n))
		for i := range lab {
			lab[i] = complex(float64(i), 0)
		}
		for q := j; q < k; q++ {
			b := &p.blocks[q]
			applyPerm(lab, b, p.n)
			t.members = append(t.members, b.members...)
			t.wires = union(t.wires, b.wires)
		}
		t.k = len(t.wires)
		t.src = make([]int32, len(lab))
		t.inv = make([]int32, len(lab))
		for i, v := range lab {
			s := int32(real(v))
			t.src[i] = s
			t.inv[s] = int32(i)
		}
		out = append(out, t)
		j = k
	}
	if p.amp >= 0 {
		for j := range out {
			if out[j].kind == kAmp {
				p.amp = j
			}
		}
	}
	p.blocks = out
}

// applyPerm applies the permutation block b to the amplitudes a of one
// n-qubit state (here: labels, to compose permutations).
func applyPerm(a []complex128, b *block, n int) {
	w := b.wires
	bit := func(q int) int { return n - 1 - w[q] }
	switch b.perm {
	case permCNOT:
		statevec.CNOT(a, bit(0), bit(1), 1)
	case permSWAP:
		sm, tm := 1<<uint(bit(0)), 1<<uint(bit(1))
		for j := range a {
			if j&sm != 0 && j&tm == 0 {
				a[j], a[j^sm^tm] = a[j^sm^tm], a[j]
			}
		}
	case permToffoli:
		c1, c2, tm := 1<<uint(bit(0)), 1<<uint(bit(1)), 1<<uint(bit(2))
		for j := range a {
			if j&c1 != 0 && j&c2 != 0 && j&tm == 0 {
				a[j], a[j|tm] = a[j|tm], a[j]
			}
		}
	case permX:
		tm := 1 << uint(bit(0))
		for j := range a {
			if j&tm == 0 {
				a[j], a[j|tm] = a[j|tm], a[j]
			}
		}
	}
}

// union returns a followed by the elements of b not in a.
func union(a, b []int) []int {
	u := append([]int(nil), a...)
	for _, v := range b {
		if !slices.Contains(u, v) {
			u = append(u, v)
		}
	}
	return u
}

// markPrep finds the leading one-wire blocks: the first block on a wire,
// acting on that wire alone. They commute with every block before them,
// so the start state is the Kronecker product of their first columns.
func (p *Plan) markPrep() {
	p.prep = make([]int, p.n)
	for w := range p.prep {
		p.prep[w] = -1
	}
	if p.opt.NoProductStart || p.amp >= 0 {
		return
	}
	seen := make([]bool, p.n)
	for j := range p.blocks {
		b := &p.blocks[j]
		if b.k == 1 && b.kind == kMat && !seen[b.wires[0]] {
			b.prep = true
			p.prep[b.wires[0]] = j
		}
		for _, w := range b.wires {
			seen[w] = true
		}
	}
}

// finishBlocks fills the derived fields of every block: flags, segments,
// embeddings and which backward steps are needed.
func (p *Plan) finishBlocks() {
	for j := range p.blocks {
		b := &p.blocks[j]
		b.dim = 1 << uint(b.k)
		if b.kind == kMat {
			// Only matrix blocks form matrices: the scratch is sized by them.
			p.maxDim = max(p.maxDim, b.dim)
		}
		if b.kind == kAmp {
			b.each, b.grad = true, true
			continue
		}
		b.split = -1
		for q := range b.members {
			m := &b.members[q]
			p.maxParams = max(p.maxParams, m.np)
			if b.kind == kMat {
				p.maxDim = max(p.maxDim, 1<<uint(m.k))
			}
			b.grad = b.grad || m.grad
			if m.each {
				b.each = true
				b.split = q
			}
			m.plain = m.k == b.k
			for t, s := range m.pos {
				m.plain = m.plain && s == t
			}
			if !m.plain {
				m.alpha, m.rest = embedding(b.k, m.pos)
			}
		}
		// Segments: runs of shared members, single per-sample members.
		for q := 0; q < len(b.members); {
			m := &b.members[q]
			if m.each {
				m.segment = len(b.segs)
				b.segs = append(b.segs, segment{lo: q, hi: q + 1, each: true})
				q++
				continue
			}
			s := segment{lo: q}
			for q < len(b.members) && !b.members[q].each {
				b.members[q].segment = len(b.segs)
				q++
			}
			s.hi = q
			b.segs = append(b.segs, s)
		}
	}
	// needPhi: some block before (in circuit order) has gradients; needLam:
	// the same, or the start (product start, amplitude embedding) has.
	gradBefore := false
	for j := range p.blocks {
		b := &p.blocks[j]
		if b.prep || b.kind == kAmp {
			gradBefore = gradBefore || b.grad
		}
	}
	startGrad := gradBefore
	gradBefore = false
	p.startGrad = make([]bool, p.n)
	for w, j := range p.prep {
		p.startGrad[w] = j >= 0 && p.blocks[j].grad
	}
	for j := range p.blocks {
		b := &p.blocks[j]
		if b.prep || b.kind == kAmp {
			continue
		}
		b.needPhi = gradBefore
		b.needLam = gradBefore || startGrad
		gradBefore = gradBefore || b.grad
	}
}

// embedding returns, for every index a of a k-wire block, the local index
// of a member on the block positions pos and the bits of the other wires.
func embedding(k int, pos []int) (alpha, rest []int) {
	d := 1 << uint(k)
	alpha = make([]int, d)
	rest = make([]int, d)
	var mask int
	for _, s := range pos {
		mask |= 1 << uint(k-1-s)
	}
	km := len(pos)
	for a := 0; a < d; a++ {
		l := 0
		for q, s := range pos {
			l |= (a >> uint(k-1-s) & 1) << uint(km-1-q)
		}
		alpha[a] = l
		rest[a] = a &^ mask
	}
	return alpha, rest
}

// layout assigns storage offsets.
func (p *Plan) layout() {
	shared, each, acc := 0, 0, 0
	for j := range p.blocks {
		b := &p.blocks[j]
		d2 := b.dim * b.dim
		if b.kind == kAmp || b.kind == kPerm || b.kind == kTable {
			continue
		}
		if b.kind == kRot {
			continue
		}
		b.memOff = shared
		for q := range b.members {
			if m := &b.members[q]; !m.each {
				m.sidx = (shared - b.memOff) / d2
				shared += d2
			}
		}
		for s := range b.segs {
			if !b.segs[s].each {
				b.segs[s].off = shared
				shared += d2
			}
		}
		if b.each {
			b.eachOff = each
			each += d2
			b.sufOff = shared
			shared += d2
			for q := range b.members {
				m := &b.members[q]
				m.matOff = -1
				if !m.each {
					continue
				}
				m.parOff = p.parLen
				p.parLen += m.np
				if m.k <= 2 {
					m.matOff = p.memLen
					p.memLen += 1 << uint(2*m.k)
				}
			}
		} else {
			b.matOff = shared
			shared += 2 * d2 // U and U†
		}
		if b.grad {
			b.accOff = acc
			acc += d2
			b.wrsOff = acc
			for q := range b.members {
				if m := &b.members[q]; !m.each && q < b.split {
					m.wrs = (acc - b.wrsOff) / d2
					acc += d2
				}
			}
		}
	}
	p.sharedLen, p.eachLen, p.accLen = shared, each, acc
}

// NumWires returns the number of wires of the plan's circuit.
func (p *Plan) NumWires() int { return p.n }

// Width returns K, the number of values per sample of the outputs.
func (p *Plan) Width() int { return p.width }

// Blocks returns the number of blocks the ops were fused into (the product
// start counts one block per wire), for tests and reports.
func (p *Plan) Blocks() int { return len(p.blocks) }

// String lists the blocks, one per line, with the ops they hold.
func (p *Plan) String() string {
	s := fmt.Sprintf("plan: %d wires, %d ops in %d blocks\n", p.n, p.c.NumOps(), len(p.blocks))
	for j, b := range p.blocks {
		tag := ""
		switch {
		case b.prep:
			tag = " start"
		case b.kind == kAmp:
			tag = " amplitudes"
		case b.kind == kPerm:
			tag = " permutation"
		case b.kind == kTable:
			tag = " permutations"
		case b.kind == kRot:
			tag = " rotation"
		}
		if b.each {
			tag += " per-sample"
		}
		s += fmt.Sprintf("%3d  %v%s:", j, b.wires, tag)
		for _, m := range b.members {
			s += " " + m.o.Name()
		}
		s += "\n"
	}
	return s
}
