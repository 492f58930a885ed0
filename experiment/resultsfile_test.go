package experiment

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppendRecordRepairsTornTail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := func(epoch int) Record {
		return Record{Kind: KindEpoch, Run: "m/c/d/seed=1", Model: "m", Config: "c", Dataset: "d", Seed: 1, Epoch: epoch, Epochs: 3, TestAcc: 0.5}
	}
	for _, tc := range []struct {
		name   string
		tail   func(full string) string // what a killed writer left after the first record
		epochs []int                    // epochs read back after appending epoch 3
	}{
		{"clean", func(string) string { return "" }, []int{1, 3}},
		{"half a line", func(full string) string { return full[:len(full)/2] }, []int{1, 3}},
		{"a record without its newline", func(full string) string { return strings.TrimSuffix(full, "\n") }, []int{1, 2, 3}},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".jsonl")
		if err := AppendRecord(path, rec(1)); err != nil {
			t.Fatal(err)
		}
		second := filepath.Join(dir, "second.jsonl")
		os.Remove(second)
		if err := AppendRecord(second, rec(2)); err != nil {
			t.Fatal(err)
		}
		line, _ := os.ReadFile(second)
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(tc.tail(string(line)))
		f.Close()
		// The torn tail is invisible to readers.
		if recs, err := ReadRecordsFile(path); err != nil || len(recs) != 1 {
			t.Fatalf("%s: before repair %d records, %v", tc.name, len(recs), err)
		}
		if err := AppendRecord(path, rec(3)); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		recs, err := ReadRecords(strings.NewReader(string(data)), path)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, data)
		}
		var got []int
		for _, r := range recs {
			got = append(got, r.Epoch)
		}
		if !equalInts(got, tc.epochs) {
			t.Errorf("%s: epochs %v, want %v", tc.name, got, tc.epochs)
		}
	}
	bad := rec(1)
	bad.TestLoss = math.NaN()
	if err := AppendRecord(filepath.Join(dir, "nan.jsonl"), bad); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Fatalf("NaN metric: %v", err)
	}
}
