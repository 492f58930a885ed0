// Package parfor runs loops over [0, n) on several goroutines.
//
// All parallel fan-out in quanta goes through this package, so the policy
// (how many goroutines, how work is chunked) lives in one place. Chunks are a
// pure function of n, the worker count and the grain, so a reduction that
// combines per-chunk results in chunk order is reproducible for a given
// worker count.
package parfor

import (
	"runtime"
	"sync"
)

// Workers returns the default number of goroutines: GOMAXPROCS.
func Workers() int { return runtime.GOMAXPROCS(0) }

// Chunks splits [0, n) into at most workers contiguous ranges of at least
// grain elements each (the last may be shorter when n < grain). It returns
// the range boundaries: chunk i is [b[i], b[i+1]).
func Chunks(n, workers, grain int) []int {
	if n <= 0 {
		return []int{0}
	}
	if workers < 1 {
		workers = 1
	}
	if grain < 1 {
		grain = 1
	}
	k := n / grain
	if k > workers {
		k = workers
	}
	if k < 1 {
		k = 1
	}
	b := make([]int, k+1)
	for i := 0; i <= k; i++ {
		b[i] = i * n / k
	}
	return b
}

// For calls body on contiguous chunks of [0, n), in parallel on up to
// workers goroutines (workers ≤ 0 means Workers()). Each chunk has at least
// grain elements, so small loops run inline on the calling goroutine.
// body receives the chunk index and its range [lo, hi); it is not called
// when n ≤ 0.
func For(n, workers, grain int, body func(chunk, lo, hi int)) {
	if n <= 0 {
		return
	}
	if workers <= 0 {
		workers = Workers()
	}
	b := Chunks(n, workers, grain)
	k := len(b) - 1
	if k == 1 {
		body(0, b[0], b[1])
		return
	}
	var wg sync.WaitGroup
	wg.Add(k - 1)
	for c := 1; c < k; c++ {
		go func(c int) {
			defer wg.Done()
			body(c, b[c], b[c+1])
		}(c)
	}
	body(0, b[0], b[1])
	wg.Wait()
}

// NumChunks returns how many chunks For would use, so callers can allocate
// per-chunk accumulators before the loop.
func NumChunks(n, workers, grain int) int {
	if workers <= 0 {
		workers = Workers()
	}
	return len(Chunks(n, workers, grain)) - 1
}
