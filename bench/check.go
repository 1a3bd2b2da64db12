package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	gmsg "github.com/emersion/go-message"
	gmail "github.com/emersion/go-message/mail"
	msgdkim "github.com/emersion/go-msgauth/dkim"
)

// CheckOptions says what CheckMessage requires beyond the fixture's content.
type CheckOptions struct {
	// DKIM, when set, requires exactly one DKIM-Signature that verifies with go-msgauth against
	// this key, both on the bytes as built and after every X-SES-* field is removed (as SES does).
	DKIM *Key
	// SignedHeaders, when set, requires h= to list exactly these names, each as often (compared
	// case-insensitively, in any order).
	SignedHeaders []string
}

// CheckMessage verifies that raw is a valid rendering of f, so that no library is timed for doing
// less than the others: CRLF lines of at most 998 octets, an ASCII header block; parsed with
// go-message, the same addresses, subject, Date, Message-ID, one instance of each X-SES-* header with
// its value, the text and HTML bodies and the attachment bytes and filename.
func CheckMessage(raw []byte, f *Fixture, opts CheckOptions) error {
	if err := checkLines(raw); err != nil {
		return err
	}
	e, err := gmsg.Read(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("go-message cannot read the message: %w", err)
	}
	h := gmail.Header{Header: e.Header}
	if s, err := h.Subject(); err != nil || s != f.Subject {
		return fmt.Errorf("subject %q (%v), want %q", s, err, f.Subject)
	}
	for _, c := range []struct {
		name string
		want []gmail.Address
	}{{"From", []gmail.Address{f.From}}, {"To", f.To}, {"Cc", f.Cc}, {"Reply-To", []gmail.Address{f.ReplyTo}}} {
		got, err := h.AddressList(c.name)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if len(got) != len(c.want) {
			return fmt.Errorf("%s: %d addresses, want %d", c.name, len(got), len(c.want))
		}
		for i := range got {
			if *got[i] != c.want[i] {
				return fmt.Errorf("%s[%d] = %+v, want %+v", c.name, i, *got[i], c.want[i])
			}
		}
	}
	if id, err := h.MessageID(); err != nil || id != f.MessageID {
		return fmt.Errorf("header Message-ID %q (%v), want %q", id, err, f.MessageID)
	}
	if d, err := h.Date(); err != nil || !d.Equal(f.Date) {
		return fmt.Errorf("header Date %v (%v), want %v", d, err, f.Date)
	}
	for _, s := range SESHeaders {
		vs := e.Header.Values(s.Name)
		if len(vs) != 1 || strings.TrimSpace(vs[0]) != s.Value {
			return fmt.Errorf("%s: %q, want exactly one %q", s.Name, vs, s.Value)
		}
	}

	var text, html, att int
	err = e.Walk(func(path []int, part *gmsg.Entity, err error) error {
		if err != nil {
			return err
		}
		mt, params, _ := part.Header.ContentType()
		if strings.HasPrefix(mt, "multipart/") {
			return nil
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			return fmt.Errorf("part %v (%s): %w", path, mt, err)
		}
		switch disp, dparams, _ := part.Header.ContentDisposition(); {
		case disp == "attachment":
			att++
			if fn := dparams["filename"]; fn != AttachmentName {
				return fmt.Errorf("attachment filename %q, want %q", fn, AttachmentName)
			}
			if mt != AttachmentType {
				return fmt.Errorf("attachment type %q, want %q", mt, AttachmentType)
			}
			if !bytes.Equal(body, f.Attachment) {
				return fmt.Errorf("attachment: %d bytes differ from the fixture's %d", len(body), len(f.Attachment))
			}
		case mt == "text/plain" || mt == "text/html":
			if cs := strings.ToLower(params["charset"]); cs != "utf-8" {
				return fmt.Errorf("%s: charset %q, want utf-8", mt, cs)
			}
			want := f.Text
			if mt == "text/html" {
				want, html = f.HTML, html+1
			} else {
				text++
			}
			if normText(string(body)) != normText(want) {
				return fmt.Errorf("%s body differs from the fixture", mt)
			}
		default:
			return fmt.Errorf("unexpected part %v: %s", path, mt)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if text != 1 || html != 1 || att != 1 {
		return fmt.Errorf("found %d text, %d html, %d attachment parts; want one each", text, html, att)
	}
	if opts.DKIM != nil {
		if err := checkDKIM(raw, *opts.DKIM, opts.SignedHeaders); err != nil {
			return fmt.Errorf("as built: %w", err)
		}
		if err := checkDKIM(StripSES(raw), *opts.DKIM, opts.SignedHeaders); err != nil {
			return fmt.Errorf("after SES removes X-SES-*: %w", err)
		}
	}
	return nil
}

// normText makes line ends and the final line break comparable across libraries.
func normText(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func checkLines(raw []byte) error {
	inHeader := true
	for i := 1; len(raw) > 0; i++ {
		n := bytes.IndexByte(raw, '\n') + 1
		if n == 0 { // last line without a line break: tolerated, but still bounded
			n = len(raw)
		} else if n < 2 || raw[n-2] != '\r' {
			return fmt.Errorf("line %d does not end in CRLF", i)
		}
		line := bytes.TrimRight(raw[:n], "\r\n")
		raw = raw[n:]
		if len(line) > 998 {
			return fmt.Errorf("line %d is %d octets long", i, len(line))
		}
		if !inHeader {
			continue
		}
		if len(line) == 0 {
			inHeader = false
			continue
		}
		for _, c := range line {
			if c >= 0x80 {
				return fmt.Errorf("header line %d is not 7-bit ASCII", i)
			}
		}
	}
	return nil
}

func checkDKIM(raw []byte, key Key, signed []string) error {
	vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(raw), &msgdkim.VerifyOptions{LookupTXT: LookupTXT(key)})
	if err != nil {
		return err
	}
	if len(vs) != 1 {
		return fmt.Errorf("%d DKIM signatures, want 1", len(vs))
	}
	v := vs[0]
	if v.Err != nil {
		return v.Err
	}
	for _, k := range v.HeaderKeys {
		if strings.HasPrefix(strings.ToLower(k), "x-ses-") {
			return fmt.Errorf("h= names %s", k)
		}
	}
	if signed != nil && !sameNames(v.HeaderKeys, signed) {
		return fmt.Errorf("h=%s, want %s", strings.Join(v.HeaderKeys, ":"), strings.Join(signed, ":"))
	}
	return nil
}

// sameNames reports whether a and b hold the same header names as often, ignoring case and order.
func sameNames(a, b []string) bool {
	norm := func(s []string) []string {
		out := make([]string, len(s))
		for i, n := range s {
			out[i] = strings.ToLower(n)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

// SignedHeaders returns the h= list of raw's only DKIM signature, verified against key.
func SignedHeaders(raw []byte, key Key) ([]string, error) {
	vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(raw), &msgdkim.VerifyOptions{LookupTXT: LookupTXT(key)})
	if err != nil {
		return nil, err
	}
	if len(vs) != 1 || vs[0].Err != nil {
		return nil, errors.New("bench: want exactly one valid DKIM signature")
	}
	return vs[0].HeaderKeys, nil
}

// StripSES returns raw without its X-SES-* header fields (continuation lines included), the way
// SES removes them before delivery. It is a plain reference implementation, independent of sesraw.
func StripSES(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	rest := raw
	skipping := false
	for len(rest) > 0 {
		n := bytes.IndexByte(rest, '\n') + 1
		if n == 0 {
			n = len(rest)
		}
		line := rest[:n]
		rest = rest[n:]
		if len(bytes.TrimRight(line, "\r\n")) == 0 { // end of header block
			out = append(out, line...)
			return append(out, rest...)
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !skipping {
				out = append(out, line...)
			}
			continue
		}
		skipping = len(line) >= 6 && strings.EqualFold(string(line[:6]), "x-ses-")
		if !skipping {
			out = append(out, line...)
		}
	}
	return out
}
