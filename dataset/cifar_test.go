package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cifarPixel is the byte a synthetic record holds for (record r, channel c,
// row y, column x): distinct enough to catch plane or axis mix-ups.
func cifarPixel(r, c, y, x int) byte { return byte(7*r + 50*c + 3*y + x) }

// cifarBatch returns n synthetic CIFAR-10 records, the k-th labelled
// labels[k % len(labels)], whose record index starts at first.
func cifarBatch(first, n int, labels []byte) []byte {
	var b bytes.Buffer
	for k := range n {
		r := first + k
		b.WriteByte(labels[k%len(labels)])
		for c := range 3 {
			for y := range 32 {
				for x := range 32 {
					b.WriteByte(cifarPixel(r, c, y, x))
				}
			}
		}
	}
	return b.Bytes()
}

// writeCIFAR writes a small cifar-10-batches-bin folder under dir: five
// training batches of per records each and a test batch of 3 records.
func writeCIFAR(t testing.TB, dir string, per int) string {
	t.Helper()
	bin := filepath.Join(dir, "cifar-10-batches-bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	labels := []byte{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 0}
	for k := range 5 {
		writeFile(t, bin, fmt.Sprintf("data_batch_%d.bin", k+1), cifarBatch(k*per, per, labels[k:]))
	}
	writeFile(t, bin, "test_batch.bin", cifarBatch(1000, 3, []byte{9, 0, 4}))
	writeFile(t, bin, "batches.meta.txt", []byte(strings.Join(CIFAR10Classes(), "\n")+"\n\n"))
	return bin
}

func TestLoadCIFAR10(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	bin := writeCIFAR(t, root, 2)
	for _, dir := range []string{root, bin} {
		s, err := LoadCIFAR10(dir, Train)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{10, 3, 32, 32}, s.X.Shape()); diff != "" {
			t.Fatalf("shape (-want +got):\n%s", diff)
		}
		// Batch k holds records 2k, 2k+1 labelled labels[k], labels[k+1].
		wantY := []int{3, 1, 1, 4, 4, 1, 1, 5, 5, 9}
		if diff := cmp.Diff(wantY, s.Y); diff != "" {
			t.Errorf("labels (-want +got):\n%s", diff)
		}
		x := s.X.Data()
		for r := range 10 {
			for c := range 3 {
				for _, yx := range [][2]int{{0, 0}, {0, 31}, {17, 5}, {31, 31}} {
					got := x[((r*3+c)*32+yx[0])*32+yx[1]]
					if want := float64(cifarPixel(r, c, yx[0], yx[1])); got != want {
						t.Fatalf("X[%d,%d,%d,%d] = %g, want %g", r, c, yx[0], yx[1], got, want)
					}
				}
			}
		}
		if diff := cmp.Diff(CIFAR10Classes(), s.Classes); diff != "" {
			t.Errorf("classes (-want +got):\n%s", diff)
		}
	}
	s, err := LoadCIFAR10(root, Test)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{9, 0, 4}, s.Y); diff != "" || s.Len() != 3 || s.Name != "cifar-10-test" {
		t.Errorf("test split: %d samples, name %q, labels %v", s.Len(), s.Name, s.Y)
	}
}

func TestLoadCIFAR10Malformed(t *testing.T) {
	t.Parallel()
	rec := cifarRecord
	for _, c := range []struct {
		name   string
		file   string // the file to replace
		data   []byte
		off    int64 // expected offset, or -1 for a line error
		line   int
		substr string
	}{
		{"truncated record", "data_batch_3.bin", cifarBatch(0, 2, []byte{1})[:2*rec-5], int64(2*rec - 5), 0, "truncated inside record 1"},
		{"label out of range", "data_batch_2.bin", append(cifarBatch(0, 1, []byte{1}), cifarBatch(1, 1, []byte{10})...), int64(rec), 0, "label 10 of record 1"},
		{"empty batch", "data_batch_5.bin", nil, 0, 0, "no records"},
		{"nine classes", "batches.meta.txt", []byte(strings.Join(CIFAR10Classes()[:9], "\n")), -1, 10, "9 class names"},
		{"eleven classes", "batches.meta.txt", []byte(strings.Join(append(CIFAR10Classes(), "extra"), "\n")), -1, 11, "more than 10"},
		{"gap in classes", "batches.meta.txt", []byte("a\nb\n\nc\nd\ne\nf\ng\nh\ni\nj\n"), -1, 3, "empty line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			bin := writeCIFAR(t, t.TempDir(), 2)
			path := writeFile(t, bin, c.file, c.data)
			_, err := LoadCIFAR10(bin, Train)
			wantFormatError(t, err, path, c.off, c.substr)
			var fe *FormatError
			if errors.As(err, &fe) && fe.Line != c.line {
				t.Errorf("line %d, want %d", fe.Line, c.line)
			}
		})
	}
	bin := writeCIFAR(t, t.TempDir(), 1)
	if err := os.Remove(filepath.Join(bin, "data_batch_4.bin")); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCIFAR10(bin, Train); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "data_batch_4.bin") {
		t.Errorf("missing batch: %v", err)
	}
}

func TestReadCIFAR10Batch(t *testing.T) {
	t.Parallel()
	raw := cifarBatch(0, 3, []byte{0, 9, 5})
	for _, in := range [][]byte{raw, gzipBytes(t, raw)} {
		s, err := ReadCIFAR10Batch(bytes.NewReader(in), "b.bin")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{0, 9, 5}, s.Y); diff != "" {
			t.Errorf("labels (-want +got):\n%s", diff)
		}
		if got, want := s.X.Data()[2*3072+1024+33], float64(cifarPixel(2, 1, 1, 1)); got != want {
			t.Errorf("G pixel (1,1) of record 2: %g, want %g", got, want)
		}
	}
}

func FuzzReadCIFAR10Batch(f *testing.F) {
	f.Add(cifarBatch(0, 1, []byte{3}))
	f.Add(cifarBatch(0, 2, []byte{3, 10}))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := ReadCIFAR10Batch(bytes.NewReader(in), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz" {
				t.Fatalf("error %v is not a *FormatError naming the input", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b {
			return
		}
		if len(in) != s.Len()*cifarRecord {
			t.Fatalf("%d bytes gave %d records", len(in), s.Len())
		}
		x := s.X.Data()
		for r := range s.Len() {
			if int(in[r*cifarRecord]) != s.Y[r] {
				t.Fatalf("record %d: label %d, byte %d", r, s.Y[r], in[r*cifarRecord])
			}
			for k := range cifarPixels {
				if x[r*cifarPixels+k] != float64(in[r*cifarRecord+1+k]) {
					t.Fatalf("record %d value %d differs from its byte", r, k)
				}
			}
		}
	})
}
