package dataset

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// symEigen computes all eigenvalues and eigenvectors of the symmetric n×n
// matrix a (row-major; only its values are read, a is not modified). It
// returns the eigenvalues in ascending order and the eigenvectors as the rows
// of vecs (row i belongs to vals[i]), orthonormal. It uses gonum's LAPACK
// (dsyev: Householder tridiagonalisation and implicit QL/QR).
func symEigen(a []float64, n int) (vals []float64, vecs [][]float64, err error) {
	if len(a) != n*n {
		panic(fmt.Sprintf("dataset: symEigen of %d values for n=%d", len(a), n))
	}
	if n == 0 {
		return nil, nil, nil
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), true) {
		return nil, nil, errors.New("symmetric eigendecomposition did not converge")
	}
	vals = eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	vecs = make([][]float64, n)
	for i := range vecs {
		vecs[i] = mat.Col(nil, i, &v)
	}
	return vals, vecs, nil
}
