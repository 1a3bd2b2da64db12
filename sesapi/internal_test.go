package sesapi

import (
	"errors"
	"testing"

	"github.com/sesraw/sesraw/xheaders"
)

// A raw message that still carries a header whose value goes as a parameter is a conflict:
// SES would silently let the parameter win.
func TestCheckNotInRaw(t *testing.T) {
	raw := []byte("From: a@example.com\r\nx-ses-from-arn: arn:aws:ses:us-east-1:123456789012:identity/other.example\r\nSubject: s\r\n\r\nbody\r\n")
	err := checkNotInRaw(opRaw, raw, xheaders.SourceARN, xheaders.FromARN)
	var ce *CheckError
	if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) || ce.Field != xheaders.FromARN {
		t.Errorf("header present: %v", err)
	}
	if err := checkNotInRaw(opRaw, raw, xheaders.SourceARN, xheaders.ConfigurationSet); err != nil {
		t.Errorf("header absent: %v", err)
	}
}
