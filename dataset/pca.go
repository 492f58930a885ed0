package dataset

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/internal/parfor"
	"github.com/quanta-qml/quanta/tensor"
)

// PCA is a principal component analysis fitted on a training set: it maps a
// sample x (flattened to F features) to the K coordinates
// (x − Mean)·Components[k] for k < K.
type PCA struct {
	// Mean is the per-feature mean of the training set, length F.
	Mean []float64
	// Components is [K, F]: row k is the k-th principal axis (unit length,
	// orthogonal to the others), in order of decreasing variance. Its sign
	// is fixed so that its entry of largest magnitude is positive.
	Components *tensor.Dense
	// Variance[k] is the variance of the training set along axis k (an
	// eigenvalue of the sample covariance, divisor N−1, as scikit-learn's
	// explained_variance_), decreasing.
	Variance []float64
	// Ratio[k] is Variance[k] divided by the total variance (the trace of
	// the covariance), as scikit-learn's explained_variance_ratio_.
	Ratio []float64
}

// FitPCA fits a k-component PCA on train (samples flattened to F features):
// it forms the F×F sample covariance about the mean, then diagonalises it
// with a symmetric eigensolver (Householder tridiagonalisation and implicit
// QL). The cost is O(N·F²) for the covariance plus O(F³) for the eigensolver,
// a few seconds for MNIST's 784 features. Fit on the training set only and
// apply the result to every split. It returns an error when k is not in
// [1, F], when train has fewer than 2 samples, or if the eigensolver fails.
func FitPCA(train *Set, k int) (*PCA, error) {
	n, f := train.Len(), train.sampleSize()
	if n < 2 {
		return nil, fmt.Errorf("dataset: PCA of %q needs at least 2 samples, it has %d", train.Name, n)
	}
	if k < 1 || k > f {
		return nil, fmt.Errorf("dataset: PCA of %q with %d components, want 1 to %d (the feature count)", train.Name, k, f)
	}
	x := train.X.Data()
	mean := make([]float64, f)
	for i := range n {
		for j, v := range x[i*f : (i+1)*f] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov := covariance(x, n, f, mean)
	total := 0.0
	for j := range f {
		total += cov[j*f+j]
	}
	vals, vecs, err := symEigen(cov, f)
	if err != nil {
		return nil, fmt.Errorf("dataset: PCA of %q: %w", train.Name, err)
	}
	p := &PCA{Mean: mean, Variance: make([]float64, k), Ratio: make([]float64, k)}
	comp := make([]float64, k*f)
	for c := range k {
		src := vecs[f-1-c] // eigenvalues are ascending
		row := comp[c*f : (c+1)*f]
		copy(row, src)
		big := 0
		for j, v := range row {
			if math.Abs(v) > math.Abs(row[big]) {
				big = j
			}
		}
		if row[big] < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
		p.Variance[c] = vals[f-1-c]
		if total > 0 {
			p.Ratio[c] = p.Variance[c] / total
		}
	}
	p.Components = tensor.FromSlice(comp, k, f)
	return p, nil
}

// covBlock is the number of samples the covariance kernel processes at once.
const covBlock = 64

// covariance returns the F×F sample covariance (divisor n−1) of the n rows
// of x about mean, row-major. The kernel works on blocks of covBlock centred
// samples stored feature-major and updates 2×2 tiles of the upper triangle.
// Work is split over pairs of row blocks (q, R−1−q), which cost about the
// same, so that goroutines get equal shares of the triangle. Each entry is
// summed over samples in a fixed order, so the result does not depend on the
// number of workers.
func covariance(x []float64, n, f int, mean []float64) []float64 {
	cov := make([]float64, f*f)
	blocks := (f + 1) / 2 // row blocks {2q, 2q+1}
	pairs := (blocks + 1) / 2
	parfor.For(pairs, 0, 1, func(_, lo, hi int) {
		// ct holds a block of centred samples transposed: feature-major.
		ct := make([]float64, f*covBlock)
		for b0 := 0; b0 < n; b0 += covBlock {
			m := min(covBlock, n-b0)
			for t := range m {
				row := x[(b0+t)*f : (b0+t+1)*f]
				for j, v := range row {
					ct[j*covBlock+t] = v - mean[j]
				}
			}
			for t := m; t < covBlock; t++ {
				for j := range f {
					ct[j*covBlock+t] = 0
				}
			}
			for p := lo; p < hi; p++ {
				covTile(cov, ct, f, 2*p)
				if q := blocks - 1 - p; q != p {
					covTile(cov, ct, f, 2*q)
				}
			}
		}
	})
	inv := 1 / float64(n-1)
	for i := range f {
		for j := i; j < f; j++ {
			v := cov[i*f+j] * inv
			cov[i*f+j] = v
			cov[j*f+i] = v
		}
	}
	return cov
}

// covTile adds one block's contribution to rows i and i+1 of the upper
// triangle (columns j ≥ i), two columns at a time. Entry (i+1, i), below the
// diagonal, is computed too and later overwritten by the mirror step.
func covTile(cov, ct []float64, f, i int) {
	a0 := ct[i*covBlock:][:covBlock]
	o0 := cov[i*f : (i+1)*f]
	if i+1 == f {
		for j := i; j < f; j++ {
			b0 := ct[j*covBlock:][:covBlock]
			s := 0.0
			for t := range covBlock {
				s += a0[t] * b0[t]
			}
			o0[j] += s
		}
		return
	}
	a1 := ct[(i+1)*covBlock:][:covBlock]
	o1 := cov[(i+1)*f : (i+2)*f]
	j := i
	for ; j+1 < f; j += 2 {
		b0 := ct[j*covBlock:][:covBlock]
		b1 := ct[(j+1)*covBlock:][:covBlock]
		var s00, s01, s10, s11 float64
		for t := range covBlock {
			x0, x1, y0, y1 := a0[t], a1[t], b0[t], b1[t]
			s00 += x0 * y0
			s01 += x0 * y1
			s10 += x1 * y0
			s11 += x1 * y1
		}
		o0[j] += s00
		o0[j+1] += s01
		o1[j] += s10
		o1[j+1] += s11
	}
	if j < f {
		b0 := ct[j*covBlock:][:covBlock]
		var s0, s1 float64
		for t := range covBlock {
			s0 += a0[t] * b0[t]
			s1 += a1[t] * b0[t]
		}
		o0[j] += s0
		o1[j] += s1
	}
}

// Transform returns s projected on the principal axes: a set of [N, K]
// features with s's labels and classes. It panics if s's samples do not have
// the fitted number of features.
func (p *PCA) Transform(s *Set) *Set {
	f := len(p.Mean)
	if s.sampleSize() != f {
		panic(fmt.Sprintf("dataset: PCA fitted on %d features applied to samples %v of set %q", f, s.SampleShape(), s.Name))
	}
	k := p.Components.Shape()[0]
	comp := p.Components.Data()
	n := s.Len()
	x := s.X.Data()
	out := make([]float64, n*k)
	parfor.For(n, 0, max(1, grainValues/max(f*k, 1)), func(_, lo, hi int) {
		c := make([]float64, f)
		for i := lo; i < hi; i++ {
			for j, v := range x[i*f : (i+1)*f] {
				c[j] = v - p.Mean[j]
			}
			for r := range k {
				axis := comp[r*f : (r+1)*f]
				acc := 0.0
				for j, v := range c {
					acc += v * axis[j]
				}
				out[i*k+r] = acc
			}
		}
	})
	return s.derive(out, []int{n, k}, append([]int(nil), s.Y...))
}
