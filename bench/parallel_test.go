package bench

import (
	"runtime"
	"strconv"
	"testing"
)

// runParallel times build on procs goroutines at once (GOMAXPROCS procs), each with its own output
// buffer, through b.RunParallel; ns/op is wall time per message, so the ratio of procs=1 to
// procs=2 is the throughput gained from the second core. The Builder, Signer and input are shared
// between the goroutines, as a server sharing one Builder would.
func runParallel(b *testing.B, procs int, build func(dst []byte) ([]byte, error)) {
	b.Run("procs="+strconv.Itoa(procs)+"/lib=sesraw", func(b *testing.B) {
		out, err := build(nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := CheckMessage(out, small, CheckOptions{}); err != nil {
			b.Fatal(err)
		}
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			buf := make([]byte, 0, len(out))
			var err error
			for pb.Next() {
				if buf, err = build(buf[:0]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkBuildParallel: Build of the fixture on one and on two cores.
func BenchmarkBuildParallel(b *testing.B) {
	l := sesrawLibs(small)[0]
	for _, procs := range []int{1, 2} {
		runParallel(b, procs, l.build)
	}
}

// BenchmarkBuildSignParallel: Build + DKIM ed25519 signature of the fixture on one and on two cores.
func BenchmarkBuildSignParallel(b *testing.B) {
	ed, _ := mustKeys(b)
	l := sesrawSignLibs(b, small, ed)[0]
	for _, procs := range []int{1, 2} {
		runParallel(b, procs, l.build)
	}
}
