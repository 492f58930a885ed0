package tensor

import (
	"fmt"
	"testing"
)

// BenchmarkMatMul multiplies square n×n matrices (2n³ flops per op).
func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{64, 128, 256, 512, 1024} {
		b.Run(fmt.Sprintf("backend=%s/n=%d", Backend(), n), func(b *testing.B) {
			r := newRand(1)
			x, y := RandN(r, n, n), RandN(r, n, n)
			out := New(n, n)
			b.ReportAllocs()
			b.SetBytes(int64(8 * n * n))
			for b.Loop() {
				Gemm(false, false, 1, x, y, 0, out)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConv2D runs the two convolutions of the MNIST CNN benchmark at
// batch 200: forward, and backward for the weight, bias and (second layer
// only, as in training) input gradients.
func BenchmarkConv2D(b *testing.B) {
	layers := []struct {
		name          string
		c, h, o       int
		needX, needIn bool
	}{
		{"c=1/o=32/hw=32", 1, 32, 32, false, false},
		{"c=32/o=16/hw=30", 32, 30, 16, true, true},
	}
	const batch = 200
	for _, l := range layers {
		r := newRand(2)
		x := RandN(r, batch, l.c, l.h, l.h)
		w, bias := RandN(r, l.o, l.c, 3, 3), RandN(r, l.o)
		s, p := [2]int{1, 1}, [2]int{0, 0}
		gy := RandN(r, batch, l.o, l.h-2, l.h-2)
		b.Run(fmt.Sprintf("backend=%s/dir=fwd/%s/b=%d", Backend(), l.name, batch), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Conv2D(x, w, bias, s, p)
			}
		})
		b.Run(fmt.Sprintf("backend=%s/dir=bwd/%s/b=%d", Backend(), l.name, batch), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Conv2DGrad(x, w, gy, s, p, l.needX, true, true)
			}
		})
	}
}

// BenchmarkAdd measures broadcasting element-wise addition of a row
// vector to a matrix and of two same-shape matrices.
func BenchmarkAdd(b *testing.B) {
	r := newRand(3)
	x, row := RandN(r, 200, 784), RandN(r, 784)
	for _, c := range []struct {
		name string
		y    *Dense
	}{{"same/n=200x784", RandN(r, 200, 784)}, {"bcast/n=200x784", row}, {"transposed/n=200x784", RandN(r, 784, 200).T()}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Add(x, c.y)
			}
		})
	}
}
