package history

import (
	"fmt"
	"html"
	"strings"
)

// The chart's geometry, in pixels.
const (
	cellW   = 64
	cellH   = 26
	labelW  = 210
	topH    = 44
	bottomH = 58
)

// SVG returns the chart HISTORY.md embeds: one row per item of the current run, one
// column per run (oldest left), each cell coloured by the item's pass rate in that run
// (green 100 %, amber partly, red 0 %, grey when none of its bullets ran) with the
// rate written in it. Plain SVG: no script, no external font or style.
func (h *History) SVG() []byte {
	items := h.Current().Items
	w := labelW + cellW*len(h.Runs) + 16
	ht := topH + cellH*len(items) + bottomH
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, ht, w, ht)
	fmt.Fprintf(&sb, `<title>Pass rate per item per run, %s target</title>`+"\n", esc(orUnknown(h.Target)))
	fmt.Fprintf(&sb, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", w, ht)
	fmt.Fprintf(&sb, `<text x="8" y="20" font-size="14" font-weight="bold">Pass rate per item per run (%s target, oldest left)</text>`+"\n", esc(orUnknown(h.Target)))
	for i, it := range items {
		y := topH + i*cellH
		fmt.Fprintf(&sb, `<text x="8" y="%d">%s</text>`+"\n", y+cellH/2+4, esc(it.ID))
		for j, r := range h.Runs {
			x := labelW + j*cellW
			rate := PassRate(r, it.ID)
			fill, ink, txt := colour(rate)
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ffffff" stroke-width="2"><title>%s · %s: %s</title></rect>`+"\n",
				x, y, cellW, cellH, fill, esc(it.ID), esc(label(r)), esc(rateText(rate)))
			fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", x+cellW/2, y+cellH/2+4, ink, esc(txt))
		}
	}
	base := topH + cellH*len(items)
	for j, r := range h.Runs {
		x := labelW + j*cellW + cellW/2
		date, commit := "undated", orUnknown(r.HarnessCommit)
		if !r.Started.IsZero() {
			date = r.Started.Format("01-02")
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x, base+16, esc(date))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" fill="#57606a" font-size="10">%s</text>`+"\n", x, base+30, esc(shortCommit(commit)))
	}
	fmt.Fprintf(&sb, `<text x="8" y="%d" fill="#57606a" font-size="10">green: every bullet passed · amber: some did · red: none did · grey: not run</text>`+"\n", base+50)
	sb.WriteString("</svg>\n")
	return []byte(sb.String())
}

// colour returns the fill, the text colour and the text of a cell.
func colour(rate int) (fill, ink, txt string) {
	switch {
	case rate < 0:
		return "#d0d7de", "#24292f", "—"
	case rate == 100:
		return "#2da44e", "#ffffff", "100%"
	case rate == 0:
		return "#cf222e", "#ffffff", "0%"
	case rate >= 50:
		return "#d4a72c", "#24292f", fmt.Sprintf("%d%%", rate)
	default:
		return "#e16f24", "#ffffff", fmt.Sprintf("%d%%", rate)
	}
}

func rateText(rate int) string {
	if rate < 0 {
		return "not run"
	}
	return fmt.Sprintf("%d%% of its bullets passed", rate)
}

// shortCommit keeps a column narrow: "abc1234+dirty" → "abc1234+".
func shortCommit(c string) string {
	if i := strings.Index(c, "+"); i >= 0 {
		return c[:i+1]
	}
	if len(c) > 9 {
		return c[:9]
	}
	return c
}

func esc(s string) string { return html.EscapeString(s) }
