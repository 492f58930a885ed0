package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"
)

// htmlFigure is a figure as the page template sees it.
type htmlFigure struct {
	Title string
	SVG   template.HTML
}

// htmlSection is a comparison as the page template sees it.
type htmlSection struct {
	ID, Heading, Counts, Baseline string
	Header, ProvHeader            []string
	Rows                          []htmlRow
	Prov                          [][]string
	Warnings, Unfinished          []string
	Figures                       []htmlFigure
}

type htmlRow struct {
	Baseline bool
	Cells    []string
}

// inlineSVG prepares an SVG document for embedding in HTML: the XML
// prolog goes, an accessible label comes in.
func inlineSVG(svg []byte, title string) template.HTML {
	s := string(svg)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = `<svg role="img" aria-label="` + html.EscapeString(title) + `"` + strings.TrimPrefix(s, "<svg")
	return template.HTML(s) // gonum/plot escapes the text it writes
}

// html renders the self-contained report page.
func (r *Results) html(secs []section) ([]byte, error) {
	data := struct {
		Title, Sources string
		Sections       []htmlSection
		Notation       []string
	}{Title: r.title(), Sources: r.sourcesText(func(s string) string { return s })}
	for _, n := range notation() {
		data.Notation = append(data.Notation, strings.TrimPrefix(n, "\\"))
	}
	// Cells are computed by the same functions as the Markdown tables, so
	// both reports always show the same numbers.
	for k, sec := range secs {
		c := &sec.Comparison
		hs := htmlSection{
			ID:         fmt.Sprintf("c%d", k+1),
			Heading:    c.Model + " on " + c.Dataset,
			Counts:     upperFirst(countsText(c)) + ".",
			Header:     summaryHeader(),
			ProvHeader: provenanceHeader(),
			Warnings:   c.Warnings,
		}
		if c.Baseline >= 0 {
			hs.Baseline = c.Configs[c.Baseline].Config
		}
		for i := range c.Configs {
			hs.Rows = append(hs.Rows, htmlRow{Baseline: c.Configs[i].Baseline, Cells: summaryRow(c, i)})
		}
		for _, p := range c.Provenance {
			hs.Prov = append(hs.Prov, provenanceRow(p))
		}
		for _, u := range c.Unfinished {
			hs.Unfinished = append(hs.Unfinished, unfinishedText(u))
		}
		for _, f := range sec.Figures {
			hs.Figures = append(hs.Figures, htmlFigure{Title: f.Title, SVG: inlineSVG(f.SVG, f.Title)})
		}
		data.Sections = append(data.Sections, hs)
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("report: rendering HTML: %w", err)
	}
	return b.Bytes(), nil
}

// pageTemplate is the report page. It is also well-formed XML (every
// element closed, no named entities, no "<" or "&" in the script), which
// the tests check.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
body{font-family:"Liberation Sans",Arimo,Arial,Helvetica,sans-serif;color:#1a1a1a;background:#fff;max-width:1060px;margin:2em auto;padding:0 1.2em;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}
h2{font-size:1.35em;margin-top:2.2em;padding-bottom:.2em;border-bottom:2px solid #333}
h3{font-size:1.05em;margin-top:1.6em}
p.meta{color:#555;margin-top:0}
nav ul{padding-left:1.2em}
table{border-collapse:collapse;margin:.8em 0;font-variant-numeric:tabular-nums;font-size:.88em}
th,td{padding:.32em .5em;text-align:right;border-bottom:1px solid #d8d8d8;white-space:nowrap}
th:first-child,td:first-child,table.prov th,table.prov td{text-align:left}
td:first-child{white-space:normal;min-width:8em;max-width:18em}
thead th{border-bottom:2px solid #333;vertical-align:bottom;white-space:normal}
tr.baseline td{background:#eef2f7;font-weight:bold}
.scroll{overflow-x:auto}
.warning{background:#fff4e0;border-left:4px solid #e69f00;padding:.45em .9em;margin:.6em 0}
figure{margin:1.4em 0}
figure svg{display:block;width:100%;max-width:672px;height:auto}
figcaption{color:#555;font-size:.9em;margin-top:.3em}
ul.notation{color:#444;font-size:.9em}
@media print{body{max-width:none;margin:0}figure,table,.warning{break-inside:avoid}h2{break-before:auto;break-after:avoid}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{.Sources}}</p>
{{if gt (len .Sections) 1}}<nav><ul>{{range .Sections}}<li><a href="#{{.ID}}">{{.Heading}}</a></li>{{end}}</ul></nav>
{{end}}{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Heading}}</h2>
<p>{{.Counts}}{{if .Baseline}} Baseline: <strong>{{.Baseline}}</strong> (classical).{{end}}</p>
<div class="scroll"><table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Baseline}} class="baseline"{{end}}>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{range .Warnings}}<p class="warning"><strong>Warning:</strong> {{.}}</p>
{{end}}{{if .Unfinished}}<p>Unfinished runs (in the curves and times, not in final accuracy):</p>
<ul>{{range .Unfinished}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{range .Figures}}<figure>
{{.SVG}}
<figcaption>{{.Title}}</figcaption>
</figure>
{{end}}<h3>Provenance</h3>
<div class="scroll"><table class="prov">
<thead><tr>{{range .ProvHeader}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Prov}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
</section>
{{end}}<hr/>
<ul class="notation">{{range .Notation}}<li>{{.}}</li>{{end}}</ul>
<script>
(function () {
  var svgs = Array.prototype.slice.call(document.querySelectorAll("figure svg"));
  var ok = svgs.length > 0;
  svgs.forEach(function (s) {
    var r = s.getBoundingClientRect();
    if (!(r.width > 0) || !(r.height > 0)) { ok = false; }
  });
  document.body.setAttribute("data-svgs", String(svgs.length));
  document.body.setAttribute("data-rendered", ok ? "ok" : "failed");
})();
</script>
</body>
</html>
`))
