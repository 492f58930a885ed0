package dataset_test

import (
	"fmt"
	"strings"

	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/tensor"
)

func ExampleMNIST() {
	test, err := dataset.MNIST(dataset.Test)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(test.Name, test.X.Shape(), "first label:", test.Y[0])
	fmt.Println("per class:", test.ClassCounts())
	// Output:
	// mnist-test [10000 1 28 28] first label: 7
	// per class: [980 1135 1032 1010 982 892 958 1028 974 1009]
}

// The preprocessing of "Let the Quantum Creep In": pad 28×28 to 32×32,
// scale bytes to [0, 1] (ToTensor), normalise with mean 0.5 and std 0.5.
func ExamplePad() {
	img := &dataset.Set{
		X:       tensor.FromSlice([]float64{0, 255, 51, 204}, 1, 1, 2, 2),
		Y:       []int{0},
		Classes: []string{"digit"},
	}
	s := dataset.Pad(img, 1)
	s = dataset.Scale(s, 1.0/255)
	s = dataset.Normalize(s, []float64{0.5}, []float64{0.5})
	x := s.X.Data()
	for r := range 4 {
		fmt.Printf("%5.1f\n", x[r*4:(r+1)*4])
	}
	// Output:
	// [ -1.0  -1.0  -1.0  -1.0]
	// [ -1.0  -1.0   1.0  -1.0]
	// [ -1.0  -0.6   0.6  -1.0]
	// [ -1.0  -1.0  -1.0  -1.0]
}

func ExampleLoader() {
	x := make([]float64, 10)
	for i := range x {
		x[i] = float64(i)
	}
	set := &dataset.Set{X: tensor.FromSlice(x, 10, 1), Y: make([]int, 10), Classes: []string{"a"}}
	l := &dataset.Loader{Set: set, BatchSize: 4, Shuffle: true, Seed: 42}
	show := func(epoch, start int) {
		var batches []string
		for b, err := range l.Epoch(epoch, start) {
			if err != nil {
				fmt.Println(err)
				return
			}
			// b is only valid during this step: format (copy) it now.
			batches = append(batches, fmt.Sprint(b.Index))
		}
		fmt.Printf("epoch %d from batch %d: %s\n", epoch, start, strings.Join(batches, " "))
	}
	show(0, 0)
	show(1, 0)
	show(1, 1) // resuming epoch 1 at batch 1 replays the tail of that epoch
	// Output:
	// epoch 0 from batch 0: [3 2 5 6] [8 0 7 1] [9 4]
	// epoch 1 from batch 0: [0 1 5 2] [8 9 6 4] [3 7]
	// epoch 1 from batch 1: [8 9 6 4] [3 7]
}

func ExampleFilterClasses() {
	train, err := dataset.MNIST(dataset.Test)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := dataset.FilterClasses(train, []int{0, 1, 2, 3, 4, 5, 6, 7})
	fmt.Println(s.Len(), s.Classes)
	// Output:
	// 8017 [0 1 2 3 4 5 6 7]
}

func ExampleReadCSV() {
	in := "3,2,small,large\n1.0,2.0,0\n10,20,1\n2,3,0\n"
	s, err := dataset.ReadCSV(strings.NewReader(in), "sizes.csv", dataset.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.X.Shape(), s.Y, s.Classes)

	_, err = dataset.ReadCSV(strings.NewReader("1,2,0\n3,x,1\n"), "bad.csv", dataset.CSVOptions{})
	fmt.Println(err)
	// Output:
	// [3 2] [0 1 0] [small large]
	// dataset: bad.csv: line 2: field 2 "x" is not a number
}

func ExampleResize() {
	// PyTorch: F.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False).
	img := &dataset.Set{
		X:       tensor.FromSlice([]float64{0, 1, 2, 3}, 1, 1, 2, 2),
		Y:       []int{0},
		Classes: []string{"a"},
	}
	x := dataset.Resize(img, 4, 4).X.Data()
	for r := range 4 {
		fmt.Println(x[r*4 : (r+1)*4])
	}
	// Output:
	// [0 0.25 0.75 1]
	// [0.5 0.75 1.25 1.5]
	// [1.5 1.75 2.25 2.5]
	// [2 2.25 2.75 3]
}

func ExampleFitPCA() {
	// Points near the line y = x. (numpy's np.linalg.eigh of np.cov gives
	// the same axis, 0.71357 0.70058, and ratio 0.99907.)
	x := []float64{0, 0, 1, 1.1, 2, 1.9, 3, 3.1, 4, 3.9}
	train := &dataset.Set{X: tensor.FromSlice(x, 5, 2), Y: make([]int, 5), Classes: []string{"a"}}
	p, err := dataset.FitPCA(train, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("axis %.3f, explained %.4f\n", p.Components.Data(), p.Ratio[0])
	fmt.Printf("coordinates %.3f\n", p.Transform(train).X.Data())
	// Output:
	// axis [0.714 0.701], explained 0.9991
	// coordinates [-2.828 -1.344 -0.070 1.484 2.758]
}
