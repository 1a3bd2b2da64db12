package preflight

import (
	"testing"

	"github.com/sesraw/sesraw/sesrules"
)

func TestCheckSize(t *testing.T) {
	for _, tt := range []struct {
		target Target
		size   int64
		want   Severity // -1: no finding
	}{
		{TargetV1, sesrules.MaxBytesV1, -1},
		{TargetV1, sesrules.MaxBytesV1 + 1, Error},
		{TargetAny, sesrules.MaxBytesV1, -1},
		{TargetAny, sesrules.MaxBytesV1 + 1, Warning},
		{TargetV2, sesrules.MaxBytesV1 + 1, -1},
		{TargetV2, 40_000_000, -1},
		{TargetV2, 40_000_001, Warning},
		{TargetSMTP, sesrules.MaxBytesV2, Warning},
		{TargetSMTP, sesrules.MaxBytesV2 + 1, Error},
		{TargetAny, sesrules.MaxBytesV2 + 1, Error},
		{TargetNone, sesrules.MaxBytesV2 + 1, -1},
	} {
		c := newChecker(&Options{Target: tt.target})
		c.checkSize(tt.size, false)
		got := Severity(-1)
		if len(c.out) > 1 {
			t.Fatalf("%v", c.out)
		}
		for _, f := range c.out {
			got = f.Severity
		}
		if got != tt.want {
			t.Errorf("%v, %d bytes: severity %v, want %v (%v)", tt.target, tt.size, got, tt.want, c.out)
		}
	}
}
