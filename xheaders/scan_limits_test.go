package xheaders_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/xheaders"
)

// Past the grammar's limits (more fields, more bytes or more lines in a field than a reader
// keeps), Read refuses with a *rawheader.LimitError, and Remove and RemoveInPlace still remove
// every X-SES-* field: none hides behind the limit.
func TestRemovePastLimits(t *testing.T) {
	arn := "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n"
	many := []byte("From: a@example.com\r\n")
	for i := range rawheader.DefaultMaxFields + 1 {
		many = append(many, "X-F"+strconv.Itoa(i)+": v\r\n"...)
	}
	long := []byte("From: a@example.com\r\nX-Long: a\r\n")
	for len(long) <= rawheader.DefaultMaxBytes {
		long = append(long, " "+string(bytes.Repeat([]byte("a"), 900))+"\r\n"...)
	}
	lines := []byte("From: a@example.com\r\nX-Lines: a\r\n" + string(bytes.Repeat([]byte(" a\r\n"), rawheader.DefaultMaxFieldLines)))
	for name, head := range map[string][]byte{"fields": many, "bytes": long, "lines": lines} {
		msg := append(append(append([]byte{}, head...), arn+"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n"...), "\r\nbody\r\n"...)
		if _, err := xheaders.Read(msg); !errors.Is(err, rawheader.ErrTooLarge) {
			t.Errorf("%s: Read: %v, want a limit error", name, err)
		}
		want := append(append([]byte{}, head...), "\r\nbody\r\n"...)
		if got := xheaders.Remove(nil, msg); !bytes.Equal(got, want) {
			t.Errorf("%s: Remove left %d X-SES bytes", name, bytes.Count(got, []byte("X-SES-")))
		}
		if got := xheaders.RemoveInPlace(append([]byte{}, msg...)); !bytes.Equal(got, want) {
			t.Errorf("%s: RemoveInPlace left %d X-SES bytes", name, bytes.Count(got, []byte("X-SES-")))
		}
	}
}
