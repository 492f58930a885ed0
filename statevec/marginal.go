package statevec

// Marginals over a subset of wires. A unit is one group of 2ᵏ amplitudes
// sharing the bits of the other wires; local index a reads the listed wires
// with wires[0] most significant (PennyLane's qml.probs order).

// probK sums |ψ|² per local index.
type probK struct {
	amp  []complex128
	nlog int
	k    int
	l    layout
	off  offsets
}

func (k probK) accum(b, lo, hi int, acc []float64) {
	a := k.amp[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	off := k.off.get(k.k)
	step := 1 << uint(k.l.stepLog)
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		for x, o := range off {
			base := i0 + o
			var s0, s1 float64
			if step == 1 {
				run := a[base : base+cnt]
				i := 0
				for ; i+2 <= len(run); i += 2 {
					u, v := run[i], run[i+1]
					s0 += real(u)*real(u) + imag(u)*imag(u)
					s1 += real(v)*real(v) + imag(v)*imag(v)
				}
				if i < len(run) {
					u := run[i]
					s0 += real(u)*real(u) + imag(u)*imag(u)
				}
			} else {
				for j := base; j < base+cnt*step; j += step {
					u := a[j]
					s0 += real(u)*real(u) + imag(u)*imag(u)
				}
			}
			acc[x] += s0 + s1
		}
	}
}

// marginalLayout validates wires and returns the layout and offsets of
// their groups.
func (s *Batch) marginalLayout(what string, wires []int) (layout, offsets, int) {
	t := s.validate(what, nil, wires)
	var off offsets
	fillOffsets(&off, t.pos[:t.k])
	return newLayout(s.n, t.fixed(), 0), off, t.k
}

// Probabilities sets dst[b·2ᵏ + a] to the probability that the wires, read
// with wires[0] as the most significant bit, show a in sample b: the
// marginal of |ψ_b|² (not renormalised). Any subset of the wires in any
// order is allowed. len(dst) must be Len()·2ᵏ.
func (s *Batch) Probabilities(wires []int, dst []float64) {
	l, off, k := s.marginalLayout("Probabilities", wires)
	s.checkLen("Probabilities", "dst", len(dst), s.size<<uint(k))
	pk := probK{amp: s.amp, nlog: s.n, k: k, l: l, off: off}
	reduceEach(s, l.units, k, 1<<uint(k), pk, dst)
}

// scaleMargK adds g[b·2ᵏ + a]·ψ to dst for every amplitude of local index a.
type scaleMargK struct {
	src, dst   []complex128
	ulog, nlog int
	k          int
	l          layout
	off        offsets
	g          []float64
}

func (k scaleMargK) run(_, lo, hi int) {
	off := k.off.get(k.k)
	step := 1 << uint(k.l.stepLog)
	K := len(off)
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.ulog)
		lo = next
		src := k.src[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
		dst := k.dst[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
		g := k.g[b*K : (b+1)*K]
		for rr := r; rr < e; {
			i0, cnt := k.l.seg(rr, e)
			rr += cnt
			for x, o := range off {
				f := g[x]
				if f == 0 {
					continue
				}
				base := i0 + o
				if step == 1 {
					d := dst[base : base+cnt]
					v := src[base : base+cnt]
					v = v[:len(d)]
					for i := range d {
						d[i] += complex(f*real(v[i]), f*imag(v[i]))
					}
					continue
				}
				for j := base; j < base+cnt*step; j += step {
					dst[j] += complex(f*real(src[j]), f*imag(src[j]))
				}
			}
		}
	}
}

// ScaleByMarginal adds g[b·2ᵏ + a]·ψ_b[j] to dst_b[j] for every amplitude
// j whose wires read a. With g the cotangent of [Batch.Probabilities] this
// builds the adjoint start state λ_b = Σ_a g_ba·Π_a·ψ_b. dst must have the
// same shape as s (it may be s itself); len(g) must be Len()·2ᵏ.
func (s *Batch) ScaleByMarginal(wires []int, g []float64, dst *Batch) {
	l, off, k := s.marginalLayout("ScaleByMarginal", wires)
	s.checkSame("ScaleByMarginal", dst)
	s.checkLen("ScaleByMarginal", "g", len(g), s.size<<uint(k))
	sk := scaleMargK{src: s.amp, dst: dst.amp, ulog: log2(l.units), nlog: s.n, k: k, l: l, off: off, g: g}
	forUnits(s, l.units, k, sk)
}
