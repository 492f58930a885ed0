package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWriteCreatesAndReplaces(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out", "nested")
	res := loadSweep(t)
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	// A stale report is replaced whole.
	if err := os.WriteFile(filepath.Join(dir, HTMLFile), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if info, err := e.Info(); err != nil || info.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v (%v), want 0644", e.Name(), info.Mode(), err)
		}
	}
	want := []string{
		"hybridnet-mnist-accuracy.svg", "hybridnet-mnist-final.svg", "hybridnet-mnist-params.svg", "hybridnet-mnist-time.svg",
		HTMLFile, MarkdownFile,
		"tinynet-iris-accuracy.svg", "tinynet-iris-final.svg", "tinynet-iris-params.svg", "tinynet-iris-time.svg",
	}
	if !slices.Equal(names, want) {
		t.Errorf("files %q, want %q (no temporary files left)", names, want)
	}
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil || !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Errorf("report.html was not replaced: %.40q, %v", page, err)
	}
}

func TestWriteHTMLOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := loadSweep(t).WriteHTML(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != HTMLFile {
		t.Errorf("WriteHTML wrote %v, want only %s", entries, HTMLFile)
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res := loadSweep(t)
	for _, w := range []struct {
		name  string
		write func(string) error
	}{{"Write", res.Write}, {"WriteMarkdown", res.WriteMarkdown}, {"WriteHTML", res.WriteHTML}} {
		name, write := w.name, w.write
		err := write(filepath.Join(file, "out"))
		if err == nil || !strings.HasPrefix(err.Error(), "report: ") || !strings.Contains(err.Error(), file) {
			t.Errorf("%s into a path below a file: %v, want a report: error naming it", name, err)
		}
	}
}
