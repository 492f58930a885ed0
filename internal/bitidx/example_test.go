package bitidx_test

import (
	"fmt"

	"github.com/quanta-qml/quanta/internal/bitidx"
)

// A two-qubit gate on bit positions 2 and 0 of a 4-bit index: the rest
// indices r = 0…3 give the base of each group of four amplitudes, and the
// offsets give the four members (position 2 is the high bit of the local
// index because it is listed first).
func Example() {
	in := bitidx.NewInserter(2, 0)
	off := make([]int, 4)
	bitidx.Offsets(off, []int{2, 0})
	for r := uint64(0); r < 4; r++ {
		base := int(in.Insert(r))
		fmt.Printf("r=%d:", r)
		for _, o := range off {
			fmt.Printf(" %04b", base+o)
		}
		fmt.Println()
	}
	// Output:
	// r=0: 0000 0001 0100 0101
	// r=1: 0010 0011 0110 0111
	// r=2: 1000 1001 1100 1101
	// r=3: 1010 1011 1110 1111
}

func ExampleExtract() {
	// Bits at positions 0 and 3 of 0b1000, position 0 first (most significant).
	fmt.Printf("%02b\n", bitidx.Extract(0b1000, []int{0, 3}))
	// Output: 01
}
