package xheaders_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/xheaders"
)

func TestApply(t *testing.T) {
	h := xheaders.Headers{FromARN: fromARN, ConfigurationSet: "cs"}
	block := "X-SES-FROM-ARN: " + fromARN.String() + "\r\nX-SES-CONFIGURATION-SET: cs\r\n"
	blockLF := strings.ReplaceAll(block, "\r\n", "\n")
	tests := []struct {
		name    string
		raw     string
		replace bool
		want    string
		err     error
	}{
		{"crlf", "From: a@example.com\r\n\r\nbody\r\n", false, block + "From: a@example.com\r\n\r\nbody\r\n", nil},
		{"lf", "From: a@example.com\n\nbody\n", false, blockLF + "From: a@example.com\n\nbody\n", nil},
		{"empty", "", false, block, nil},
		{"no line break", "From: a@example.com", false, block + "From: a@example.com", nil},
		{"body only", "\r\nbody", false, block + "\r\nbody", nil},
		{"present", "From: a\r\nx-ses-tenant: t\r\n\r\n", false, "", xheaders.ErrAlreadyPresent},
		{"present replace", "From: a\r\nx-ses-tenant: t\r\n folded\r\nX-SES-FROM-ARN: old\r\n\r\nX-SES-TENANT: body\r\n", true,
			block + "From: a\r\n\r\nX-SES-TENANT: body\r\n", nil},
		{"body lookalike", "From: a\r\n\r\nX-SES-TENANT: body\r\n", false, block + "From: a\r\n\r\nX-SES-TENANT: body\r\n", nil},
		{"leading continuation", " folded\r\n\r\n", false, "", xheaders.ErrMalformedHeader},
		{"leading continuation replace", "\tfolded\r\n\r\n", true, "", xheaders.ErrMalformedHeader},
	}
	for _, tt := range tests {
		opts := xheaders.ApplyOptions{Replace: tt.replace}
		got, err := xheaders.Apply([]byte("P"), &h, []byte(tt.raw), opts)
		if tt.err != nil {
			if !errors.Is(err, tt.err) || string(got) != "P" {
				t.Errorf("%s: Apply = %q, %v; want error %v and dst unchanged", tt.name, got, err, tt.err)
			}
		} else if err != nil || string(got) != "P"+tt.want {
			t.Errorf("%s: Apply = %q, %v; want %q", tt.name, got, err, "P"+tt.want)
		}
		for rname, r := range readers(tt.raw) {
			var buf bytes.Buffer
			n, err := xheaders.ApplyTo(&buf, &h, r(), opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || n != 0 || buf.Len() != 0 {
					t.Errorf("%s/%s: ApplyTo = %q, %d, %v; want error %v and nothing written", tt.name, rname, buf.String(), n, err, tt.err)
				}
				continue
			}
			if err != nil || buf.String() != tt.want || n != int64(buf.Len()) {
				t.Errorf("%s/%s: ApplyTo = %q, %d, %v; want %q", tt.name, rname, buf.String(), n, err, tt.want)
			}
		}
	}
}

func TestApplyAlreadyPresentError(t *testing.T) {
	h := xheaders.Headers{Tenant: "t"}
	_, err := xheaders.Apply(nil, &h, []byte("X-Ses-Tenant: old\r\n\r\n"), xheaders.ApplyOptions{})
	var he *xheaders.HeaderError
	if !errors.As(err, &he) || !errors.Is(err, xheaders.ErrAlreadyPresent) || he.Header != "X-Ses-Tenant" {
		t.Fatalf("err = %v", err)
	}
}

func TestApplyInvalidHeaders(t *testing.T) {
	h := xheaders.Headers{Tenant: "bad tenant"}
	got, err := xheaders.Apply([]byte("P"), &h, []byte("From: a\r\n\r\n"), xheaders.ApplyOptions{})
	if !errors.Is(err, xheaders.ErrInvalidTenant) || string(got) != "P" {
		t.Errorf("Apply = %q, %v", got, err)
	}
	var buf bytes.Buffer
	n, err := xheaders.ApplyTo(&buf, &h, strings.NewReader("From: a\r\n\r\n"), xheaders.ApplyOptions{})
	if !errors.Is(err, xheaders.ErrInvalidTenant) || n != 0 || buf.Len() != 0 {
		t.Errorf("ApplyTo = %d, %v", n, err)
	}
}

// TestApplyMatchesRemoveOnCorpus checks Apply with Replace against Append + the reference removal.
func TestApplyMatchesRemoveOnCorpus(t *testing.T) {
	h := fullHeaders()
	for name, msg := range messages {
		got, err := xheaders.Apply(nil, &h, []byte(msg), xheaders.ApplyOptions{Replace: true})
		if ref := refParse(msg); ref.malformed || ref.mbox {
			// A malformed header block and a leading mbox From line are refused, Replace or not.
			if !errors.Is(err, xheaders.ErrMalformedHeader) || string(got) != "" {
				t.Errorf("%s: Apply = %q, %v; want ErrMalformedHeader", name, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		block, _ := h.Append(nil)
		want := string(block) + refRemove(msg)
		if i := strings.IndexByte(msg, '\n'); i >= 0 && (i == 0 || msg[i-1] != '\r') {
			want = strings.ReplaceAll(string(block), "\r\n", "\n") + refRemove(msg)
		}
		if string(got) != want {
			t.Errorf("%s: Apply =\n%q\nwant\n%q", name, got, want)
		}
		e, _ := xheaders.Read(got)
		back, err := e.Headers()
		if err != nil || back.Tenant != h.Tenant || e.Count(xheaders.Tenant) != 1 {
			t.Errorf("%s: read back %+v, %v", name, back, err)
		}
	}
}

// TestApplyRefusesMalformed: the one verdict on a malformed header block (issue 17's cases): Apply
// and ApplyTo refuse, with or without Replace, instead of keeping the X-SES fields after the bad
// line; the error names the grammar's reason.
func TestApplyRefusesMalformed(t *testing.T) {
	const arn = "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n"
	for name, c := range map[string]struct {
		msg  string
		kind error
	}{
		"garbage line":       {"From: a@example.com\r\ngarbage line\r\n" + arn + "\r\nbody", rawheader.ErrNotAField},
		"leading BOM":        {"\xEF\xBB\xBFFrom: a@example.com\r\n" + arn + "\r\nbody", rawheader.ErrNotAField},
		"NUL before colon":   {"From: a@example.com\r\nX-SES-SOURCE-ARN\x00: x\r\n" + arn + "\r\n", rawheader.ErrNotAField},
		"non-ASCII name":     {"From: a@example.com\r\nX-S\xc3\xa9S: x\r\n" + arn + "\r\n", rawheader.ErrNotAField},
		"VT before colon":    {"From: a@example.com\r\nX-SES-TENANT\v: t\r\n" + arn + "\r\n", rawheader.ErrNotAField},
		"bare CR in value":   {"From: a@example.com\r\nX-Foo: a\r" + arn + "\r\nbody", rawheader.ErrBareCR},
		"mbox From line":     {"From a@example.com Mon Jan  1 00:00:00 2026\r\n" + arn + "\r\n", nil},
		"continuation first": {" folded\r\n" + arn + "\r\n", rawheader.ErrNotAField},
	} {
		for _, replace := range []bool{false, true} {
			h := xheaders.Headers{Tenant: "t"}
			opts := xheaders.ApplyOptions{Replace: replace}
			got, err := xheaders.Apply([]byte("P"), &h, []byte(c.msg), opts)
			var buf bytes.Buffer
			n, err2 := xheaders.ApplyTo(&buf, &h, strings.NewReader(c.msg), opts)
			for _, e := range []error{err, err2} {
				if !errors.Is(e, xheaders.ErrMalformedHeader) || (c.kind != nil && !errors.Is(e, c.kind)) {
					t.Errorf("%s (Replace %v): error %v, want ErrMalformedHeader and %v", name, replace, e, c.kind)
				}
			}
			if string(got) != "P" || n != 0 || buf.Len() != 0 {
				t.Errorf("%s (Replace %v): wrote output on error", name, replace)
			}
		}
	}
}
