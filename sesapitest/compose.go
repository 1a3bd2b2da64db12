package sesapitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
)

func parseAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// composed is a message SES composes from parameters (simple and template content).
type composed struct {
	from, subject, text, html string
	to, cc, replyTo           []string
	headers                   []Header
	attachments               []v2Attachment
}

// bytes writes the message as MIME: the header, then text and HTML (multipart/alternative when
// both), then attachments (multipart/mixed). This is this package's rendering, not SES's byte for
// byte; it carries what a recipient would read.
func (c *composed) bytes() []byte {
	var b bytes.Buffer
	hdr := func(k, v string) {
		if v != "" {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	hdr("From", c.from)
	hdr("To", strings.Join(c.to, ", "))
	hdr("Cc", strings.Join(c.cc, ", "))
	hdr("Reply-To", strings.Join(c.replyTo, ", "))
	hdr("Subject", mime.QEncoding.Encode("UTF-8", c.subject))
	hdr("MIME-Version", "1.0")
	for _, h := range c.headers {
		hdr(h.Name, h.Value)
	}
	body := func(w *multipart.Writer) {
		if c.text != "" && c.html != "" {
			inner := new(bytes.Buffer)
			alt := multipart.NewWriter(inner)
			writeText(alt, "text/plain", c.text)
			writeText(alt, "text/html", c.html)
			alt.Close()
			h := textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=" + alt.Boundary()}}
			pw, _ := w.CreatePart(h)
			pw.Write(inner.Bytes())
			return
		}
		if c.html != "" {
			writeText(w, "text/html", c.html)
		} else {
			writeText(w, "text/plain", c.text)
		}
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	body(mw)
	for _, a := range c.attachments {
		ct := a.ContentType
		if ct == "" {
			ct = mime.TypeByExtension(extOf(a.FileName))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		disp := strings.ToLower(a.ContentDisposition)
		if disp == "" {
			disp = "attachment"
		}
		h := textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(ct, map[string]string{"name": a.FileName})},
			"Content-Disposition":       {mime.FormatMediaType(disp, map[string]string{"filename": a.FileName})},
			"Content-Transfer-Encoding": {"base64"},
		}
		if a.ContentId != "" {
			h.Set("Content-ID", "<"+strings.Trim(a.ContentId, "<>")+">")
		}
		pw, _ := mw.CreatePart(h)
		enc := base64.StdEncoding.EncodeToString(a.RawContent)
		for len(enc) > 76 {
			pw.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		pw.Write([]byte(enc + "\r\n"))
	}
	mw.Close()
	hdr("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	b.WriteString("\r\n")
	b.Write(buf.Bytes())
	return b.Bytes()
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

func writeText(w *multipart.Writer, ct, text string) {
	pw, _ := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {ct + "; charset=UTF-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	q := quotedprintable.NewWriter(pw)
	q.Write([]byte(text))
	q.Close()
}

// render fills {{name}} and {{a.b}} in text from the JSON object data. SES renders templates with
// Handlebars; this package supports variables only (no helpers, sections or partials), and an
// absent variable renders as "".
func render(text, data string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	var vars map[string]any
	_ = json.Unmarshal([]byte(data), &vars)
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(text[:i])
		b.WriteString(lookup(vars, strings.TrimSpace(text[i+2:i+j])))
		text = text[i+j+2:]
	}
	b.WriteString(text)
	return b.String()
}

func lookup(vars map[string]any, path string) string {
	var v any = vars
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
