package dataset

import (
	"fmt"
	"iter"
	"math/bits"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/tensor"
)

// SplitStream is the stream number RandomSplit passes to Perm, far from any
// epoch number a Loader uses.
const SplitStream uint64 = 1 << 63

// Perm returns a uniformly random permutation of [0, n) that is a pure
// function of (n, seed, stream): the same arguments give the same permutation
// on every machine and Go release. A Loader uses stream = epoch, so a resumed
// run sees the same batches.
//
// The generator is math/rand/v2's PCG (PCG-DXSM, 128-bit state) seeded with
// (mix(seed), mix(seed ^ mix(stream))), where mix is the SplitMix64 finaliser,
// so nearby seeds and streams give unrelated sequences. The permutation is a
// Fisher–Yates shuffle (Durstenfeld) whose bounded draws use Lemire's
// multiply-and-reject method ("Fast random integer generation in an
// interval", ACM TOMACS 2019) on PCG's Uint64 outputs.
func Perm(n int, seed, stream uint64) []int {
	p := make([]int, n)
	fillPerm(p, seed, stream)
	return p
}

// fillPerm writes Perm(len(p), seed, stream) into p.
func fillPerm(p []int, seed, stream uint64) {
	for i := range p {
		p[i] = i
	}
	src := rand.NewPCG(mix(seed), mix(seed^mix(stream)))
	for i := len(p) - 1; i > 0; i-- {
		j := bounded(src, uint64(i)+1)
		p[i], p[j] = p[j], p[i]
	}
}

// mix is the SplitMix64 finaliser (Steele, Lea, Flood 2014), a bijection of
// uint64 that spreads nearby inputs apart.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// bounded returns a uniform integer in [0, n), n > 0, by Lemire's method.
func bounded(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// Batch is one mini-batch: X holds the samples ([B, ...], the set's sample
// shape), Y their labels and Index their positions in the set.
type Batch struct {
	X     *tensor.Dense
	Y     []int
	Index []int
}

// Loader iterates over a Set in mini-batches, like PyTorch's DataLoader. The
// zero value of each option field is usable; BatchSize must be positive.
type Loader struct {
	// Set is the data to iterate over.
	Set *Set
	// BatchSize is the number of samples per batch.
	BatchSize int
	// Shuffle selects the order: false visits samples in order; true visits
	// them in the order Perm(N, Seed, epoch), a new permutation each epoch.
	Shuffle bool
	// Seed seeds the shuffle.
	Seed uint64
	// DropLast drops the last batch of an epoch when it is smaller than
	// BatchSize. By default it is yielded, shorter.
	DropLast bool
}

// Len returns the number of batches per epoch (0 if BatchSize ≤ 0).
func (l *Loader) Len() int {
	if l.BatchSize <= 0 {
		return 0
	}
	n := l.Set.Len()
	if l.DropLast {
		return n / l.BatchSize
	}
	return (n + l.BatchSize - 1) / l.BatchSize
}

// Order returns the sample order of an epoch: the identity without Shuffle,
// Perm(N, Seed, epoch) with it.
func (l *Loader) Order(epoch int) []int {
	if l.Shuffle {
		return Perm(l.Set.Len(), l.Seed, uint64(epoch))
	}
	p := make([]int, l.Set.Len())
	for i := range p {
		p[i] = i
	}
	return p
}

// Epoch returns the batches of one epoch starting at batch start (0 for the
// whole epoch), so that a run resumed at batch k of epoch e sees exactly the
// batches a full run would have seen from there on.
//
// Ownership: the iterator owns the Batch it yields. Batch.X, Batch.Y and
// Batch.Index are buffers allocated once per call of the iteration and
// overwritten by the next step; they are valid only until the loop body
// returns. Copy whatever must outlive the step. The set itself must not be
// modified during the iteration.
//
// Configuration errors (BatchSize ≤ 0, a negative epoch, start outside
// [0, Len()], a set whose X and Y disagree) are yielded once, with an empty
// Batch, and end the iteration.
func (l *Loader) Epoch(epoch, start int) iter.Seq2[Batch, error] {
	return func(yield func(Batch, error) bool) {
		if err := l.check(epoch, start); err != nil {
			yield(Batch{}, err)
			return
		}
		order := l.Order(epoch)
		n, bs := len(order), l.BatchSize
		size := l.Set.sampleSize()
		sample := l.Set.X.Shape()[1:]
		rows := min(bs, n) // a batch size above N needs only N rows
		xbuf := make([]float64, rows*size)
		var full, tail *tensor.Dense
		if bs <= n {
			full = tensor.FromSlice(xbuf, append([]int{bs}, sample...)...)
		}
		if r := n % bs; r != 0 && !l.DropLast {
			tail = tensor.FromSlice(xbuf[:r*size], append([]int{r}, sample...)...)
		}
		ybuf := make([]int, rows)
		ibuf := make([]int, rows)
		src := l.Set.X.Data()
		for k := start; k < l.Len(); k++ {
			lo := k * bs
			hi := min(lo+bs, n)
			m := hi - lo
			for j, i := range order[lo:hi] {
				copy(xbuf[j*size:(j+1)*size], src[i*size:(i+1)*size])
				ybuf[j] = l.Set.Y[i]
				ibuf[j] = i
			}
			b := Batch{X: full, Y: ybuf[:m], Index: ibuf[:m]}
			if m < bs {
				b.X = tail
			}
			if !yield(b, nil) {
				return
			}
		}
	}
}

// check validates the loader's configuration for one epoch.
func (l *Loader) check(epoch, start int) error {
	if l.Set == nil || l.Set.X == nil {
		return fmt.Errorf("dataset: Loader has no set")
	}
	if l.BatchSize <= 0 {
		return fmt.Errorf("dataset: Loader of %q: batch size %d, want > 0", l.Set.Name, l.BatchSize)
	}
	if epoch < 0 {
		return fmt.Errorf("dataset: Loader of %q: epoch %d, want ≥ 0", l.Set.Name, epoch)
	}
	if start < 0 || start > l.Len() {
		return fmt.Errorf("dataset: Loader of %q: start batch %d outside [0, %d]", l.Set.Name, start, l.Len())
	}
	sh := l.Set.X.Shape()
	if len(sh) < 2 || sh[0] != len(l.Set.Y) {
		return fmt.Errorf("dataset: Loader of %q: X has shape %v for %d labels", l.Set.Name, sh, len(l.Set.Y))
	}
	return nil
}
