package qnn

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/parfor"
	"github.com/quanta-qml/quanta/tensor"
)

// The Hamiltonian-evolution engine behind HamiltonianLinear and
// HamiltonianReupload. For every sample x (a row of in ≤ 4ⁿ values) the
// circuit on n qubits (N = 2ⁿ amplitudes) is
//
//	D = x zero-padded to N² values, reshaped row-major to N×N
//	H = (D + Dᵀ)/2                              real symmetric
//	s_0 = |+⟩^⊗n
//	u_r = exp(i·c·t_r·H)·s_r,  s_{r+1} = U_r·u_r,  r = 0 … R−1
//	out_q = Σ_{j : j >> (n−k) = q} |s_R[j]|²,   q = 0 … out−1
//
// with U_r = exp(i·Σ_m φ_rm P_m) an SU(N) block (suBlock) and the readout
// the marginal probabilities of the first k wires (k = n: the plain
// basis-state probabilities).
//
// Forward, per sample: one eigendecomposition H = V·diag(w)·Vᵀ (EigSym)
// serves all R evolutions, exp(iθH)·s = V·(e^{iθw} ∘ Vᵀs), two real-by-
// complex products; the shared blocks U_r are built once per batch. The
// states y_r = Vᵀs_r and u_r are kept, so the backward pass needs no
// uncomputation.
//
// Backward, per sample, from the cotangent λ_R of s_R (λ = 2·g·s for
// probabilities): for r = R−1 … 0,
//
//	μ_r = U_r†·λ_{r+1}           cotangent of u_r
//	a_r = Vᵀ·μ_r                 μ_r in the eigenbasis
//	λ_r = V·(conj(e_r) ∘ a_r)    cotangent of s_r
//
// where e_r = e^{iθ_r w}, θ_r = c·t_r. The cotangent of exp(iθ_r H) is
// μ_r·s_r†, which in the eigenbasis is the rank-one a_r·y_r†. Pulling it
// back through the exponential (Daleckii–Krein: the adjoint Fréchet
// derivative is V·(conj(Φ_r) ∘ ·)·Vᵀ with Φ_r the divided differences of
// e^{iθ_r w}) and through the factor i·θ_r gives
//
//	∂L/∂H = V·S·Vᵀ,   S = Σ_r θ_r·Im(conj(Φ_r) ∘ (a_r y_r†)),
//
// and, because D enters H as (D + Dᵀ)/2, ∂L/∂D = sym(∂L/∂H) = V·sym(S)·Vᵀ;
// ∂L/∂x is its first in entries (the padding has no gradient). Reps with
// the same θ share Φ, so their rank-one terms are summed first and Φ is
// evaluated once per sample (HamiltonianLinear: one Φ for all R reps).
// Only the rows of V·sym(S)·Vᵀ that hold inputs are formed, by two GEMMs.
// A trainable time gets ∂L/∂t_r = −c·Im Σ_k conj(a_rk)·w_k·e_rk·y_rk
// (from ∂exp(iθH)/∂t = i·c·H·exp(iθH)). The blocks get
// Ū_r = Σ_b λ_{r+1,b}·u_{r,b}†, one GEMM over the batch, and then one
// Fréchet adjoint and one projection per block (suBlock.vjp).

// evolveConfig fixes the circuit of an evolveFn.
type evolveConfig struct {
	qubits  int       // n
	in      int       // features per sample, 1 … 4ⁿ
	out     int       // outputs per sample, 1 … 2^readout
	reps    int       // R
	scale   float64   // c: the data evolution is exp(i·c·t_r·H)
	times   []float64 // fixed t_r; nil when the times are the last input
	readout int       // k: marginal probabilities of the first k wires
	complex bool      // non-unitary SU blocks (θ = a + ib)
	workers int       // goroutines; ≤ 0 means parfor.Workers()
}

// evolveFn is the autograd Function of the engine. Its inputs are x [B,
// in], the block coefficients [R, 4ⁿ−1] (real parts), their imaginary
// parts [R, 4ⁿ−1] when cfg.complex, and the times [R] when cfg.times is
// nil; its output is [B, out].
type evolveFn struct {
	cfg    *evolveConfig
	nb     int         // batch size B
	x      []float64   // [B, in]
	phi    [][]float64 // φ per rep (real parts)
	phiIm  [][]float64 // imaginary parts per rep (complex only)
	theta  []float64   // θ_r = c·t_r
	blocks []*suBlock
	w      []float64    // [B, N] eigenvalues of H
	v      []float64    // [B, N, N] eigenvectors (row-major, columns are vectors)
	y      []complex128 // [B, R, N] y_r = Vᵀ·s_r
	u      []complex128 // [R, B, N] u_r, the states entering block r
	final  []complex128 // [B, N] s_R
}

func (f *evolveFn) dim() int { return 1 << f.cfg.qubits }

// Forward runs the circuit on the batch.
func (f *evolveFn) Forward(in []*tensor.Dense) *tensor.Dense {
	cfg := f.cfg
	n, r := f.dim(), cfg.reps
	np := n*n - 1
	want := 2
	if cfg.complex {
		want++
	}
	if cfg.times == nil {
		want++
	}
	if len(in) != want {
		panic(fmt.Sprintf("qnn: evolution of %d inputs, want %d", len(in), want))
	}
	xs := in[0].Shape()
	if len(xs) != 2 || xs[1] != cfg.in {
		panic(fmt.Sprintf("qnn: evolution input of shape %v, want [B %d]", xs, cfg.in))
	}
	f.nb = xs[0]
	f.x = in[0].Contiguous().Data()
	f.phi = rows(in[1], r, np, "coefficients")
	if cfg.complex {
		f.phiIm = rows(in[2], r, np, "imaginary coefficients")
	}
	times := cfg.times
	if times == nil {
		t := in[want-1]
		if s := t.Shape(); len(s) != 1 || s[0] != r {
			panic(fmt.Sprintf("qnn: evolution times of shape %v, want [%d]", s, r))
		}
		times = t.Contiguous().Data()
	}
	f.theta = make([]float64, r)
	for i, t := range times {
		f.theta[i] = cfg.scale * t
	}

	f.blocks = make([]*suBlock, r)
	parfor.For(r, cfg.workers, 1, func(_, lo, hi int) {
		var solver cmat.EigSolver
		for i := lo; i < hi; i++ {
			var im []float64
			if cfg.complex {
				im = f.phiIm[i]
			}
			f.blocks[i] = newSUBlock(cfg.qubits, cfg.complex)
			f.blocks[i].set(f.phi[i], im, &solver)
		}
	})

	b := f.nb
	f.w = make([]float64, b*n)
	f.v = make([]float64, b*n*n)
	f.y = make([]complex128, b*r*n)
	f.u = make([]complex128, r*b*n)
	f.final = make([]complex128, b*n)
	out := tensor.New(b, cfg.out)
	od := out.Data()
	parfor.For(b, cfg.workers, 1, func(_, lo, hi int) {
		ws := newForwardWork(n)
		for i := lo; i < hi; i++ {
			f.forwardSample(i, ws, od[i*cfg.out:(i+1)*cfg.out])
		}
	})
	return out
}

// rows checks that t is [r, np] and returns its rows.
func rows(t *tensor.Dense, r, np int, what string) [][]float64 {
	if s := t.Shape(); len(s) != 2 || s[0] != r || s[1] != np {
		panic(fmt.Sprintf("qnn: evolution %s of shape %v, want [%d %d]", what, s, r, np))
	}
	d := t.Contiguous().Data()
	out := make([][]float64, r)
	for i := range out {
		out[i] = d[i*np : (i+1)*np]
	}
	return out
}

// forwardWork is one goroutine's scratch space for the forward pass.
type forwardWork struct {
	solver cmat.EigSolver
	h      []float64    // H, N×N
	s, tmp []complex128 // state and scratch, N
	alpha  []float64    // θ·w
	phase  []complex128 // e^{iθw}
}

func newForwardWork(n int) *forwardWork {
	return &forwardWork{h: make([]float64, n*n), s: make([]complex128, n), tmp: make([]complex128, n),
		alpha: make([]float64, n), phase: make([]complex128, n)}
}

// buildH sets h = (D + Dᵀ)/2 for the zero-padded, row-major reshaped x.
func buildH(h, x []float64, n int) {
	in := len(x)
	at := func(p int) float64 {
		if p < in {
			return x[p]
		}
		return 0
	}
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := (at(i*n+j) + at(j*n+i)) / 2
			h[i*n+j] = v
			h[j*n+i] = v
		}
	}
}

// phases sets alpha = θ·w and phase = e^{iα}.
func phases(alpha []float64, phase []complex128, w []float64, theta float64) {
	for k, wk := range w {
		a := theta * wk
		alpha[k] = a
		sn, cs := math.Sincos(a)
		phase[k] = complex(cs, sn)
	}
}

// forwardSample runs sample i and writes its outputs to out.
func (f *evolveFn) forwardSample(i int, ws *forwardWork, out []float64) {
	cfg := f.cfg
	n, r := f.dim(), cfg.reps
	x := f.x[i*cfg.in : (i+1)*cfg.in]
	w := f.w[i*n : (i+1)*n]
	v := f.v[i*n*n : (i+1)*n*n]
	buildH(ws.h, x, n)
	if err := ws.solver.Sym(w, v, n, ws.h); err != nil {
		// Non-finite input: let NaN flow to the outputs and gradients.
		fillNaN(w)
		fillNaN(v)
	}
	amp := complex(1/math.Sqrt(float64(n)), 0)
	for k := range ws.s {
		ws.s[k] = amp
	}
	last := math.NaN()
	for rep := 0; rep < r; rep++ {
		if th := f.theta[rep]; th != last {
			phases(ws.alpha, ws.phase, w, th)
			last = th
		}
		y := f.y[(i*r+rep)*n : (i*r+rep+1)*n]
		mulVT(y, v, ws.s, n)
		for k, p := range ws.phase {
			ws.tmp[k] = p * y[k]
		}
		u := f.u[(rep*f.nb+i)*n : (rep*f.nb+i+1)*n]
		mulV(u, v, ws.tmp, n)
		mulC(ws.s, f.blocks[rep].u.Data, u, n)
	}
	fin := f.final[i*n : (i+1)*n]
	copy(fin, ws.s)
	clear(out)
	shift := cfg.qubits - cfg.readout
	for j, a := range fin {
		if q := j >> shift; q < len(out) {
			out[q] += real(a)*real(a) + imag(a)*imag(a)
		}
	}
}

// backwardWork is one goroutine's scratch space for the backward pass.
type backwardWork struct {
	lam, mu, tmp []complex128 // N
	a            []complex128 // [R, N] a_r = Vᵀμ_r
	alpha        []float64
	phase        []complex128
	k            []complex128 // N×N sum of a_r·y_r† over a group of reps
	s            []float64    // N×N
	st, tt, gt   *tensor.Dense
	dt           []float64 // [R] time gradient of this chunk
}

func newBackwardWork(n, r, rowsX int) *backwardWork {
	ws := &backwardWork{
		lam: make([]complex128, n), mu: make([]complex128, n), tmp: make([]complex128, n),
		a: make([]complex128, r*n), alpha: make([]float64, n), phase: make([]complex128, n),
		k: make([]complex128, n*n), s: make([]float64, n*n), dt: make([]float64, r),
	}
	ws.st = tensor.FromSlice(ws.s, n, n)
	ws.tt = tensor.New(rowsX, n)
	ws.gt = tensor.New(rowsX, n)
	return ws
}

// VJP returns the gradients for x, the coefficients (real and imaginary
// parts) and the times, each only when needed.
func (f *evolveFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	cfg := f.cfg
	n, r, b := f.dim(), cfg.reps, f.nb
	gd := g.Contiguous().Data()
	needX := needs[0]
	needW := needs[1] || (cfg.complex && needs[2])
	needT := cfg.times == nil && needs[len(needs)-1]

	var lam []complex128 // [R, B, N] cotangents of s_{r+1}
	if needW {
		lam = make([]complex128, r*b*n)
	}
	var dx *tensor.Dense
	var dxd []float64
	var vFull, vTop []*tensor.Dense
	rowsX := (cfg.in + n - 1) / n
	if needX {
		dx = tensor.New(b, cfg.in)
		dxd = dx.Data()
		vFull = make([]*tensor.Dense, b)
		vTop = make([]*tensor.Dense, b)
		for i := range vFull {
			vi := f.v[i*n*n : (i+1)*n*n]
			vFull[i] = tensor.FromSlice(vi, n, n)
			vTop[i] = tensor.FromSlice(vi[:rowsX*n], rowsX, n)
		}
	}
	chunks := parfor.NumChunks(b, cfg.workers, 1)
	work := make([]*backwardWork, chunks)
	parfor.For(b, cfg.workers, 1, func(c, lo, hi int) {
		ws := newBackwardWork(n, r, rowsX)
		work[c] = ws
		for i := lo; i < hi; i++ {
			f.backwardSample(i, ws, gd[i*cfg.out:(i+1)*cfg.out], lam, needX, needT)
			if needX {
				tensor.Gemm(false, false, 1, vTop[i], ws.st, 0, ws.tt)
				tensor.Gemm(false, true, 1, ws.tt, vFull[i], 0, ws.gt)
				copy(dxd[i*cfg.in:(i+1)*cfg.in], ws.gt.Data())
			}
		}
	})

	grads := make([]*tensor.Dense, len(needs))
	grads[0] = dx
	if needW {
		np := n*n - 1
		gre := tensor.New(r, np)
		var gim *tensor.Dense
		if cfg.complex {
			gim = tensor.New(r, np)
		}
		parfor.For(r, cfg.workers, 1, func(_, lo, hi int) {
			ubar := cmat.New(n, n)
			for rep := lo; rep < hi; rep++ {
				lr := cmat.NewFrom(b, n, lam[rep*b*n:(rep+1)*b*n])
				ur := cmat.NewFrom(b, n, f.u[rep*b*n:(rep+1)*b*n])
				cmat.AdjMulTo(ubar, lr, ur) // Σ_b conj(λ_b)·u_bᵀ = conj(Ū)
				cmat.ConjTo(ubar, ubar)
				var im []float64
				if cfg.complex {
					im = gim.Data()[rep*np : (rep+1)*np]
				}
				f.blocks[rep].vjp(gre.Data()[rep*np:(rep+1)*np], im, ubar)
			}
		})
		if needs[1] {
			grads[1] = gre
		}
		if cfg.complex && needs[2] {
			grads[2] = gim
		}
	}
	if needT {
		dt := tensor.New(r)
		d := dt.Data()
		for _, ws := range work { // chunk order: reproducible
			for rep, v := range ws.dt {
				d[rep] += v
			}
		}
		grads[len(grads)-1] = dt
	}
	return grads
}

// backwardSample propagates the cotangent of sample i's outputs, gOut,
// back to s_0: it stores λ_{r+1} in lam (when non-nil), adds the time
// gradient to ws.dt (needT) and leaves sym(S) in ws.s (needX).
func (f *evolveFn) backwardSample(i int, ws *backwardWork, gOut []float64, lam []complex128, needX, needT bool) {
	cfg := f.cfg
	n, r, b := f.dim(), cfg.reps, f.nb
	w := f.w[i*n : (i+1)*n]
	v := f.v[i*n*n : (i+1)*n*n]
	fin := f.final[i*n : (i+1)*n]
	shift := cfg.qubits - cfg.readout
	for j, a := range fin {
		if q := j >> shift; q < len(gOut) {
			ws.lam[j] = complex(2*gOut[q], 0) * a
		} else {
			ws.lam[j] = 0
		}
	}
	last := math.NaN()
	for rep := r - 1; rep >= 0; rep-- {
		if lam != nil {
			copy(lam[(rep*b+i)*n:(rep*b+i+1)*n], ws.lam)
		}
		if th := f.theta[rep]; th != last {
			phases(ws.alpha, ws.phase, w, th)
			last = th
		}
		mulC(ws.mu, f.blocks[rep].uAdj.Data, ws.lam, n)
		a := ws.a[rep*n : (rep+1)*n]
		mulVT(a, v, ws.mu, n)
		y := f.y[(i*r+rep)*n : (i*r+rep+1)*n]
		if needT {
			var acc float64
			for k, ak := range a {
				acc += w[k] * imag(cmplx.Conj(ak)*ws.phase[k]*y[k])
			}
			ws.dt[rep] -= cfg.scale * acc
		}
		for k, ak := range a {
			ws.tmp[k] = cmplx.Conj(ws.phase[k]) * ak
		}
		mulV(ws.lam, v, ws.tmp, n)
	}
	if !needX {
		return
	}
	// S = Σ_r θ_r·sym(Im(conj(Φ_r) ∘ a_r y_r†)), reps of equal θ grouped.
	clear(ws.s)
	for lo := 0; lo < r; {
		hi := lo + 1
		for hi < r && f.theta[hi] == f.theta[lo] {
			hi++
		}
		outerSum(ws.k, ws.a[lo*n:hi*n], f.y[(i*r+lo)*n:(i*r+hi)*n], n, hi-lo)
		phases(ws.alpha, ws.phase, w, f.theta[lo])
		addExpAdjoint(ws.s, ws.k, ws.alpha, ws.phase, f.theta[lo], n)
		lo = hi
	}
}
