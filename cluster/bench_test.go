package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// scontrolLines returns `scontrol -o show job` lines of an array job of n
// tasks, shaped like the Slurm 22.05 fixtures: the first half completed.
func scontrolLines(b testing.TB, job string, n int) string {
	line := fixture(b, "scontrol-done.txt")
	line = line[:strings.IndexByte(line, '\n')]
	var out strings.Builder
	for i := range n {
		l := strings.Replace(line, "ArrayTaskId=5", fmt.Sprintf("ArrayTaskId=%d", i), 1)
		l = strings.Replace(l, "ArrayJobId=1", "ArrayJobId="+job, 1)
		if i >= n/2 {
			l = strings.Replace(l, "JobState=COMPLETED", "JobState=RUNNING", 1)
		}
		out.WriteString(l + "\n")
	}
	return out.String()
}

func BenchmarkParseScontrol(b *testing.B) {
	for _, n := range []int{10, 1000} {
		out := []byte(scontrolLines(b, "12", n))
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(out)))
			for b.Loop() {
				if _, err := ParseScontrol(out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStatus measures Status on a sweep whose first half of tasks has
// finished (runs × epochs records each) with a scripted scontrol answer:
// the filesystem side of a `quanta status` on a large sweep.
func BenchmarkStatus(b *testing.B) {
	for _, tc := range []struct{ tasks, runs, epochs int }{{100, 10, 10}, {1000, 4, 10}} {
		b.Run(fmt.Sprintf("tasks=%d/runs=%d/epochs=%d", tc.tasks, tc.runs, tc.epochs), func(b *testing.B) {
			runs := fakeRuns(tc.tasks*tc.runs, tc.epochs, 0)
			p, err := NewPlan([]byte("bench"), runs, tc.runs)
			if err != nil {
				b.Fatal(err)
			}
			s, err := Create(b.TempDir(), p)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.record(Submission{JobID: "12", Tasks: seq(tc.tasks)}); err != nil {
				b.Fatal(err)
			}
			for i := range tc.tasks / 2 {
				if err := fakeTask(context.Background(), s, i); err != nil {
					b.Fatal(err)
				}
			}
			fake := newFake(b).on("scontrol -o show job 12", reply{stdout: scontrolLines(b, "12", tc.tasks)})
			c := &Slurm{Runner: fake}
			b.ReportAllocs()
			for b.Loop() {
				st, err := c.Status(context.Background(), s)
				if err != nil {
					b.Fatal(err)
				}
				if st.Total.Finished != tc.tasks/2*tc.runs {
					b.Fatalf("%d finished", st.Total.Finished)
				}
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
