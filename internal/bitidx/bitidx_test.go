package bitidx

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// positionSets are the position lists the tests run over: unsorted, not
// adjacent, including bit 0 and runs from bit 0.
var positionSets = [][]int{
	{}, {0}, {3}, {5, 1}, {0, 1}, {2, 0, 7}, {1, 0, 2, 6}, {6, 4, 2, 0}, {9, 3, 5},
}

// zeroIndices lists, in ascending order, every w-bit index whose bits at the
// given positions are zero (the brute-force oracle for Insert).
func zeroIndices(w int, positions []int) []uint64 {
	var out []uint64
	for j := uint64(0); j < 1<<uint(w); j++ {
		ok := true
		for _, q := range positions {
			if j>>uint(q)&1 == 1 {
				ok = false
			}
		}
		if ok {
			out = append(out, j)
		}
	}
	return out
}

func TestInsertEnumeratesZeroIndicesInOrder(t *testing.T) {
	t.Parallel()
	const w = 10
	for _, ps := range positionSets {
		in := NewInserter(ps...)
		want := zeroIndices(w, ps)
		if len(want) != 1<<uint(w-len(ps)) {
			t.Fatalf("%v: oracle found %d indices", ps, len(want))
		}
		for r, j := range want {
			if got := in.Insert(uint64(r)); got != j {
				t.Fatalf("positions %v: Insert(%d) = %b, want %b", ps, r, got, j)
			}
		}
	}
}

func TestInserterPositionsAscending(t *testing.T) {
	t.Parallel()
	in := NewInserter(9, 3, 5)
	if in.Len() != 3 {
		t.Fatalf("Len = %d, want 3", in.Len())
	}
	for i, want := range []int{3, 5, 9} {
		if got := in.Position(i); got != want {
			t.Errorf("Position(%d) = %d, want %d", i, got, want)
		}
	}
}

// depositByString is an independent oracle for Deposit: write a as a k-digit
// binary string and place character t at positions[t].
func depositByString(a uint64, positions []int) uint64 {
	k := len(positions)
	if k == 0 {
		return 0
	}
	s := fmt.Sprintf("%0*b", k, a&(1<<uint(k)-1))
	var x uint64
	for t, q := range positions {
		if s[t] == '1' {
			x |= 1 << uint(q)
		}
	}
	return x
}

func TestDepositExtractOffsets(t *testing.T) {
	t.Parallel()
	for _, ps := range positionSets {
		k := len(ps)
		off := make([]int, 1<<uint(k))
		Offsets(off, ps)
		for a := uint64(0); a < 1<<uint(k); a++ {
			want := depositByString(a, ps)
			if got := Deposit(a, ps); got != want {
				t.Errorf("Deposit(%b, %v) = %b, want %b", a, ps, got, want)
			}
			if uint64(off[a]) != want {
				t.Errorf("Offsets(%v)[%d] = %b, want %b", ps, a, off[a], want)
			}
			// Extract must undo Deposit even with unrelated bits set.
			noise := ^Mask(ps...) & 0x5a5a
			if got := Extract(want|noise, ps); got != a {
				t.Errorf("Extract(Deposit(%b)) = %b over %v", a, got, ps)
			}
		}
	}
}

func TestMaskAndParity(t *testing.T) {
	t.Parallel()
	if got := Mask(0, 4, 2); got != 0b10101 {
		t.Errorf("Mask(0,4,2) = %b", got)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		x := rng.Uint64()
		want := strings.Count(strconv.FormatUint(x, 2), "1") % 2
		if got := Parity(x); got != want {
			t.Fatalf("Parity(%b) = %d, want %d", x, got, want)
		}
	}
}

// TestLowRun checks the run description against Insert itself: inside a run
// consecutive rest indices step by 2^stepLog, and a run never ends early.
func TestLowRun(t *testing.T) {
	t.Parallel()
	const w = 10
	for _, ps := range positionSets {
		in := NewInserter(ps...)
		stepLog, runLog := in.LowRun(w)
		step, run := uint64(1)<<uint(stepLog), uint64(1)<<uint(runLog)
		total := uint64(1) << uint(w-len(ps))
		for r := uint64(0); r+1 < total; r++ {
			same := (r+1)%run != 0
			contiguous := in.Insert(r+1) == in.Insert(r)+step
			if same && !contiguous {
				t.Fatalf("%v: run (step %d, length %d) broken between r=%d and %d", ps, step, run, r, r+1)
			}
		}
		// The run is maximal: where it ends the indices do jump (unless the
		// run is the whole range).
		if run < total && in.Insert(run) == in.Insert(run-1)+step {
			t.Errorf("%v: run length %d is not maximal", ps, run)
		}
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		f    func()
		msg  string
	}{
		{"repeated", func() { NewInserter(3, 1, 3) }, "bitidx: position 3 repeated"},
		{"negative", func() { Mask(-1) }, "bitidx: position -1 out of range"},
		{"too high", func() { NewInserter(63) }, "bitidx: position 63 out of range"},
		{"offsets length", func() { Offsets(make([]int, 3), []int{0, 1}) }, "bitidx: Offsets dst has length 3"},
		{"position index", func() { in := NewInserter(1); in.Position(1) }, "bitidx: position index 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				s, _ := r.(string)
				if !strings.HasPrefix(s, c.msg) {
					t.Errorf("panic %q, want prefix %q", r, c.msg)
				}
			}()
			c.f()
		})
	}
}

func TestInsertDoesNotAllocate(t *testing.T) {
	in := NewInserter(7, 2, 11)
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		for r := uint64(0); r < 64; r++ {
			sink += in.Insert(r)
		}
	})
	if allocs != 0 {
		t.Errorf("Insert allocates %.0f times", allocs)
	}
	_ = sink
}

func BenchmarkInsert(b *testing.B) {
	for _, k := range []int{1, 2, 3, 5} {
		ps := []int{1, 4, 9, 12, 17}[:k]
		in := NewInserter(ps...)
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			var sink uint64
			for i := 0; b.Loop(); i++ {
				sink += in.Insert(uint64(i))
			}
			_ = sink
		})
	}
}
