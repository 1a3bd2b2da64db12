package main

import (
	"strings"
	"testing"
)

// TestReport checks that every issue 16 target gets a row with its verdict, from the medians and
// from the paired benchmarks.
func TestReport(t *testing.T) {
	in := `BenchmarkBuild/lib=sesraw-2 	 100	 40000 ns/op	 1 MB/s	 100 B/op	 10 allocs/op
BenchmarkBuild/lib=gomail-2 	 100	 100000 ns/op
BenchmarkBuild/lib=floor-encode-2 	 100	 60000 ns/op
BenchmarkBuildSign/key=ed25519/lib=sesraw-2 	 100	 150000 ns/op
BenchmarkBuildSign/key=ed25519/lib=floor-2 	 100	 100000 ns/op
BenchmarkXSESRead/lib=sesraw-2 	 100	 400 ns/op	 0 B/op	 0 allocs/op
BenchmarkXSESRead/lib=go-message-2 	 100	 4000 ns/op
BenchmarkQP/body=text/lib=sesraw-2 	 100	 1000 ns/op
BenchmarkQP/body=text/lib=floor-stdlib-2 	 100	 2000 ns/op
BenchmarkBase64/lib=sesraw-2 	 100	 1000 ns/op
BenchmarkBase64/lib=floor-stdlib-2 	 100	 2000 ns/op
BenchmarkBuildParallel/procs=1/lib=sesraw-2 	 100	 1000 ns/op
BenchmarkBuildParallel/procs=2/lib=sesraw-2 	 100	 520 ns/op
BenchmarkBuildSignPaired-2 	 10	 7000000 ns/op	 1.05 sign/floor	 1.2 signpart/floor
BenchmarkBuildSignPaired-2 	 10	 7000000 ns/op	 1.15 sign/floor	 1.2 signpart/floor
BenchmarkBuildSignPaired-2 	 10	 7000000 ns/op	 1.08 sign/floor	 1.2 signpart/floor
BenchmarkQPPaired/body=text-2 	 10	 7000000 ns/op	 2.5 std/sesraw
`
	rs, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	report(&sb, rs)
	reportPaired(&sb, parsePaired(strings.NewReader(in)))
	out := sb.String()
	for _, want := range []string{
		"| Build ≤ 0.5× the fastest peer's time | 0.40× gomail (40000 vs 100000 ns/op) | PASS |",
		"| Build ≤ 10 allocs per message | 10.0 allocs/op | PASS |",
		"| Build ≤ 0.8× the encoding floor | 0.67× (40000 vs 60000 ns/op) | PASS |",
		"| Build+Sign ed25519 ≤ 1.1× (Build + SHA-256 of the message + one signature) | 1.07× (150000 vs 40000 + 100000 ns/op) | PASS |",
		"| quoted-printable (text, NewTree+WriteBody) ≥ 3× mime/quotedprintable | 2.00× (1000 vs 2000 ns/op) | **FAIL** by 33% (2 vs ≥ 3) |",
		"| base64 100 KiB (NewTree+WriteBody) ≥ 1.3× encoding/base64 + CRLF | 2.00× (1000 vs 2000 ns/op) | PASS |",
		"| BuildParallel: throughput on 2 cores ≥ 1.8× one | 1.92× (1000 ns/op on one core, 520 on two) | PASS |",
		"| X-SES read ≥ 10× faster than go-message | 10.0× faster (400 vs 4000 ns/op) | PASS |",
		"| X-SES read with zero allocs | 0 allocs/op | PASS |",
		"| Build+Sign ed25519 ≤ 1.1× (Build + SHA-256 of the message + one signature) | 1.08 × the floor (3 runs, 1.05–1.15) | PASS |",
		"| quoted-printable (text, NewTree+WriteBody) ≥ 3× mime/quotedprintable | 2.50 × faster (1 runs, 2.50–2.50) | **FAIL** by 17% (2.5 vs ≥ 3) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
