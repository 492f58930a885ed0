package dataset

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadCSVUCI reads the UCI tables. Class counts are the published ones
// (UCI repository pages and scikit-learn's dataset descriptions); the first
// rows are copied from the files' text.
func TestLoadCSVUCI(t *testing.T) {
	t.Parallel()
	dir := sharedData(t, "uci")
	for _, c := range []struct {
		file     string
		n, f     int
		classes  []string
		counts   []int
		firstRow []float64
		firstY   int
	}{
		{"iris.csv", 150, 4, []string{"setosa", "versicolor", "virginica"}, []int{50, 50, 50}, []float64{5.1, 3.5, 1.4, 0.2}, 0},
		{"breast_cancer.csv", 569, 30, []string{"malignant", "benign"}, []int{212, 357}, []float64{17.99, 10.38, 122.8, 1001}, 0},
		{"wine_data.csv", 178, 13, []string{"class_0", "class_1", "class_2"}, []int{59, 71, 48}, []float64{14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065}, 0},
		{"digits.csv.gz", 1797, 64, defaultClasses(10), []int{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, []float64{0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0}, 0},
	} {
		t.Run(c.file, func(t *testing.T) {
			s, err := LoadCSV(filepath.Join(dir, c.file), CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]int{c.n, c.f}, s.X.Shape()); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.classes, s.Classes); diff != "" {
				t.Errorf("classes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.counts, s.ClassCounts()); diff != "" {
				t.Errorf("class counts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.firstRow, s.X.Data()[:len(c.firstRow)]); diff != "" || s.Y[0] != c.firstY {
				t.Errorf("first row (-want +got):\n%s; label %d", diff, s.Y[0])
			}
			if want := strings.SplitN(c.file, ".", 2)[0]; s.Name != want {
				t.Errorf("name %q, want %q", s.Name, want)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		in      string
		opt     CSVOptions
		x       []float64
		y       []int
		classes []string
	}{
		{"header", "2,2,no,yes\n1.5,-2,1\n3e2, 4 ,0\n", CSVOptions{}, []float64{1.5, -2, 300, 4}, []int{1, 0}, []string{"no", "yes"}},
		{"no header", "1,2,3\n4,5,0\n", CSVOptions{}, []float64{1, 2, 4, 5}, []int{3, 0}, []string{"0", "1", "2", "3"}},
		{"numeric class names", "1,2,7,8\n0.5,0.25,1\n", CSVOptions{}, []float64{0.5, 0.25}, []int{1}, []string{"7", "8"}},
		{"forced header", "1,1,a\n2,0\n", CSVOptions{Header: HeaderPresent}, []float64{2}, []int{0}, []string{"a"}},
		{"forced header numeric", "1,2,5\n9,8,0\n", CSVOptions{Header: HeaderPresent}, []float64{9, 8}, []int{0}, []string{"5"}},
		{"forced absent", "1,2,1\n9,8,0\n", CSVOptions{Header: HeaderAbsent}, []float64{1, 2, 9, 8}, []int{1, 0}, []string{"0", "1"}},
		{"blank lines, CRLF", "\r\n1,2,0\r\n\r\n3,4,1\r\n\r\n", CSVOptions{}, []float64{1, 2, 3, 4}, []int{0, 1}, []string{"0", "1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, in := range [][]byte{[]byte(c.in), gzipBytes(t, []byte(c.in))} {
				s, err := ReadCSV(bytes.NewReader(in), "t.csv", c.opt)
				if err != nil {
					t.Fatal(err)
				}
				want := &Set{X: nil, Y: c.y, Classes: c.classes, Name: "t.csv"}
				if diff := cmp.Diff(want, &Set{Y: s.Y, Classes: s.Classes, Name: s.Name}); diff != "" {
					t.Errorf("set (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(c.x, s.X.Data()); diff != "" {
					t.Errorf("X (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]int{len(c.y), len(c.x) / len(c.y)}, s.X.Shape()); diff != "" {
					t.Errorf("shape (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestReadCSVMalformed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		in     string
		opt    CSVOptions
		line   int
		substr string
	}{
		{"ragged row", "2,2,a,b\n1,2,0\n1,2,3,1\n", CSVOptions{}, 3, "4 fields, want 3"},
		{"ragged short", "1,2,0\n3,0\n", CSVOptions{Header: HeaderAbsent}, 2, "2 fields, want 3"},
		{"non-numeric", "1,2,0\n3,x4,1\n", CSVOptions{}, 2, `field 2 "x4" is not a number`},
		{"not finite", "1,2,0\n3,NaN,1\n", CSVOptions{}, 2, "not finite"},
		{"infinite", "1,2,0\n3,-Inf,1\n", CSVOptions{}, 2, "not finite"},
		{"label out of range", "2,1,a,b\n1,0\n2,2\n", CSVOptions{}, 3, "label 2 is outside [0, 2)"},
		{"negative label", "1,2,0\n3,4,-1\n", CSVOptions{}, 2, "not a non-negative integer"},
		{"fractional label", "1,2,0\n3,4,1.5\n", CSVOptions{}, 2, "not a non-negative integer"},
		{"huge label", "1,2,70000\n", CSVOptions{}, 1, "too large"},
		{"count mismatch", "\n3,1,a\n1,0\n2,0\n", CSVOptions{}, 2, "declares 3 rows, the file has 2"},
		{"bad header count", "x,1,a\n1,0\n", CSVOptions{}, 1, "not a row count"},
		{"bad header features", "1,0,a\n1,0\n", CSVOptions{}, 1, "not a feature count"},
		{"short header", "1,1\n1,0\n", CSVOptions{Header: HeaderPresent}, 1, "header has 2 fields"},
		{"header only", "0,2,a\n", CSVOptions{}, 1, "no rows"},
		{"one column", "1\n2\n", CSVOptions{}, 1, "1 field"},
		{"quote", "1,2,0\n3,\"4,1\n", CSVOptions{}, 2, "quote"},
		{"empty", "", CSVOptions{}, 1, "empty table"},
		{"blank rows", "\n\n", CSVOptions{}, 1, "empty table"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(c.in), "bad.csv", c.opt)
			wantFormatError(t, err, "bad.csv", -1, c.substr)
			var fe *FormatError
			if errors.As(err, &fe) && fe.Line != c.line {
				t.Errorf("line %d, want %d (%v)", fe.Line, c.line, err)
			}
		})
	}
	gz := gzipBytes(t, []byte("1,2,0\n3,4,1\n"))
	bad := bytes.Clone(gz)
	bad[len(bad)-8] ^= 1
	if _, err := ReadCSV(bytes.NewReader(bad), "bad.csv.gz", CSVOptions{}); !strings.Contains(fmtErr(err), "corrupt gzip") || !strings.Contains(fmtErr(err), "bad.csv.gz") {
		t.Errorf("bad gzip CRC: %v", err)
	}
	if _, err := ReadCSV(bytes.NewReader(gz[:len(gz)-3]), "cut.csv.gz", CSVOptions{}); !strings.Contains(fmtErr(err), "truncated") {
		t.Errorf("truncated gzip: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("2,2,no,yes\n1.5,-2,1\n3e2,4,0\n"))
	f.Add([]byte("1,2,3\n4,5,0\n"))
	f.Add([]byte("1,\"2\",0\n"))
	f.Add([]byte("3,1,a\n1,0\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := ReadCSV(bytes.NewReader(in), "fuzz", CSVOptions{})
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
		sh := s.X.Shape()
		if len(sh) != 2 || sh[0] == 0 || sh[1] < 1 {
			t.Fatalf("shape %v", sh)
		}
	})
}
