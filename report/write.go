package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// File names of the reports inside the output directory.
const (
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
)

// Write writes report.md with its SVG plots and the self-contained
// report.html into dir, creating it if needed. Every file is written
// atomically.
func (r *Results) Write(dir string) error {
	secs, err := r.sections()
	if err != nil {
		return err
	}
	page, err := r.html(secs)
	if err != nil {
		return err
	}
	if err := r.writeMarkdown(dir, secs); err != nil {
		return err
	}
	return writeAtomic(dir, HTMLFile, page)
}

// WriteMarkdown writes report.md and the SVG plots it shows into dir,
// creating it if needed.
func (r *Results) WriteMarkdown(dir string) error {
	secs, err := r.sections()
	if err != nil {
		return err
	}
	return r.writeMarkdown(dir, secs)
}

// WriteHTML writes the self-contained report.html (plots inline) into dir,
// creating it if needed.
func (r *Results) WriteHTML(dir string) error {
	secs, err := r.sections()
	if err != nil {
		return err
	}
	page, err := r.html(secs)
	if err != nil {
		return err
	}
	return writeAtomic(dir, HTMLFile, page)
}

func (r *Results) writeMarkdown(dir string, secs []section) error {
	for _, s := range secs {
		for _, f := range s.Figures {
			if err := writeAtomic(dir, f.File, f.SVG); err != nil {
				return err
			}
		}
	}
	return writeAtomic(dir, MarkdownFile, r.markdown(secs))
}

// writeAtomic writes data to dir/name through a temporary file in dir and
// a rename, so readers never see a partial file.
func writeAtomic(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	path := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// Sync before the rename, so a crash leaves the old file or the new
	// one, never an empty one.
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	return nil
}
