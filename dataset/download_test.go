package dataset

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testServer serves files with optional faults and logs every request as
// "path range".
type testServer struct {
	mu       sync.Mutex
	files    map[string][]byte
	noRange  bool // ignore Range headers (answer 200 with the whole file)
	cut      int  // bytes sent before aborting, for the next `failures` requests
	failures int
	status   []int // statuses forced on the next requests, in order
	block    chan struct{}
	log      []string
}

func (s *testServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.log = append(s.log, r.URL.Path+" "+r.Header.Get("Range"))
	name := strings.TrimPrefix(r.URL.Path, "/data/")
	b, ok := s.files[name]
	var forced int
	if len(s.status) > 0 {
		forced, s.status = s.status[0], s.status[1:]
	}
	cut := -1
	if s.failures > 0 {
		s.failures--
		cut = s.cut
	}
	noRange, block := s.noRange, s.block
	s.mu.Unlock()
	switch {
	case forced != 0:
		http.Error(w, http.StatusText(forced), forced)
	case !ok:
		http.NotFound(w, r)
	case cut >= 0 || block != nil:
		// Send part of the body, then abort the connection (or wait).
		start := 0
		if m := regexp.MustCompile(`^bytes=(\d+)-$`).FindStringSubmatch(r.Header.Get("Range")); m != nil && !noRange {
			fmt.Sscan(m[1], &start)
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(b)-1, len(b)))
			w.Header().Set("Content-Length", fmt.Sprint(len(b)-start))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		}
		n := min(len(b)-start, max(cut, 0))
		if block != nil {
			n = min(len(b)-start, 1000)
		}
		w.Write(b[start : start+n])
		w.(http.Flusher).Flush()
		if block != nil {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}
		panic(http.ErrAbortHandler)
	case noRange:
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.Write(b)
	default:
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	}
}

func (s *testServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// serve starts a server for the files; its base URL ends in /data/.
func serve(t *testing.T, files map[string][]byte) (*testServer, string) {
	t.Helper()
	ts := &testServer{files: files}
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	return ts, srv.URL + "/data/"
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// payload returns n deterministic bytes.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// fast retries quickly.
var fastRetry = DownloadOptions{RetryDelay: time.Millisecond}

func opts(base string, attempts int) DownloadOptions {
	o := fastRetry
	o.BaseURL, o.Attempts = base, attempts
	return o
}

// TestDownloadMNIST serves the embedded MNIST files as a mirror, downloads
// them with the real SHA-256 sums, and loads them.
func TestDownloadMNIST(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{}
	for _, f := range MNISTSource().Files {
		b, err := mnistFiles.ReadFile("mnist/" + f.Name)
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	ts, base := serve(t, files)
	dir := filepath.Join(t.TempDir(), "mnist")
	var mu sync.Mutex
	last := map[string]Progress{}
	o := opts(base, 1)
	o.Progress = func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := last[p.File]; ok && p.Done < prev.Done {
			t.Errorf("%s: progress went back from %d to %d", p.File, prev.Done, p.Done)
		}
		last[p.File] = p
	}
	if err := Download(context.Background(), MNISTSource(), dir, o); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if p := last[name]; p.Done != int64(len(b)) || p.Total != int64(len(b)) {
			t.Errorf("%s: last progress %+v, want %d of %d", name, p, len(b), len(b))
		}
	}
	s, err := LoadMNIST(dir, Test)
	if err != nil {
		t.Fatal(err)
	}
	_, test := loadMNIST(t)
	if !slicesEqual(s.Y, test.Y) || !slicesEqual(s.X.Data(), test.X.Data()) {
		t.Error("downloaded MNIST differs from the embedded one")
	}
	// A second call finds verified files and makes no request.
	n := len(ts.requests())
	clear(last)
	if err := Download(context.Background(), MNISTSource(), dir, o); err != nil {
		t.Fatal(err)
	}
	if got := len(ts.requests()); got != n {
		t.Errorf("second download made %d requests, want 0", got-n)
	}
	if len(last) != 4 {
		t.Errorf("second download reported progress for %d files, want 4", len(last))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d entries in the folder, want the 4 files", len(entries))
	}
}

func TestDownloadChecksumMismatch(t *testing.T) {
	t.Parallel()
	body := payload(5000)
	for _, f := range []RemoteFile{
		{Name: "f.bin", SHA256: sha256Hex([]byte("something else"))},
		{Name: "f.bin", MD5: md5Hex([]byte("something else"))},
	} {
		_, base := serve(t, map[string][]byte{"f.bin": body})
		dir := t.TempDir()
		err := Download(context.Background(), Source{Name: "x", Files: []RemoteFile{f}}, dir, opts(base, 3))
		if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "f.bin") {
			t.Fatalf("error %v, want ErrChecksum naming the file", err)
		}
		for _, name := range []string{"f.bin", "f.bin.part"} {
			if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s exists after a checksum failure", name)
			}
		}
	}
}

func TestDownloadResume(t *testing.T) {
	t.Parallel()
	body := payload(300000)
	src := Source{Name: "x", Files: []RemoteFile{{Name: "f.bin", SHA256: sha256Hex(body)}}}
	ts, base := serve(t, map[string][]byte{"f.bin": body})
	dir := t.TempDir()
	ts.cut, ts.failures = 123457, 1
	err := Download(context.Background(), src, dir, opts(base, 1))
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("error %v, want an interrupted transfer", err)
	}
	part, err := os.ReadFile(filepath.Join(dir, "f.bin.part"))
	if err != nil || !bytes.Equal(part, body[:123457]) {
		t.Fatalf("part holds %d bytes (%v), want the first 123457", len(part), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "f.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the final file exists after an interrupted transfer")
	}
	if err := Download(context.Background(), src, dir, opts(base, 1)); err != nil {
		t.Fatal(err)
	}
	want := []string{"/data/f.bin ", "/data/f.bin bytes=123457-"}
	if diff := cmp.Diff(want, ts.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	checkFile(t, dir, "f.bin", body)
}

// checkFile checks dir/name's content and that no part file is left.
func checkFile(t *testing.T, dir, name string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes (%v), want %d", name, len(got), err, len(want))
	}
	if _, err := os.Stat(filepath.Join(dir, name+".part")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s.part left behind", name)
	}
}

func TestDownloadRetries(t *testing.T) {
	t.Parallel()
	body := payload(100000)
	src := Source{Name: "x", Files: []RemoteFile{{Name: "f.bin", SHA256: sha256Hex(body)}}}
	t.Run("interrupted twice", func(t *testing.T) {
		ts, base := serve(t, map[string][]byte{"f.bin": body})
		ts.cut, ts.failures = 40000, 2
		dir := t.TempDir()
		if err := Download(context.Background(), src, dir, opts(base, 3)); err != nil {
			t.Fatal(err)
		}
		want := []string{"/data/f.bin ", "/data/f.bin bytes=40000-", "/data/f.bin bytes=80000-"}
		if diff := cmp.Diff(want, ts.requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
		checkFile(t, dir, "f.bin", body)
	})
	t.Run("server errors", func(t *testing.T) {
		ts, base := serve(t, map[string][]byte{"f.bin": body})
		ts.status = []int{503, 500}
		dir := t.TempDir()
		if err := Download(context.Background(), src, dir, opts(base, 3)); err != nil {
			t.Fatal(err)
		}
		if n := len(ts.requests()); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
		checkFile(t, dir, "f.bin", body)
	})
	t.Run("404 is not retried", func(t *testing.T) {
		ts, base := serve(t, map[string][]byte{})
		err := Download(context.Background(), src, t.TempDir(), opts(base, 3))
		var he *HTTPError
		if !errors.As(err, &he) || he.StatusCode != 404 || !strings.Contains(err.Error(), "/data/f.bin") {
			t.Fatalf("error %v, want an HTTPError 404 naming the URL", err)
		}
		if n := len(ts.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("attempts exhausted", func(t *testing.T) {
		ts, base := serve(t, map[string][]byte{"f.bin": body})
		ts.status = []int{502, 502}
		err := Download(context.Background(), src, t.TempDir(), opts(base, 2))
		if err == nil || !strings.Contains(err.Error(), "attempt 2 of 2") || !strings.Contains(err.Error(), "502") {
			t.Fatalf("error %v, want the last attempt's 502", err)
		}
	})
}

func TestDownloadPartStates(t *testing.T) {
	t.Parallel()
	body := payload(70000)
	src := Source{Name: "x", Files: []RemoteFile{{Name: "f.bin", SHA256: sha256Hex(body)}}}
	for _, c := range []struct {
		name     string
		part     []byte
		noRange  bool
		attempts int
		want     []string
	}{
		// The server ignores Range and sends the whole file: start over.
		{"no range support", body[:30000], true, 1, []string{"/data/f.bin bytes=30000-"}},
		// The part is complete (a crash before the rename): 416, verified.
		{"complete part", body, false, 1, []string{"/data/f.bin bytes=70000-"}},
		// A stale part with wrong bytes: the resumed file fails its
		// checksum, the part is dropped and the download restarts.
		{"stale part", payload(30001)[1:], false, 2, []string{"/data/f.bin bytes=30000-", "/data/f.bin "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts, base := serve(t, map[string][]byte{"f.bin": body})
			ts.noRange = c.noRange
			dir := t.TempDir()
			writeFile(t, dir, "f.bin.part", c.part)
			if err := Download(context.Background(), src, dir, opts(base, c.attempts)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, ts.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			checkFile(t, dir, "f.bin", body)
		})
	}
	// A final file with wrong content is replaced.
	_, base := serve(t, map[string][]byte{"f.bin": body})
	dir := t.TempDir()
	writeFile(t, dir, "f.bin", []byte("corrupt"))
	if err := Download(context.Background(), src, dir, opts(base, 1)); err != nil {
		t.Fatal(err)
	}
	checkFile(t, dir, "f.bin", body)
}

func TestDownloadCancel(t *testing.T) {
	t.Parallel()
	body := payload(50000)
	src := Source{Name: "x", Files: []RemoteFile{{Name: "f.bin", SHA256: sha256Hex(body)}}}
	ts, base := serve(t, map[string][]byte{"f.bin": body})
	ts.block = make(chan struct{})
	defer close(ts.block)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := opts(base, 3)
	o.Progress = func(p Progress) {
		if p.Done > 0 {
			cancel()
		}
	}
	dir := t.TempDir()
	err := Download(ctx, src, dir, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n := len(ts.requests()); n != 1 {
		t.Errorf("%d requests after cancellation, want 1", n)
	}
	if part, err := os.ReadFile(filepath.Join(dir, "f.bin.part")); err != nil || !bytes.Equal(part, body[:len(part)]) || len(part) == 0 {
		t.Errorf("part after cancellation: %d bytes, %v; want a correct prefix kept for resuming", len(part), err)
	}
}

func TestDownloadNoChecksum(t *testing.T) {
	t.Parallel()
	ts, base := serve(t, map[string][]byte{"f.bin": payload(10)})
	err := Download(context.Background(), Source{Files: []RemoteFile{{Name: "f.bin"}}}, t.TempDir(), opts(base, 1))
	if err == nil || !strings.Contains(err.Error(), "no checksum") {
		t.Fatalf("error %v, want a refusal", err)
	}
	if n := len(ts.requests()); n != 0 {
		t.Errorf("%d requests for an unverifiable file", n)
	}
}

// tarGz builds a .tar.gz archive of the given entries (a name ending in "/"
// is a folder; a value starting with "->" is a symbolic link).
func tarGz(t *testing.T, entries [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e[0], Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e[1]))}
		switch {
		case strings.HasSuffix(e[0], "/"):
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		case strings.HasPrefix(e[1], "->"):
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e[1][2:], 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(e[1])); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDownloadCIFARExtract(t *testing.T) {
	t.Parallel()
	bin := writeCIFAR(t, t.TempDir(), 2)
	entries := [][2]string{{"cifar-10-batches-bin/", ""}}
	names, err := os.ReadDir(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range names {
		b, err := os.ReadFile(filepath.Join(bin, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, [2]string{"cifar-10-batches-bin/" + e.Name(), string(b)})
	}
	archive := tarGz(t, entries)
	_, base := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
	src := CIFAR10Source()
	src.Files[0].MD5 = md5Hex(archive) // the test archive, not the official one
	dir := t.TempDir()
	if err := Download(context.Background(), src, dir, opts(base, 1)); err != nil {
		t.Fatal(err)
	}
	s, err := LoadCIFAR10(dir, Train)
	if err != nil {
		t.Fatal(err)
	}
	want, err := LoadCIFAR10(bin, Train)
	if err != nil {
		t.Fatal(err)
	}
	if !slicesEqual(s.X.Data(), want.X.Data()) || !slicesEqual(s.Y, want.Y) {
		t.Error("extracted CIFAR-10 differs from the archived files")
	}
	left, _ := os.ReadDir(dir)
	var got []string
	for _, e := range left {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff([]string{"cifar-10-batches-bin", "cifar-10-binary.tar.gz"}, got); diff != "" {
		t.Errorf("folder content (-want +got):\n%s", diff)
	}

	for _, c := range []struct {
		name    string
		entries [][2]string
		substr  string
	}{
		{"escape", [][2]string{{"cifar-10-batches-bin/", ""}, {"../evil.txt", "x"}}, "outside"},
		{"absolute", [][2]string{{"/evil.txt", "x"}}, "outside"},
		{"symlink", [][2]string{{"cifar-10-batches-bin/", ""}, {"cifar-10-batches-bin/l", "->/evil"}}, "unsupported type"},
		{"wrong folder", [][2]string{{"other/", ""}, {"other/a", "x"}}, "no folder cifar-10-batches-bin"},
	} {
		t.Run(c.name, func(t *testing.T) {
			archive := tarGz(t, c.entries)
			_, base := serve(t, map[string][]byte{"cifar-10-binary.tar.gz": archive})
			src := CIFAR10Source()
			src.Files[0].MD5 = md5Hex(archive)
			root := t.TempDir()
			dir := filepath.Join(root, "data")
			err := Download(context.Background(), src, dir, opts(base, 1))
			if err == nil || !strings.Contains(err.Error(), c.substr) {
				t.Fatalf("error %v, want one containing %q", err, c.substr)
			}
			if _, err := os.Stat(filepath.Join(root, "evil.txt")); err == nil {
				t.Error("an entry escaped the destination")
			}
			left, _ := os.ReadDir(dir)
			if len(left) != 1 {
				t.Errorf("folder holds %d entries after a failed extraction, want only the archive", len(left))
			}
		})
	}
}

// TestOfficialSources checks the built-in sources are well formed: absolute
// URLs, one checksum per file of the right length in lower-case hex.
func TestOfficialSources(t *testing.T) {
	t.Parallel()
	hexRE := regexp.MustCompile(`^[0-9a-f]+$`)
	for _, s := range []Source{MNISTSource(), FashionMNISTSource(), CIFAR10Source()} {
		u, err := url.Parse(s.BaseURL)
		if err != nil || !u.IsAbs() || u.Host == "" || !strings.HasSuffix(s.BaseURL, "/") {
			t.Errorf("%s: base URL %q", s.Name, s.BaseURL)
		}
		for _, f := range s.Files {
			switch {
			case f.SHA256 != "" && f.MD5 == "":
				if len(f.SHA256) != 64 || !hexRE.MatchString(f.SHA256) {
					t.Errorf("%s %s: SHA-256 %q", s.Name, f.Name, f.SHA256)
				}
			case f.MD5 != "" && f.SHA256 == "":
				if len(f.MD5) != 32 || !hexRE.MatchString(f.MD5) {
					t.Errorf("%s %s: MD5 %q", s.Name, f.Name, f.MD5)
				}
			default:
				t.Errorf("%s %s: want exactly one checksum", s.Name, f.Name)
			}
		}
	}
	for _, c := range []struct {
		src  Source
		want string
	}{
		{MNISTSource(), "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz"},
		{FashionMNISTSource(), "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz"},
		{CIFAR10Source(), "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"},
	} {
		if got, err := fileURL(c.src.BaseURL, c.src.Files[0].Name); err != nil || got != c.want {
			t.Errorf("%s: first URL %q (%v), want %q", c.src.Name, got, err, c.want)
		}
	}
	if _, err := fileURL("://bad", "f"); err == nil {
		t.Error("fileURL accepted a malformed base URL")
	}
	// The MNIST mirror's files are the embedded ones, whose MD5 sums are the
	// published ones.
	published := map[string]string{
		"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
		"train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
		"t10k-images-idx3-ubyte.gz":  "9fb629c4189551a2d022fa330f9573f3",
		"t10k-labels-idx1-ubyte.gz":  "ec29112dd5afa0611ce80d1b7f02629c",
	}
	for _, f := range MNISTSource().Files {
		b, err := mnistFiles.ReadFile("mnist/" + f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if got := md5Hex(b); got != published[f.Name] {
			t.Errorf("%s: md5 %s, published %s", f.Name, got, published[f.Name])
		}
	}
}
