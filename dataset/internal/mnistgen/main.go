package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/quanta-qml/quanta/dataset/internal/mnistsum"
)

func main() {
	out := flag.String("out", "mnist", "directory that receives the verified files")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "mnistgen:", err)
		os.Exit(1)
	}
}

// moduleInfo is the part of go mod download -json output that is used.
type moduleInfo struct {
	Dir   string
	Error string
}

func run(out string) error {
	dir, err := moduleDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, f := range mnistsum.Files() {
		src := filepath.Join(dir, "data", f.Name)
		b, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("read %s: %w", src, err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || int64(len(b)) != f.Size {
			return fmt.Errorf("%s: sha256 %s (%d bytes), want %s (%d bytes)", src, got, len(b), f.SHA256, f.Size)
		}
		if err := writeAtomic(filepath.Join(out, f.Name), b); err != nil {
			return err
		}
		fmt.Printf("%s  %s\n", f.SHA256, f.Name)
	}
	return nil
}

// moduleDir downloads (or finds in the module cache) the pinned module and
// returns its extracted directory.
func moduleDir() (string, error) {
	scratch, err := os.MkdirTemp("", "mnistgen-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(scratch)
	cmd := exec.Command("go", "mod", "download", "-json", mnistsum.Module+"@"+mnistsum.Version)
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var info moduleInfo
	if jerr := json.Unmarshal(b, &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", mnistsum.Module, mnistsum.Version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w: %s", mnistsum.Module, mnistsum.Version, err, stderr.String())
	}
	if info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: no Dir in its output", mnistsum.Module, mnistsum.Version)
	}
	return info.Dir, nil
}

// writeAtomic writes b to a temporary file beside name, syncs it and renames
// it over name.
func writeAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}
