package cmat_test

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/cmat"
)

// printMat prints a matrix with three decimals (and no negative zeros).
func printMat(m *cmat.Dense) {
	clean := func(x float64) float64 {
		if math.Abs(x) < 5e-4 {
			return 0
		}
		return x
	}
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < m.Cols; j++ {
			v := m.At(i, j)
			fmt.Printf(" %6.3f%+6.3fi", clean(real(v)), clean(imag(v)))
		}
		fmt.Println()
	}
}

func ExampleMulTo() {
	x := cmat.NewFrom(2, 2, []complex128{0, 1, 1, 0})
	y := cmat.NewFrom(2, 2, []complex128{0, -1i, 1i, 0})
	dst := cmat.New(2, 2) // reused across calls: no allocation
	cmat.MulTo(dst, x, y) // X·Y = iZ
	printMat(dst)
	// Output:
	//   0.000+1.000i  0.000+0.000i
	//   0.000+0.000i  0.000-1.000i
}

func ExampleExpm() {
	// exp(−iπ/4·X) is the RX(π/2) gate.
	x := cmat.NewFrom(2, 2, []complex128{0, 1, 1, 0})
	u := cmat.Expm(cmat.ScaleTo(nil, complex(0, -math.Pi/4), x))
	printMat(u)
	fmt.Println(u.IsUnitary(1e-14))
	// Output:
	//   0.707+0.000i  0.000-0.707i
	//   0.000-0.707i  0.707+0.000i
	// true
}

func ExampleEigHermitian() {
	y := cmat.NewFrom(2, 2, []complex128{0, -1i, 1i, 0})
	w, v, err := cmat.EigHermitian(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("eigenvalues %.3f\n", w)
	// Columns of v are eigenvectors: y·v = v·diag(w).
	vd := cmat.MulTo(nil, v, cmat.NewFrom(2, 2, []complex128{complex(w[0], 0), 0, 0, complex(w[1], 0)}))
	fmt.Printf("residual below 1e-15: %v\n", cmat.MaxAbsDiff(cmat.Mul(y, v), vd) < 1e-15)
	// Output:
	// eigenvalues [-1.000 1.000]
	// residual below 1e-15: true
}

func ExampleEigSym() {
	// The path graph on three vertices.
	w, _, err := cmat.EigSym(3, []float64{
		0, 1, 0,
		1, 0, 1,
		0, 1, 0,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := range w {
		w[k] = math.Round(w[k]*1e4)/1e4 + 0 // round; + 0 turns −0 into 0
	}
	fmt.Println(w) // −√2, 0, √2
	// Output:
	// [-1.4142 0 1.4142]
}

func ExampleExpHermitian() {
	// U = exp(i·t·H) for H = Z ⊗ Z and t = 0.3, and the derivative of U
	// along H itself: d/dt exp(i·t·H) = L(i·t·H, i·H) = i·H·U.
	h := cmat.NewFrom(4, 4, []complex128{
		1, 0, 0, 0,
		0, -1, 0, 0,
		0, 0, -1, 0,
		0, 0, 0, 1,
	})
	e, err := cmat.NewExpHermitian(h, 0.3i)
	if err != nil {
		fmt.Println(err)
		return
	}
	u := e.Exp()
	fmt.Printf("U[0,0] = %.4f\n", u.At(0, 0))
	dU := e.Frechet(cmat.ScaleTo(nil, 1i, h))
	want := cmat.Mul(cmat.ScaleTo(nil, 1i, h), u)
	fmt.Printf("dU/dt = iHU: %v\n", cmat.MaxAbsDiff(dU, want) < 1e-15)
	// Output:
	// U[0,0] = (0.9553+0.2955i)
	// dU/dt = iHU: true
}
