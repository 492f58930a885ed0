package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/sim"
	"github.com/quanta-qml/quanta/statevec"
	"github.com/spf13/cobra"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Speed benchmarks of the simulator and of training",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newBenchSimCmd(), newBenchSimPointCmd(), newBenchTrainCmd())
	cmd.AddCommand(newBenchLayersCmd())
	return cmd
}

// simBenchOptions are the flags of "bench sim".
type simBenchOptions struct {
	n, layers, batch, threads []int
	kernelN                   []int
	kernels                   bool
	minTime                   time.Duration
	minReps, maxReps          int
	isolate                   bool
	jsonPath                  string
}

// heaPoint is one measured point of the HEA grid.
type heaPoint struct {
	N        int     `json:"n"`
	L        int     `json:"L"`
	B        int     `json:"B"`
	Threads  int     `json:"threads"`
	Steps    int     `json:"steps"`
	MedianMS float64 `json:"median_ms"`
	MinMS    float64 `json:"min_ms"`
	Q1MS     float64 `json:"q1_ms"`
	Q3MS     float64 `json:"q3_ms"`
	MaxMS    float64 `json:"max_ms"`
	PeakMiB  float64 `json:"peak_rss_mib"`
	Isolated bool    `json:"isolated"` // measured in a fresh process: the peak is this point's
}

// kernelPoint is the throughput of one gate kernel.
type kernelPoint struct {
	Gate  string  `json:"gate"`
	N     int     `json:"n"`
	MAmpS float64 `json:"mamp_per_s"`
}

// simBenchReport is the JSON written by --json.
type simBenchReport struct {
	Machine map[string]string `json:"machine"`
	HEA     []heaPoint        `json:"hea"`
	Kernels []kernelPoint     `json:"kernels"`
}

func newBenchSimCmd() *cobra.Command {
	var o simBenchOptions
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Time the simulator: HEA training steps and gate kernels",
		Long: `Times one training step (Forward and the full VJP with a cotangent of ones:
loss = sum of the outputs, input gradients included) of the HEA benchmark
circuit: RY(x) encoding, L layers of RX, RY, RZ on every wire and a CNOT
ring, <Z_i> on every wire, a batch of B inputs. Every point of the grid
n × L × B × threads runs a warm-up step, then repeats steps for at least
--min-time (and --min-reps times); it reports the median time per step,
the spread (min, quartiles, max) and the peak resident memory (VmHWM).
With --isolate (the default) each point runs in a fresh process of this
binary, so that the peak is that point's own.

Then it reports the throughput of two statevec kernels on one thread, in
million amplitude updates per second: a dense one-qubit gate applied to
every wire in turn, and the CNOT ring, on one state of each --kernel-n.`,
		Example: `  quanta bench sim
  quanta bench sim --n 4,8 --L 2 --B 32 --threads 1
  quanta bench sim --kernel-n 20 --json sim.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return usageError{err}
			}
			return runSimBench(cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.IntSliceVar(&o.n, "n", []int{4, 8, 12, 16}, "numbers of qubits")
	f.IntSliceVar(&o.layers, "L", []int{2, 4}, "numbers of layers")
	f.IntSliceVar(&o.batch, "B", []int{32, 256}, "batch sizes")
	f.IntSliceVar(&o.threads, "threads", []int{1, 2}, "thread counts (GOMAXPROCS and sim workers)")
	f.IntSliceVar(&o.kernelN, "kernel-n", []int{16, 20, 24}, "state sizes of the kernel benchmark")
	f.BoolVar(&o.kernels, "kernels", true, "run the kernel benchmark")
	f.DurationVar(&o.minTime, "min-time", time.Second, "repeat steps of a point for at least this long")
	f.IntVar(&o.minReps, "min-reps", 5, "least number of timed steps of a point")
	f.IntVar(&o.maxReps, "max-reps", 200, "most timed steps of a point")
	f.BoolVar(&o.isolate, "isolate", true, "run every point in a fresh process (per-point peak memory)")
	f.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	return cmd
}

func (o *simBenchOptions) check() error {
	for _, v := range [][]int{o.n, o.layers, o.batch, o.threads} {
		if len(v) == 0 {
			return errors.New("empty grid: --n, --L, --B and --threads need at least one value")
		}
	}
	for _, n := range append(slices.Clone(o.n), o.kernelN...) {
		if n < 1 || n > 30 {
			return fmt.Errorf("%d qubits: want 1 to 30", n)
		}
	}
	for _, v := range append(append(slices.Clone(o.layers), o.batch...), o.threads...) {
		if v < 1 {
			return fmt.Errorf("grid value %d: want at least 1", v)
		}
	}
	if o.minReps < 1 || o.maxReps < o.minReps {
		return fmt.Errorf("--min-reps %d and --max-reps %d: want 1 ≤ min ≤ max", o.minReps, o.maxReps)
	}
	return nil
}

func runSimBench(stdout, stderr io.Writer, o simBenchOptions) error {
	rep := simBenchReport{Machine: machineInfo()}
	fmt.Fprintf(stdout, "# quanta bench sim: %s, %s cores, %s, GOMAXPROCS %d\n",
		rep.Machine["cpu"], rep.Machine["cores"], rep.Machine["go"], runtime.GOMAXPROCS(0))
	fmt.Fprintln(stdout, "# HEA step = Forward + VJP (weights and inputs), loss = sum of <Z_i>")
	const row = "%7v %3v %3v %4v %6v %10v %10v %10v %10v %10v %13v\n"
	fmt.Fprintf(stdout, row, "threads", "n", "L", "B", "steps", "median ms", "min", "q1", "q3", "max", "peak RSS MiB")
	for _, th := range o.threads {
		for _, n := range o.n {
			for _, l := range o.layers {
				for _, b := range o.batch {
					pt, err := o.point(n, l, b, th)
					if err != nil {
						return err
					}
					rep.HEA = append(rep.HEA, pt)
					peak := fmt.Sprintf("%.0f", pt.PeakMiB)
					if !pt.Isolated {
						peak += "*"
					}
					fmt.Fprintf(stdout, row, th, n, l, b, pt.Steps, ms(pt.MedianMS), ms(pt.MinMS), ms(pt.Q1MS),
						ms(pt.Q3MS), ms(pt.MaxMS), peak)
				}
			}
		}
	}
	if !o.isolate {
		fmt.Fprintln(stdout, "* peak RSS is the process high-water mark so far (not reset between points; use --isolate)")
	}
	if o.kernels && len(o.kernelN) > 0 {
		fmt.Fprintln(stdout, "# statevec kernels, 1 thread: million amplitude updates per second")
		const krow = "%9v %3v %8v\n"
		fmt.Fprintf(stdout, krow, "gate", "n", "Mamp/s")
		for _, n := range o.kernelN {
			for _, g := range []string{"1q-dense", "CNOT"} {
				k := kernelThroughput(g, n, o.minTime)
				rep.Kernels = append(rep.Kernels, k)
				fmt.Fprintf(stdout, krow, g, n, fmt.Sprintf("%.0f", k.MAmpS))
			}
		}
	}
	if o.jsonPath != "" {
		data, err := json.MarshalIndent(rep, "", " ")
		if err != nil {
			return err
		}
		if err := writeFileAtomic(o.jsonPath, append(data, '\n')); err != nil {
			return fmt.Errorf("bench sim: writing %s: %w", o.jsonPath, err)
		}
	}
	return nil
}

// point measures one grid point, in a fresh process when isolating.
func (o *simBenchOptions) point(n, l, b, threads int) (heaPoint, error) {
	if !o.isolate {
		return measureHEA(n, l, b, threads, o.minTime, o.minReps, o.maxReps)
	}
	exe, err := os.Executable()
	if err != nil {
		return heaPoint{}, fmt.Errorf("bench sim: finding this executable to isolate points: %w (use --isolate=false)", err)
	}
	args := []string{"bench", "sim-point", "--n", strconv.Itoa(n), "--L", strconv.Itoa(l), "--B", strconv.Itoa(b),
		"--threads", strconv.Itoa(threads), "--min-time", o.minTime.String(),
		"--min-reps", strconv.Itoa(o.minReps), "--max-reps", strconv.Itoa(o.maxReps)}
	var out, errb bytes.Buffer
	c := exec.Command(exe, args...)
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		return heaPoint{}, fmt.Errorf("bench sim: point n=%d L=%d B=%d threads=%d: %w: %s", n, l, b, threads, err, strings.TrimSpace(errb.String()))
	}
	var pt heaPoint
	if err := json.Unmarshal(out.Bytes(), &pt); err != nil {
		return heaPoint{}, fmt.Errorf("bench sim: point n=%d L=%d B=%d: reading the child's result: %w", n, l, b, err)
	}
	pt.Isolated = true
	return pt, nil
}

// newBenchSimPointCmd is the hidden child of "bench sim --isolate": it
// measures one point and prints it as JSON.
func newBenchSimPointCmd() *cobra.Command {
	var n, l, b, threads, minReps, maxReps int
	var minTime time.Duration
	cmd := &cobra.Command{
		Use:    "sim-point",
		Short:  "Measure one HEA point (used by bench sim)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pt, err := measureHEA(n, l, b, threads, minTime, minReps, maxReps)
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(pt)
		},
	}
	f := cmd.Flags()
	f.IntVar(&n, "n", 4, "qubits")
	f.IntVar(&l, "L", 2, "layers")
	f.IntVar(&b, "B", 32, "batch size")
	f.IntVar(&threads, "threads", 1, "threads")
	f.DurationVar(&minTime, "min-time", time.Second, "least time")
	f.IntVar(&minReps, "min-reps", 5, "least steps")
	f.IntVar(&maxReps, "max-reps", 200, "most steps")
	return cmd
}

// measureHEA times HEA steps on n qubits, l layers, batch b, with threads
// goroutines (GOMAXPROCS is set to threads for the duration).
func measureHEA(n, l, b, threads int, minTime time.Duration, minReps, maxReps int) (heaPoint, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	bld := circuit.NewBuilder(n)
	x0 := bld.AddInputs(n)
	x := make([]int, n)
	wires := make([]int, n)
	for i := range x {
		x[i], wires[i] = x0+i, i
	}
	if _, err := ansatz.HEA(bld, nil, x, l); err != nil {
		return heaPoint{}, err
	}
	c, err := bld.Build()
	if err != nil {
		return heaPoint{}, err
	}
	p, err := sim.Compile(c, sim.ExpvalZ(wires...), sim.Options{Workers: threads})
	if err != nil {
		return heaPoint{}, err
	}
	// Inputs uniform in [0, π), weights in [0, 2π), fixed seed (the shared
	// benchmark definition).
	rng := rand.New(rand.NewPCG(uint64(n), uint64(l)))
	inputs := make([]float64, b*n)
	for i := range inputs {
		inputs[i] = rng.Float64() * math.Pi
	}
	weights := make([]float64, c.NumWeights())
	for i := range weights {
		weights[i] = rng.Float64() * 2 * math.Pi
	}
	cot := make([]float64, b*n)
	for i := range cot {
		cot[i] = 1
	}
	dw, dx := make([]float64, len(weights)), make([]float64, len(inputs))
	var r *sim.Result
	step := func() (time.Duration, error) {
		t0 := time.Now()
		if r, err = p.ForwardTo(r, weights, inputs); err != nil {
			return 0, err
		}
		r.VJPTo(dw, dx, cot)
		return time.Since(t0), nil
	}
	if _, err := step(); err != nil { // warm-up: allocation, caches
		return heaPoint{}, err
	}
	var times []float64
	start := time.Now()
	for len(times) < maxReps && (len(times) < minReps || time.Since(start) < minTime) {
		d, err := step()
		if err != nil {
			return heaPoint{}, err
		}
		times = append(times, float64(d.Nanoseconds())/1e6)
	}
	slices.Sort(times)
	pt := heaPoint{N: n, L: l, B: b, Threads: threads, Steps: len(times),
		MedianMS: quantile(times, 0.5), MinMS: times[0], Q1MS: quantile(times, 0.25),
		Q3MS: quantile(times, 0.75), MaxMS: times[len(times)-1]}
	pt.PeakMiB = peakRSSMiB()
	return pt, nil
}

// ms formats milliseconds with three significant decimals.
func ms(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// quantile returns the q-quantile of sorted values (linear interpolation).
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// peakRSSMiB reads the resident-set high-water mark VmHWM of this process
// from /proc/self/status (Linux); 0 where it is not available.
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) >= 1 {
				kb, err := strconv.ParseFloat(fields[0], 64)
				if err == nil {
					return kb / 1024
				}
			}
		}
	}
	return 0
}

// kernelThroughput times one statevec kernel on one thread: a dense
// one-qubit gate on every wire in turn, or the CNOT ring (q, q+1 mod n).
func kernelThroughput(g string, n int, minTime time.Duration) kernelPoint {
	s := statevec.New(n, 1)
	s.Workers = 1
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	a := s.Sample(0)
	for i := range a {
		a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	u := []complex128{complex(0.6, 0.1), complex(-0.2, 0.7), complex(0.3, -0.5), complex(0.6, 0.2)}
	w := []int{0}
	pass := func() {
		for q := 0; q < n; q++ {
			if g == "CNOT" {
				s.ApplyCNOT(q, (q+1)%n)
				continue
			}
			w[0] = q
			s.Apply(w, u)
		}
	}
	pass() // warm-up
	reps := 0
	start := time.Now()
	for reps < 2 || time.Since(start) < minTime {
		pass()
		reps++
	}
	el := time.Since(start).Seconds()
	runtime.KeepAlive(a)
	return kernelPoint{Gate: g, N: n, MAmpS: float64(reps) * float64(n) * float64(int(1)<<uint(n)) / el / 1e6}
}

// machineInfo describes the machine for the report.
func machineInfo() map[string]string {
	m := map[string]string{
		"go":    runtime.Version(),
		"os":    runtime.GOOS + "/" + runtime.GOARCH,
		"cores": strconv.Itoa(runtime.NumCPU()),
		"cpu":   "unknown CPU",
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "model name"); ok {
				m["cpu"] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				m["commit"] = s.Value
			}
		}
	}
	return m
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
