package main

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// TestChart checks that the chart is well-formed XML with one panel per group, a bar per library
// proportional to its median, and the floor line where the floor's bar ends.
func TestChart(t *testing.T) {
	in := `BenchmarkBuild/lib=sesraw-2 	 100	 50000 ns/op
BenchmarkBuild/lib=sesraw-2 	 100	 70000 ns/op
BenchmarkBuild/lib=sesraw-2 	 100	 60000 ns/op
BenchmarkBuild/lib=gomail-2 	 100	 120000 ns/op
BenchmarkBuild/lib=floor-encode-2 	 100	 80000 ns/op
BenchmarkXSESRead/lib=sesraw-2 	 100	 400 ns/op
BenchmarkXSESRead/lib=go-message-2 	 100	 4000 ns/op
`
	rs, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	svg := chart(rs)
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	var rects, lines []string
	var widths []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "rect":
				rects = append(rects, se.Name.Local)
				for _, a := range se.Attr {
					if a.Name.Local == "width" && a.Value != "100%" {
						widths = append(widths, a.Value)
					}
				}
			case "line":
				lines = append(lines, se.Name.Local)
			}
		}
	}
	// 5 bars (+ the background), one floor line (XSESRead has no floor).
	if len(rects) != 6 || len(lines) != 1 {
		t.Fatalf("%d rects, %d lines; want 6 and 1:\n%s", len(rects), len(lines), svg)
	}
	// Build: median 60000 of max 120000 is half the longest bar (530 px).
	if widths[0] != "265.0" || widths[1] != "530.0" || widths[2] != "353.3" {
		t.Fatalf("bar widths %v, want 265.0 530.0 353.3", widths[:3])
	}
	for _, want := range []string{"60 µs", "120 µs", "80 µs", "400 ns", "4 µs", "Build", "XSESRead"} {
		if !strings.Contains(string(svg), ">"+want+"<") {
			t.Errorf("chart lacks %q", want)
		}
	}
	if !strings.Contains(string(svg), `x1="543.3"`) {
		t.Errorf("floor line not at the floor bar's end (190 + 353.3):\n%s", svg)
	}
}
