package sim

import "github.com/quanta-qml/quanta/internal/parfor"

// The product-state start. When every wire's first block is a one-wire
// block (an angle embedding, possibly fused with the first trainable
// rotations), those blocks commute with everything before them, and the
// state they prepare from |0…0⟩ is the Kronecker product ⊗_w v_w of the
// first columns v_w = U_w|0⟩. It is built in one pass as the outer product
// of the products over the first and second halves of the wires.
//
// Backward, the cotangent of U_w is ū_w = 2·Σ_rest λ_a·conj(φ_b) with φ the
// state before U_w, that is |0⟩ on w and v_u on the other wires, so
// ū_w[a][0] = 2·μ_w[a] with μ_w[a] = Σ_rest λ[a, rest]·Π_{u≠w} conj(v_u), and
// ū_w[a][1] = 0. All μ_w come from one pass over λ: contract the second half
// of the wires against their product (leaving a vector over the first half)
// and the first half against theirs, then recurse into each half. The
// recursion costs two multiply-adds per amplitude at the top and O(2^(n/2))
// below.

// startChunks is the number of fixed row chunks of the top-level
// contraction of states of at least 2^startChunkLog amplitudes, so that the
// sum over rows is the same whatever the worker count.
const (
	startChunks   = 8
	startChunkLog = 16
)

// startGrain is the least number of amplitudes of the product state worth
// a goroutine (2¹⁶, the order of statevec's least chunk of work).
const startGrain = 1 << 16

// kron writes the Kronecker product of the one-qubit states vs into dst
// (2^len(vs) entries, the first state on the most significant bit).
func kron(dst []complex128, vs [][2]complex128) {
	dst[0] = 1
	size := 1
	for _, v := range vs {
		for i := size - 1; i >= 0; i-- {
			x := dst[i]
			dst[2*i] = x * v[0]
			dst[2*i+1] = x * v[1]
		}
		size *= 2
	}
}

// arenaLen returns the scratch the product start needs on n wires.
func arenaLen(n int) int {
	mid := n / 2
	fwd := 1<<uint(mid) + 1<<uint(n-mid)
	// The top level's chunk partials come on top of the recursion; the
	// levels below use one chunk of at most 2^⌈n/4⌉ entries each.
	return max(fwd, contractLen(n)) + (startChunks+2)<<uint(n-mid) + 64
}

func contractLen(m int) int {
	if m <= 1 {
		return 0
	}
	nh, nl := m/2, m-m/2
	return 2*(1<<uint(nh)+1<<uint(nl)) + contractLen(nl)
}

// productState writes ⊗ vec into a (2^len(vec) amplitudes).
func productState(a []complex128, vec [][2]complex128, arena []complex128, workers int) {
	n := len(vec)
	mid := n / 2
	rows, cols := 1<<uint(mid), 1<<uint(n-mid)
	pvH, pvL := arena[:rows], arena[rows:rows+cols]
	kron(pvH, vec[:mid])
	kron(pvL, vec[mid:])
	if workers <= 1 || len(a) < 2*startGrain {
		outerRows(a, pvH, pvL, 0, rows)
		return
	}
	parfor.For(rows, workers, max(1, startGrain/cols), func(_, lo, hi int) { outerRows(a, pvH, pvL, lo, hi) })
}

// outerRows writes rows [lo, hi) of the outer product pvH ⊗ pvL into a.
func outerRows(a, pvH, pvL []complex128, lo, hi int) {
	cols := len(pvL)
	for h := lo; h < hi; h++ {
		c := pvH[h]
		row := a[h*cols : (h+1)*cols]
		row = row[:len(pvL)]
		for l, v := range pvL {
			row[l] = c * v
		}
	}
}

// contract sets mu[w] for every wire w with want[w] (see the start of this
// file) from the adjoint state t over the wires of vec.
func contract(t []complex128, vec [][2]complex128, want []bool, mu [][2]complex128, arena []complex128, workers int) {
	m := len(vec)
	if m == 1 {
		if want[0] {
			mu[0] = [2]complex128{t[0], t[1]}
		}
		return
	}
	needH, needL := anyTrue(want[:m/2]), anyTrue(want[m/2:])
	if !needH && !needL {
		return
	}
	nh := m / 2
	rows, cols := 1<<uint(nh), 1<<uint(m-nh)
	pvH, pvL := arena[:rows], arena[rows:rows+cols]
	tl, tr := arena[rows+cols:2*rows+cols], arena[2*rows+cols:2*rows+2*cols]
	rest := arena[2*rows+2*cols:]
	kron(pvH, vec[:nh])
	kron(pvL, vec[nh:])
	for i := range pvH {
		pvH[i] = conj(pvH[i])
	}
	for i := range pvL {
		pvL[i] = conj(pvL[i])
	}
	nc := 1
	if len(t) >= 1<<startChunkLog && rows >= startChunks {
		nc = startChunks
	}
	part := rest[:nc*cols] // row-chunk partial sums of tr
	clear(part)
	if workers > 1 && nc > 1 {
		parfor.For(nc, workers, 1, func(_, lo, hi int) {
			contractChunks(t, pvH, pvL, tl, part, rows, nc, lo, hi, needH, needL)
		})
	} else {
		contractChunks(t, pvH, pvL, tl, part, rows, nc, 0, nc, needH, needL)
	}
	if needL {
		copy(tr, part[:cols])
		for c := 1; c < nc; c++ {
			addTo(tr, part[c*cols:(c+1)*cols])
		}
	}
	if needH {
		contract(tl, vec[:nh], want[:nh], mu[:nh], rest, 1)
	}
	if needL {
		contract(tr, vec[nh:], want[nh:], mu[nh:], rest, 1)
	}
}

func anyTrue(v []bool) bool {
	for _, b := range v {
		if b {
			return true
		}
	}
	return false
}

// contractChunks runs the row chunks [clo, chi) of the top-level
// contraction: tl[h] = Σ_l t[h, l]·pvL[l] and part[c][l] = Σ_{h in chunk c}
// t[h, l]·pvH[h] (pvH and pvL already conjugated).
func contractChunks(t, pvH, pvL, tl, part []complex128, rows, nc, clo, chi int, needH, needL bool) {
	cols := len(pvL)
	for c := clo; c < chi; c++ {
		h0, h1 := c*rows/nc, (c+1)*rows/nc
		pt := part[c*cols : (c+1)*cols]
		for h := h0; h < h1; h++ {
			row := t[h*cols : (h+1)*cols]
			if needH {
				var s complex128
				for l, v := range row {
					s += v * pvL[l]
				}
				tl[h] = s
			}
			if needL {
				f := pvH[h]
				pt = pt[:len(row)]
				for l, v := range row {
					pt[l] += v * f
				}
			}
		}
	}
}
