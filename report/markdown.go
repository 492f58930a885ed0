package report

import (
	"bytes"
	"fmt"
	"strings"
)

// defaultTitle heads the reports when Options.Title is empty.
const defaultTitle = "quanta results"

// maxFilesListed bounds the input files named in a report's header.
const maxFilesListed = 10

// section is one comparison with the file names of its plots.
type section struct {
	Comparison
	Figures []figure
}

// sections computes the comparisons and renders their plots.
func (r *Results) sections() ([]section, error) {
	cs := r.Comparisons()
	out := make([]section, len(cs))
	used := map[string]bool{}
	for i, c := range cs {
		base := slug(c.Model + "-" + c.Dataset)
		s := base
		for k := 2; used[s]; k++ {
			s = fmt.Sprintf("%s-%d", base, k)
		}
		used[s] = true
		figs, err := c.figures(s)
		if err != nil {
			return nil, err
		}
		out[i] = section{Comparison: c, Figures: figs}
	}
	return out, nil
}

// slug turns a name into a file-name stem of [a-z0-9-].
func slug(s string) string {
	var b strings.Builder
	dashed := true
	for _, c := range strings.ToLower(s) {
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			b.WriteRune(c)
			dashed = false
		} else if !dashed {
			b.WriteByte('-')
			dashed = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "comparison"
	}
	return out
}

func (r *Results) title() string {
	if r.Options.Title != "" {
		return r.Options.Title
	}
	return defaultTitle
}

// sourcesText describes the input files in one sentence.
func (r *Results) sourcesText(code func(string) string) string {
	names := make([]string, 0, maxFilesListed)
	for i, f := range r.Files {
		if i == maxFilesListed {
			break
		}
		names = append(names, code(f))
	}
	s := fmt.Sprintf("Merged from %s: %s", plural(len(r.Files), "results file"), strings.Join(names, ", "))
	if n := len(r.Files) - maxFilesListed; n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	s += "; " + plural(len(r.Runs), "run")
	if r.Duplicates > 0 {
		s += "; " + plural(r.Duplicates, "identical duplicate line") + " dropped"
	}
	return s + "."
}

// summaryHeader and summaryRow are the columns of the Markdown and HTML
// summary tables.
func summaryHeader() []string {
	return []string{
		"config", "seeds", "test acc %", "min–max %", "best %", "test loss",
		"Δ vs classical", "classical params", "quantum params", "total params", "s/epoch",
	}
}

func summaryRow(c *Comparison, i int) []string {
	s := &c.Configs[i]
	name := s.Config
	if s.Baseline {
		name += " *"
	}
	total := thousands(s.Params.Total)
	if s.ParamsVary {
		total = "~" + total
	}
	return []string{
		name, seedsCell(s), accCell(s.TestAcc), rangeCell(s.TestAcc), meanCell(s.BestAcc, pct),
		meanCell(s.TestLoss, lossString), deltaCell(c, i),
		thousands(s.Params.Classical), thousands(s.Params.Quantum), total,
		meanCell(s.EpochSeconds, seconds),
	}
}

// provenanceHeader and provenanceRow are the columns of the provenance
// tables.
func provenanceHeader() []string {
	return []string{"version", "commit", "Go", "OS", "CPU", "threads", "runs"}
}

// provenanceTextCols is the number of leading text columns (left-aligned).
const provenanceTextCols = 5

func provenanceRow(p ProvenanceCount) []string {
	return []string{
		orUnknown(p.Version), orUnknown(p.Commit), orUnknown(p.GoVersion), orUnknown(p.OS),
		orUnknown(p.CPU), fmt.Sprint(p.Threads), fmt.Sprint(p.Runs),
	}
}

// notation explains the tables, for Markdown and HTML alike.
func notation() []string {
	return []string{
		"\\* marks the classical baseline of each model and dataset.",
		"test acc: final test accuracy, mean ± sample standard deviation over seeds (— with a single seed); min–max over seeds.",
		"best: each run's highest test accuracy over its epochs, averaged over seeds.",
		"Δ vs classical: difference of mean final accuracies in percentage points; ± is the standard error of the difference, √(s²/n + s₀²/n₀), shown when both sides have two seeds or more.",
		"seeds: finished runs, + unfinished ones; unfinished runs appear in the curves and the time per epoch only.",
		"s/epoch: mean wall time per epoch (training and evaluation).",
	}
}

// markdown renders report.md for sections whose SVGs lie beside it.
func (r *Results) markdown(secs []section) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(r.title()))
	b.WriteString(r.sourcesText(func(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }) + "\n")
	for _, sec := range secs {
		c := &sec.Comparison
		fmt.Fprintf(&b, "\n## %s on %s\n\n", mdEscape(c.Model), mdEscape(c.Dataset))
		fmt.Fprintf(&b, "%s.", upperFirst(countsText(c)))
		if c.Baseline >= 0 {
			fmt.Fprintf(&b, " Baseline: **%s** (classical).", mdEscape(c.Configs[c.Baseline].Config))
		}
		b.WriteString("\n\n")
		rows := make([][]string, len(c.Configs))
		for i := range c.Configs {
			rows[i] = summaryRow(c, i)
		}
		mdTable(&b, summaryHeader(), rows, 1)
		for _, w := range c.Warnings {
			fmt.Fprintf(&b, "\n> **Warning:** %s\n", mdEscape(w))
		}
		if len(c.Unfinished) > 0 {
			b.WriteString("\nUnfinished runs (in the curves and times, not in final accuracy):\n\n")
			for _, u := range c.Unfinished {
				fmt.Fprintf(&b, "- %s\n", mdEscape(unfinishedText(u)))
			}
		}
		b.WriteString("\n")
		for _, f := range sec.Figures {
			fmt.Fprintf(&b, "![%s](%s)\n\n", mdEscape(f.Title), f.File)
		}
		b.WriteString("### Provenance\n\n")
		prov := make([][]string, len(c.Provenance))
		for i, p := range c.Provenance {
			prov[i] = provenanceRow(p)
		}
		mdTable(&b, provenanceHeader(), prov, provenanceTextCols)
	}
	b.WriteString("\n---\n\n")
	for _, n := range notation() {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	return b.Bytes()
}

// mdTable writes a GitHub table; the first leftCols columns are
// left-aligned, the others right-aligned.
func mdTable(b *bytes.Buffer, header []string, rows [][]string, leftCols int) {
	row := func(cells []string, escape bool) {
		b.WriteString("|")
		for _, c := range cells {
			if escape {
				c = mdEscape(c)
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	row(header, false)
	b.WriteString("|")
	for i := range header {
		if i < leftCols {
			b.WriteString(" :--- |")
		} else {
			b.WriteString(" ---: |")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		row(r, true)
	}
}

// mdEscape escapes the characters Markdown would interpret in names.
func mdEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune("\\`*_[]<>|#", c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
