package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/quanta-qml/quanta/tensor"
)

// CIFAR-10 binary format: each record is one label byte followed by 3072
// pixel bytes, the 1024 red values of the 32×32 image row by row, then the
// green, then the blue ones.
const (
	cifarSide   = 32
	cifarPixels = 3 * cifarSide * cifarSide
	cifarRecord = 1 + cifarPixels
)

// CIFAR10Classes returns the ten CIFAR-10 class names in label order (the
// content of batches.meta.txt).
func CIFAR10Classes() []string {
	return []string{"airplane", "automobile", "bird", "cat", "deer",
		"dog", "frog", "horse", "ship", "truck"}
}

// ReadCIFAR10Batch reads one CIFAR-10 binary batch file (data_batch_k.bin or
// test_batch.bin; gzip-compressed input is accepted) from r. name is used in
// errors. X is [N, 3, 32, 32] (channels R, G, B) with raw values 0–255; the
// classes are CIFAR10Classes. An empty file, a partial last record or a label
// above 9 is a *FormatError naming the byte offset.
func ReadCIFAR10Batch(r io.Reader, name string) (*Set, error) {
	x, y, err := readCIFAR(r, name, nil, nil, 10)
	if err != nil {
		return nil, err
	}
	return &Set{
		X:       tensor.FromSlice(x, len(y), 3, cifarSide, cifarSide),
		Y:       y,
		Classes: CIFAR10Classes(),
		Name:    filepath.Base(name),
	}, nil
}

// readCIFAR appends the records of one batch to x and y.
func readCIFAR(r io.Reader, name string, x []float64, y []int, numClasses int) ([]float64, []int, error) {
	in, gz, err := decompress(r, name)
	if err != nil {
		return x, y, err
	}
	var rec [cifarRecord]byte
	var off int64
	count := 0
	for ; ; count++ {
		n, err := io.ReadFull(in, rec[:])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return x, y, atOffset(name, off+int64(n), gz, "file truncated inside record %d: %d of its %d bytes: %w", count, n, cifarRecord, io.ErrUnexpectedEOF)
			}
			return x, y, readErr(name, off+int64(n), gz, fmt.Sprintf("record %d", count), err)
		}
		if int(rec[0]) >= numClasses {
			return x, y, atOffset(name, off, gz, "label %d of record %d is outside [0, %d)", rec[0], count, numClasses)
		}
		y = append(y, int(rec[0]))
		for _, b := range rec[1:] {
			x = append(x, float64(b))
		}
		off += cifarRecord
	}
	if count == 0 {
		return x, y, atOffset(name, 0, gz, "no records (a CIFAR-10 batch holds records of %d bytes)", cifarRecord)
	}
	return x, y, nil
}

// LoadCIFAR10 reads a CIFAR-10 split from the official binary distribution:
// dir is the cifar-10-batches-bin folder or the folder that contains it. The
// training split is data_batch_1.bin … data_batch_5.bin concatenated in that
// order, the test split test_batch.bin. Class names come from
// batches.meta.txt, which must list exactly ten names.
func LoadCIFAR10(dir string, p Split) (*Set, error) {
	if st, err := os.Stat(filepath.Join(dir, "cifar-10-batches-bin")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, "cifar-10-batches-bin")
	}
	classes, err := readCIFARMeta(filepath.Join(dir, "batches.meta.txt"), 10)
	if err != nil {
		return nil, err
	}
	var files []string
	switch p {
	case Train:
		for k := 1; k <= 5; k++ {
			files = append(files, fmt.Sprintf("data_batch_%d.bin", k))
		}
	case Test:
		files = []string{"test_batch.bin"}
	default:
		return nil, fmt.Errorf("dataset: unknown split %v", p)
	}
	var x []float64
	var y []int
	for _, f := range files {
		path := filepath.Join(dir, f)
		fh, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("dataset: CIFAR-10 %s: %w", p, err)
		}
		if st, err := fh.Stat(); err == nil && cap(x) == 0 {
			// One official batch is 10,000 records; reserve for all files.
			n := int(st.Size()/cifarRecord) * len(files)
			x = make([]float64, 0, n*cifarPixels)
			y = make([]int, 0, n)
		}
		x, y, err = readCIFAR(fh, path, x, y, len(classes))
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return &Set{
		X:       tensor.FromSlice(x, len(y), 3, cifarSide, cifarSide),
		Y:       y,
		Classes: classes,
		Name:    "cifar-10-" + p.String(),
	}, nil
}

// readCIFARMeta reads the class names of batches.meta.txt: one per line,
// surrounding spaces ignored, trailing empty lines allowed.
func readCIFARMeta(path string, want int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: CIFAR-10 class names: %w", err)
	}
	defer f.Close()
	var names []string
	blank := 0 // line number of the first empty line seen, if any
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			if blank == 0 {
				blank = line
			}
			continue
		}
		if blank != 0 {
			return nil, atLine(path, blank, false, "empty line among the class names")
		}
		if len(names) == want {
			return nil, atLine(path, line, false, "more than %d class names", want)
		}
		names = append(names, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dataset: read %s: %w", path, err)
	}
	if len(names) != want {
		return nil, atLine(path, len(names)+1, false, "%d class names, want %d", len(names), want)
	}
	return names, nil
}
