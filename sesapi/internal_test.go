package sesapi

import (
	"errors"
	"testing"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// Checks that the builder's own validation makes unreachable through a builder.Message, tested
// directly: they guard the adapters should the builder's rules change.

func TestCheckRecipientsASCIIAndCount(t *testing.T) {
	many := make([]string, MaxRecipients+1)
	for i := range many {
		many[i] = "r" + itoa(i) + "@example.net"
	}
	for _, c := range []struct {
		name  string
		a     addrs
		more  []string
		want  error
		field string
	}{
		{"ok", addrs{env: builder.Envelope{From: "a@example.com", To: []string{"b@example.net"}}, from: "a@example.com"}, nil, nil, ""},
		{"non-ASCII recipient", addrs{env: builder.Envelope{From: "a@example.com", To: []string{"b@exämple.net"}}, from: "a@example.com"}, nil, ErrNonASCIIAddress, "Destinations"},
		{"non-ASCII From", addrs{env: builder.Envelope{From: "ä@example.com", To: []string{"b@example.net"}}, from: "ä@example.com"}, nil, ErrNonASCIIAddress, "From"},
		{"non-ASCII Return-Path", addrs{env: builder.Envelope{From: "a@example.com", To: []string{"b@example.net"}}, from: "a@example.com", rp: "bö@example.com"}, nil, ErrNonASCIIAddress, "From"},
		{"non-ASCII Reply-To", addrs{env: builder.Envelope{From: "a@example.com", To: []string{"b@example.net"}}, from: "a@example.com"}, []string{"ö@example.com"}, ErrNonASCIIAddress, "ReplyTo"},
		{"51 recipients", addrs{env: builder.Envelope{From: "a@example.com", To: many}, from: "a@example.com"}, nil, ErrTooManyRecipients, "Destinations"},
		{"50 recipients", addrs{env: builder.Envelope{From: "a@example.com", To: many[:50]}, from: "a@example.com"}, nil, nil, ""},
	} {
		err := checkRecipients(opRaw, "Destinations", &c.a, c.more...)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var ce *CheckError
		if !errors.Is(err, c.want) || !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: %v, want %v on field %s", c.name, err, c.want, c.field)
		}
	}
}

func TestCheckSize(t *testing.T) {
	raw := make([]byte, builder.TargetV1.Limit()+1)
	err := checkSize(opRaw, builder.TargetV1, raw)
	var se *SizeError
	if !errors.Is(err, ErrTooLarge) || !errors.Is(err, builder.ErrTooLarge) || !errors.As(err, &se) ||
		se.Size != int64(len(raw)) || se.Limit != builder.TargetV1.Limit() {
		t.Errorf("over the v1 limit: %v", err)
	}
	if err := checkSize(opRaw, builder.TargetV1, raw[:len(raw)-1]); err != nil {
		t.Errorf("at the v1 limit: %v", err)
	}
	if err := checkSize(opV2, builder.TargetV2, raw); err != nil {
		t.Errorf("v2: %v", err)
	}
	want := "sesapi: SendRawEmail: message is " + itoa(len(raw)) + " bytes after encoding, over the limit of " + itoa(len(raw)-1)
	if err != nil && err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

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
