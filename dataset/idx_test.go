package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// idxBytes encodes an IDX file of unsigned bytes.
func idxBytes(t testing.TB, dims []int, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteIDX(&b, dims, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gzipBytes compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// wantFormatError checks that err is a *FormatError for file at the given
// offset (ignored when off < -1) whose message contains substr.
func wantFormatError(t *testing.T, err error, file string, off int64, substr string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *FormatError", err, err)
	}
	if fe.File != file {
		t.Errorf("error names file %q, want %q (%v)", fe.File, file, err)
	}
	if off >= -1 && fe.Offset != off {
		t.Errorf("error at offset %d, want %d (%v)", fe.Offset, off, err)
	}
	if !strings.Contains(err.Error(), substr) || !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not mention %q and the file", err, substr)
	}
}

func TestReadIDX(t *testing.T) {
	t.Parallel()
	data := []byte{1, 2, 3, 4, 5, 6, 250, 251, 252, 253, 254, 255}
	raw := idxBytes(t, []int{2, 3, 2}, data)
	// The header, written out by hand: magic 0x00000803, then 2, 3, 2.
	wantHead := []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2}
	if !bytes.Equal(raw[:16], wantHead) {
		t.Fatalf("WriteIDX header % x, want % x", raw[:16], wantHead)
	}
	for _, in := range [][]byte{raw, gzipBytes(t, raw)} {
		x, err := ReadIDX(bytes.NewReader(in), "x")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&IDX{Dims: []int{2, 3, 2}, Data: data}, x); diff != "" {
			t.Errorf("ReadIDX (-want +got):\n%s", diff)
		}
		if x.Magic() != MagicImages {
			t.Errorf("magic %#x, want %#x", x.Magic(), MagicImages)
		}
	}
	path := filepath.Join(t.TempDir(), "l.idx")
	if err := os.WriteFile(path, idxBytes(t, []int{4}, []byte{9, 8, 7, 6}), 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := ReadIDXFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if x.Magic() != MagicLabels || !bytes.Equal(x.Data, []byte{9, 8, 7, 6}) {
		t.Errorf("ReadIDXFile: %+v", x)
	}
}

func TestReadIDXMalformed(t *testing.T) {
	t.Parallel()
	valid := idxBytes(t, []int{3, 2}, []byte{1, 2, 3, 4, 5, 6})
	gz := gzipBytes(t, valid)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff // first byte of the CRC-32 trailer
	for _, c := range []struct {
		name   string
		in     []byte
		off    int64
		substr string
	}{
		{"empty", nil, 0, "truncated"},
		{"short magic", []byte{0, 0, 8}, 3, "truncated"},
		{"nonzero magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 7}, 0, "bad magic"},
		{"type float", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, 2, "not supported"},
		{"no dimensions", []byte{0, 0, 8, 0}, 3, "0 dimensions"},
		{"short dimensions", []byte{0, 0, 8, 2, 0, 0, 0, 3}, 8, "truncated"},
		{"short data", valid[:len(valid)-1], 17, "truncated"},
		{"trailing data", append(bytes.Clone(valid), 0), 18, "trailing"},
		{"huge", []byte{0, 0, 8, 3, 0, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0xff}, 8, "more than"},
		{"gzip short", gz[:len(gz)-10], -2, "truncated"},
		{"gzip bad crc", badCRC, 18, "corrupt gzip"},
		{"gzip bad header", []byte{0x1f, 0x8b, 0, 0, 0}, 0, "bad gzip header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadIDX(bytes.NewReader(c.in), "bad.idx")
			wantFormatError(t, err, "bad.idx", c.off, c.substr)
		})
	}
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadIDX(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pix := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	img := writeFile(t, dir, "img", gzipBytes(t, idxBytes(t, []int{3, 2, 2}, pix)))
	lab := writeFile(t, dir, "lab", idxBytes(t, []int{3}, []byte{2, 0, 1}))
	s, err := LoadIDX(img, lab, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{3, 1, 2, 2}, s.X.Shape()); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
	wantX := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	if diff := cmp.Diff(wantX, s.X.Data()); diff != "" {
		t.Errorf("X (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 0, 1}, s.Y); diff != "" {
		t.Errorf("Y (-want +got):\n%s", diff)
	}

	twoLabels := writeFile(t, dir, "lab2", idxBytes(t, []int{2}, []byte{0, 1}))
	outOfRange := writeFile(t, dir, "lab3", idxBytes(t, []int{3}, []byte{0, 3, 1}))
	noPixels := writeFile(t, dir, "img0", idxBytes(t, []int{3, 0, 2}, nil))
	for _, c := range []struct {
		name, img, lab, file string
		off                  int64
		substr               string
	}{
		{"count mismatch", img, twoLabels, twoLabels, 4, "2 labels for the 3 images"},
		{"label out of range", img, outOfRange, outOfRange, 9, "label 3 of sample 1"},
		{"labels as images", lab, lab, lab, 0, "want 0x00000803"},
		{"images as labels", img, img, img, 0, "want 0x00000801"},
		{"empty images", noPixels, lab, noPixels, 8, "0×2 pixels"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadIDX(c.img, c.lab, []string{"a", "b", "c"})
			wantFormatError(t, err, c.file, c.off, c.substr)
		})
	}
	if _, err := LoadIDX(filepath.Join(dir, "missing"), lab, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

func FuzzReadIDX(f *testing.F) {
	valid := idxBytes(f, []int{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add(valid)
	f.Add(gzipBytes(f, valid))
	f.Add(valid[:7])
	f.Add(idxBytes(f, []int{5}, []byte{0, 1, 2, 3, 4}))
	f.Add([]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadIDX(bytes.NewReader(in), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz" {
				t.Fatalf("error %v is not a *FormatError naming the input", err)
			}
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v for %d values", x.Dims, len(x.Data))
		}
		if len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b {
			return // compressed: the bytes need not round-trip
		}
		var b bytes.Buffer
		if err := WriteIDX(&b, x.Dims, x.Data); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), in) {
			t.Fatalf("WriteIDX(ReadIDX(in)) differs from in")
		}
	})
}
