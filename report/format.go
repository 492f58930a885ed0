package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	dash  = "—"      // a missing value
	minus = "\u2212" // typographic minus for signed differences
)

// pct formats a fraction as a percentage with two decimals.
func pct(x float64) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	if math.IsInf(x, 0) {
		return signed(x, 0)
	}
	return strconv.FormatFloat(100*x, 'f', 2, 64)
}

// accCell formats a Stat of accuracies as "mean ± std" in percent.
func accCell(s Stat) string {
	switch {
	case s.N == 0:
		return dash
	case math.IsNaN(s.Mean):
		return "NaN"
	case s.N == 1:
		return pct(s.Mean) + " ± " + dash
	}
	return pct(s.Mean) + " ± " + pct(s.Std)
}

// meanCell formats the mean of a Stat with f, "—" when there is no data.
func meanCell(s Stat, f func(float64) string) string {
	if s.N == 0 {
		return dash
	}
	return f(s.Mean)
}

// rangeCell formats min–max of accuracies in percent.
func rangeCell(s Stat) string {
	if s.N == 0 {
		return dash
	}
	if math.IsNaN(s.Min) {
		return "NaN"
	}
	return pct(s.Min) + "–" + pct(s.Max)
}

// deltaCell formats the difference of configuration i of c to the
// baseline in percentage points: "—" for the baseline itself or where one
// side has no finished run, "NaN" where a mean is NaN.
func deltaCell(c *Comparison, i int) string {
	s := &c.Configs[i]
	if c.Baseline < 0 || i == c.Baseline || s.TestAcc.N == 0 || c.Configs[c.Baseline].TestAcc.N == 0 {
		return dash
	}
	if math.IsNaN(s.Delta) {
		return "NaN"
	}
	out := signed(100*s.Delta, 2)
	if !math.IsNaN(s.DeltaErr) {
		out += " ± " + strconv.FormatFloat(100*s.DeltaErr, 'f', 2, 64)
	}
	return out + " pp"
}

// signed formats x with an explicit sign (typographic minus) and prec
// decimals; a value that rounds to zero has no sign.
func signed(x float64, prec int) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	if math.IsInf(x, 1) {
		return "+Inf"
	}
	if math.IsInf(x, -1) {
		return minus + "Inf"
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', prec, 64)
	if strings.Trim(s, "0.") == "" {
		return s
	}
	if x < 0 {
		return minus + s
	}
	return "+" + s
}

// lossString formats a loss with four decimals.
func lossString(x float64) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

// seconds formats a duration in seconds with about three significant
// digits.
func seconds(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case x >= 1:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// thousands formats n with comma separators: 130394 → "130,394".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return minus + b.String()
	}
	return b.String()
}

// plural formats a count with a noun: "1 seed", "3 seeds".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// epochsText formats planned epochs of a comparison: "10 epochs" or
// "5–10 epochs".
func epochsText(c *Comparison) string {
	if c.MinEpochs == c.MaxEpochs {
		return plural(c.MaxEpochs, "epoch")
	}
	return fmt.Sprintf("%d–%d epochs", c.MinEpochs, c.MaxEpochs)
}

// heading is the one-line description of a comparison.
func heading(c *Comparison) string {
	return fmt.Sprintf("%s on %s (%s)", c.Model, c.Dataset, countsText(c))
}

// countsText counts configurations, seeds, epochs and unfinished runs.
func countsText(c *Comparison) string {
	s := fmt.Sprintf("%s, %s, %s", plural(len(c.Configs), "config"), plural(c.Seeds, "seed"), epochsText(c))
	if n := len(c.Unfinished); n > 0 {
		s += ", " + plural(n, "unfinished run")
	}
	return s
}

// lastEpoch is the highest epoch a run recorded.
func lastEpoch(r *Run) int {
	if len(r.History) == 0 {
		return 0
	}
	return r.History[len(r.History)-1].Epoch
}

// unfinishedText describes an unfinished run.
func unfinishedText(r *Run) string {
	return fmt.Sprintf("%s seed %d stopped after epoch %d of %d", r.Config, r.Seed, lastEpoch(r), r.Epochs)
}

// width is the display width of s in a monospaced terminal, counting
// runes (every character the reports use is one column wide).
func width(s string) int { return utf8.RuneCountInString(s) }

// truncate shortens s to at most w columns, ending in "…".
func truncate(s string, w int) string {
	if width(s) <= w {
		return s
	}
	r := []rune(s)
	return string(r[:w-1]) + "…"
}

// wrap breaks text into lines of at most w columns at spaces; lines after
// the first start with indent. A word longer than a line stands alone.
func wrap(text string, w int, indent string) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		switch {
		case cur == "":
			cur = word
		case width(cur)+1+width(word) <= w:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = indent + word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
