package dkim_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/rawheader"
)

// Sign refuses a header block over the header grammar's limits, the verdict inspect, strip, lint
// and Verify reach on it, and signs one just inside them.
func TestSignRefusesOverGrammarLimits(t *testing.T) {
	s := bodySigner(t, true)
	build := func(fields int) []byte {
		var b strings.Builder
		b.WriteString("From: a@example.com\r\nTo: b@example.net\r\n")
		for i := range fields - 2 {
			b.WriteString("X-F" + strconv.Itoa(i) + ": v\r\n")
		}
		b.WriteString("\r\nbody\r\n")
		return []byte(b.String())
	}
	if _, err := s.Sign(nil, build(rawheader.DefaultMaxFields)); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	_, err := s.Sign(nil, build(rawheader.DefaultMaxFields+1))
	var le *rawheader.LimitError
	if !errors.Is(err, dkim.ErrLimit) || !errors.As(err, &le) || le.Limit != "header fields" {
		t.Fatalf("over the limit: %v", err)
	}
}
