package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/quanta-qml/quanta/dataset/internal/mnistsum"
)

// The embedded MNIST is decoded once per test binary.
var (
	mnistOnce            sync.Once
	mnistTrain, mnistTst *Set
	mnistErr             error
)

func loadMNIST(t testing.TB) (train, test *Set) {
	t.Helper()
	mnistOnce.Do(func() {
		mnistTrain, mnistErr = MNIST(Train)
		if mnistErr == nil {
			mnistTst, mnistErr = MNIST(Test)
		}
	})
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistTrain, mnistTst
}

// Expected values were computed independently with Python (gzip + numpy) on
// the same files; see testdata/README.md.
func TestMNISTEmbedded(t *testing.T) {
	t.Parallel()
	train, test := loadMNIST(t)
	for _, c := range []struct {
		s        *Set
		n        int
		first    int
		last     int
		sum      float64
		lastSum  float64
		counts   []int
		wantName string
	}{
		{train, 60000, 5, 8, 1567298545, 20920, []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, "mnist-train"},
		{test, 10000, 7, 6, 264923200, 41833, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, "mnist-test"},
	} {
		s := c.s
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{c.n, 1, 28, 28}, s.X.Shape()); diff != "" {
			t.Errorf("%s shape (-want +got):\n%s", c.wantName, diff)
		}
		if s.Name != c.wantName {
			t.Errorf("name %q, want %q", s.Name, c.wantName)
		}
		if s.Y[0] != c.first || s.Y[c.n-1] != c.last {
			t.Errorf("%s: first/last labels %d/%d, want %d/%d", s.Name, s.Y[0], s.Y[c.n-1], c.first, c.last)
		}
		if diff := cmp.Diff(c.counts, s.ClassCounts()); diff != "" {
			t.Errorf("%s class counts (-want +got):\n%s", s.Name, diff)
		}
		sum, lastSum := 0.0, 0.0
		for i, v := range s.X.Data() {
			if v < 0 || v > 255 || v != float64(int(v)) {
				t.Fatalf("%s: value %g at %d is not a byte", s.Name, v, i)
			}
			sum += v
			if i >= (c.n-1)*784 {
				lastSum += v
			}
		}
		if sum != c.sum || lastSum != c.lastSum {
			t.Errorf("%s: pixel sums %g (last image %g), want %g (%g)", s.Name, sum, lastSum, c.sum, c.lastSum)
		}
		if diff := cmp.Diff(MNISTClasses(), s.Classes); diff != "" {
			t.Errorf("classes (-want +got):\n%s", diff)
		}
	}
	row := train.X.Data()[14*28 : 15*28]
	want := []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 81, 240, 253, 253, 119, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if diff := cmp.Diff(want, row); diff != "" {
		t.Errorf("train image 0, row 14 (-want +got):\n%s", diff)
	}
}

// TestMNISTSums checks the recorded SHA-256 sums against the embedded bytes,
// against the table in mnist/README.md and against the download source.
func TestMNISTSums(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("mnist", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+\\.gz)` \\| (\\d+) \\| `([0-9a-f]{64})` \\|$")
	inReadme := map[string]string{}
	for _, m := range rowRE.FindAllStringSubmatch(string(readme), -1) {
		inReadme[m[1]] = m[2] + " " + m[3]
	}
	src := MNISTSource()
	if len(src.Files) != 4 || len(inReadme) != 4 {
		t.Fatalf("%d source files, %d README rows, want 4 each", len(src.Files), len(inReadme))
	}
	for i, f := range mnistsum.Files() {
		b, err := mnistFiles.ReadFile("mnist/" + f.Name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		got := hex.EncodeToString(sum[:])
		if got != f.SHA256 || int64(len(b)) != f.Size {
			t.Errorf("%s: sha256 %s (%d bytes), recorded %s (%d)", f.Name, got, len(b), f.SHA256, f.Size)
		}
		if want := strings.Fields(inReadme[f.Name]); len(want) != 2 || want[1] != got || want[0] != strconv.Itoa(len(b)) {
			t.Errorf("%s: README lists %q, file has %d bytes and sha256 %s", f.Name, inReadme[f.Name], len(b), got)
		}
		if src.Files[i].Name != f.Name || src.Files[i].SHA256 != got {
			t.Errorf("MNISTSource file %d is %+v, want %s with sha256 %s", i, src.Files[i], f.Name, got)
		}
	}
}

// TestLoadMNISTDir reads the MNIST test split from a directory holding its
// images uncompressed and its labels gzip-compressed, and compares with the
// embedded decoding.
func TestLoadMNISTDir(t *testing.T) {
	t.Parallel()
	_, test := loadMNIST(t)
	dir := t.TempDir()
	for _, name := range []string{"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		b, err := mnistFiles.ReadFile("mnist/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "t10k-images") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
			name = strings.TrimSuffix(name, ".gz")
		}
		writeFile(t, dir, name, b)
	}
	got, err := LoadMNIST(dir, Test)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(test.X.Shape(), got.X.Shape()); diff != "" {
		t.Fatalf("shape (-want +got):\n%s", diff)
	}
	if !slicesEqual(test.X.Data(), got.X.Data()) || !slicesEqual(test.Y, got.Y) || got.Name != "mnist-test" {
		t.Errorf("LoadMNIST (%s) differs from the embedded MNIST", got.Name)
	}
	_, err = LoadMNIST(dir, Train)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("missing training files: error %v, want one naming the missing file", err)
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sharedData returns a folder of the shared test data, which lives at
// ../shared/data relative to the module root (tests run in the package
// folder, one level below the root), or skips the test when it is absent.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	const moduleRoot = ".."
	dir := filepath.Join(moduleRoot, "..", "shared", "data", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data ../shared/data/%s (relative to the module root) is absent: %v", name, err)
	}
	return dir
}

// checkSums verifies the files of a folder against its SHA256SUMS.
func checkSums(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, fields[1]))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != fields[0] {
			t.Fatalf("%s: sha256 %s, SHA256SUMS says %s", fields[1], got, fields[0])
		}
	}
}

func TestLoadFashionMNIST(t *testing.T) {
	t.Parallel()
	dir := sharedData(t, "fashion-mnist")
	checkSums(t, dir)
	splits := []struct {
		p        Split
		n, count int
	}{{Test, 10000, 1000}, {Train, 60000, 6000}}
	if testing.Short() {
		splits = splits[:1] // decoding the training split takes seconds under -race
	}
	for _, c := range splits {
		s, err := LoadFashionMNIST(dir, c.p)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{c.n, 1, 28, 28}, s.X.Shape()); diff != "" {
			t.Errorf("%v shape (-want +got):\n%s", c.p, diff)
		}
		for k, got := range s.ClassCounts() {
			if got != c.count {
				t.Errorf("%v: class %d (%s) has %d samples, want %d", c.p, k, s.Classes[k], got, c.count)
			}
		}
		if c.p == Train {
			sum := 0.0
			for _, v := range s.X.Data() {
				sum += v
			}
			if sum != 3431889312 { // numpy, see testdata/README.md
				t.Errorf("train pixel sum %g, want 3431889312", sum)
			}
		}
	}
}
