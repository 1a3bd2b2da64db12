package main

import (
	"bytes"
	"fmt"
	"html"
	"strings"
)

// chart draws one panel per benchmark group, in the order of the results: a horizontal bar per
// library with its median time per operation, sesraw's bar highlighted, the floor's bar grey and
// its time marked by a dashed line across the panel so every bar reads against it. Each panel has
// its own linear scale (the groups differ by orders of magnitude).
func chart(rs []result) []byte {
	const (
		width  = 820
		labelW = 190 // library names
		valueW = 90  // the time printed after each bar
		rowH   = 18
		titleH = 26
		gap    = 14
	)
	barMax := float64(width - labelW - valueW - 10)
	var groups []string
	rows := map[string][]result{}
	for _, r := range rs {
		if len(r.s.ns) == 0 {
			continue
		}
		if _, ok := rows[r.group]; !ok {
			groups = append(groups, r.group)
		}
		rows[r.group] = append(rows[r.group], r)
	}
	height := 40
	for _, g := range groups {
		height += titleH + len(rows[g])*rowH + gap
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="22" font-size="15" font-weight="bold">Median time per operation (shorter is faster); dashed line: the floor</text>`+"\n")
	y := 40
	for _, g := range groups {
		rr := rows[g]
		maxNS, floorNS := 0.0, 0.0
		for _, r := range rr {
			ns := median(r.s.ns)
			maxNS = max(maxNS, ns)
			if strings.HasPrefix(r.lib, "floor") && floorNS == 0 {
				floorNS = ns
			}
		}
		fmt.Fprintf(&b, `<text x="10" y="%d" font-weight="bold">%s</text>`+"\n", y+17, html.EscapeString(g))
		top := y + titleH
		for i, r := range rr {
			ns := median(r.s.ns)
			ry := top + i*rowH
			fill := "#7a9cc6"
			switch {
			case r.lib == "sesraw" || strings.HasPrefix(r.lib, "sesraw-"):
				fill = "#d9534f"
			case strings.HasPrefix(r.lib, "floor"):
				fill = "#aaaaaa"
			}
			w := ns / maxNS * barMax
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelW-6, ry+13, html.EscapeString(r.lib))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", labelW, ry+3, max(w, 1), rowH-5, fill)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(labelW)+max(w, 1)+4, ry+13, duration(ns))
		}
		if floorNS > 0 {
			x := float64(labelW) + floorNS/maxNS*barMax
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-dasharray="4,3"/>`+"\n", x, top, x, top+len(rr)*rowH)
		}
		y = top + len(rr)*rowH + gap
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// duration formats nanoseconds with a unit that keeps three significant digits.
func duration(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	}
	return fmt.Sprintf("%.3g ns", ns)
}
