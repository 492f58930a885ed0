package dataset

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/quanta-qml/quanta/dataset/internal/mnistsum"
	"github.com/quanta-qml/quanta/tensor"
)

//go:generate go run ./internal/mnistgen -out mnist

// mnistFiles holds the official MNIST files (see mnist/README.md).
//
//go:embed mnist/*.gz
var mnistFiles embed.FS

// MNISTClasses returns the MNIST class names "0" to "9".
func MNISTClasses() []string { return defaultClasses(10) }

// FashionMNISTClasses returns the ten Fashion-MNIST class names, in label
// order.
func FashionMNISTClasses() []string {
	return []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
		"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
}

// idxNames returns the standard file names of a split's images and labels.
func idxNames(p Split) (images, labels string, err error) {
	switch p {
	case Train:
		return "train-images-idx3-ubyte", "train-labels-idx1-ubyte", nil
	case Test:
		return "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", nil
	}
	return "", "", fmt.Errorf("dataset: unknown split %v", p)
}

// MNIST returns the built-in MNIST split (60,000 training or 10,000 test
// images), decoded from the official files embedded in the binary: X is
// [N, 1, 28, 28] with raw pixel values 0–255, Y the digits. The SHA-256 of
// the embedded bytes is checked on every call; each call decodes afresh and
// returns a set the caller owns (about 0.4 GB for the training split).
func MNIST(p Split) (*Set, error) {
	img, lab, err := idxNames(p)
	if err != nil {
		return nil, err
	}
	var raw [2][]byte
	for i, name := range []string{img + ".gz", lab + ".gz"} {
		b, err := embeddedMNIST(name)
		if err != nil {
			return nil, err
		}
		raw[i] = b
	}
	s, err := readIDXPair(bytes.NewReader(raw[0]), img+".gz", bytes.NewReader(raw[1]), lab+".gz", MNISTClasses())
	if err != nil {
		return nil, err
	}
	s.Name = "mnist-" + p.String()
	return s, nil
}

// embeddedMNIST returns the bytes of an embedded file after checking their
// SHA-256 against the recorded sum.
func embeddedMNIST(name string) ([]byte, error) {
	b, err := mnistFiles.ReadFile("mnist/" + name)
	if err != nil {
		return nil, fmt.Errorf("dataset: embedded MNIST: %w", err)
	}
	for _, f := range mnistsum.Files() {
		if f.Name != name {
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
			return nil, fmt.Errorf("dataset: embedded MNIST file %s: sha256 %s, want %s: %w", name, got, f.SHA256, ErrChecksum)
		}
		return b, nil
	}
	return nil, fmt.Errorf("dataset: embedded MNIST file %s has no recorded checksum", name)
}

// LoadMNIST reads an MNIST split from dir, which holds the standard files
// (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
// t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]), gzip-compressed
// or not. The set has the same layout as MNIST's.
func LoadMNIST(dir string, p Split) (*Set, error) {
	return loadIDXDir(dir, p, "mnist", MNISTClasses())
}

// LoadFashionMNIST reads a Fashion-MNIST split from dir, which holds the same
// file names as MNIST's (see LoadMNIST). Class names are those of
// FashionMNISTClasses.
func LoadFashionMNIST(dir string, p Split) (*Set, error) {
	return loadIDXDir(dir, p, "fashion-mnist", FashionMNISTClasses())
}

func loadIDXDir(dir string, p Split, name string, classes []string) (*Set, error) {
	img, lab, err := idxNames(p)
	if err != nil {
		return nil, err
	}
	imgPath, err := findFile(dir, img)
	if err != nil {
		return nil, err
	}
	labPath, err := findFile(dir, lab)
	if err != nil {
		return nil, err
	}
	s, err := LoadIDX(imgPath, labPath, classes)
	if err != nil {
		return nil, err
	}
	s.Name = name + "-" + p.String()
	return s, nil
}

// findFile returns dir/name.gz or dir/name, whichever exists (in that order).
func findFile(dir, name string) (string, error) {
	for _, cand := range []string{name + ".gz", name} {
		path := filepath.Join(dir, cand)
		if _, err := os.Stat(path); err == nil {
			return path, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("dataset: %w", err)
		}
	}
	return "", fmt.Errorf("dataset: neither %s.gz nor %s in %s: %w", name, name, dir, fs.ErrNotExist)
}

// LoadIDX reads an image set from a pair of IDX files: imagesPath with magic
// 0x00000803 and dimensions [N, H, W], labelsPath with magic 0x00000801 and
// dimension [N], each gzip-compressed or not. Labels must be below
// len(classes). X is [N, 1, H, W] with the raw byte values.
func LoadIDX(imagesPath, labelsPath string, classes []string) (*Set, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer fl.Close()
	s, err := readIDXPair(fi, imagesPath, fl, labelsPath, classes)
	if err != nil {
		return nil, err
	}
	s.Name = filepath.Base(imagesPath)
	return s, nil
}

// readIDXPair decodes an images file and a labels file into a set.
func readIDXPair(ri io.Reader, imgName string, rl io.Reader, labName string, classes []string) (*Set, error) {
	img, gzi, err := readIDXMagic(ri, imgName, MagicImages)
	if err != nil {
		return nil, err
	}
	lab, gzl, err := readIDXMagic(rl, labName, MagicLabels)
	if err != nil {
		return nil, err
	}
	n, h, w := img.Dims[0], img.Dims[1], img.Dims[2]
	if lab.Dims[0] != n {
		return nil, atOffset(labName, 4, gzl, "%d labels for the %d images of %s", lab.Dims[0], n, imgName)
	}
	if h == 0 || w == 0 {
		return nil, atOffset(imgName, 8, gzi, "images of %d×%d pixels", h, w)
	}
	y := make([]int, n)
	for i, b := range lab.Data {
		if int(b) >= len(classes) {
			return nil, atOffset(labName, 8+int64(i), gzl, "label %d of sample %d is outside [0, %d)", b, i, len(classes))
		}
		y[i] = int(b)
	}
	x := make([]float64, len(img.Data))
	for i, b := range img.Data {
		x[i] = float64(b)
	}
	return &Set{
		X:       tensor.FromSlice(x, n, 1, h, w),
		Y:       y,
		Classes: append([]string(nil), classes...),
	}, nil
}

// readIDXMagic reads an IDX stream and checks its magic number.
func readIDXMagic(r io.Reader, name string, magic uint32) (*IDX, bool, error) {
	in, gz, err := decompress(r, name)
	if err != nil {
		return nil, gz, err
	}
	x, err := readIDX(in, name, gz, magic)
	return x, gz, err
}

// magicName describes a required magic number.
func magicName(m uint32) string {
	switch m {
	case MagicImages:
		return "images: unsigned bytes, 3 dimensions"
	case MagicLabels:
		return "labels: unsigned bytes, 1 dimension"
	}
	return "IDX"
}
