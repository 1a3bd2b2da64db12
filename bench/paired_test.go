package bench

import (
	"bytes"
	"crypto/sha256"
	"runtime"
	"testing"
	"time"
)

// Paired benchmarks: the operations compared run one after the other inside every iteration, on
// one locked OS thread, and their thread CPU times are compared. On a shared machine this is far
// steadier than comparing medians of benchmarks run minutes apart: time spent waiting for a core
// does not count, and every load change hits all of them alike. They report ratios only (the ns/op
// is the sum of everything); the published medians come from the other benchmarks.

// pairedCPU runs each of ops rounds times per iteration, in turn, and returns their total thread
// CPU times.
func pairedCPU(b *testing.B, rounds int, ops ...func()) []time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	total := make([]time.Duration, len(ops))
	for b.Loop() {
		for k, op := range ops {
			t0 := threadCPU()
			for range rounds {
				op()
			}
			total[k] += threadCPU() - t0
		}
	}
	return total
}

func mustBuild(b *testing.B, l lib) func() {
	buf, err := l.build(nil)
	if err != nil {
		b.Fatal(err)
	}
	return func() {
		if buf, err = l.build(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildSignPaired: Build+Sign (ed25519) against its floor, Build + SHA-256 of the whole
// message + one signature (SignFloor), as the issue 16 target states it; "sign/floor" is
// time(Build+Sign) / (time(Build) + time(SignFloor)), the target being at most 1.1.
func BenchmarkBuildSignPaired(b *testing.B) {
	ed, _ := mustKeys(b)
	msg := refMessage(b, small)
	build := mustBuild(b, sesrawLibs(small)[0])
	sign := mustBuild(b, sesrawSignLibs(b, small, ed)[0])
	floor := func() {
		if _, err := SignFloor(ed.Signer, msg); err != nil {
			b.Fatal(err)
		}
	}
	t := pairedCPU(b, 4, build, floor, sign)
	b.ReportMetric(float64(t[2])/float64(t[0]+t[1]), "sign/floor")
	b.ReportMetric(float64(t[2]-t[0])/float64(t[1]), "signpart/floor")
}

// BenchmarkQPPaired: quoted-printable through multipart's public path (NewTree + WriteBody, as
// BenchmarkQP) against mime/quotedprintable; "std/sesraw" above 1 means sesraw is faster (the
// target is at least 3).
func BenchmarkQPPaired(b *testing.B) {
	for _, bc := range qpBodies() {
		b.Run("body="+bc.name, func(b *testing.B) {
			std, ours := qpOps(b, bc.body)
			rounds := max(1, (256<<10)/len(bc.body))
			t := pairedCPU(b, rounds, std, ours)
			b.ReportMetric(float64(t[0])/float64(t[1]), "std/sesraw")
		})
	}
}

// BenchmarkBase64Paired: base64 through multipart's public path against encoding/base64 with
// CRLF every 76 columns (as BenchmarkBase64); the target is at least 1.3.
func BenchmarkBase64Paired(b *testing.B) {
	std, ours := base64Ops(b)
	t := pairedCPU(b, 4, std, ours)
	b.ReportMetric(float64(t[0])/float64(t[1]), "std/sesraw")
}

// BenchmarkBodyHashPaired: dkim's relaxed body hasher over the fixture's body (written in the 8 KiB
// chunks multipart flushes) against SHA-256 of the same bytes; "hash/sha256" is the cost of
// canonicalizing on top of hashing.
func BenchmarkBodyHashPaired(b *testing.B) {
	ed, _ := mustKeys(b)
	msg := refMessage(b, small)
	body := msg[bytes.Index(msg, []byte("\r\n\r\n"))+4:]
	s := newSesrawSigner(b, ed)
	t := pairedCPU(b, 4, func() { sha256Sink = sha256.Sum256(body) }, func() {
		h := s.NewBodyHasher()
		for p := body; len(p) > 0; {
			n := min(8<<10, len(p))
			_, _ = h.Write(p[:n])
			p = p[n:]
		}
		h.Sum()
	})
	b.ReportMetric(float64(t[1])/float64(t[0]), "hash/sha256")
}
