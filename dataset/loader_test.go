package dataset

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/quanta-qml/quanta/tensor"
)

// rampSet returns n samples of shape [2, 3] whose values encode the sample
// index (sample i holds 100·i + k) and labels i mod classes.
func rampSet(n, classes int) *Set {
	x := make([]float64, n*6)
	y := make([]int, n)
	for i := range n {
		for k := range 6 {
			x[i*6+k] = float64(100*i + k)
		}
		y[i] = i % classes
	}
	return &Set{X: tensor.FromSlice(x, n, 2, 3), Y: y, Classes: defaultClasses(classes), Name: "ramp"}
}

func isPerm(p []int) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= len(p) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func TestPerm(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, 7, 100} {
		for seed := range uint64(3) {
			p := Perm(n, seed, 5)
			if !isPerm(p) {
				t.Fatalf("Perm(%d, %d, 5) = %v is not a permutation", n, seed, p)
			}
			if !slices.Equal(p, Perm(n, seed, 5)) {
				t.Fatalf("Perm(%d, %d, 5) is not deterministic", n, seed)
			}
		}
	}
	a, b, c := Perm(1000, 1, 0), Perm(1000, 1, 1), Perm(1000, 2, 0)
	if slices.Equal(a, b) || slices.Equal(a, c) || slices.Equal(b, c) {
		t.Error("different seeds or streams gave the same permutation of 1000")
	}
}

// TestPermUniform checks that every element is equally likely at every
// position: a chi-square test over 4000 permutations of 8 elements, for
// consecutive streams and for consecutive seeds. The seeds are fixed, so the
// test is deterministic; the threshold is the 0.9999 quantile of chi-square
// with 63 degrees of freedom (≈ 113).
func TestPermUniform(t *testing.T) {
	t.Parallel()
	const n, draws = 8, 4000
	for _, vary := range []string{"stream", "seed"} {
		var counts [n][n]float64
		for k := range uint64(draws) {
			var p []int
			if vary == "stream" {
				p = Perm(n, 12345, k)
			} else {
				p = Perm(n, k, 0)
			}
			for pos, v := range p {
				counts[pos][v]++
			}
		}
		chi2 := 0.0
		e := float64(draws) / n
		for pos := range n {
			for v := range n {
				d := counts[pos][v] - e
				chi2 += d * d / e
			}
		}
		if chi2 > 113 {
			t.Errorf("varying the %s: chi-square %.1f over 64 cells, want < 113", vary, chi2)
		}
	}
}

// collect runs one epoch and returns copies of its batches.
func collect(t *testing.T, l *Loader, epoch, start int) (xs [][]float64, ys [][]int, idx [][]int) {
	t.Helper()
	for b, err := range l.Epoch(epoch, start) {
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, slices.Clone(b.X.Data()))
		ys = append(ys, slices.Clone(b.Y))
		idx = append(idx, slices.Clone(b.Index))
	}
	return xs, ys, idx
}

func TestLoaderEpoch(t *testing.T) {
	t.Parallel()
	s := rampSet(23, 4)
	for _, c := range []struct {
		bs      int
		shuffle bool
		drop    bool
		sizes   []int
	}{
		{5, false, false, []int{5, 5, 5, 5, 3}},
		{5, true, false, []int{5, 5, 5, 5, 3}},
		{5, true, true, []int{5, 5, 5, 5}},
		{23, true, false, []int{23}},
		{30, false, false, []int{23}},
		{30, false, true, nil},
	} {
		t.Run(fmt.Sprintf("bs=%d/shuffle=%v/drop=%v", c.bs, c.shuffle, c.drop), func(t *testing.T) {
			l := &Loader{Set: s, BatchSize: c.bs, Shuffle: c.shuffle, Seed: 9, DropLast: c.drop}
			if l.Len() != len(c.sizes) {
				t.Errorf("Len() = %d, want %d", l.Len(), len(c.sizes))
			}
			xs, ys, idx := collect(t, l, 3, 0)
			order := l.Order(3)
			var sizes, visited []int
			for k := range xs {
				sizes = append(sizes, len(ys[k]))
				for j, i := range idx[k] {
					// The batch row must be sample i, with its label.
					row := xs[k][j*6 : (j+1)*6]
					if row[0] != float64(100*i) || row[5] != float64(100*i+5) || ys[k][j] != i%4 {
						t.Fatalf("batch %d row %d holds %v label %d, want sample %d", k, j, row, ys[k][j], i)
					}
					visited = append(visited, i)
				}
			}
			if !slices.Equal(sizes, c.sizes) {
				t.Errorf("batch sizes %v, want %v", sizes, c.sizes)
			}
			if !slices.Equal(visited, order[:len(visited)]) {
				t.Errorf("visited %v, want the epoch order %v", visited, order)
			}
			if !c.drop && !isPerm(visited) {
				t.Errorf("an epoch without DropLast visited %v, not every sample once", visited)
			}
			if !c.shuffle {
				for i, v := range order {
					if v != i {
						t.Fatalf("unshuffled order %v is not the identity", order)
					}
				}
			}
		})
	}
}

func TestLoaderDeterminismAndResume(t *testing.T) {
	t.Parallel()
	s := rampSet(50, 3)
	l := &Loader{Set: s, BatchSize: 8, Shuffle: true, Seed: 2024}
	x1, y1, _ := collect(t, l, 4, 0)
	l2 := &Loader{Set: s, BatchSize: 8, Shuffle: true, Seed: 2024}
	x2, y2, _ := collect(t, l2, 4, 0)
	if diff := cmp.Diff(x1, x2); diff != "" {
		t.Fatalf("same seed and epoch gave different batches (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(y1, y2); diff != "" {
		t.Fatalf("labels differ:\n%s", diff)
	}
	if slices.Equal(l.Order(4), l.Order(5)) {
		t.Error("epochs 4 and 5 have the same permutation")
	}
	other := &Loader{Set: s, BatchSize: 8, Shuffle: true, Seed: 2025}
	if slices.Equal(l.Order(4), other.Order(4)) {
		t.Error("seeds 2024 and 2025 have the same permutation")
	}
	for k := 0; k <= l.Len(); k++ {
		xr, yr, _ := collect(t, l, 4, k)
		if len(xr) != len(x1)-k || len(yr) != len(y1)-k {
			t.Fatalf("resume at %d: %d batches, want %d", k, len(xr), len(x1)-k)
		}
		for j := range xr {
			if !slices.Equal(xr[j], x1[k+j]) || !slices.Equal(yr[j], y1[k+j]) {
				t.Fatalf("resuming at batch %d: batch %d differs from batch %d of the full epoch", k, j, k+j)
			}
		}
	}
}

func TestLoaderBuffersAndBreak(t *testing.T) {
	t.Parallel()
	l := &Loader{Set: rampSet(10, 2), BatchSize: 4}
	var first *tensor.Dense
	steps := 0
	for b, err := range l.Epoch(0, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if steps == 0 {
			first = b.X
		} else if steps == 1 && b.X != first {
			t.Error("full batches do not reuse the same tensor")
		}
		if steps == 2 {
			if b.X.Shape()[0] != 2 || &b.X.Data()[0] != &first.Data()[0] {
				t.Errorf("last batch: shape %v, want [2 2 3] over the same buffer", b.X.Shape())
			}
		}
		steps++
	}
	if steps != 3 {
		t.Fatalf("%d steps, want 3", steps)
	}
	steps = 0
	for range l.Epoch(0, 0) {
		steps++
		break
	}
	if steps != 1 {
		t.Errorf("break after one step ran %d steps", steps)
	}
}

func TestLoaderErrors(t *testing.T) {
	t.Parallel()
	s := rampSet(10, 2)
	bad := &Set{X: tensor.New(3, 2), Y: []int{0}, Classes: []string{"a"}, Name: "bad"}
	for _, c := range []struct {
		name         string
		l            *Loader
		epoch, start int
		substr       string
	}{
		{"batch size", &Loader{Set: s}, 0, 0, "batch size 0"},
		{"epoch", &Loader{Set: s, BatchSize: 2}, -1, 0, "epoch -1"},
		{"start", &Loader{Set: s, BatchSize: 3}, 0, 5, "start batch 5 outside [0, 4]"},
		{"negative start", &Loader{Set: s, BatchSize: 3}, 0, -1, "start batch -1"},
		{"set", &Loader{Set: bad, BatchSize: 1}, 0, 0, "shape [3 2] for 1 labels"},
		{"no set", &Loader{BatchSize: 1}, 0, 0, "no set"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			for b, err := range c.l.Epoch(c.epoch, c.start) {
				n++
				if err == nil || !strings.Contains(err.Error(), c.substr) || b.X != nil {
					t.Errorf("got batch %v, error %v; want only an error containing %q", b.Y, err, c.substr)
				}
			}
			if n != 1 {
				t.Errorf("%d steps, want exactly 1 (the error)", n)
			}
		})
	}
	// Starting at Len() is a valid, empty resume point.
	l := &Loader{Set: s, BatchSize: 3}
	for _, err := range l.Epoch(0, l.Len()) {
		t.Errorf("resume at the end yielded a step (error %v)", err)
	}
}

func TestSetOps(t *testing.T) {
	t.Parallel()
	s := rampSet(10, 3)
	sub := s.Subset([]int{7, 2, 7})
	if diff := cmp.Diff([]int{1, 2, 1}, sub.Y); diff != "" {
		t.Errorf("Subset labels (-want +got):\n%s", diff)
	}
	if got := sub.X.Data()[6]; got != 200 || sub.X.Shape()[0] != 3 {
		t.Errorf("Subset row 1 starts with %g, want 200", got)
	}
	sub.X.Data()[0] = -1
	if s.X.Data()[42] != 700 {
		t.Error("Subset shares storage with its source")
	}
	a, b := RandomSplit(s, 4, 77)
	if a.Len() != 4 || b.Len() != 6 {
		t.Fatalf("RandomSplit sizes %d, %d", a.Len(), b.Len())
	}
	var seen []int
	for _, part := range []*Set{a, b} {
		for i := range part.Len() {
			seen = append(seen, int(part.X.Data()[i*6])/100)
		}
	}
	if !isPerm(seen) {
		t.Errorf("RandomSplit parts hold samples %v, not a partition", seen)
	}
	if !slices.Equal(seen, Perm(10, 77, SplitStream)) {
		t.Errorf("RandomSplit order %v is not Perm(10, 77, SplitStream)", seen)
	}
	a2, _ := RandomSplit(s, 4, 77)
	if !slices.Equal(a.X.Data(), a2.X.Data()) {
		t.Error("RandomSplit is not deterministic")
	}
	sh := Shuffle(s, 5)
	if got := int(sh.X.Data()[0]) / 100; got != Perm(10, 5, 0)[0] {
		t.Errorf("Shuffle starts with sample %d, want %d", got, Perm(10, 5, 0)[0])
	}
	if h := Head(s, 3); h.Len() != 3 || h.Y[2] != 2 || Head(s, 99).Len() != 10 {
		t.Errorf("Head: %v", h.Y)
	}
	if diff := cmp.Diff([]int{4, 3, 3}, s.ClassCounts()); diff != "" {
		t.Errorf("ClassCounts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 3}, s.SampleShape()); diff != "" {
		t.Errorf("SampleShape (-want +got):\n%s", diff)
	}
	for _, bad := range []*Set{
		{Name: "nil"},
		{X: tensor.New(3), Y: []int{0, 0, 0}, Classes: []string{"a"}},
		{X: tensor.New(2, 1), Y: []int{0}, Classes: []string{"a"}},
		{X: tensor.New(2, 1), Y: []int{0, 1}, Classes: []string{"a"}},
	} {
		if bad.Validate() == nil {
			t.Errorf("Validate accepted %+v", bad)
		}
	}
	if Train.String() != "train" || Test.String() != "test" || Split(7).String() != "Split(7)" {
		t.Error("Split.String")
	}
}

func TestSubsetPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "dataset: ") {
			t.Errorf("recovered %v, want a dataset: panic", r)
		}
	}()
	rampSet(3, 1).Subset([]int{3})
}
