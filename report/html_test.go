package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSweep writes the fixture's reports into a temporary directory.
func writeSweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := loadSweep(t).Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sweepConfigs are the configuration names of the fixture.
var sweepConfigs = []string{"L0", "L1", "L2", "classical", "quantum 4q"}

// pageStats is what a walk over the page's XML tokens found.
type pageStats struct {
	elements map[string]int // element name → count
	text     string         // all character data
	badRefs  []string       // src attributes and non-fragment hrefs
	svgs     int            // top-level svg elements with width, height and viewBox
	rowClass []string       // class of each body row, in order
}

// walkXML decodes r strictly as XML and collects pageStats.
func walkXML(r io.Reader) (pageStats, error) {
	st := pageStats{elements: map[string]int{}}
	dec := xml.NewDecoder(r)
	var text strings.Builder
	depthSVG := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			st.elements[name]++
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Name.Local] = a.Value
				if a.Name.Local == "src" || (a.Name.Local == "href" && !strings.HasPrefix(a.Value, "#")) {
					st.badRefs = append(st.badRefs, name+" "+a.Name.Local+"="+a.Value)
				}
			}
			if name == "svg" {
				if depthSVG == 0 && attrs["width"] != "" && attrs["height"] != "" && attrs["viewBox"] != "" {
					st.svgs++
				}
				depthSVG++
			}
			if name == "tr" {
				st.rowClass = append(st.rowClass, attrs["class"])
			}
		case xml.EndElement:
			if tok.Name.Local == "svg" {
				depthSVG--
			}
		case xml.CharData:
			text.Write(tok)
		}
	}
	st.text = text.String()
	return st, nil
}

// TestHTMLStructure parses the whole page as XML (the template keeps it
// well-formed) and checks that it is self-contained and complete.
func TestHTMLStructure(t *testing.T) {
	t.Parallel()
	dir := writeSweep(t)
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>")) {
		t.Errorf("page does not start with an HTML5 doctype and charset: %.80q", page)
	}
	st, err := walkXML(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("page is not well-formed: %v", err)
	}
	for _, c := range []struct {
		element string
		n       int
	}{
		{"html", 1}, {"head", 1}, {"title", 1}, {"body", 1}, {"style", 1}, {"script", 1},
		{"section", 2}, {"figure", 8}, {"figcaption", 8}, {"table", 4}, {"link", 0}, {"img", 0}, {"iframe", 0},
	} {
		if got := st.elements[c.element]; got != c.n {
			t.Errorf("%d <%s> elements, want %d", got, c.element, c.n)
		}
	}
	if st.svgs != 8 {
		t.Errorf("%d sized inline SVGs, want 8", st.svgs)
	}
	if len(st.badRefs) > 0 {
		t.Errorf("external references: %q", st.badRefs)
	}
	for _, name := range sweepConfigs {
		if !strings.Contains(st.text, name) {
			t.Errorf("page text lacks configuration %q", name)
		}
	}
	for _, s := range []string{"92.00 ± 2.00", "−2.00 ± 1.53 pp", "L2 seed 3 stopped after epoch 2 of 3", "2 machines", "abc1234"} {
		if !strings.Contains(st.text, s) {
			t.Errorf("page text lacks %q", s)
		}
	}
	// Summary tables: header row, then the baseline row first.
	// Rows: [hdr, L0, L1, L2, prov-hdr, prov, hdr, classical, quantum, prov-hdr, prov, prov].
	want := []string{"", "baseline", "", "", "", "", "", "baseline", "", "", "", ""}
	if strings.Join(st.rowClass, ",") != strings.Join(want, ",") {
		t.Errorf("row classes %q, want %q", st.rowClass, want)
	}
}

// TestSVGFiles: the SVGs beside report.md are well-formed, sized, and name
// fallback fonts.
func TestSVGFiles(t *testing.T) {
	t.Parallel()
	dir := writeSweep(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 8 {
		t.Fatalf("%d SVG files, want 8: %q", len(files), files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		st, err := walkXML(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s is not well-formed: %v", filepath.Base(f), err)
			continue
		}
		if st.svgs != 1 || st.elements["text"] == 0 || st.elements["path"] == 0 {
			t.Errorf("%s: %d sized svg roots, %d texts, %d paths", filepath.Base(f), st.svgs, st.elements["text"], st.elements["path"])
		}
		if bytes.Contains(data, []byte("font-family:Liberation Sans;")) || !bytes.Contains(data, []byte("sans-serif")) {
			t.Errorf("%s names no fallback font", filepath.Base(f))
		}
	}
	// Every plot names the axes it shows.
	for _, c := range []struct{ file, label string }{
		{"hybridnet-mnist-accuracy.svg", "test accuracy (%)"},
		{"hybridnet-mnist-accuracy.svg", "epoch"},
		{"hybridnet-mnist-final.svg", "final test accuracy (%)"},
		{"hybridnet-mnist-params.svg", "trainable parameters (total)"},
		{"hybridnet-mnist-time.svg", "seconds per epoch (s)"},
		{"tinynet-iris-params.svg", "quantum 4q"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(">"+c.label+"<")) {
			t.Errorf("%s lacks the text %q", c.file, c.label)
		}
	}
}
