package train

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// BenchmarkEpoch times one epoch on random data of a 784-64-10 MLP and of
// the "Let the Quantum Creep In" SimpleNet (conv 1→32, conv 32→16, linear
// 12544→10 on 32×32 images), with the default hooks (guard) and, for the
// MLP, the full set (eval, checkpoint at the epoch's end, progress to
// io.Discard): the loop's overhead on top of the model's passes.
func BenchmarkEpoch(b *testing.B) {
	cases := []struct {
		model    string
		n, batch int
		sample   []int
		hooks    string
		build    func(r *rand.Rand) nn.Layer
	}{
		{"mlp", 1024, 128, []int{784}, "guard", benchMLP},
		{"mlp", 1024, 128, []int{784}, "all", benchMLP},
		{"simplenet", 400, 200, []int{1, 32, 32}, "guard", benchSimpleNet},
	}
	for _, c := range cases {
		r := rand.New(rand.NewPCG(1, 1))
		set := &dataset.Set{X: tensor.RandN(r, append([]int{c.n}, c.sample...)...), Y: make([]int, c.n), Name: "random"}
		for i := range set.Y {
			set.Y[i] = r.IntN(10)
		}
		b.Run(fmt.Sprintf("model=%s/n=%d/batch=%d/hooks=%s", c.model, c.n, c.batch, c.hooks), func(b *testing.B) {
			b.ReportAllocs()
			path := filepath.Join(b.TempDir(), "c.ckpt")
			for b.Loop() {
				m := c.build(r)
				cfg := Config{Model: m, Optimizer: mustAdam(b, m), Epochs: 1,
					Train: &dataset.Loader{Set: set, BatchSize: c.batch, Shuffle: true, Seed: 1}}
				if c.hooks == "all" {
					cfg.Hooks = []Hook{NewEval(&dataset.Loader{Set: set, BatchSize: 256}), NewCheckpointer(path, 0), NewProgress(io.Discard)}
				}
				l, err := New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := l.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchMLP(r *rand.Rand) nn.Layer {
	return nn.NewSequential(nn.NewLinear(r, 784, 64, true), nn.NewReLU(), nn.NewLinear(r, 64, 10, true))
}

func benchSimpleNet(r *rand.Rand) nn.Layer {
	return nn.NewSequential(
		nn.NewConv2d(r, 1, 32, [2]int{3, 3}, nn.Conv2dOptions{}),
		nn.NewConv2d(r, 32, 16, [2]int{3, 3}, nn.Conv2dOptions{}),
		nn.NewFlatten(), nn.NewLinear(r, 12544, 10, true))
}

// BenchmarkSafetensors times encoding and decoding a file of one F64
// tensor of the given size.
func BenchmarkSafetensors(b *testing.B) {
	for _, mib := range []int{1, 16} {
		t := tensor.RandN(rand.New(rand.NewPCG(1, 1)), mib<<17)
		s := &Safetensors{Tensors: []Tensor{FromDense("x", t)}, Metadata: map[string]string{"k": "v"}}
		data, _ := EncodeSafetensors(s)
		b.Run(fmt.Sprintf("Encode/size=%dMiB", mib), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := EncodeSafetensors(s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Decode/size=%dMiB", mib), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				got, err := DecodeSafetensors(data, "bench")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := got.Tensors[0].Dense(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
