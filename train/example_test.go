package train_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/tensor"
	"github.com/quanta-qml/quanta/train"
)

// xor returns the four XOR points repeated n times.
func xor(n int) *dataset.Set {
	x := tensor.New(4*n, 2)
	y := make([]int, 4*n)
	for i := range 4 * n {
		a, b := i%2, (i/2)%2
		x.Set(float64(a), i, 0)
		x.Set(float64(b), i, 1)
		y[i] = a ^ b
	}
	return &dataset.Set{X: x, Y: y, Classes: []string{"0", "1"}, Name: "xor"}
}

// A small classifier learns XOR; the run checkpoints every 10 steps and
// would continue from the file after a kill.
func ExampleLoop() {
	r := rand.New(rand.NewPCG(1, 2))
	model := nn.NewSequential(nn.NewLinear(r, 2, 8, true), nn.NewTanh(), nn.NewLinear(r, 8, 2, true))
	opt, _ := optim.NewAdam(nn.Params(model), optim.AdamOptions{LR: 0.05})
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "xor.ckpt")

	loop, err := train.New(train.Config{
		Model: model, Optimizer: opt, Epochs: 20,
		Train: &dataset.Loader{Set: xor(8), BatchSize: 8, Shuffle: true, Seed: 1},
		Hooks: []train.Hook{
			train.NewEval(&dataset.Loader{Set: xor(1), BatchSize: 4}),
			train.NewEarlyStopping(train.EvalLoss, train.Min, 3),
			train.NewCheckpointer(path, 10),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resumed, err := loop.Resume(path) // no file yet: a fresh start
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := loop.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	last := res.History[len(res.History)-1]
	acc, _ := last.Get(train.EvalAcc)
	ck, _ := train.ReadCheckpoint(path)
	fmt.Printf("resumed: %v\nepochs: %d, steps: %d\naccuracy: %.2f\ncheckpoint at epoch %d, step %d\n",
		resumed, len(res.History), res.GlobalStep, acc, ck.Epoch, ck.Step)
	// Output:
	// resumed: false
	// epochs: 20, steps: 80
	// accuracy: 1.00
	// checkpoint at epoch 20, step 0
}

// A safetensors file: the header length, the JSON header, the data.
func ExampleEncodeSafetensors() {
	s := &train.Safetensors{Tensors: []train.Tensor{
		train.FromDense("w", tensor.FromSlice([]float64{1, 2}, 2)),
	}}
	data, _ := train.EncodeSafetensors(s)
	n := binary.LittleEndian.Uint64(data)
	fmt.Printf("header: %d bytes\n%s\ndata: %d bytes\n", n, bytes.TrimRight(data[8:8+n], " "), len(data)-8-int(n))
	back, _ := train.DecodeSafetensors(data, "example")
	w, _ := back.Tensors[0].Dense()
	fmt.Println(w.Data())
	// Output:
	// header: 56 bytes
	// {"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}
	// data: 16 bytes
	// [1 2]
}
