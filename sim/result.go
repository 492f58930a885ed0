package sim

import (
	"errors"
	"fmt"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/parfor"
	"github.com/quanta-qml/quanta/statevec"
)

// ErrInput is wrapped by the errors of Forward for inputs or weights that
// cannot be run: a wrong count, NaN or Inf values, amplitude-embedding
// features that cannot be normalised.
var ErrInput = errors.New("invalid inputs or weights")

// ErrNotUnitary is wrapped by the errors of Forward when an op's matrix,
// computed by a numerical method (SpecialUnitary, Evolve) or by a gate
// from outside package gate, is not unitary: for Evolve, a Hamiltonian
// block that is not Hermitian.
var ErrNotUnitary = errors.New("op matrix is not unitary")

// Result holds a forward run: the outputs, the final states and what VJP
// needs. It is not safe for concurrent use; Plan.ForwardTo may reuse it.
type Result struct {
	p       *Plan
	size    int // B
	g       int // samples per group
	ngroups int
	par     bool // parallel over groups (else inside kernels)
	workers int  // goroutines
	kw      int  // goroutines inside a kernel

	inputs, weights []float64
	values          []float64 // B×K
	psi             *statevec.Batch
	groups          []*statevec.Batch
	shared          []complex128 // per-run shared matrices (Plan.layout)
	each            []complex128 // per-sample block matrices, block-major
	eachPar         []float64    // per-sample member parameters (Plan.parLen per sample)
	eachMem         []complex128 // per-sample member matrices (Plan.memLen per sample)
	ws              []*worker
	errs            []error

	// VJP state.
	acc    []complex128 // ngroups × accLen group accumulators
	accSum []complex128 // their sum
	dw     []float64    // ngroups × W group weight gradients
	cot    []float64    // the cotangents of the running VJP
	dIn    []float64    // its input gradients

	// shift offsets one gate parameter (ParamShift): op −1 means none.
	shiftOp, shiftJ int
	shiftBy         float64
}

// worker is the scratch space of one goroutine.
type worker struct {
	phi, lam   *statevec.Batch // backward buffers for a full group
	phiT, lamT *statevec.Batch // views for a shorter last group
	par, grad  []float64
	m          [4][]complex128 // small matrices, maxDim² each
	pre        []complex128    // prefix products of fused blocks
	dense      []*cmat.Dense   // by number of wires
	coef       []float64       // per sample of a group
	vals       []float64       // per sample × output width
	cv         []complex128    // per sample
	ubar       []complex128    // per sample × maxDim²
	adj        []complex128    // per-sample adjoints (wide blocks)
	vec, mu    [][2]complex128 // product start: one-qubit states, contractions
	arena      []complex128    // product start scratch
	amps, vbar []float64       // amplitude embedding
	prob, marg []float64       // diagonal observables: 2ⁿ and n values
	tmp        []complex128    // one state, for gathers
}

// Forward runs the circuit on a batch and returns the outputs. inputs holds
// B rows of P = c.NumInputs() values (row-major); for a circuit without
// inputs it must be empty and B is 1. weights holds c.NumWeights() values
// shared by the batch. It is Compile followed by Plan.Forward; compile once
// and call Plan.ForwardTo to run the same circuit repeatedly without
// allocating.
func Forward(c *circuit.Circuit, weights, inputs []float64, outs []Output, opt Options) (*Result, error) {
	p, err := Compile(c, outs, opt)
	if err != nil {
		return nil, err
	}
	return p.ForwardTo(nil, weights, inputs)
}

// Forward runs the plan on a batch; see the package-level Forward.
func (p *Plan) Forward(weights, inputs []float64) (*Result, error) {
	return p.ForwardTo(nil, weights, inputs)
}

// batchSize checks the input and weight counts and values and returns B.
func (p *Plan) batchSize(weights, inputs []float64) (int, error) {
	if len(weights) != p.nw {
		return 0, fmt.Errorf("sim: %d weights for a circuit with %d: %w", len(weights), p.nw, ErrInput)
	}
	if i, ok := finite(weights); !ok {
		return 0, fmt.Errorf("sim: weight %d is %g: %w", i, weights[i], ErrInput)
	}
	size := 1
	if p.nin == 0 {
		if len(inputs) != 0 {
			return 0, fmt.Errorf("sim: %d inputs for a circuit without inputs: %w", len(inputs), ErrInput)
		}
	} else {
		if len(inputs) == 0 || len(inputs)%p.nin != 0 {
			return 0, fmt.Errorf("sim: %d input values are not a whole number of rows of %d: %w", len(inputs), p.nin, ErrInput)
		}
		size = len(inputs) / p.nin
	}
	if i, ok := finite(inputs); !ok {
		return 0, fmt.Errorf("sim: input %d (sample %d, input %d) is %g: %w", i, i/max(p.nin, 1), i%max(p.nin, 1), inputs[i], ErrInput)
	}
	return size, nil
}

// ForwardTo runs the plan on a batch, reusing the storage of r when r came
// from this plan with the same batch size (r may be nil). The returned
// Result is r or a new one; when r is reused, the Result it held before is
// overwritten. Steady-state calls with one worker do not allocate.
func (p *Plan) ForwardTo(r *Result, weights, inputs []float64) (*Result, error) {
	size, err := p.batchSize(weights, inputs)
	if err != nil {
		return nil, err
	}
	if r == nil || r.p != p || r.size != size {
		r = p.newResult(size)
	}
	copy(r.inputs, inputs)
	copy(r.weights, weights)
	if err := r.computeShared(r.ws[0]); err != nil {
		return nil, err
	}
	r.forEachGroup(passForward)
	for _, e := range r.errs {
		if e != nil {
			return nil, e
		}
	}
	return r, nil
}

// newResult allocates the storage of a run on size samples.
func (p *Plan) newResult(size int) *Result {
	r := &Result{p: p, size: size, shiftOp: -1}
	r.g = p.opt.groupSize(p.n, size)
	r.ngroups = (size + r.g - 1) / r.g
	r.workers = p.opt.Workers
	if r.workers <= 0 {
		r.workers = parfor.Workers()
	}
	r.par = r.workers > 1 && r.ngroups >= 2
	r.kw = 1
	nchunks := 1
	if r.par {
		nchunks = parfor.NumChunks(r.ngroups, r.workers, 1)
	} else {
		r.kw = r.workers
	}
	r.inputs = make([]float64, size*p.nin)
	r.weights = make([]float64, p.nw)
	r.values = make([]float64, size*p.width)
	r.psi = statevec.New(p.n, size)
	r.psi.Workers = r.kw
	r.groups = make([]*statevec.Batch, r.ngroups)
	for gi := range r.groups {
		r.groups[gi] = r.psi.Slice(gi*r.g, min((gi+1)*r.g, size))
	}
	r.shared = make([]complex128, p.sharedLen)
	r.each = make([]complex128, p.eachLen*size)
	r.eachPar = make([]float64, p.parLen*size)
	r.eachMem = make([]complex128, p.memLen*size)
	r.errs = make([]error, r.ngroups)
	r.ws = make([]*worker, nchunks)
	for c := range r.ws {
		r.ws[c] = p.newWorker(r)
	}
	return r
}

func (p *Plan) newWorker(r *Result) *worker {
	wk := &worker{}
	d2 := p.maxDim * p.maxDim
	for i := range wk.m {
		wk.m[i] = make([]complex128, d2)
	}
	wk.par = make([]float64, max(1, p.maxParams))
	wk.grad = make([]float64, max(1, p.maxParams))
	maxK := 0
	for 1<<uint(maxK) < p.maxDim {
		maxK++
	}
	wk.dense = make([]*cmat.Dense, maxK+1)
	for k := range wk.dense {
		wk.dense[k] = cmat.New(1<<uint(k), 1<<uint(k))
	}
	pre := 0
	for j := range p.blocks {
		b := &p.blocks[j]
		if b.kind == kMat {
			pre = max(pre, (len(b.members)+1)*b.dim*b.dim)
		}
	}
	wk.pre = make([]complex128, pre)
	wk.coef = make([]float64, r.g)
	wk.vals = make([]float64, r.g*max(1, p.maxWidth))
	wk.cv = make([]complex128, r.g)
	gradDim, wideDim := 0, 0
	for j := range p.blocks {
		b := &p.blocks[j]
		if b.kind == kMat && b.grad {
			gradDim = max(gradDim, b.dim)
		}
		if b.kind == kMat && b.each && b.k >= 2 {
			wideDim = max(wideDim, b.dim)
		}
	}
	wk.ubar = make([]complex128, r.g*gradDim*gradDim)
	wk.adj = make([]complex128, r.g*wideDim*wideDim)
	wk.vec = make([][2]complex128, p.n)
	wk.mu = make([][2]complex128, p.n)
	wk.arena = make([]complex128, arenaLen(p.n))
	for j := range p.blocks {
		if p.blocks[j].kind == kTable {
			wk.tmp = make([]complex128, 1<<uint(p.n))
			break
		}
	}
	if p.hasZ {
		wk.prob = make([]float64, 1<<uint(p.n))
		wk.marg = make([]float64, p.n)
	}
	if p.amp >= 0 {
		k := p.blocks[p.amp].k
		wk.amps = make([]float64, 1<<uint(k))
		wk.vbar = make([]float64, 1<<uint(k))
	}
	return wk
}

// backwardBuffers returns the worker's backward buffers for a group of
// size samples, allocating them on first use.
func (wk *worker) backwardBuffers(r *Result, size int) (phi, lam *statevec.Batch) {
	if wk.phi == nil {
		wk.phi = statevec.New(r.p.n, r.g)
		wk.lam = statevec.New(r.p.n, r.g)
		wk.phi.Workers, wk.lam.Workers = r.kw, r.kw
		if tail := r.size % r.g; tail != 0 {
			wk.phiT, wk.lamT = wk.phi.Slice(0, tail), wk.lam.Slice(0, tail)
		}
	}
	if size == r.g {
		return wk.phi, wk.lam
	}
	return wk.phiT, wk.lamT
}

// Passes over the groups.
const (
	passForward = iota
	passBackward
)

// forEachGroup runs a pass on every group, in parallel over groups or one
// after the other (kernels then parallelise inside), and collects errors.
func (r *Result) forEachGroup(pass int) {
	if !r.par {
		for gi := 0; gi < r.ngroups; gi++ {
			r.errs[gi] = r.runGroup(pass, r.ws[0], gi)
		}
		return
	}
	parfor.For(r.ngroups, r.workers, 1, func(c, lo, hi int) {
		for gi := lo; gi < hi; gi++ {
			r.errs[gi] = r.runGroup(pass, r.ws[c], gi)
		}
	})
}

func (r *Result) runGroup(pass int, wk *worker, gi int) error {
	if pass == passForward {
		return r.forwardGroup(wk, gi)
	}
	r.backwardGroup(wk, gi)
	return nil
}

// Values returns the outputs, B rows of K values (row-major), in the order
// of the outputs given to Compile. The slice belongs to the Result.
func (r *Result) Values() []float64 { return r.values }

// Len returns B, the number of samples.
func (r *Result) Len() int { return r.size }

// Width returns K, the number of values per sample.
func (r *Result) Width() int { return r.p.width }

// State returns a copy of the final state of sample b (wire 0 the most
// significant bit of the index).
func (r *Result) State(b int) []complex128 {
	return append([]complex128(nil), r.psi.Sample(b)...)
}

// groupRange returns the samples [lo, hi) of group gi.
func (r *Result) groupRange(gi int) (lo, hi int) {
	return gi * r.g, min((gi+1)*r.g, r.size)
}

// row returns sample b's inputs.
func (r *Result) row(b int) []float64 {
	return r.inputs[b*r.p.nin : (b+1)*r.p.nin]
}
