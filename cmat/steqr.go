package cmat

import (
	"math"

	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// steqr computes all eigenvalues and eigenvectors of the real symmetric
// tridiagonal n×n matrix with diagonal d and off-diagonal e (length n−1) by
// the implicit QL or QR method with Wilkinson shifts. It is LAPACK's dsteqr
// (as ported to Go in gonum's Dsteqr), with one change: the plane rotations
// of each sweep are applied to z row by row, carrying the updated element
// along the row, instead of column pair by column pair. The arithmetic per
// element is the same, but z (row-major, with eigenvectors in columns) is
// read contiguously, which made the whole decomposition about twice as fast
// at n = 128 (BenchmarkSteqr).
//
// On entry z holds an orthogonal n×n matrix Q (the identity for the
// eigenvectors of the tridiagonal matrix itself, or the matrix of a
// reduction to tridiagonal form); on return d holds the eigenvalues in
// ascending order and z = Q·Z with Z the eigenvectors of the tridiagonal
// matrix in its columns. e is destroyed and work must have length at least
// 2n−2. It reports false when the iteration fails to converge within 30n
// sweeps.
func steqr(n int, d, e, z, work []float64) bool {
	if n <= 1 {
		return true
	}
	impl := gonum.Implementation{}
	const (
		eps    = 0x1p-53
		eps2   = eps * eps
		safmin = 0x1p-1022
	)
	ssfmax := math.Sqrt(1/safmin) / 3
	ssfmin := math.Sqrt(safmin) / eps2
	nmaxit := 30 * n
	jtot := 0
	wc, ws := work[:n-1], work[n-1:2*n-2] // cosines and sines of one sweep
	l1 := 0
	for l1 <= n-1 {
		if l1 > 0 {
			e[l1-1] = 0
		}
		// Find where the matrix splits.
		m := l1
		for ; m < n-1; m++ {
			t := math.Abs(e[m])
			if t == 0 {
				break
			}
			if t <= math.Sqrt(math.Abs(d[m]))*math.Sqrt(math.Abs(d[m+1]))*eps {
				e[m] = 0
				break
			}
		}
		l, lend := l1, m
		lsv, lendsv := l, lend
		l1 = m + 1
		if lend == l {
			continue
		}
		// Scale the block l..lend when its norm is near over- or underflow.
		anorm := impl.Dlanst(lapack.MaxAbs, lend-l+1, d[l:], e[l:])
		scale := 0.0
		switch {
		case anorm == 0:
			continue
		case anorm > ssfmax:
			scale = ssfmax
		case anorm < ssfmin:
			scale = ssfmin
		}
		if scale != 0 {
			impl.Dlascl(lapack.General, 0, 0, anorm, scale, lend-l+1, 1, d[l:], 1)
			impl.Dlascl(lapack.General, 0, 0, anorm, scale, lend-l, 1, e[l:], 1)
		}
		// QL when the bottom of the block is larger than the top, else QR.
		if math.Abs(d[lend]) < math.Abs(d[l]) {
			l, lend = lend, l
		}
		if lend > l {
			for l <= lend {
				// Look for a small subdiagonal element.
				m = lend
				for mm := l; mm < lend; mm++ {
					v := math.Abs(e[mm])
					if v*v <= (eps2*math.Abs(d[mm]))*math.Abs(d[mm+1])+safmin {
						m = mm
						break
					}
				}
				if m < lend {
					e[m] = 0
				}
				p := d[l]
				if m == l {
					l++ // eigenvalue found
					continue
				}
				if m == l+1 {
					// A 2×2 block: solve it directly.
					d[l], d[l+1], wc[l], ws[l] = impl.Dlaev2(d[l], e[l], d[l+1])
					rotCols(z, n, l, 2, wc[l:], ws[l:], false)
					e[l] = 0
					l += 2
					continue
				}
				if jtot == nmaxit {
					break
				}
				jtot++
				// Form the shift and chase the bulge upwards.
				g := (d[l+1] - p) / (2 * e[l])
				r := math.Hypot(g, 1)
				g = d[m] - p + e[l]/(g+math.Copysign(r, g))
				s, c := 1.0, 1.0
				p = 0
				for i := m - 1; i >= l; i-- {
					f := s * e[i]
					b := c * e[i]
					c, s, r = impl.Dlartg(g, f)
					if i != m-1 {
						e[i+1] = r
					}
					g = d[i+1] - p
					r = (d[i]-g)*s + 2*c*b
					p = s * r
					d[i+1] = g + p
					g = c*r - b
					wc[i], ws[i] = c, -s
				}
				rotCols(z, n, l, m-l+1, wc[l:], ws[l:], false)
				d[l] -= p
				e[l] = g
			}
		} else {
			for l >= lend {
				// Look for a small superdiagonal element.
				m = lend
				for mm := l; mm > lend; mm-- {
					v := math.Abs(e[mm-1])
					if v*v <= (eps2*math.Abs(d[mm])*math.Abs(d[mm-1]) + safmin) {
						m = mm
						break
					}
				}
				if m > lend {
					e[m-1] = 0
				}
				p := d[l]
				if m == l {
					l-- // eigenvalue found
					continue
				}
				if m == l-1 {
					d[l-1], d[l], wc[m], ws[m] = impl.Dlaev2(d[l-1], e[l-1], d[l])
					rotCols(z, n, l-1, 2, wc[m:], ws[m:], true)
					e[l-1] = 0
					l -= 2
					continue
				}
				if jtot == nmaxit {
					break
				}
				jtot++
				g := (d[l-1] - p) / (2 * e[l-1])
				r := math.Hypot(g, 1)
				g = d[m] - p + e[l-1]/(g+math.Copysign(r, g))
				s, c := 1.0, 1.0
				p = 0
				for i := m; i < l; i++ {
					f := s * e[i]
					b := c * e[i]
					c, s, r = impl.Dlartg(g, f)
					if i != m {
						e[i-1] = r
					}
					g = d[i] - p
					r = (d[i+1]-g)*s + 2*c*b
					p = s * r
					d[i] = g + p
					g = c*r - b
					wc[i], ws[i] = c, s
				}
				rotCols(z, n, m, l-m+1, wc[m:], ws[m:], true)
				d[l] -= p
				e[l-1] = g
			}
		}
		if scale != 0 {
			impl.Dlascl(lapack.General, 0, 0, scale, anorm, lendsv-lsv+1, 1, d[lsv:], 1)
			impl.Dlascl(lapack.General, 0, 0, scale, anorm, lendsv-lsv, 1, e[lsv:], 1)
		}
		if jtot >= nmaxit {
			for i := 0; i < n-1; i++ {
				if e[i] != 0 {
					return false
				}
			}
			break
		}
	}
	// Selection sort of the eigenvalues, swapping eigenvector columns.
	for i := 0; i < n-1; i++ {
		k, p := i, d[i]
		for j := i + 1; j < n; j++ {
			if d[j] < p {
				k, p = j, d[j]
			}
		}
		if k != i {
			d[k], d[i] = d[i], p
			for r := 0; r < n; r++ {
				z[r*n+i], z[r*n+k] = z[r*n+k], z[r*n+i]
			}
		}
	}
	return true
}

// rotCols applies the k−1 plane rotations (c[j], s[j]) to the columns
// col..col+k−1 of the row-major n×n matrix z, as LAPACK's dlasr with
// side = 'R', pivot = 'V' and direct = 'F' (forward) or 'B': rotation j
// maps columns (j, j+1) to (c·x_j + s·x_{j+1}, c·x_{j+1} − s·x_j). Each
// row is independent, so the rotations are applied along each row,
// carrying the element shared by consecutive rotations, four rows at a
// time so that the four dependency chains overlap.
func rotCols(z []float64, n, col, k int, c, s []float64, forward bool) {
	c, s = c[:k-1], s[:k-1]
	r := 0
	for ; r+4 <= n; r += 4 {
		a0 := z[r*n+col : r*n+col+k]
		a1 := z[(r+1)*n+col : (r+1)*n+col+k][:len(a0)]
		a2 := z[(r+2)*n+col : (r+2)*n+col+k][:len(a0)]
		a3 := z[(r+3)*n+col : (r+3)*n+col+k][:len(a0)]
		if forward {
			x0, x1, x2, x3 := a0[0], a1[0], a2[0], a3[0]
			for j, cj := range c {
				sj := s[j]
				u0, u1, u2, u3 := a0[j+1], a1[j+1], a2[j+1], a3[j+1]
				a0[j] = sj*u0 + cj*x0
				a1[j] = sj*u1 + cj*x1
				a2[j] = sj*u2 + cj*x2
				a3[j] = sj*u3 + cj*x3
				x0 = cj*u0 - sj*x0
				x1 = cj*u1 - sj*x1
				x2 = cj*u2 - sj*x2
				x3 = cj*u3 - sj*x3
			}
			a0[k-1], a1[k-1], a2[k-1], a3[k-1] = x0, x1, x2, x3
		} else {
			x0, x1, x2, x3 := a0[k-1], a1[k-1], a2[k-1], a3[k-1]
			for j := k - 2; j >= 0; j-- {
				cj, sj := c[j], s[j]
				u0, u1, u2, u3 := a0[j], a1[j], a2[j], a3[j]
				a0[j+1] = cj*x0 - sj*u0
				a1[j+1] = cj*x1 - sj*u1
				a2[j+1] = cj*x2 - sj*u2
				a3[j+1] = cj*x3 - sj*u3
				x0 = sj*x0 + cj*u0
				x1 = sj*x1 + cj*u1
				x2 = sj*x2 + cj*u2
				x3 = sj*x3 + cj*u3
			}
			a0[0], a1[0], a2[0], a3[0] = x0, x1, x2, x3
		}
	}
	for ; r < n; r++ {
		a := z[r*n+col : r*n+col+k]
		if forward {
			x := a[0]
			for j, cj := range c {
				sj := s[j]
				u := a[j+1]
				a[j] = sj*u + cj*x
				x = cj*u - sj*x
			}
			a[k-1] = x
		} else {
			x := a[k-1]
			for j := k - 2; j >= 0; j-- {
				cj, sj := c[j], s[j]
				u := a[j]
				a[j+1] = cj*x - sj*u
				x = sj*x + cj*u
			}
			a[0] = x
		}
	}
}
