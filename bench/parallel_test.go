package bench

import (
	"runtime"
	"strconv"
	"testing"
)

// runParallel times build on procs goroutines at once (GOMAXPROCS procs), each with its own output
// buffer, through b.RunParallel; ns/op is wall time per message, so the ratio of procs=1 to
// procs=2 is the throughput gained from the second core. The Builder, Signer and input are shared
// between the goroutines, as a server sharing one Builder would. It also reports cpu-ns/op, the
// process's CPU time (every thread, the garbage collector's included) per message: where nothing
// serialises, it is the same on two cores as on one, even on a machine too busy to give the
// process its second core, and the wall-clock ratio on a quiet machine then follows.
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
		c0 := processCPU()
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
		if c := processCPU() - c0; c > 0 {
			b.ReportMetric(float64(c)/float64(b.N), "cpu-ns/op")
		}
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
