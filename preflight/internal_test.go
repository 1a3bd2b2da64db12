package preflight

import "testing"

func TestCheckSize(t *testing.T) {
	for _, tt := range []struct {
		target Target
		size   int64
		want   Severity // -1: no finding
	}{
		{TargetV1, LimitV1, -1},
		{TargetV1, LimitV1 + 1, Error},
		{TargetAny, LimitV1, -1},
		{TargetAny, LimitV1 + 1, Warning},
		{TargetV2, LimitV1 + 1, -1},
		{TargetV2, 40_000_000, -1},
		{TargetV2, 40_000_001, Warning},
		{TargetSMTP, LimitV2, Warning},
		{TargetSMTP, LimitV2 + 1, Error},
		{TargetAny, LimitV2 + 1, Error},
		{TargetNone, LimitV2 + 1, -1},
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

// TestLimits pins the transcribed tables.
func TestLimits(t *testing.T) {
	if len(singletons) != 60 || len(extensions) != 90 {
		t.Errorf("%d singleton headers (want 60), %d extensions (want 90)", len(singletons), len(extensions))
	}
	for _, tab := range [][]string{singletons[:], extensions[:]} {
		for i := 1; i < len(tab); i++ {
			if tab[i-1] >= tab[i] {
				t.Errorf("table not sorted at %q, %q", tab[i-1], tab[i])
			}
		}
	}
	for _, s := range singletons {
		if len(s) > 40 {
			t.Errorf("%q longer than lookupFold's buffer", s)
		}
	}
}
