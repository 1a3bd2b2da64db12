package sesapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesapi"
)

// What CheckError's documentation promises for a raw message's header block and address fields:
// the reader's own error (rawheader's, rawenvelope's) beside ErrPreflight, with and without
// IgnorePreflight.
func TestRawEnvelopeErrors(t *testing.T) {
	s := &sesapi.Sender{}
	badAddr := "From: a@example.org\r\nTo: not an address\r\nCc: c@example.com\r\n\r\nbody\r\n"
	tooMany := "From: a@example.org\r\nTo: b@example.com\r\n" + strings.Repeat("X-A: b\r\n", rawheader.DefaultMaxFields) + "\r\nbody\r\n"
	for _, force := range []bool{false, true} {
		_, err := s.RawMessageInput("us-east-1", &sesapi.RawMessage{Data: []byte(badAddr), IgnorePreflight: force})
		var ae *rawenvelope.AddressError
		if force && (!errors.Is(err, sesapi.ErrPreflight) || !errors.As(err, &ae) || ae.Field != "To" || !errors.Is(err, rawenvelope.ErrBadAddress)) {
			t.Errorf("bad To (IgnorePreflight): %v, want ErrPreflight and a *rawenvelope.AddressError for To", err)
		}
		if !force && !errors.Is(err, sesapi.ErrPreflight) {
			t.Errorf("bad To: %v, want ErrPreflight", err)
		}
		_, err = s.RawMessageInput("us-east-1", &sesapi.RawMessage{Data: []byte(tooMany), IgnorePreflight: force})
		var le *rawheader.LimitError
		var ce *sesapi.CheckError
		if !errors.As(err, &ce) || !errors.As(err, &le) || !errors.Is(err, rawheader.ErrTooLarge) || !errors.Is(err, rawheader.ErrTooManyFields) {
			t.Errorf("too many fields (IgnorePreflight %v): %v, want a *CheckError with the grammar's *rawheader.LimitError", force, err)
		}
	}
}
