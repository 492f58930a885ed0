//go:build !race

package statevec

const raceEnabled = false
