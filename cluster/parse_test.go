package cluster

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseArrayJobID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		job   string
		tasks []int
		err   bool
	}{
		{in: "12_3", job: "12", tasks: []int{3}},
		{in: "12_[4-7%2]", job: "12", tasks: []int{4, 5, 6, 7}},
		{in: "12_[4-7]", job: "12", tasks: []int{4, 5, 6, 7}},
		{in: "12_[1,3-5,9%1]", job: "12", tasks: []int{1, 3, 4, 5, 9}},
		{in: "12_[0-12:4]", job: "12", tasks: []int{0, 4, 8, 12}},
		{in: "12", job: "12"},
		{in: "x_3", err: true},
		{in: "12_[4-7", err: true},
		{in: "12_[7-4]", err: true},
		{in: "12_", err: true},
		{in: "12_a", err: true},
		{in: "12_[0-9:0]", err: true},
		{in: "12_[0-99999999]", err: true},
	} {
		job, tasks, err := parseArrayJobID(tc.in)
		if tc.err {
			if err == nil {
				t.Errorf("%q: no error, got job %s tasks %v", tc.in, job, tasks)
			}
			continue
		}
		if err != nil || job != tc.job || !reflect.DeepEqual(tasks, tc.tasks) {
			t.Errorf("%q: job %q tasks %v err %v, want job %q tasks %v", tc.in, job, tasks, err, tc.job, tc.tasks)
		}
	}
}

// st is a compact TaskState for the tables below.
func st(job string, task int, state, exit, reason string) TaskState {
	return TaskState{JobID: job, Task: task, State: state, ExitCode: exit, Reason: reason}
}

// The fixtures are real outputs of Slurm 22.05 (testdata/README.md): array
// job 1 with tasks 0-5%2, where task 1 was cancelled while running and task
// 3 exited with status 3.
func TestParseSqueueFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		want []TaskState
	}{
		{"squeue-pending.txt", []TaskState{
			st("1", 0, "PENDING", "", ""), st("1", 1, "PENDING", "", ""), st("1", 2, "PENDING", "", ""),
			st("1", 3, "PENDING", "", ""), st("1", 4, "PENDING", "", ""), st("1", 5, "PENDING", "", "")}},
		{"squeue-running.txt", []TaskState{
			st("1", 0, "COMPLETED", "", ""), st("1", 2, "PENDING", "", ""), st("1", 3, "PENDING", "", ""),
			st("1", 4, "PENDING", "", ""), st("1", 5, "PENDING", "", ""), st("1", 1, "RUNNING", "", "")}},
		{"squeue-cancelled.txt", []TaskState{
			st("1", 1, "CANCELLED", "", ""), st("1", 0, "COMPLETED", "", ""), st("1", 3, "FAILED", "", ""),
			st("1", 4, "PENDING", "", ""), st("1", 5, "PENDING", "", ""), st("1", 2, "RUNNING", "", "")}},
		{"squeue-empty.txt", nil},
	} {
		got, err := ParseSqueue([]byte(fixture(t, tc.file)))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.file, d)
		}
	}
}

func TestParseScontrolFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		want []TaskState
	}{
		{"scontrol-pending.txt", []TaskState{
			st("1", 0, "PENDING", "0:0", ""), st("1", 1, "PENDING", "0:0", ""), st("1", 2, "PENDING", "0:0", ""),
			st("1", 3, "PENDING", "0:0", ""), st("1", 4, "PENDING", "0:0", ""), st("1", 5, "PENDING", "0:0", "")}},
		{"scontrol-running.txt", []TaskState{
			st("1", 2, "PENDING", "0:0", "JobArrayTaskLimit"), st("1", 3, "PENDING", "0:0", "JobArrayTaskLimit"),
			st("1", 4, "PENDING", "0:0", "JobArrayTaskLimit"), st("1", 5, "PENDING", "0:0", "JobArrayTaskLimit"),
			st("1", 1, "RUNNING", "0:0", ""), st("1", 0, "COMPLETED", "0:0", "")}},
		{"scontrol-done.txt", []TaskState{
			st("1", 5, "COMPLETED", "0:0", ""), st("1", 4, "COMPLETED", "0:0", ""), st("1", 3, "FAILED", "3:0", "NonZeroExitCode"),
			st("1", 2, "COMPLETED", "0:0", ""), st("1", 1, "CANCELLED", "0:15", ""), st("1", 0, "COMPLETED", "0:0", "")}},
		{"scontrol-nonarray.txt", nil},
	} {
		got, err := ParseScontrol([]byte(fixture(t, tc.file)))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.file, d)
		}
	}
}

func TestParseSacctFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		want []TaskState
	}{
		{"sacct-done.txt", []TaskState{
			st("1", 0, "COMPLETED", "0:0", ""), st("1", 1, "CANCELLED", "0:0", ""), st("1", 2, "COMPLETED", "0:0", ""),
			st("1", 3, "FAILED", "3:0", ""), st("1", 4, "COMPLETED", "0:0", ""), st("1", 5, "COMPLETED", "0:0", "")}},
		{"sacct-two-jobs.txt", []TaskState{
			st("1", 0, "COMPLETED", "0:0", ""), st("1", 1, "CANCELLED", "0:0", ""), st("1", 2, "COMPLETED", "0:0", ""),
			st("1", 3, "FAILED", "3:0", ""), st("1", 4, "COMPLETED", "0:0", ""), st("1", 5, "COMPLETED", "0:0", ""),
			st("8", 0, "COMPLETED", "0:0", ""), st("8", 1, "CANCELLED", "0:0", ""),
			st("8", 2, "CANCELLED", "0:0", ""), st("8", 3, "CANCELLED", "0:0", "")}},
		{"sacct-cancelled-pending.txt", []TaskState{
			st("8", 0, "COMPLETED", "0:0", ""), st("8", 1, "CANCELLED", "0:0", ""),
			st("8", 2, "CANCELLED", "0:0", ""), st("8", 3, "CANCELLED", "0:0", "")}},
	} {
		got, err := ParseSacct([]byte(fixture(t, tc.file)))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if d := diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.file, d)
		}
	}
}

func TestScontrolFieldsWithSpaces(t *testing.T) {
	t.Parallel()
	line := "JobId=14 ArrayJobId=9 ArrayTaskId=2 JobName=my sweep #1 UserId=root(0) JobState=RUNNING Reason=None " +
		"ExitCode=0:0 Command=/scratch/it's a dir/slurm/submit-001.sh WorkDir=/scratch/a b StdOut=/x/50%%/task-%4a-job-9.out Power="
	kv := scontrolFields(line)
	for k, want := range map[string]string{
		"JobName": "my sweep #1", "JobState": "RUNNING", "ArrayTaskId": "2",
		"Command": "/scratch/it's a dir/slurm/submit-001.sh", "WorkDir": "/scratch/a b",
		"StdOut": "/x/50%%/task-%4a-job-9.out", "Power": "",
	} {
		if kv[k] != want {
			t.Errorf("%s = %q, want %q", k, kv[k], want)
		}
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		parse func([]byte) ([]TaskState, error)
		in    string
		msg   string
	}{
		{"squeue no state", ParseSqueue, "1_0|RUNNING\n1_1\n", "squeue line 2"},
		{"squeue bad id", ParseSqueue, "abc|RUNNING\n", "squeue line 1"},
		{"sacct two fields", ParseSacct, "1_0|COMPLETED\n", "sacct line 1"},
		{"scontrol no job", ParseScontrol, "hello world\n", "scontrol line 1"},
		{"scontrol no state", ParseScontrol, "JobId=2 ArrayJobId=1 ArrayTaskId=0\n", "no JobState"},
		{"scontrol bad range", ParseScontrol, "JobId=2 ArrayJobId=1 ArrayTaskId=x JobState=PENDING\n", "ArrayTaskId"},
	} {
		_, err := tc.parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.msg)
		}
	}
}

// FuzzParseSqueue checks that the squeue parser never panics and that what
// it accepts is consistent: non-negative tasks of a numeric job.
func FuzzParseSqueue(f *testing.F) {
	for _, s := range []string{"1_3|RUNNING", "12_[4-7%2]|PENDING", "12_[1,3-5]|PENDING\n12_0|FAILED", "7|COMPLETED", "1_[0-8:3]|PENDING"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ts, err := ParseSqueue([]byte(in))
		if err != nil {
			return
		}
		for _, x := range ts {
			if x.Task < 0 || !jobIDRE.MatchString(x.JobID) || x.State == "" {
				t.Fatalf("ParseSqueue(%q) accepted %+v", in, x)
			}
		}
	})
}
