package cmat

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Expm returns the matrix exponential e^a of the square matrix a.
//
// It is the scaling and squaring method with Padé approximants of degree 3,
// 5, 7, 9 or 13 of N. J. Higham, "The scaling and squaring method for the
// matrix exponential revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005,
// Algorithm 2.3 (the algorithm of MATLAB's expm and, with a later refinement
// of the choice of s, of scipy.linalg.expm): the degree is the smallest whose
// threshold θ_m bounds the 1-norm of a; otherwise a is scaled by 2^−s so that
// its 1-norm is at most θ₁₃, the [13/13] approximant is evaluated, and the
// result is squared s times. The backward error is at most the unit roundoff
// in exact arithmetic. Expm is general (a need not be normal) and serves as
// the reference for the eigendecomposition-based ExpHermitian. Elements
// that are NaN or infinite give a result full of NaN.
func Expm(a *Dense) *Dense {
	square(a, "Expm")
	n := a.Rows
	if n == 0 {
		return New(0, 0)
	}
	norm := norm1(a)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		r := New(n, n)
		for i := range r.Data {
			r.Data[i] = cmplx.NaN()
		}
		return r
	}
	for _, m := range [...]struct {
		theta float64
		deg   int
	}{{padeTheta3, 3}, {padeTheta5, 5}, {padeTheta7, 7}, {padeTheta9, 9}} {
		if norm <= m.theta {
			u, v := padeLow(a, padeCoef(m.deg))
			return padeSolve(u, v)
		}
	}
	s := 0
	if norm > padeTheta13 {
		s = int(math.Ceil(math.Log2(norm / padeTheta13)))
	}
	as := ScaleTo(nil, complex(math.Ldexp(1, -s), 0), a)
	u, v := padeHigh(as)
	r := padeSolve(u, v)
	t := New(n, n)
	for ; s > 0; s-- {
		MulTo(t, r, r)
		r, t = t, r
	}
	return r
}

// Thresholds θ_m of Higham (2005), Table 2.3: the largest 1-norm for which
// the [m/m] Padé approximant has a backward error below 2^−53.
const (
	padeTheta3  = 1.495585217958292e-2
	padeTheta5  = 2.539398330063230e-1
	padeTheta7  = 9.504178996162932e-1
	padeTheta9  = 2.097847961257068e0
	padeTheta13 = 5.371920351148152e0
)

// padeCoef returns the coefficients b_j of the numerator p_m(x) = Σ b_j x^j
// of the [m/m] Padé approximant of e^x (m = 3, 5, 7, 9, 13); the
// denominator is p_m(−x).
func padeCoef(m int) []float64 {
	switch m {
	case 3:
		return []float64{120, 60, 12, 1}
	case 5:
		return []float64{30240, 15120, 3360, 420, 30, 1}
	case 7:
		return []float64{17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1}
	case 9:
		return []float64{17643225600, 8821612800, 2075673600, 302702400, 30270240,
			2162160, 110880, 3960, 90, 1}
	case 13:
		return []float64{64764752532480000, 32382376266240000, 7771770303897600,
			1187353796428800, 129060195264000, 10559470521600, 670442572800,
			33522128640, 1323241920, 40840800, 960960, 16380, 182, 1}
	}
	panic(fmt.Sprintf("cmat: no Padé approximant of degree %d", m))
}

// padeLow returns the odd part u = a·Σ b_{2j+1} a^{2j} and the even part
// v = Σ b_{2j} a^{2j} of p_m(a) for m ≤ 9.
func padeLow(a *Dense, b []float64) (u, v *Dense) {
	n := a.Rows
	a2 := MulTo(nil, a, a)
	pw := Identity(n) // a^{2j}
	uo := New(n, n)
	v = New(n, n)
	t := New(n, n)
	for j := 0; 2*j < len(b); j++ {
		if j > 0 {
			MulTo(t, pw, a2)
			pw, t = t, pw
		}
		AddScaledTo(v, v, complex(b[2*j], 0), pw)
		AddScaledTo(uo, uo, complex(b[2*j+1], 0), pw)
	}
	return MulTo(t, a, uo), v
}

// padeHigh returns the odd and even parts of p₁₃(a), evaluated with six
// products as in Higham (2005), eq. (2.4) (a²,a⁴,a⁶ and three more).
func padeHigh(a *Dense) (u, v *Dense) {
	n := a.Rows
	b := padeCoef(13)
	a2 := MulTo(nil, a, a)
	a4 := MulTo(nil, a2, a2)
	a6 := MulTo(nil, a4, a2)
	t := New(n, n)
	comb := func(dst *Dense, c6, c4, c2, c0 float64) {
		for i := range dst.Data {
			dst.Data[i] = complex(c6, 0)*a6.Data[i] + complex(c4, 0)*a4.Data[i] + complex(c2, 0)*a2.Data[i]
		}
		for i := 0; i < n; i++ {
			dst.Data[i*n+i] += complex(c0, 0)
		}
	}
	// u = a·[a6·(b13 a6 + b11 a4 + b9 a2) + b7 a6 + b5 a4 + b3 a2 + b1 I]
	comb(t, b[13], b[11], b[9], 0)
	w := MulTo(nil, a6, t)
	comb(t, b[7], b[5], b[3], b[1])
	AddTo(w, w, t)
	u = MulTo(nil, a, w)
	// v = a6·(b12 a6 + b10 a4 + b8 a2) + b6 a6 + b4 a4 + b2 a2 + b0 I
	comb(t, b[12], b[10], b[8], 0)
	v = MulTo(w, a6, t)
	comb(t, b[6], b[4], b[2], b[0])
	AddTo(v, v, t)
	return u, v
}

// padeSolve returns r with (v − u)·r = v + u.
func padeSolve(u, v *Dense) *Dense {
	q := SubTo(nil, v, u)
	p := AddTo(u, v, u)
	luSolve(q, p)
	return p
}

// luSolve overwrites b (n×m) with a⁻¹·b, using Gaussian elimination with
// partial pivoting that overwrites a (n×n). A zero pivot yields Inf or NaN.
func luSolve(a, b *Dense) {
	n, m := a.Rows, b.Cols
	if a.Cols != n || b.Rows != n {
		panic(fmt.Sprintf("cmat: luSolve of %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	ad, bd := a.Data, b.Data
	for k := 0; k < n; k++ {
		p, best := k, -1.0
		for i := k; i < n; i++ {
			if v := abs1(ad[i*n+k]); v > best {
				p, best = i, v
			}
		}
		if p != k {
			swapRows(ad, n, p, k)
			swapRows(bd, m, p, k)
		}
		inv := 1 / ad[k*n+k]
		ak := ad[k*n+k+1 : (k+1)*n]
		bk := bd[k*m : (k+1)*m]
		for i := k + 1; i < n; i++ {
			f := ad[i*n+k] * inv
			if f == 0 {
				continue
			}
			ai := ad[i*n+k+1 : (i+1)*n][:len(ak)]
			for j, v := range ak {
				ai[j] -= f * v
			}
			bi := bd[i*m : (i+1)*m][:len(bk)]
			for j, v := range bk {
				bi[j] -= f * v
			}
		}
	}
	for k := n - 1; k >= 0; k-- {
		bk := bd[k*m : (k+1)*m]
		for i := k + 1; i < n; i++ {
			f := ad[k*n+i]
			if f == 0 {
				continue
			}
			bi := bd[i*m : (i+1)*m][:len(bk)]
			for j, v := range bi {
				bk[j] -= f * v
			}
		}
		inv := 1 / ad[k*n+k]
		for j := range bk {
			bk[j] *= inv
		}
	}
}

func swapRows(d []complex128, m, p, q int) {
	rp := d[p*m : (p+1)*m]
	rq := d[q*m : (q+1)*m]
	for j := range rp {
		rp[j], rq[j] = rq[j], rp[j]
	}
}

// abs1 returns |re| + |im|, the pivoting magnitude of LAPACK's zgetrf.
func abs1(x complex128) float64 { return math.Abs(real(x)) + math.Abs(imag(x)) }

// norm1 returns the 1-norm max_j Σ_i |a_ij| (NaN when an element is NaN).
func norm1(a *Dense) float64 {
	col := make([]float64, a.Cols)
	for i := 0; i < a.Rows; i++ {
		for j, v := range a.Data[i*a.Cols : (i+1)*a.Cols] {
			col[j] += cmplx.Abs(v)
		}
	}
	m := 0.0
	for _, s := range col {
		if math.IsNaN(s) {
			return s
		}
		m = max(m, s)
	}
	return m
}
