package tensor_test

import (
	"fmt"

	"github.com/quanta-qml/quanta/tensor"
)

func Example() {
	x := tensor.Arange(0, 6, 1).Reshape(2, 3) // [[0 1 2] [3 4 5]]
	b := tensor.FromSlice([]float64{10, 20, 30}, 3)
	y := tensor.Add(x, b) // broadcasts b over the rows
	fmt.Println(y.Data())
	fmt.Println(tensor.Sum(y, false, 0).Data()) // column sums
	fmt.Println(tensor.Sum(y, true, 1).Shape()) // row sums, keepdim
	fmt.Println(tensor.MatMul(x, x.T()).Data()) // x·xᵀ, transposed view, no copy
	fmt.Println(x.T().IsContiguous(), x.T().Copy().Data())
	// Output:
	// [10 21 32 13 24 35]
	// [23 45 67]
	// [2 1]
	// [5 14 14 50]
	// false [0 3 1 4 2 5]
}

func ExampleConv2D() {
	// One 1×3×3 image and a 2×2 summing kernel, stride 1, no padding.
	x := tensor.Arange(1, 10, 1).Reshape(1, 1, 3, 3)
	w := tensor.Ones(1, 1, 2, 2)
	y := tensor.Conv2D(x, w, nil, [2]int{1, 1}, [2]int{0, 0})
	fmt.Println(y.Shape(), y.Data())
	// Output:
	// [1 1 2 2] [12 16 24 28]
}

func ExampleDense_Narrow() {
	x := tensor.Arange(0, 12, 1).Reshape(3, 4)
	col := x.Narrow(1, 1, 2) // columns 1 and 2, a view
	col.Fill(-1)
	fmt.Println(x.Data())
	// Output:
	// [0 -1 -1 3 4 -1 -1 7 8 -1 -1 11]
}
