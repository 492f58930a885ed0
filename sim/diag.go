package sim

import (
	"math/bits"

	"github.com/quanta-qml/quanta/statevec"
)

// Diagonal observables. Terms made of Z letters only (⟨Z_i⟩ per wire, the
// usual readout) are served from the probabilities |ψ_j|² of each sample:
// the single-Z terms of every wire from one pass and a fold (Σ_j p_j over
// the indices with bit q set, for every q, in O(2ⁿ)), longer Z words by a
// signed sum. Backward, every diagonal term of every output folds into one
// real diagonal d_j = Σ c·(−1)^popcount(j&z), built by doubling, and
// λ_j += d_j·ψ_j in one pass, instead of one pass over the state per term.

// zSigned returns Σ_j p_j·(−1)^popcount(j&z).
func zSigned(p []float64, z uint64) float64 {
	var s float64
	for j, v := range p {
		if bits.OnesCount64(uint64(j)&z)&1 == 1 {
			s -= v
		} else {
			s += v
		}
	}
	return s
}

// foldMarginals sets marg[q] = Σ_j p_j over the indices with bit q set,
// for every bit q, and returns Σ_j p_j. It overwrites p.
func foldMarginals(p []float64, marg []float64) float64 {
	cur := p
	for q := range marg {
		var s float64
		half := len(cur) / 2
		for j := 0; j < half; j++ {
			a, b := cur[2*j], cur[2*j+1]
			s += b
			cur[j] = a + b
		}
		marg[q] = s
		cur = cur[:half]
	}
	return cur[0]
}

// zOutputs adds the diagonal terms of the expectation outputs of the samples
// [lo, hi) of s to r.values (which the caller zeroed for those outputs).
func (r *Result) zOutputs(wk *worker, s *statevec.Batch, lo, hi int) {
	p := r.p
	for b := lo; b < hi; b++ {
		amps := s.Sample(b - lo)
		pr := wk.prob
		pr = pr[:len(amps)]
		for j, a := range amps {
			pr[j] = real(a)*real(a) + imag(a)*imag(a)
		}
		row := r.values[b*p.width : (b+1)*p.width]
		for i := range p.outs {
			o := &p.outs[i]
			for _, t := range o.terms {
				if t.zonly && t.bit < 0 && t.z != 0 {
					row[o.off] += t.coeff * zSigned(pr, t.z)
				}
			}
		}
		total := foldMarginals(pr, wk.marg)
		for i := range p.outs {
			o := &p.outs[i]
			for _, t := range o.terms {
				switch {
				case !t.zonly:
				case t.z == 0:
					row[o.off] += t.coeff * total
				case t.bit >= 0:
					row[o.off] += t.coeff * (total - 2*wk.marg[t.bit])
				}
			}
		}
	}
}

// zSeed adds d_j·ψ_j to λ for the diagonal terms of every expectation
// output, weighted by the cotangents.
func (r *Result) zSeed(wk *worker, phi, lam *statevec.Batch, lo, hi int) {
	p := r.p
	n := p.n
	for b := lo; b < hi; b++ {
		a := wk.marg
		clear(a)
		c := 0.0
		for i := range p.outs {
			o := &p.outs[i]
			cb := r.cot[b*p.width+o.off]
			for _, t := range o.terms {
				switch {
				case !t.zonly:
				case t.z == 0:
					c += cb * t.coeff
				case t.bit >= 0:
					a[t.bit] += cb * t.coeff
				}
			}
		}
		d := wk.prob[:1<<uint(n)]
		d[0] = c
		for _, v := range a {
			d[0] += v
		}
		size := 1
		for q := 0; q < n; q++ {
			sh := d[size : 2*size]
			lo := d[:size]
			aq := 2 * a[q]
			for j, v := range lo {
				sh[j] = v - aq
			}
			size *= 2
		}
		for i := range p.outs {
			o := &p.outs[i]
			cb := r.cot[b*p.width+o.off]
			for _, t := range o.terms {
				if !t.zonly || t.bit >= 0 || t.z == 0 {
					continue
				}
				f := cb * t.coeff
				for j := range d {
					if bits.OnesCount64(uint64(j)&t.z)&1 == 1 {
						d[j] -= f
					} else {
						d[j] += f
					}
				}
			}
		}
		src, dst := phi.Sample(b-lo), lam.Sample(b-lo)
		dst = dst[:len(src)]
		d = d[:len(src)]
		for j, v := range src {
			dst[j] += complex(d[j]*real(v), d[j]*imag(v))
		}
	}
}
