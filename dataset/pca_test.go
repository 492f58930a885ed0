package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

// jacobiEigenvalues is the test oracle: the eigenvalues of a symmetric
// matrix by the cyclic Jacobi method (Golub & Van Loan, Algorithm 8.5.3),
// an algorithm independent of the Householder/QL solver under test.
func jacobiEigenvalues(a []float64, n int) []float64 {
	m := slices.Clone(a)
	for sweep := 0; sweep < 100; sweep++ {
		off, norm := 0.0, 0.0
		for i := range n {
			for j := range n {
				norm += m[i*n+j] * m[i*n+j]
				if i != j {
					off += m[i*n+j] * m[i*n+j]
				}
			}
		}
		if off <= 1e-30*norm {
			break
		}
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				apq := m[p*n+q]
				if apq == 0 {
					continue
				}
				theta := (m[q*n+q] - m[p*n+p]) / (2 * apq)
				tt := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					tt = -tt
				}
				c := 1 / math.Sqrt(tt*tt+1)
				s := tt * c
				for k := range n {
					kp, kq := m[k*n+p], m[k*n+q]
					m[k*n+p] = c*kp - s*kq
					m[k*n+q] = s*kp + c*kq
				}
				for k := range n {
					pk, qk := m[p*n+k], m[q*n+k]
					m[p*n+k] = c*pk - s*qk
					m[q*n+k] = s*pk + c*qk
				}
			}
		}
	}
	d := make([]float64, n)
	for i := range n {
		d[i] = m[i*n+i]
	}
	sort.Float64s(d)
	return d
}

// randSym returns a random symmetric n×n matrix.
func randSym(r *rand.Rand, n int) []float64 {
	a := make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			v := r.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

// checkEigen checks vals/vecs of a: A·v = λ·v, orthonormal rows, ascending
// values, and agreement with the Jacobi oracle.
func checkEigen(t *testing.T, a []float64, n int, vals []float64, vecs [][]float64) {
	t.Helper()
	scale := 1.0
	for _, v := range a {
		scale = max(scale, math.Abs(v))
	}
	tol := 1e-12 * scale * float64(n)
	if !sort.Float64sAreSorted(vals) {
		t.Errorf("eigenvalues not ascending: %v", vals)
	}
	for k := range n {
		for i := range n {
			av := 0.0
			for j := range n {
				av += a[i*n+j] * vecs[k][j]
			}
			if d := math.Abs(av - vals[k]*vecs[k][i]); d > tol {
				t.Fatalf("n=%d: (A v_%d − λ v_%d)[%d] = %g", n, k, k, i, d)
			}
		}
		for l := range n {
			dot := 0.0
			for j := range n {
				dot += vecs[k][j] * vecs[l][j]
			}
			want := 0.0
			if k == l {
				want = 1
			}
			if math.Abs(dot-want) > 1e-12*float64(n) {
				t.Fatalf("n=%d: v_%d·v_%d = %g, want %g", n, k, l, dot, want)
			}
		}
	}
	oracle := jacobiEigenvalues(a, n)
	for k := range n {
		if math.Abs(oracle[k]-vals[k]) > tol {
			t.Fatalf("n=%d: eigenvalue %d is %.15g, Jacobi gives %.15g", n, k, vals[k], oracle[k])
		}
	}
}

func TestSymEigen(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 5, 10, 31, 64} {
		t.Run(fmt.Sprintf("random/n=%d", n), func(t *testing.T) {
			a := randSym(r, n)
			vals, vecs, err := symEigen(a, n)
			if err != nil {
				t.Fatal(err)
			}
			checkEigen(t, a, n, vals, vecs)
		})
	}
	u := []float64{1, -2, 0, 3}
	rank1 := make([]float64, 16)
	for i := range 4 {
		for j := range 4 {
			rank1[i*4+j] = u[i] * u[j]
		}
	}
	// Repeated eigenvalues: Q·diag(2, 2, 2, 5, 5)·Qᵀ for a random orthogonal Q.
	q := orthonormalRows(rand.New(rand.NewPCG(3, 4)), 5, 5)
	d := []float64{2, 2, 2, 5, 5}
	rep := make([]float64, 25)
	for i := range 5 {
		for j := range 5 {
			for k := range 5 {
				rep[i*5+j] += q[k][i] * d[k] * q[k][j]
			}
		}
	}
	for _, c := range []struct {
		name string
		a    []float64
		n    int
		want []float64
	}{
		// [[a, b], [b, c]]: (a+c)/2 ∓ √(((a−c)/2)² + b²) = 2.5 ∓ √6.25+4.
		{"2x2", []float64{1, 2, 2, 4}, 2, []float64{2.5 - math.Sqrt(1.5*1.5+4), 2.5 + math.Sqrt(1.5*1.5+4)}},
		{"zero", make([]float64, 9), 3, []float64{0, 0, 0}},
		{"diagonal", []float64{3, 0, 0, 0, -1, 0, 0, 0, 2}, 3, []float64{-1, 2, 3}},
		{"rank one", rank1, 4, []float64{0, 0, 0, 14}},
		{"repeated", rep, 5, d},
	} {
		t.Run(c.name, func(t *testing.T) {
			vals, vecs, err := symEigen(c.a, c.n)
			if err != nil {
				t.Fatal(err)
			}
			for k := range c.want {
				if math.Abs(vals[k]-c.want[k]) > 1e-12 {
					t.Errorf("eigenvalues %v, want %v", vals, c.want)
					break
				}
			}
			checkEigen(t, c.a, c.n, vals, vecs)
		})
	}
}

// orthonormalRows returns k orthonormal random vectors of length n
// (Gram–Schmidt on Gaussian vectors).
func orthonormalRows(r *rand.Rand, k, n int) [][]float64 {
	var out [][]float64
	for len(out) < k {
		v := make([]float64, n)
		for j := range v {
			v[j] = r.NormFloat64()
		}
		for _, b := range out {
			dot := 0.0
			for j := range v {
				dot += v[j] * b[j]
			}
			for j := range v {
				v[j] -= dot * b[j]
			}
		}
		norm := 0.0
		for _, x := range v {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		for j := range v {
			v[j] /= norm
		}
		out = append(out, v)
	}
	return out
}

func TestCovariance(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct{ n, f int }{{2, 1}, {130, 7}, {64, 10}, {200, 33}} {
		x := make([]float64, c.n*c.f)
		for i := range x {
			x[i] = r.NormFloat64()*3 + float64(i%c.f)
		}
		mean := make([]float64, c.f)
		for i := range c.n {
			for j := range c.f {
				mean[j] += x[i*c.f+j] / float64(c.n)
			}
		}
		got := covariance(x, c.n, c.f, mean)
		for i := range c.f {
			for j := range c.f {
				want := 0.0
				for s := range c.n {
					want += (x[s*c.f+i] - mean[i]) * (x[s*c.f+j] - mean[j])
				}
				want /= float64(c.n - 1)
				if math.Abs(got[i*c.f+j]-want) > 1e-12*max(1, math.Abs(want)) {
					t.Fatalf("n=%d f=%d: cov[%d][%d] = %g, want %g", c.n, c.f, i, j, got[i*c.f+j], want)
				}
			}
		}
	}
}

// plantedSet returns n samples of f features lying near a rank-3 affine
// subspace: x = offset + Σ_k σ_k z_k b_k + noise, with orthonormal b_k,
// standard normal z_k, σ = (3, 2, 1) and noise of standard deviation 1e-3.
func plantedSet(n, f int, seed uint64) (*Set, [][]float64) {
	r := rand.New(rand.NewPCG(seed, 99))
	basis := orthonormalRows(r, 3, f)
	sigma := []float64{3, 2, 1}
	x := make([]float64, n*f)
	for i := range n {
		row := x[i*f : (i+1)*f]
		for j := range row {
			row[j] = float64(j) + 1e-3*r.NormFloat64()
		}
		for k, b := range basis {
			z := sigma[k] * r.NormFloat64()
			for j := range row {
				row[j] += z * b[j]
			}
		}
	}
	return &Set{X: tensor.FromSlice(x, n, f), Y: make([]int, n), Classes: []string{"a"}, Name: "planted"}, basis
}

func TestPCAPlanted(t *testing.T) {
	t.Parallel()
	const n, f = 3000, 12
	train, basis := plantedSet(n, f, 7)
	p, err := FitPCA(train, f)
	if err != nil {
		t.Fatal(err)
	}
	// Variances: σ² = 9, 4, 1 up to sampling error (≈ √(2/N) ≈ 3%), then
	// the noise, 1e-6.
	for k, want := range []float64{9, 4, 1} {
		if math.Abs(p.Variance[k]-want) > 0.1*want {
			t.Errorf("variance %d = %g, want ≈ %g", k, p.Variance[k], want)
		}
	}
	for k := 3; k < f; k++ {
		if p.Variance[k] > 2e-6 || p.Variance[k] < 0 {
			t.Errorf("noise variance %d = %g, want ≈ 1e-6", k, p.Variance[k])
		}
	}
	if !slices.IsSortedFunc(p.Variance, func(a, b float64) int { return -cmpFloat(a, b) }) {
		t.Errorf("variances not decreasing: %v", p.Variance)
	}
	if s := p.Ratio[0] + p.Ratio[1] + p.Ratio[2]; s < 0.9999 {
		t.Errorf("top-3 explained ratio %g, want > 0.9999", s)
	}
	total := 0.0
	for _, r := range p.Ratio {
		total += r
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("ratios of all components sum to %g", total)
	}
	comp := p.Components.Data()
	for k := range 3 {
		// The component lies in the planted span: its projection has norm ≈ 1.
		c := comp[k*f : (k+1)*f]
		proj := 0.0
		for _, b := range basis {
			dot := 0.0
			for j := range c {
				dot += c[j] * b[j]
			}
			proj += dot * dot
		}
		if proj < 1-1e-5 {
			t.Errorf("component %d has only %g of its norm² in the planted span", k, proj)
		}
		big := 0
		for j := range c {
			if math.Abs(c[j]) > math.Abs(c[big]) {
				big = j
			}
		}
		if c[big] <= 0 {
			t.Errorf("component %d: largest entry %g is not positive", k, c[big])
		}
	}
	// The mean is the planted offset (0, 1, …, f−1) up to sampling error.
	for j, m := range p.Mean {
		if math.Abs(m-float64(j)) > 0.3 {
			t.Errorf("mean[%d] = %g, want ≈ %d", j, m, j)
		}
	}

	// Projected training data: zero mean, and the variance along axis k is
	// exactly Variance[k] (an identity, up to rounding).
	p3, err := FitPCA(train, 3)
	if err != nil {
		t.Fatal(err)
	}
	z := p3.Transform(train)
	if z.X.Shape()[0] != n || z.X.Shape()[1] != 3 {
		t.Fatalf("Transform shape %v", z.X.Shape())
	}
	for k := range 3 {
		mean, sq := 0.0, 0.0
		for i := range n {
			mean += z.X.Data()[i*3+k]
		}
		mean /= n
		for i := range n {
			d := z.X.Data()[i*3+k] - mean
			sq += d * d
		}
		if math.Abs(mean) > 1e-10 || math.Abs(sq/(n-1)-p3.Variance[k]) > 1e-9*p3.Variance[k] {
			t.Errorf("axis %d: projected mean %g, variance %g; want 0 and %g", k, mean, sq/(n-1), p3.Variance[k])
		}
	}
	// A shifted "test" set projects with the training mean: every
	// projection moves by Components·shift.
	shift := make([]float64, f)
	shifted := slices.Clone(train.X.Data())
	for j := range shift {
		shift[j] = 0.5 - float64(j)/10
	}
	for i := range shifted {
		shifted[i] += shift[i%f]
	}
	zt := p3.Transform(&Set{X: tensor.FromSlice(shifted, n, f), Y: train.Y, Classes: train.Classes})
	for k := range 3 {
		want := 0.0
		for j := range f {
			want += comp[k*f+j] * shift[j]
		}
		for _, i := range []int{0, 17, n - 1} {
			if d := zt.X.Data()[i*3+k] - z.X.Data()[i*3+k]; math.Abs(d-want) > 1e-9 {
				t.Errorf("test sample %d axis %d moved by %g, want %g", i, k, d, want)
			}
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestPCAErrors(t *testing.T) {
	t.Parallel()
	s, _ := plantedSet(10, 4, 1)
	for _, k := range []int{0, 5, -1} {
		if _, err := FitPCA(s, k); err == nil {
			t.Errorf("FitPCA with k=%d: no error", k)
		}
	}
	if _, err := FitPCA(Head(s, 1), 1); err == nil {
		t.Error("FitPCA of one sample: no error")
	}
	p, err := FitPCA(s, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("Transform of a set with the wrong feature count did not panic")
		}
	}()
	p.Transform(rampSet(3, 1))
}

// TestPCAMNIST fits PCA on the first 1000 MNIST training images scaled to
// [0, 1] and compares with numpy (np.linalg.eigvalsh of np.cov; see
// testdata/README.md): the top variances and the top-10 explained ratio.
func TestPCAMNIST(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: the 784×784 eigensolver takes seconds under -race; TestSymEigen covers it on small matrices")
	}
	train, _ := loadMNIST(t)
	s := Scale(Head(train, 1000), 1.0/255)
	p, err := FitPCA(s, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{5.12884771, 4.00517274, 3.53132527, 2.80177002, 2.51557706}
	for k, w := range want {
		if math.Abs(p.Variance[k]-w) > 1e-8 {
			t.Errorf("variance %d = %.10g, numpy gives %.10g", k, p.Variance[k], w)
		}
	}
	sum := 0.0
	for k, r := range p.Ratio {
		if k > 0 && r > p.Ratio[k-1] {
			t.Errorf("ratio %d (%g) exceeds ratio %d", k, r, k-1)
		}
		sum += r
	}
	if math.Abs(sum-0.5092040929420076) > 1e-10 {
		t.Errorf("top-10 explained ratio %.16g, numpy gives 0.5092040929420076", sum)
	}
}
