package statevec

import (
	"fmt"
	"math"
	"math/bits"
)

// Pauli words are given as bit masks over basis indices, the form of
// [Batch.WireMask]: P|j⟩ = i^ny·(−1)^popcount(j&z)·|j⊕x⟩. A Y on a wire sets
// its bit in both x and z and counts once in ny, since Y = i·X·Z. The
// Hermitian words are those with ny ≡ popcount(x&z) (mod 2), in particular
// every tensor product of I, X, Y and Z with ny the number of Y letters.

// pauliSign evaluates (−1)^popcount(j&z) with a table for the low
// signBits bits; the higher bits contribute one sign per run of 2^signBits.
type pauliSign struct {
	z   uint64
	tab [signRun]float64
}

// signBits is the number of low index bits covered by the sign table.
const (
	signBits = 4
	signRun  = 1 << signBits
	signMask = signRun - 1
)

func newPauliSign(z uint64) pauliSign {
	p := pauliSign{z: z}
	// Doubling: entries with bit i set are the entries below 2^i, negated
	// when z has bit i.
	p.tab[0] = 1
	for i := 0; i < signBits; i++ {
		h := 1 << uint(i)
		f := float64(1 - 2*int(z>>uint(i)&1))
		for t := 0; t < h; t++ {
			p.tab[h+t] = f * p.tab[t]
		}
	}
	return p
}

// high returns the sign contributed by the bits of j above the table.
func (p *pauliSign) high(j int) float64 {
	return float64(1 - 2*(bits.OnesCount64(uint64(j)&^signMask&p.z)&1))
}

// checkPauli validates the masks and returns ny mod 4.
func (s *Batch) checkPauli(what string, x, z uint64, ny int) int {
	s.checkMask(what, "x", x)
	s.checkMask(what, "z", z)
	return ny & 3
}

// expectK sums Re or Im of conj(a[j⊕x])·sign(j)·a[j] over a sample.
type expectK struct {
	amp  []complex128
	nlog int
	x    int
	im   bool // sum the imaginary part instead of the real part
	ps   pauliSign
}

func (k expectK) accum(b, lo, hi int, acc []float64) {
	a := k.amp[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	var sum float64
	for lo < hi {
		e := min(hi, lo&^signMask+signRun)
		run := a[lo:e]
		sg := k.ps.tab[lo&signMask : lo&signMask+len(run)]
		var s float64
		switch {
		case k.x == 0:
			s = normSigned(run, sg)
		case !k.im:
			s = pairSigned(a, run, sg, lo, k.x, false)
		default:
			s = pairSigned(a, run, sg, lo, k.x, true)
		}
		sum += k.ps.high(lo) * s
		lo = e
	}
	acc[0] += sum
}

// normSigned returns Σ |v_i|²·sg_i.
func normSigned(v []complex128, sg []float64) float64 {
	sg = sg[:len(v)]
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(v); i += 2 {
		u, w := v[i], v[i+1]
		s0 += (real(u)*real(u) + imag(u)*imag(u)) * sg[i]
		s1 += (real(w)*real(w) + imag(w)*imag(w)) * sg[i+1]
	}
	if i < len(v) {
		u := v[i]
		s0 += (real(u)*real(u) + imag(u)*imag(u)) * sg[i]
	}
	return s0 + s1
}

// pairSigned returns Σ Re (or Im) of conj(a[j⊕x])·a[j]·sg, for j = lo + i
// over run = a[lo:lo+len(run)].
func pairSigned(a, run []complex128, sg []float64, lo, x int, im bool) float64 {
	sg = sg[:len(run)]
	var s0, s1 float64
	for i, v := range run {
		u := a[(lo+i)^x]
		var t float64
		if im {
			t = real(u)*imag(v) - imag(u)*real(v)
		} else {
			t = real(u)*real(v) + imag(u)*imag(v)
		}
		if i&1 == 0 {
			s0 += t * sg[i]
		} else {
			s1 += t * sg[i]
		}
	}
	return s0 + s1
}

// ExpectPauli sets dst[b] = Re⟨ψ_b|P|ψ_b⟩ for the Pauli word P given by the
// masks x, z and the Y count ny (see the package documentation); for a
// Hermitian word this is its expectation value. States are not assumed
// normalised. len(dst) must be Len().
func (s *Batch) ExpectPauli(x, z uint64, ny int, dst []float64) {
	ny = s.checkPauli("ExpectPauli", x, z, ny)
	s.checkLen("ExpectPauli", "dst", len(dst), s.size)
	if x == 0 && ny&1 == 1 {
		clear(dst) // i^ny times a real sum: no real part
		return
	}
	k := expectK{amp: s.amp, nlog: s.n, x: int(x), im: ny&1 == 1, ps: newPauliSign(z)}
	reduceEach(s, s.dim, 0, 1, k, dst)
	if ny == 1 || ny == 2 {
		for b := range dst {
			dst[b] = -dst[b]
		}
	}
}

// Norms sets dst[b] to the Euclidean norm of sample b; len(dst) must be
// Len().
func (s *Batch) Norms(dst []float64) {
	s.checkLen("Norms", "dst", len(dst), s.size)
	k := expectK{amp: s.amp, nlog: s.n, ps: newPauliSign(0)}
	reduceEach(s, s.dim, 0, 1, k, dst)
	for b, v := range dst {
		dst[b] = math.Sqrt(v)
	}
}

// innerK sums conj(λ[j⊕x])·sign(j)·φ[j] over a sample.
type innerK struct {
	lam, phi []complex128
	nlog     int
	x        int
	ps       pauliSign
}

func (k innerK) accum(b, lo, hi int, acc []complex128) {
	l := k.lam[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	p := k.phi[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	var sum complex128
	for lo < hi {
		e := min(hi, lo&^signMask+signRun)
		run := p[lo:e]
		sg := k.ps.tab[lo&signMask : lo&signMask+len(run)]
		var re0, im0, re1, im1 float64
		for i, v := range run {
			u := l[(lo+i)^k.x]
			re := (real(u)*real(v) + imag(u)*imag(v)) * sg[i]
			im := (real(u)*imag(v) - imag(u)*real(v)) * sg[i]
			if i&1 == 0 {
				re0 += re
				im0 += im
			} else {
				re1 += re
				im1 += im
			}
		}
		sum += complex(k.ps.high(lo), 0) * complex(re0+re1, im0+im1)
		lo = e
	}
	acc[0] += sum
}

// InnerPauli sets dst[b] = ⟨λ_b|P|φ_b⟩ for the Pauli word given by x, z, ny;
// λ is s. phi must have the same shape and len(dst) must be Len(). With
// P = I (all zero) it is the plain inner product, see [Inner].
func (s *Batch) InnerPauli(phi *Batch, x, z uint64, ny int, dst []complex128) {
	ny = s.checkPauli("InnerPauli", x, z, ny)
	s.checkSame("InnerPauli", phi)
	s.checkLen("InnerPauli", "dst", len(dst), s.size)
	k := innerK{lam: s.amp, phi: phi.amp, nlog: s.n, x: int(x), ps: newPauliSign(z)}
	reduceEach(s, s.dim, 0, 1, k, dst)
	if f := ipow(ny); f != 1 {
		for b := range dst {
			dst[b] *= f
		}
	}
}

// Inner sets dst[b] = ⟨a_b|b_b⟩ (conjugate-linear in a); a and b must have
// the same shape and len(dst) must be their Len().
func Inner(a, b *Batch, dst []complex128) {
	a.InnerPauli(b, 0, 0, 0, dst)
}

// addPauliK adds f_b·P·src_b to dst_b, one amplitude per unit.
type addPauliK struct {
	src, dst []complex128
	nlog     int
	x        int
	f        []float64 // per-sample real coefficient
	ph       complex128
	ps       pauliSign
}

func (k addPauliK) run(_, lo, hi int) {
	tab := &k.ps.tab
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.nlog)
		lo = next
		if k.f[b] == 0 {
			continue
		}
		src := k.src[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
		dst := k.dst[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
		for r < e {
			g := min(e, r&^signMask+signRun)
			f := k.ph * complex(k.f[b]*k.ps.high(r), 0)
			for j := r; j < g; j++ {
				dst[j^k.x] += f * complex(tab[j&signMask], 0) * src[j]
			}
			r = g
		}
	}
}

// AddPauli adds coeffs[b]·P·ψ_b to sample b of dst, for the Pauli word given
// by x, z, ny. Calling it once per observable term with the upstream
// cotangents as coefficients builds the adjoint start state
// λ_b = Σ_k c_bk·O_k·ψ_b. dst must have the same shape as s and be a
// different batch; len(coeffs) must be Len().
func (s *Batch) AddPauli(dst *Batch, x, z uint64, ny int, coeffs []float64) {
	ny = s.checkPauli("AddPauli", x, z, ny)
	s.checkSame("AddPauli", dst)
	s.checkLen("AddPauli", "coeffs", len(coeffs), s.size)
	if dst == s {
		panic("statevec: AddPauli: dst must not be the source batch")
	}
	k := addPauliK{src: s.amp, dst: dst.amp, nlog: s.n, x: int(x), f: coeffs, ph: ipow(ny), ps: newPauliSign(z)}
	forUnits(s, s.dim, 0, k)
}

// pauliRotK applies exp(−iθ/2·P) with a per-sample angle.
type pauliRotK struct {
	amp        []complex128
	ulog, nlog int
	l          layout // x ≠ 0: the highest bit of x is inserted
	x, z       uint64
	ph         complex128 // −i·i^ny
	theta      float64    // shared angle
	thetas     []float64  // per-sample angles, or nil
}

func (k pauliRotK) run(_, lo, hi int) {
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.ulog)
		lo = next
		a := k.amp[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
		th := k.theta
		if k.thetas != nil {
			th = k.thetas[b]
		}
		sin, cos := math.Sincos(th / 2)
		c := complex(cos, 0)
		f := k.ph * complex(sin, 0)
		if k.x == 0 {
			// Diagonal: a[j] *= c + f·sign(j).
			fs := [2]complex128{c + f, c - f}
			for j := r; j < e; j++ {
				a[j] *= fs[bits.OnesCount64(uint64(j)&k.z)&1]
			}
			continue
		}
		step := 1 << uint(k.l.stepLog)
		for rr := r; rr < e; {
			i0, cnt := k.l.seg(rr, e)
			rr += cnt
			for j := i0; j < i0+cnt*step; j += step {
				jp := j ^ int(k.x)
				u, v := a[j], a[jp]
				sj := complex(float64(1-2*(bits.OnesCount64(uint64(j)&k.z)&1)), 0)
				sp := complex(float64(1-2*(bits.OnesCount64(uint64(jp)&k.z)&1)), 0)
				a[j] = c*u + f*sp*v
				a[jp] = c*v + f*sj*u
			}
		}
	}
}

// ApplyPauliRot applies exp(−iθ/2·P) = cos(θ/2)·I − i·sin(θ/2)·P for the
// Pauli word given by x, z, ny (PennyLane's PauliRot and MultiRZ), without
// forming its matrix. P must be Hermitian.
func (s *Batch) ApplyPauliRot(x, z uint64, ny int, theta float64) {
	s.pauliRot("ApplyPauliRot", x, z, ny, theta, nil)
}

// ApplyPauliRotEach is [Batch.ApplyPauliRot] with angle thetas[b] for sample
// b; len(thetas) must be Len().
func (s *Batch) ApplyPauliRotEach(x, z uint64, ny int, thetas []float64) {
	s.checkLen("ApplyPauliRotEach", "thetas", len(thetas), s.size)
	s.pauliRot("ApplyPauliRotEach", x, z, ny, 0, thetas)
}

func (s *Batch) pauliRot(what string, x, z uint64, ny int, theta float64, thetas []float64) {
	ny = s.checkPauli(what, x, z, ny)
	if ny&1 != bits.OnesCount64(x&z)&1 {
		panic(fmt.Sprintf("statevec: %s: word with x=%#x z=%#x ny=%d is not Hermitian", what, x, z, ny))
	}
	k := pauliRotK{amp: s.amp, nlog: s.n, x: x, z: z, ph: -1i * ipow(ny), theta: theta, thetas: thetas}
	units := s.dim
	if x != 0 {
		hx := [1]int{63 - bits.LeadingZeros64(x)}
		k.l = newLayout(s.n, hx[:], 0)
		units = k.l.units
	}
	k.ulog = log2(units)
	forUnits(s, units, 1, k)
}
