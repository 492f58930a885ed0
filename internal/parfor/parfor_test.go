package parfor

import (
	"sync/atomic"
	"testing"
)

func TestChunksCoverRangeExactlyOnce(t *testing.T) {
	for _, tc := range []struct{ n, workers, grain int }{
		{0, 4, 1}, {1, 4, 1}, {7, 2, 1}, {100, 3, 10}, {100, 16, 64}, {5, 8, 1}, {1000, 7, 1},
	} {
		b := Chunks(tc.n, tc.workers, tc.grain)
		if b[0] != 0 || b[len(b)-1] != max(tc.n, 0) {
			t.Errorf("%+v: boundaries %v do not span [0,%d)", tc, b, tc.n)
		}
		if k := len(b) - 1; k > tc.workers {
			t.Errorf("%+v: %d chunks exceed %d workers", tc, k, tc.workers)
		}
		for i := 1; i < len(b); i++ {
			if b[i] < b[i-1] {
				t.Errorf("%+v: boundaries not increasing: %v", tc, b)
			}
			if tc.n >= tc.grain && b[i]-b[i-1] < tc.grain {
				t.Errorf("%+v: chunk %d has %d < grain elements", tc, i-1, b[i]-b[i-1])
			}
		}
	}
}

func TestForVisitsEveryIndexOnce(t *testing.T) {
	const n = 10007
	var hits [n]int32
	var calls int32
	For(n, 4, 100, func(_, lo, hi int) {
		atomic.AddInt32(&calls, 1)
		for i := lo; i < hi; i++ {
			atomic.AddInt32(&hits[i], 1)
		}
	})
	for i, h := range hits {
		if h != 1 {
			t.Fatalf("index %d visited %d times", i, h)
		}
	}
	if calls != int32(NumChunks(n, 4, 100)) {
		t.Fatalf("body called %d times, NumChunks says %d", calls, NumChunks(n, 4, 100))
	}
}

func TestForSmallLoopRunsInline(t *testing.T) {
	chunks := 0
	For(10, 8, 100, func(c, lo, hi int) {
		chunks++ // no atomic needed only if inline; -race would flag otherwise
		if c != 0 || lo != 0 || hi != 10 {
			t.Errorf("got chunk %d [%d,%d), want 0 [0,10)", c, lo, hi)
		}
	})
	if chunks != 1 {
		t.Fatalf("got %d chunks, want 1", chunks)
	}
}

func TestForEmptyRangeCallsNothing(t *testing.T) {
	for _, n := range []int{0, -3} {
		For(n, 4, 1, func(c, lo, hi int) {
			t.Errorf("n=%d: body called with chunk %d [%d,%d)", n, c, lo, hi)
		})
	}
}
