package dataset

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/quanta-qml/quanta/dataset/internal/mnistsum"
)

// RemoteFile is one file of a Source with its expected checksum. SHA256 is
// used when set, otherwise MD5 (for data sets whose publishers give only MD5).
// A file with neither is refused.
type RemoteFile struct {
	Name   string
	SHA256 string
	MD5    string
}

// Source describes where a data set's files are published.
type Source struct {
	// Name is used in errors.
	Name string
	// BaseURL is the folder URL the file names are resolved against.
	BaseURL string
	// Files are downloaded in order.
	Files []RemoteFile
	// Extract, when set, names the folder that the source's .tar.gz files
	// unpack to; it is extracted after verification unless it already
	// exists.
	Extract string
}

// MNISTSource returns the official MNIST files at their canonical mirror
// (https://ossci-datasets.s3.amazonaws.com/mnist/, used by torchvision since
// Yann LeCun's page stopped serving them). They are checked against SHA-256
// sums computed on the files whose MD5 sums equal the published ones (the
// same files as the embedded copy).
func MNISTSource() Source {
	s := Source{Name: "MNIST", BaseURL: "https://ossci-datasets.s3.amazonaws.com/mnist/"}
	for _, f := range mnistsum.Files() {
		s.Files = append(s.Files, RemoteFile{Name: f.Name, SHA256: f.SHA256})
	}
	return s
}

// FashionMNISTSource returns the official Fashion-MNIST files (Zalando
// Research, MIT licence) at http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/.
// Only MD5 sums are published for them (in the project's README), so those
// are checked.
func FashionMNISTSource() Source {
	return Source{
		Name:    "Fashion-MNIST",
		BaseURL: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
		Files: []RemoteFile{
			{Name: "train-images-idx3-ubyte.gz", MD5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d"},
			{Name: "train-labels-idx1-ubyte.gz", MD5: "25c81989df183df01b3e8a0aad5dffbe"},
			{Name: "t10k-images-idx3-ubyte.gz", MD5: "bef4ecab320f06d8554ea6380940ec79"},
			{Name: "t10k-labels-idx1-ubyte.gz", MD5: "bb300cfdad3c16e7a12a480ee83cd310"},
		},
	}
}

// CIFAR10Source returns the CIFAR-10 binary version (Alex Krizhevsky,
// https://www.cs.toronto.edu/~kriz/cifar.html), checked against its
// published MD5 sum and extracted to cifar-10-batches-bin.
func CIFAR10Source() Source {
	return Source{
		Name:    "CIFAR-10",
		BaseURL: "https://www.cs.toronto.edu/~kriz/",
		Files:   []RemoteFile{{Name: "cifar-10-binary.tar.gz", MD5: "c32a1d4ab5d03f1284b67883e8d87530"}},
		Extract: "cifar-10-batches-bin",
	}
}

// Progress reports the state of one file's download.
type Progress struct {
	File  string
	Done  int64 // bytes on disk so far, including a resumed part
	Total int64 // expected size, or -1 when the server does not say
}

// DownloadOptions configures Download. The zero value is usable.
type DownloadOptions struct {
	// BaseURL replaces the source's BaseURL (a mirror, a test server).
	BaseURL string
	// Client performs the requests; nil means http.DefaultClient.
	Client *http.Client
	// Progress, if set, is called as bytes arrive and once for a file that
	// is already present and verified.
	Progress func(Progress)
	// Attempts is the number of tries per file when a transfer is
	// interrupted or the server fails (5xx); each retry resumes where the
	// previous one stopped. 0 means 3.
	Attempts int
	// RetryDelay is the pause before the k-th retry, multiplied by k. 0
	// means one second.
	RetryDelay time.Duration
}

// HTTPError is a download refused by the server (an HTTP status other than
// 200 and 206).
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
}

// Error names the URL and the status.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("dataset: download %s: HTTP %s", e.URL, e.Status)
}

// transient marks an error after which a retry may succeed.
type transient struct{ err error }

func (t transient) Error() string { return t.err.Error() }
func (t transient) Unwrap() error { return t.err }

// Download fetches the files of src into dir (created if needed) and
// verifies them. A file already in dir with the right checksum is not
// fetched again. Each file is written to NAME.part; an interrupted transfer
// resumes from the part with an HTTP Range request (or restarts if the
// server ignores Range), and only a verified part is synced and renamed to
// NAME, so dir never holds a partial or unverified file under its final
// name. A checksum mismatch deletes the part and is an error wrapping
// ErrChecksum. Cancelling ctx stops the transfer and keeps the part for a
// later call.
func Download(ctx context.Context, src Source, dir string, opt DownloadOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dataset: download %s: %w", src.Name, err)
	}
	base := src.BaseURL
	if opt.BaseURL != "" {
		base = opt.BaseURL
	}
	for _, f := range src.Files {
		u, err := fileURL(base, f.Name)
		if err != nil {
			return fmt.Errorf("dataset: download %s: %w", src.Name, err)
		}
		if err := fetch(ctx, u, dir, f, opt); err != nil {
			return err
		}
	}
	if src.Extract == "" {
		return nil
	}
	for _, f := range src.Files {
		if strings.HasSuffix(f.Name, ".tar.gz") || strings.HasSuffix(f.Name, ".tgz") {
			if err := extract(filepath.Join(dir, f.Name), dir, src.Extract); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileURL resolves a file name against a folder URL.
func fileURL(base, name string) (string, error) {
	u, err := url.JoinPath(base, name)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", base, err)
	}
	return u, nil
}

// checksum returns the expected hex sum of f and a constructor for its hash.
func (f RemoteFile) checksum() (string, string, func() hash.Hash, error) {
	switch {
	case f.SHA256 != "":
		return strings.ToLower(f.SHA256), "sha256", sha256.New, nil
	case f.MD5 != "":
		return strings.ToLower(f.MD5), "md5", md5.New, nil
	}
	return "", "", nil, fmt.Errorf("dataset: download %s: no checksum given; refusing an unverified file", f.Name)
}

// fetch makes sure dir/f.Name exists and matches its checksum.
func fetch(ctx context.Context, u, dir string, f RemoteFile, opt DownloadOptions) error {
	want, algo, newHash, err := f.checksum()
	if err != nil {
		return err
	}
	final := filepath.Join(dir, f.Name)
	if size, ok := verifyFile(final, want, newHash); ok {
		if opt.Progress != nil {
			opt.Progress(Progress{File: f.Name, Done: size, Total: size})
		}
		return nil
	}
	attempts := opt.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	delay := opt.RetryDelay
	if delay <= 0 {
		delay = time.Second
	}
	part := final + ".part"
	for k := 1; ; k++ {
		err = fetchOnce(ctx, u, part, f.Name, want, algo, newHash, opt)
		if err == nil {
			break
		}
		var t transient
		if !errors.As(err, &t) || k >= attempts || ctx.Err() != nil {
			return fmt.Errorf("dataset: download %s (attempt %d of %d): %w", u, k, attempts, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("dataset: download %s: %w", u, ctx.Err())
		case <-time.After(delay * time.Duration(k)):
		}
	}
	if err := os.Rename(part, final); err != nil {
		return fmt.Errorf("dataset: download %s: %w", u, err)
	}
	return syncDir(dir)
}

// verifyFile reports whether path exists with the wanted checksum, and its
// size.
func verifyFile(path, want string, newHash func() hash.Hash) (int64, bool) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer fh.Close()
	h := newHash()
	n, err := io.Copy(h, fh)
	return n, err == nil && hex.EncodeToString(h.Sum(nil)) == want
}

// fetchOnce makes one request for the rest of part and returns nil once part
// is complete, verified and synced.
func fetchOnce(ctx context.Context, u, part, name, want, algo string, newHash func() hash.Hash, opt DownloadOptions) error {
	fh, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer fh.Close()
	h := newHash()
	off, err := io.Copy(h, fh) // leaves the file offset at the end
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if off > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
	}
	client := opt.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return transient{err}
	}
	defer resp.Body.Close()
	resumed := off > 0
	switch {
	case resp.StatusCode == http.StatusPartialContent && resumed:
		if !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(off, 10)+"-") {
			if err := restart(fh, h); err != nil {
				return err
			}
			return transient{fmt.Errorf("server answered Range %d- with Content-Range %q; restarting", off, resp.Header.Get("Content-Range"))}
		}
	case resp.StatusCode == http.StatusOK:
		if resumed { // the server ignores Range: start again
			if err := restart(fh, h); err != nil {
				return err
			}
			off, resumed = 0, false
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && resumed:
		// The part may already hold the whole file.
		if hex.EncodeToString(h.Sum(nil)) == want {
			return fh.Sync()
		}
		if err := restart(fh, h); err != nil {
			return err
		}
		return transient{fmt.Errorf("server refused Range %d- (HTTP %s); restarting", off, resp.Status)}
	default:
		herr := &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
		if resp.StatusCode >= 500 {
			return transient{herr}
		}
		return herr
	}
	total := int64(-1)
	if resp.ContentLength >= 0 {
		total = off + resp.ContentLength
	}
	done := off
	report := func() {
		if opt.Progress != nil {
			opt.Progress(Progress{File: name, Done: done, Total: total})
		}
	}
	report()
	buf := make([]byte, 1<<18)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, err := fh.Write(buf[:n]); err != nil {
				return err
			}
			h.Write(buf[:n])
			done += int64(n)
			report()
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return transient{fmt.Errorf("transfer interrupted after %d bytes: %w", done, rerr)}
		}
	}
	if total >= 0 && done != total {
		return transient{fmt.Errorf("transfer ended after %d of %d bytes", done, total)}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		fh.Close()
		os.Remove(part)
		err := fmt.Errorf("%s: %s %s, want %s: %w", name, algo, got, want, ErrChecksum)
		if resumed { // the earlier part may be stale: one clean restart
			return transient{err}
		}
		return err
	}
	return fh.Sync()
}

// restart empties the part file and resets the hash.
func restart(fh *os.File, h hash.Hash) error {
	if err := fh.Truncate(0); err != nil {
		return err
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h.Reset()
	return nil
}

// syncDir flushes a directory entry change (a rename) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("dataset: sync %s: %w", dir, err)
	}
	return nil
}

// extract unpacks the folder top of the tar.gz archive into dir, unless
// dir/top exists. It unpacks into a temporary folder inside dir and renames
// top into place, so dir/top appears complete or not at all. Entries that
// would land outside the temporary folder, and entries other than regular
// files and folders, are errors.
func extract(archive, dir, top string) error {
	dest := filepath.Join(dir, top)
	if _, err := os.Stat(dest); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("dataset: extract %s: %w", archive, err)
	}
	tmp, err := os.MkdirTemp(dir, ".extract-")
	if err != nil {
		return fmt.Errorf("dataset: extract %s: %w", archive, err)
	}
	defer os.RemoveAll(tmp)
	fh, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("dataset: extract %s: %w", archive, err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return atOffset(archive, 0, false, "bad gzip header: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("dataset: extract %s: %w", archive, err)
		}
		rel := filepath.FromSlash(hdr.Name)
		if !filepath.IsLocal(rel) {
			return fmt.Errorf("dataset: extract %s: entry %q points outside the destination", archive, hdr.Name)
		}
		target := filepath.Join(tmp, rel)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("dataset: extract %s: %w", archive, err)
			}
		case tar.TypeReg:
			if err := writeEntry(target, tr); err != nil {
				return fmt.Errorf("dataset: extract %s: entry %s: %w", archive, hdr.Name, err)
			}
		case tar.TypeXGlobalHeader:
		default:
			return fmt.Errorf("dataset: extract %s: entry %q has unsupported type %q", archive, hdr.Name, hdr.Typeflag)
		}
	}
	got := filepath.Join(tmp, top)
	if st, err := os.Stat(got); err != nil || !st.IsDir() {
		return fmt.Errorf("dataset: extract %s: the archive has no folder %s", archive, top)
	}
	if err := os.Rename(got, dest); err != nil {
		return fmt.Errorf("dataset: extract %s: %w", archive, err)
	}
	return syncDir(dir)
}

// writeEntry writes one regular file of an archive and syncs it.
func writeEntry(target string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
