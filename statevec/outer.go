package statevec

// outerK accumulates R[a·2ᵏ + c] += Σ conj(λ[base+off[a]])·φ[base+off[c]]
// over the groups of a layout.
type outerK struct {
	lam, phi []complex128
	nlog     int
	k        int
	l        layout
	off      offsets
	asm      bool // the one-wire pair kernels may use the vector kernels
}

// outerTile bounds the run length processed per (a, c) pass, so that the
// 2·2ᵏ runs being read stay in the L1 cache.
const outerTile = 128

func (k outerK) accum(b, lo, hi int, acc []complex128) {
	lam := k.lam[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	phi := k.phi[b<<uint(k.nlog) : (b+1)<<uint(k.nlog)]
	off := k.off.get(k.k)
	K := len(off)
	step := 1 << uint(k.l.stepLog)
	if K > 4 {
		k.accumLarge(lam, phi, off, lo, hi, acc)
		return
	}
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		switch {
		case K == 4:
			outer2(lam, phi, off, i0, cnt, step, acc)
		case step == 1:
			// One wire, contiguous runs: the pair kernels of onewire.go.
			h := off[1]
			runOuter(lam[i0:i0+cnt], lam[i0+h:i0+h+cnt], phi[i0:i0+cnt], phi[i0+h:i0+h+cnt], (*[4]complex128)(acc), k.asm)
		case step == 2 && off[1] == 1:
			adjOuter(lam[i0:i0+2*cnt], phi[i0:i0+2*cnt], (*[4]complex128)(acc), k.asm)
		default:
			outer1Strided(lam, phi, i0, cnt, step, off[1], acc)
		}
	}
}

// accumLarge is accum for three or more wires: long contiguous runs by dot
// products per entry, short ones group by group.
func (k *outerK) accumLarge(lam, phi []complex128, off []int, lo, hi int, acc []complex128) {
	K := len(off)
	step := 1 << uint(k.l.stepLog)
	var g gatherBuf
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		if step != 1 || cnt < outerMinRun {
			g.outer(lam, phi, off, i0, cnt, step, acc)
			continue
		}
		for t0 := 0; t0 < cnt; t0 += outerTile {
			n := min(outerTile, cnt-t0)
			for x, ox := range off {
				u := lam[i0+ox+t0 : i0+ox+t0+n]
				for y, oy := range off {
					v := phi[i0+oy+t0 : i0+oy+t0+n]
					acc[x*K+y] += dotc(u, v)
				}
			}
		}
	}
}

// outerMinRun is the shortest contiguous run for which the per-entry dot
// products beat gathering each group.
const outerMinRun = 16

// gatherBuf holds one group of λ and φ for k ≤ maxStackK.
type gatherBuf struct{ l, p [1 << maxStackK]complex128 }

// outer accumulates the groups i0 + t·step, t < cnt, one at a time: gather
// λ and φ, then add all 4ᵏ products.
func (g *gatherBuf) outer(lam, phi []complex128, off []int, i0, cnt, step int, acc []complex128) {
	K := len(off)
	var l, p []complex128
	if K <= len(g.l) {
		l, p = g.l[:K], g.p[:K]
	} else {
		l, p = make([]complex128, K), make([]complex128, K)
	}
	for j := i0; j < i0+cnt*step; j += step {
		for x, o := range off {
			l[x], p[x] = lam[j+o], phi[j+o]
		}
		for x, u := range l {
			row := acc[x*K : (x+1)*K]
			row = row[:len(p)]
			for y, v := range p {
				row[y] += complex(real(u)*real(v)+imag(u)*imag(v), real(u)*imag(v)-imag(u)*real(v))
			}
		}
	}
}

// outer2 accumulates the 4×4 reduced outer product of the groups
// i0 + t·step, t < cnt, of a two-wire layout in a local array.
func outer2(lam, phi []complex128, off []int, i0, cnt, step int, acc []complex128) {
	var loc [16]complex128
	o1, o2, o3 := off[1], off[2], off[3]
	for j := i0; j < i0+cnt*step; j += step {
		l := [4]complex128{lam[j], lam[j+o1], lam[j+o2], lam[j+o3]}
		p := [4]complex128{phi[j], phi[j+o1], phi[j+o2], phi[j+o3]}
		for x := range 4 {
			u := complex(real(l[x]), -imag(l[x]))
			loc[4*x] += u * p[0]
			loc[4*x+1] += u * p[1]
			loc[4*x+2] += u * p[2]
			loc[4*x+3] += u * p[3]
		}
	}
	acc = acc[:16]
	for e, v := range loc {
		acc[e] += v
	}
}

// outer1Strided is outer1 for the pairs (i0 + t·step, that + h), t < cnt.
func outer1Strided(lam, phi []complex128, i0, cnt, step, h int, acc []complex128) {
	var r00, i00, r01, i01, r10, i10, r11, i11 float64
	for j := i0; j < i0+cnt*step; j += step {
		ar, ai := real(lam[j]), imag(lam[j])
		br, bi := real(lam[j+h]), imag(lam[j+h])
		cr, ci := real(phi[j]), imag(phi[j])
		dr, di := real(phi[j+h]), imag(phi[j+h])
		r00 += ar*cr + ai*ci
		i00 += ar*ci - ai*cr
		r01 += ar*dr + ai*di
		i01 += ar*di - ai*dr
		r10 += br*cr + bi*ci
		i10 += br*ci - bi*cr
		r11 += br*dr + bi*di
		i11 += br*di - bi*dr
	}
	acc = acc[:4]
	acc[0] += complex(r00, i00)
	acc[1] += complex(r01, i01)
	acc[2] += complex(r10, i10)
	acc[3] += complex(r11, i11)
}

// dotc returns Σ conj(u[i])·v[i].
func dotc(u, v []complex128) complex128 {
	v = v[:len(u)]
	var re0, im0, re1, im1 float64
	i := 0
	for ; i+2 <= len(u); i += 2 {
		a, b := u[i], v[i]
		re0 += real(a)*real(b) + imag(a)*imag(b)
		im0 += real(a)*imag(b) - imag(a)*real(b)
		a, b = u[i+1], v[i+1]
		re1 += real(a)*real(b) + imag(a)*imag(b)
		im1 += real(a)*imag(b) - imag(a)*real(b)
	}
	if i < len(u) {
		a, b := u[i], v[i]
		re0 += real(a)*real(b) + imag(a)*imag(b)
		im0 += real(a)*imag(b) - imag(a)*real(b)
	}
	return complex(re0+re1, im0+im1)
}

// outer1 accumulates the 2×2 reduced outer product of one run: λ halves l0,
// l1 and φ halves p0, p1, in a single pass.
func outer1(l0, l1, p0, p1 []complex128, acc []complex128) {
	l1, p0, p1 = l1[:len(l0)], p0[:len(l0)], p1[:len(l0)]
	var r00, i00, r01, i01, r10, i10, r11, i11 float64
	for i := range l0 {
		ar, ai := real(l0[i]), imag(l0[i])
		br, bi := real(l1[i]), imag(l1[i])
		cr, ci := real(p0[i]), imag(p0[i])
		dr, di := real(p1[i]), imag(p1[i])
		r00 += ar*cr + ai*ci
		i00 += ar*ci - ai*cr
		r01 += ar*dr + ai*di
		i01 += ar*di - ai*dr
		r10 += br*cr + bi*ci
		i10 += br*ci - bi*cr
		r11 += br*dr + bi*di
		i11 += br*di - bi*dr
	}
	acc = acc[:4]
	acc[0] += complex(r00, i00)
	acc[1] += complex(r01, i01)
	acc[2] += complex(r10, i10)
	acc[3] += complex(r11, i11)
}

// outerSetup validates the arguments of the ReducedOuter functions.
func outerSetup(what string, lambda, phi *Batch, wires []int) outerK {
	lambda.checkSame(what, phi)
	t := lambda.validate(what, nil, wires)
	if t.k == 0 {
		panic("statevec: " + what + ": no wires")
	}
	k := outerK{lam: lambda.amp, phi: phi.amp, nlog: lambda.n, k: t.k, l: newLayout(lambda.n, t.fixed(), 0),
		asm: lambda.asm() && phi.asm()}
	fillOffsets(&k.off, t.pos[:t.k])
	return k
}

// ReducedOuter adds to dst the reduced outer product of lambda and phi on
// the wires, summed over the batch:
//
//	dst[a·2ᵏ + c] += Σ_b Σ_rest conj(λ_b[a, rest])·φ_b[c, rest]
//
// where a and c are local indices over the wires (wires[0] most
// significant) and rest runs over the other wires. It is the cotangent of a
// gate matrix M on those wires: ⟨λ|M|φ⟩ summed over the batch equals
// Σ_ac M[a,c]·dst[a·2ᵏ + c]. len(dst) must be 4ᵏ.
func ReducedOuter(lambda, phi *Batch, wires []int, dst []complex128) {
	k := outerSetup("ReducedOuter", lambda, phi, wires)
	P := 1 << uint(2*k.k)
	lambda.checkLen("ReducedOuter", "dst", len(dst), P)
	reduceSum(lambda, k.l.units, 2*k.k, P, k, dst)
}

// ReducedOuterEach is [ReducedOuter] per sample: it adds sample b's reduced
// outer product to dst[b·4ᵏ:(b+1)·4ᵏ]. len(dst) must be Len()·4ᵏ.
func ReducedOuterEach(lambda, phi *Batch, wires []int, dst []complex128) {
	k := outerSetup("ReducedOuterEach", lambda, phi, wires)
	P := 1 << uint(2*k.k)
	lambda.checkLen("ReducedOuterEach", "dst", len(dst), lambda.size*P)
	bp, tmp := getScratch[complex128](lambda.size * P)
	reduceEach(lambda, k.l.units, 2*k.k, P, k, tmp)
	for i, v := range tmp {
		dst[i] += v
	}
	putScratch(bp)
}
