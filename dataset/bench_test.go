package dataset

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

// randImages returns n seeded random byte-valued images [n, c, h, w].
func randImages(n, c, h, w int) *Set {
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n*c*h*w)
	for i := range x {
		x[i] = float64(r.IntN(256))
	}
	y := make([]int, n)
	for i := range y {
		y[i] = r.IntN(10)
	}
	return &Set{X: tensor.FromSlice(x, n, c, h, w), Y: y, Classes: defaultClasses(10), Name: "rand"}
}

func BenchmarkMNIST(b *testing.B) {
	for _, p := range []Split{Test, Train} {
		b.Run("split="+p.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := MNIST(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPerm(b *testing.B) {
	for _, n := range []int{1000, 60000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			p := make([]int, n)
			e := uint64(0)
			for b.Loop() {
				fillPerm(p, 7, e)
				e++
			}
		})
	}
}

// BenchmarkLoader times one shuffled epoch over MNIST-shaped data; the
// allocations per epoch are the permutation and the batch buffers.
func BenchmarkLoader(b *testing.B) {
	s := randImages(10000, 1, 28, 28)
	for _, bs := range []int{32, 256} {
		b.Run(fmt.Sprintf("n=10000/bs=%d", bs), func(b *testing.B) {
			b.ReportAllocs()
			l := &Loader{Set: s, BatchSize: bs, Shuffle: true, Seed: 3}
			e := 0
			for b.Loop() {
				for _, err := range l.Epoch(e, 0) {
					if err != nil {
						b.Fatal(err)
					}
				}
				e++
			}
		})
	}
}

func BenchmarkTransform(b *testing.B) {
	s := randImages(2000, 1, 28, 28)
	for _, c := range []struct {
		name string
		f    func() *Set
	}{
		{"Pad/n=2000/p=2", func() *Set { return Pad(s, 2) }},
		{"Normalize/n=2000", func() *Set { return Normalize(s, []float64{0.5}, []float64{0.5}) }},
		{"Resize/n=2000/28to16", func() *Set { return Resize(s, 16, 16) }},
		{"Resize/n=2000/28to32", func() *Set { return Resize(s, 32, 32) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(8 * s.X.Size()))
			for b.Loop() {
				c.f()
			}
		})
	}
}

func BenchmarkCovariance(b *testing.B) {
	for _, c := range []struct{ n, f int }{{2000, 64}, {2000, 784}} {
		b.Run(fmt.Sprintf("n=%d/f=%d", c.n, c.f), func(b *testing.B) {
			r := rand.New(rand.NewPCG(2, 2))
			x := make([]float64, c.n*c.f)
			for i := range x {
				x[i] = r.Float64()
			}
			mean := make([]float64, c.f)
			b.ReportAllocs()
			for b.Loop() {
				covariance(x, c.n, c.f, mean)
			}
		})
	}
}

func BenchmarkSymEigen(b *testing.B) {
	for _, n := range []int{64, 256, 784} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a := randSym(rand.New(rand.NewPCG(4, 4)), n)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := symEigen(a, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPCATransform(b *testing.B) {
	s := Flatten(randImages(10000, 1, 28, 28))
	p, err := FitPCA(Head(s, 1000), 16)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("n=10000/f=784/k=16", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.Transform(s)
		}
	})
}
