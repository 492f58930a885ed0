package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// AppendRecord appends rec to the JSON Lines file at path (created with
// its directory if needed) as one complete line in a single write. When
// the file ends mid-line (a writer killed during its write), the torn tail
// is dropped first if it is not a complete record, and completed with a
// newline if it is, so the new record always starts on a fresh line and
// the file stays readable. Non-finite metrics are refused: JSON cannot
// hold them.
func AppendRecord(path string, rec Record) error {
	for _, v := range []float64{rec.TrainLoss, rec.TrainAcc, rec.TestLoss, rec.TestAcc, rec.EpochSeconds, rec.WallSeconds} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("experiment: run %s, epoch %d: non-finite metric %v cannot be recorded", rec.Run, rec.Epoch, v)
		}
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("experiment: run %s: %w", rec.Run, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	prefix, err := repairTail(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("experiment: %s: %w", path, err)
	}
	buf := make([]byte, 0, len(prefix)+len(line)+1)
	buf = append(append(append(buf, prefix...), line...), '\n')
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return fmt.Errorf("experiment: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("experiment: %s: %w", path, err)
	}
	return nil
}

// repairTail looks at the end of f: if the last line has no newline, it
// returns "\n" when that line is a complete record and otherwise cuts it
// off.
func repairTail(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return nil, err
	}
	size := st.Size()
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, size-1); err != nil {
		return nil, err
	}
	if last[0] == '\n' {
		return nil, nil
	}
	// Find the start of the torn line.
	start := size
	const chunk = 4096
	buf := make([]byte, chunk)
	for start > 0 {
		n := min(int64(chunk), start)
		if _, err := f.ReadAt(buf[:n], start-n); err != nil {
			return nil, err
		}
		if k := bytes.LastIndexByte(buf[:n], '\n'); k >= 0 {
			start = start - n + int64(k) + 1
			break
		}
		start -= n
	}
	tail := make([]byte, size-start)
	if _, err := f.ReadAt(tail, start); err != nil {
		return nil, err
	}
	if recs, err := ReadRecords(bytes.NewReader(tail), f.Name()); err == nil && len(recs) == 1 {
		return []byte("\n"), nil
	}
	return nil, f.Truncate(start)
}

// ReadRecordsFile reads the records of a results file, ignoring a last
// line without its newline (a write cut short by a kill; AppendRecord
// repairs it). A missing file has no records.
func ReadRecordsFile(path string) ([]Record, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	if k := bytes.LastIndexByte(b, '\n'); k != len(b)-1 {
		b = b[:k+1]
	}
	return ReadRecords(bytes.NewReader(b), path)
}

// writeJSONAtomic writes v as indented JSON to path through a temporary
// file in the same directory and a rename.
func writeJSONAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, bytes.NewReader(append(data, '\n')))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
