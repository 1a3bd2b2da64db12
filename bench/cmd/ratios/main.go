// Command ratios reads raw `go test -bench` output of the bench package (any -count) and prints,
// as Markdown, the median of every benchmark, each library's ratio to sesraw and to the floor of its
// group, and every target of issues 7 and 16 with PASS or FAIL and by how much, from the medians
// of the run; then the paired benchmarks' ratios (thread CPU time, the operations compared run in
// turn inside every iteration: robust on a shared machine) with the same targets. With -svg it also writes
// a chart: one panel per benchmark, a bar per library (median time per operation), the floor's
// bar drawn apart and its time marked by a dashed line across the panel.
//
// Usage (from bench/): go run ./cmd/ratios [-svg results/chart.svg] results/new.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

type sample struct{ ns, bytes, allocs, mbs, cpu []float64 }

type result struct {
	group, lib string // "Build", "sesraw"; "BuildSign/key=ed25519", "floor"
	s          *sample
}

func main() {
	svgPath := flag.String("svg", "", "also write an SVG chart of the medians to this file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: ratios [-svg chart.svg] results.txt")
		os.Exit(2)
	}
	raw, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	results, err := parse(strings.NewReader(string(raw)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	report(os.Stdout, results)
	reportPaired(os.Stdout, parsePaired(strings.NewReader(string(raw))))
	if *svgPath != "" {
		if err := os.WriteFile(*svgPath, chart(results), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// parse collects every sample of every benchmark, in order of first appearance.
func parse(r io.Reader) ([]result, error) {
	var out []result
	index := map[string]int{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(fields[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 && isDigits(name[i+1:]) {
			name = name[:i] // GOMAXPROCS suffix
		}
		i := strings.LastIndex(name, "/lib=")
		if i < 0 {
			continue
		}
		k, ok := index[name]
		if !ok {
			k = len(out)
			index[name] = k
			out = append(out, result{group: name[:i], lib: name[i+len("/lib="):], s: &sample{}})
		}
		s := out[k].s
		for j := 2; j+1 < len(fields); j += 2 {
			v, err := strconv.ParseFloat(fields[j], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", fields[0], err)
			}
			switch fields[j+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "B/op":
				s.bytes = append(s.bytes, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			case "MB/s":
				s.mbs = append(s.mbs, v)
			case "cpu-ns/op":
				s.cpu = append(s.cpu, v)
			}
		}
	}
	return out, sc.Err()
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	} else {
		return (v[n/2-1] + v[n/2]) / 2
	}
}

func find(rs []result, group, lib string) *sample {
	for _, r := range rs {
		if r.group == group && r.lib == lib {
			return r.s
		}
	}
	return nil
}

func report(w io.Writer, rs []result) {
	fmt.Fprintln(w, "| benchmark | library | runs | median ns/op | MB/s | B/op | allocs/op | time / sesraw | time / floor |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		ses := find(rs, r.group, "sesraw")
		var floor *sample
		for _, o := range rs {
			if o.group == r.group && strings.HasPrefix(o.lib, "floor") {
				floor = o.s
				break
			}
		}
		ns := median(r.s.ns)
		fmt.Fprintf(w, "| %s | %s | %d | %s | %.0f | %s | %s | %s | %s |\n", r.group, r.lib, len(r.s.ns),
			num(ns), median(r.s.mbs), num(median(r.s.bytes)), num(median(r.s.allocs)),
			ratio(ns, ses), ratio(ns, floor))
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | measured | verdict |")
	fmt.Fprintln(w, "|---|---|---|")
	peers := []string{"go-mail", "go-message", "gomail", "jordan-wright"}
	if s := find(rs, "Build", "sesraw"); s != nil {
		ns := median(s.ns)
		best, bestName := 0.0, ""
		for _, p := range peers {
			if ps := find(rs, "Build", p); ps != nil && (best == 0 || median(ps.ns) < best) {
				best, bestName = median(ps.ns), p
			}
		}
		if best > 0 {
			target(w, "Build ≤ 0.5× the fastest peer's time", ns/best, 0.5, true,
				fmt.Sprintf("%.2f× %s (%s vs %s ns/op)", ns/best, bestName, num(ns), num(best)))
		}
		a := median(s.allocs)
		target(w, "Build ≤ 10 allocs per message", a, 10, true, num(a)+" allocs/op")
		if fl := find(rs, "Build", "floor-encode"); fl != nil {
			target(w, "Build ≤ 0.8× the encoding floor", ns/median(fl.ns), 0.8, true,
				fmt.Sprintf("%.2f× (%s vs %s ns/op)", ns/median(fl.ns), num(ns), num(median(fl.ns))))
		}
		if sg, fl := find(rs, "BuildSign/key=ed25519", "sesraw"), find(rs, "BuildSign/key=ed25519", "floor"); sg != nil && fl != nil {
			base := ns + median(fl.ns)
			target(w, "Build+Sign ed25519 ≤ 1.1× (Build + SHA-256 of the message + one signature)", median(sg.ns)/base, 1.1, true,
				fmt.Sprintf("%.2f× (%s vs %s + %s ns/op)", median(sg.ns)/base, num(median(sg.ns)), num(ns), num(median(fl.ns))))
		}
	}
	for _, body := range []string{"text", "html", "latin1-1MiB"} {
		g := "QP/body=" + body
		if s, fl := find(rs, g, "sesraw"), find(rs, g, "floor-stdlib"); s != nil && fl != nil {
			r := median(fl.ns) / median(s.ns)
			target(w, "quoted-printable ("+body+", NewTree+WriteBody) ≥ 3× mime/quotedprintable", r, 3, false,
				fmt.Sprintf("%.2f× (%s vs %s ns/op)", r, num(median(s.ns)), num(median(fl.ns))))
		}
	}
	if s, fl := find(rs, "Base64", "sesraw"), find(rs, "Base64", "floor-stdlib"); s != nil && fl != nil {
		r := median(fl.ns) / median(s.ns)
		target(w, "base64 100 KiB (NewTree+WriteBody) ≥ 1.3× encoding/base64 + CRLF", r, 1.3, false,
			fmt.Sprintf("%.2f× (%s vs %s ns/op)", r, num(median(s.ns)), num(median(fl.ns))))
	}
	for _, g := range []string{"BuildParallel", "BuildSignParallel"} {
		one, two := find(rs, g+"/procs=1", "sesraw"), find(rs, g+"/procs=2", "sesraw")
		if one != nil && two != nil {
			r := median(one.ns) / median(two.ns)
			target(w, g+": throughput on 2 cores ≥ 1.8× one", r, 1.8, false,
				fmt.Sprintf("%.2f× (%s ns/op on one core, %s on two)", r, num(median(one.ns)), num(median(two.ns))))
			if len(one.cpu) > 0 && len(two.cpu) > 0 {
				c := median(two.cpu) / median(one.cpu)
				target(w, g+": process CPU time per message on 2 cores / on one (no target; 1 when nothing serialises)", c, 0, true,
					fmt.Sprintf("%.2f (%s vs %s cpu-ns/op)", c, num(median(two.cpu)), num(median(one.cpu))))
			}
		}
	}
	for _, key := range []string{"ed25519", "rsa2048"} {
		g := "BuildSign/key=" + key
		s, p := find(rs, g, "sesraw"), find(rs, g, "go-message+msgauth")
		if s == nil || p == nil {
			continue
		}
		sp := median(p.ns) / median(s.ns)
		min := 4.0
		name := "Build + sign " + key + " ≥ 4× faster than go-message + go-msgauth"
		if key != "ed25519" {
			min = 0
			name = "Build + sign " + key + " vs go-message + go-msgauth (no target)"
		}
		target(w, name, sp, min, false, fmt.Sprintf("%.2f× faster (%s vs %s ns/op)", sp, num(median(s.ns)), num(median(p.ns))))
	}
	if s, p := find(rs, "XSESRead", "sesraw"), find(rs, "XSESRead", "go-message"); s != nil && p != nil {
		sp := median(p.ns) / median(s.ns)
		target(w, "X-SES read ≥ 10× faster than go-message", sp, 10, false,
			fmt.Sprintf("%.1f× faster (%s vs %s ns/op)", sp, num(median(s.ns)), num(median(p.ns))))
		a := median(s.allocs)
		target(w, "X-SES read with zero allocs", a, 0, true, num(a)+" allocs/op")
	}
	if s, p := find(rs, "XSESRemove", "sesraw"), find(rs, "XSESRemove", "go-message"); s != nil && p != nil {
		sp := median(p.ns) / median(s.ns)
		extra := ""
		if fl := find(rs, "XSESRemove", "floor-copy"); fl != nil {
			extra = fmt.Sprintf("; copy floor %s ns/op, so sesraw spends %s ns over it, go-message %s",
				num(median(fl.ns)), num(median(s.ns)-median(fl.ns)), num(median(p.ns)-median(fl.ns)))
		}
		target(w, "X-SES remove ≥ 5× faster than go-message", sp, 5, false,
			fmt.Sprintf("%.1f× faster (%s vs %s ns/op%s)", sp, num(median(s.ns)), num(median(p.ns)), extra))
	}
	if s, fl := find(rs, "BuildLarge", "sesraw"), find(rs, "BuildLarge", "floor-base64"); s != nil && fl != nil {
		r := median(fl.ns) / median(s.ns)
		target(w, "10 MiB build throughput ≥ 80% of plain base64", r, 0.8, false,
			fmt.Sprintf("%.0f%% (%s vs %s ns/op; %.0f vs %.0f MB/s of own output)", 100*r,
				num(median(s.ns)), num(median(fl.ns)), median(s.mbs), median(fl.mbs)))
	}
}

// paired maps a paired benchmark ("BuildSignPaired", "QPPaired/body=text") to its metrics
// ("sign/floor") and their samples.
type paired map[string]map[string][]float64

// parsePaired collects the custom metrics of the *Paired benchmarks.
func parsePaired(r io.Reader) paired {
	out := paired{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(fields[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 && isDigits(name[i+1:]) {
			name = name[:i]
		}
		if !strings.Contains(strings.SplitN(name, "/", 2)[0], "Paired") {
			continue
		}
		for j := 2; j+1 < len(fields); j += 2 {
			unit := fields[j+1]
			if !strings.Contains(unit, "/") || strings.HasSuffix(unit, "/op") || unit == "MB/s" {
				continue
			}
			v, err := strconv.ParseFloat(fields[j], 64)
			if err != nil {
				continue
			}
			if out[name] == nil {
				out[name] = map[string][]float64{}
			}
			out[name][unit] = append(out[name][unit], v)
		}
	}
	return out
}

// reportPaired prints the targets again from the paired benchmarks' ratios (medians of the runs).
func reportPaired(w io.Writer, p paired) {
	if len(p) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Paired benchmarks (thread CPU time, operations alternating in every iteration; medians of the runs):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target (paired) | measured | verdict |")
	fmt.Fprintln(w, "|---|---|---|")
	row := func(bench, unit, name string, limit float64, atMost bool, what string) {
		v := p[bench][unit]
		if len(v) == 0 {
			return
		}
		m := median(v)
		target(w, name, m, limit, atMost, fmt.Sprintf("%.2f %s (%d runs, %.2f–%.2f)", m, what, len(v), slices.Min(v), slices.Max(v)))
	}
	row("BuildSignPaired", "sign/floor", "Build+Sign ed25519 ≤ 1.1× (Build + SHA-256 of the message + one signature)", 1.1, true, "× the floor")
	for _, body := range []string{"text", "html", "latin1-1MiB"} {
		row("QPPaired/body="+body, "std/sesraw", "quoted-printable ("+body+", NewTree+WriteBody) ≥ 3× mime/quotedprintable", 3, false, "× faster")
	}
	row("Base64Paired", "std/sesraw", "base64 100 KiB (NewTree+WriteBody) ≥ 1.3× encoding/base64 + CRLF", 1.3, false, "× faster")
	row("BodyHashPaired", "hash/sha256", "relaxed DKIM body hash / SHA-256 of the same bytes (no target)", 0, true, "×")
}

// target prints one row; atMost says whether the measured value must be <= limit (else >=). A
// limit of 0 with atMost false, or with atMost and a name saying so, is a figure without a target.
func target(w io.Writer, name string, v, limit float64, atMost bool, measured string) {
	verdict := "PASS"
	switch {
	case atMost && limit == 0 && strings.Contains(name, "no target"):
		verdict = "-"
	case atMost && v > limit:
		if limit == 0 {
			verdict = fmt.Sprintf("**FAIL** (%.4g over)", v)
		} else {
			verdict = fmt.Sprintf("**FAIL** by %.0f%% (%.3g vs ≤ %.3g)", 100*(v/limit-1), v, limit)
		}
	case !atMost && v < limit:
		verdict = fmt.Sprintf("**FAIL** by %.0f%% (%.3g vs ≥ %.3g)", 100*(1-v/limit), v, limit)
	case !atMost && limit == 0:
		verdict = "-"
	}
	fmt.Fprintf(w, "| %s | %s | %s |\n", name, measured, verdict)
}

func ratio(v float64, base *sample) string {
	if base == nil || len(base.ns) == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f×", v/median(base.ns))
}

func num(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
