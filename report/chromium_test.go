//go:build unix

package report

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// browserTimeout bounds the headless browser run; its whole process group
// is killed when it runs out.
const browserTimeout = 90 * time.Second

// TestHTMLInChromium opens report.html in headless Chromium and checks
// that the page script ran and found every SVG laid out with a non-zero
// size, that the DOM holds every configuration and plot, and that the
// console shows no script errors. It is skipped when no chromium is on
// PATH, and with -short.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the headless browser check")
	}
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium is not on PATH: skipping the headless browser check")
	}
	t.Parallel()
	dir := writeSweep(t)
	page, err := filepath.Abs(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--window-size=1200,2000", "--dump-dom", "file://"+page)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if cmd.Process != nil {
		// Helpers the browser left behind go with its process group.
		if kerr := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
			t.Logf("killing the browser's process group: %v", kerr)
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("chromium did not finish within %v\nstderr:\n%s", browserTimeout, tail(stderr.String()))
	}
	if err != nil {
		t.Fatalf("chromium: %v\nstderr:\n%s", err, tail(stderr.String()))
	}
	dom := stdout.String()
	if !strings.Contains(dom, `data-rendered="ok"`) || !strings.Contains(dom, `data-svgs="8"`) {
		t.Errorf("the page script did not report 8 rendered SVGs; body: %.300q", dom[strings.Index(dom, "<body")+0:])
	}
	if n := strings.Count(dom, "<svg"); n != 8 {
		t.Errorf("DOM holds %d SVGs, want 8", n)
	}
	for _, name := range sweepConfigs {
		if !strings.Contains(dom, "<td>"+name) {
			t.Errorf("DOM lacks a table cell for %q", name)
		}
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error")) {
			t.Errorf("console error: %s", line)
		}
	}
}

// tail returns the last lines of a long log.
func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
