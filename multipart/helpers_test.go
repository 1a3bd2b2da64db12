package multipart_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	stdmultipart "mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/sesraw/sesraw/multipart"
)

// checkLines checks that b is a sequence of CRLF-terminated lines (the last may be unterminated
// when allowOpen) with no bare CR or LF and no line longer than max octets.
func checkLines(t testing.TB, b []byte, max int, allowOpen bool) {
	t.Helper()
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		var line []byte
		if i < 0 {
			if !allowOpen {
				t.Fatalf("unterminated last line %q", b)
			}
			line, b = b, nil
		} else {
			if i == 0 || b[i-1] != '\r' {
				t.Fatalf("bare LF before %q", b[:min(len(b), 40)])
			}
			line, b = b[:i-1], b[i+1:]
		}
		if bytes.IndexByte(line, '\r') >= 0 {
			t.Fatalf("bare CR in line %q", line)
		}
		if len(line) > max {
			t.Fatalf("line of %d octets > %d: %q", len(line), max, line)
		}
	}
}

// check7bit fails unless b is 7-bit ASCII without NUL.
func check7bit(t testing.TB, b []byte) {
	t.Helper()
	for _, c := range b {
		if c == 0 || c >= 0x80 {
			t.Fatalf("non-7-bit octet %#x in %q", c, b)
		}
	}
}

// unfold removes every CRLF that is followed by whitespace (RFC 5322 §2.2.3) and the final CRLF.
func unfold(b []byte) string {
	s := strings.TrimSuffix(string(b), "\r\n")
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n ", " "), "\r\n\t", "\t")
}

// fieldValue returns the unfolded value of a single "Name: value\r\n" field.
func fieldValue(t testing.TB, b []byte, name string) string {
	t.Helper()
	s := unfold(b)
	if !strings.HasPrefix(s, name+":") {
		t.Fatalf("field %q does not start with %q", b, name+":")
	}
	s = s[len(name)+1:]
	return strings.TrimPrefix(s, " ")
}

// leaf is a decoded leaf entity.
type leaf struct {
	contentType string
	params      map[string]string
	disposition string
	dparams     map[string]string
	cte         string
	cid         string
	body        []byte
}

// parseGoMessage parses header+body with go-message and returns the leaves in pre-order, bodies
// decoded from their transfer encoding.
func parseGoMessage(t testing.TB, hdr, body []byte) []leaf {
	t.Helper()
	msg := "MIME-Version: 1.0\r\n" + string(hdr) + "\r\n" + string(body)
	e, err := message.Read(strings.NewReader(msg))
	if err != nil {
		t.Fatalf("go-message: %v\n%s", err, msg)
	}
	var leaves []leaf
	var walk func(e *message.Entity)
	walk = func(e *message.Entity) {
		if mr := e.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("go-message NextPart: %v", err)
				}
				walk(p)
			}
			return
		}
		var l leaf
		l.contentType, l.params, err = e.Header.ContentType()
		if err != nil {
			t.Fatalf("go-message Content-Type: %v", err)
		}
		if e.Header.Get("Content-Disposition") != "" {
			l.disposition, l.dparams, err = e.Header.ContentDisposition()
			if err != nil {
				t.Fatalf("go-message Content-Disposition: %v", err)
			}
		}
		l.cte = e.Header.Get("Content-Transfer-Encoding")
		l.cid = e.Header.Get("Content-Id")
		l.body, err = io.ReadAll(e.Body)
		if err != nil {
			t.Fatalf("go-message body: %v", err)
		}
		leaves = append(leaves, l)
	}
	walk(e)
	return leaves
}

// parseStd parses header+body with the standard library (net/textproto, mime, mime/multipart) and
// returns the leaves in pre-order with bodies decoded.
func parseStd(t testing.TB, hdr, body []byte) []leaf {
	t.Helper()
	tp := textproto.NewReader(bufioReader(string(hdr) + "\r\n"))
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatalf("textproto: %v", err)
	}
	var leaves []leaf
	var walk func(h textproto.MIMEHeader, body io.Reader)
	walk = func(h textproto.MIMEHeader, body io.Reader) {
		ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatalf("ParseMediaType(%q): %v", h.Get("Content-Type"), err)
		}
		if strings.HasPrefix(ct, "multipart/") {
			mr := stdmultipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("mime/multipart NextRawPart: %v", err)
				}
				walk(p.Header, p)
			}
			return
		}
		l := leaf{contentType: ct, params: params, cte: h.Get("Content-Transfer-Encoding"), cid: h.Get("Content-Id")}
		if d := h.Get("Content-Disposition"); d != "" {
			l.disposition, l.dparams, err = mime.ParseMediaType(d)
			if err != nil {
				t.Fatalf("ParseMediaType(%q): %v", d, err)
			}
		}
		var r io.Reader = body
		switch strings.ToLower(l.cte) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, body)
		case "quoted-printable":
			r = qpReader(body)
		}
		l.body, err = io.ReadAll(r)
		if err != nil {
			t.Fatalf("decoding %s body: %v", l.cte, err)
		}
		leaves = append(leaves, l)
	}
	walk(h, bytes.NewReader(body))
	return leaves
}

// build runs NewTree, AppendHeader and WriteBody and checks the io contract and BodySize.
func build(t testing.TB, root *multipart.Part, rand io.Reader) (hdr, body []byte) {
	t.Helper()
	tr, err := multipart.NewTree(root, rand)
	if err != nil {
		t.Fatalf("NewTree: %v", err)
	}
	hdr, err = tr.AppendHeader(nil)
	if err != nil {
		t.Fatalf("AppendHeader: %v", err)
	}
	size, known := tr.BodySize()
	var buf bytes.Buffer
	n, err := tr.WriteBody(&buf)
	if err != nil {
		t.Fatalf("WriteBody: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteBody returned %d, wrote %d", n, buf.Len())
	}
	if known && size != n {
		t.Fatalf("BodySize = %d, WriteBody wrote %d", size, n)
	}
	checkLines(t, hdr, 998, false)
	check7bit(t, hdr)
	return hdr, buf.Bytes()
}

// withRootTerm is what a mail client decodes from a root leaf (the whole body of a message) whose
// content is want: a final CRLF is added when the last line is open, except in base64 (see
// rootTerminator in encoding.go).
func withRootTerm(want []byte, cte string) []byte {
	if len(want) == 0 || strings.EqualFold(cte, "base64") || bytes.HasSuffix(want, []byte("\r\n")) {
		return want
	}
	return append(want[:len(want):len(want)], '\r', '\n')
}

// zeroRand is a deterministic random source.
type zeroRand struct{}

func (zeroRand) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// seqRand yields 0, 1, 2, ... so each boundary differs.
type seqRand struct{ n byte }

func (r *seqRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}
