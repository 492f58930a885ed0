package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// TableWidth is the most columns a line of the terminal table takes;
// configuration names are shortened with "…" to fit.
const TableWidth = 100

// maxUnfinishedLines bounds the unfinished runs listed per comparison in
// the terminal table; the Markdown and HTML reports list them all.
const maxUnfinishedLines = 5

// textTable aligns cells in columns padded with spaces.
type textTable struct {
	header []string
	right  []bool // right-align column i
	rows   [][]string
}

// widths returns the width of every column.
func (t *textTable) widths() []int {
	w := make([]int, len(t.header))
	for i, h := range t.header {
		w[i] = width(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			w[i] = max(w[i], width(c))
		}
	}
	return w
}

// write prints the table with two spaces between columns, shortening
// column 0 so that a line takes at most maxWidth columns.
func (t *textTable) write(b *bufio.Writer, maxWidth int) {
	// Only the first column (configuration names) gives way: numbers are
	// never cut.
	w := t.widths()
	total := 2 * (len(w) - 1)
	for _, x := range w {
		total += x
	}
	if over := total - maxWidth; over > 0 {
		w[0] = max(w[0]-over, width(t.header[0]), 8)
	}
	line := func(cells []string) {
		var sb strings.Builder
		for i, c := range cells {
			if i > 0 {
				sb.WriteString("  ")
			}
			c = truncate(c, w[i])
			pad := strings.Repeat(" ", w[i]-width(c))
			if t.right[i] {
				sb.WriteString(pad + c)
			} else {
				sb.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(sb.String(), " "))
		b.WriteByte('\n')
	}
	line(t.header)
	for _, r := range t.rows {
		line(r)
	}
}

// WriteTable writes the comparisons as aligned plain text, one block per
// model and dataset, at most TableWidth columns wide.
func (r *Results) WriteTable(w io.Writer) error {
	b := bufio.NewWriter(w)
	for k, c := range r.Comparisons() {
		if k > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(heading(&c) + "\n")
		t := textTable{
			header: []string{"config", "seeds", "test acc %", "best %", "Δ vs classical", "params (quantum)", "s/epoch"},
			right:  []bool{false, true, true, true, true, true, true},
		}
		for i := range c.Configs {
			s := &c.Configs[i]
			name := s.Config
			if s.Baseline {
				name += " *"
			}
			params := fmt.Sprintf("%s (%s)", thousands(s.Params.Total), thousands(s.Params.Quantum))
			if s.ParamsVary {
				params = "~" + params
			}
			t.rows = append(t.rows, []string{
				name,
				seedsCell(s),
				accCell(s.TestAcc),
				meanCell(s.BestAcc, pct),
				deltaCell(&c, i),
				params,
				meanCell(s.EpochSeconds, seconds),
			})
		}
		t.write(b, TableWidth)
		for i, u := range c.Unfinished {
			if i == maxUnfinishedLines {
				fmt.Fprintf(b, "unfinished: %d more\n", len(c.Unfinished)-i)
				break
			}
			b.WriteString("unfinished: " + unfinishedText(u) + "\n")
		}
		for _, wn := range c.Warnings {
			for _, l := range wrap("warning: "+wn, TableWidth, "  ") {
				b.WriteString(l + "\n")
			}
		}
	}
	b.WriteString("\n" + legend + "\n")
	if r.Duplicates > 0 {
		fmt.Fprintf(b, "%s dropped.\n", plural(r.Duplicates, "identical duplicate line"))
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("report: writing the table: %w", err)
	}
	return nil
}

// legend explains the table's notation.
const legend = "* classical baseline. test acc: final, mean ± sample std over seeds " +
	"(— with one seed);\nΔ: percentage points, ± standard error of the difference; " +
	"seeds: finished runs (+ unfinished)."

// seedsCell is the number of finished runs, with unfinished ones after a
// plus sign.
func seedsCell(s *Summary) string {
	if s.Unfinished > 0 {
		return fmt.Sprintf("%d+%d", s.Seeds(), s.Unfinished)
	}
	return fmt.Sprint(s.Seeds())
}
