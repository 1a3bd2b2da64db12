package cidref

import (
	"bufio"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Limits of CheckMessage, which reads untrusted messages.
const (
	MaxHTML  = 8 << 20 // decoded bytes of HTML read per part; the rest is not searched
	MaxParts = 1000    // MIME parts walked
	MaxDepth = 20      // multipart nesting
)

// Problem is one finding of CheckMessage.
type Problem struct {
	Rule    string // RuleMissing or RuleUnreferenced
	Message string
}

// ErrLimit reports a message beyond MaxParts or MaxDepth; the problems found so far are returned
// with it.
var ErrLimit = errors.New("cidref: MIME structure beyond the parts or depth limit")

// CheckMessage reads a raw message and compares the cid: references of its text/html parts with
// the Content-IDs of its parts: a reference no part has is RuleMissing; an inline part (a part
// with a Content-ID and an inline disposition, or no disposition inside multipart/related) that
// no HTML references is RuleUnreferenced. It streams: at most MaxHTML decoded bytes of each HTML
// part are held. A message that net/mail or mime/multipart cannot read is an error; problems
// then are those found before it.
func CheckMessage(r io.Reader) ([]Problem, error) {
	msg, err := mail.ReadMessage(bufio.NewReader(r))
	if err != nil {
		return nil, err
	}
	return CheckEntity(textproto.MIMEHeader(msg.Header), msg.Body)
}

// CheckEntity is CheckMessage for a message whose header block has been read already.
func CheckEntity(h textproto.MIMEHeader, body io.Reader) ([]Problem, error) {
	w := &walker{}
	err := w.entity(h, body, "", 0)
	var out []Problem
	for _, ref := range w.refs {
		if !w.has(ref) {
			out = append(out, Problem{RuleMissing, "the HTML references cid:" + ref + ", but no part has Content-ID <" + ref + ">"})
		}
	}
	for _, id := range w.inline {
		if !w.referenced(id) {
			out = append(out, Problem{RuleUnreferenced, "inline part <" + id + "> is not referenced by any HTML part (no cid:" + id + ")"})
		}
	}
	return out, err
}

type walker struct {
	parts  int
	refs   []string // cid references of the HTML parts, each once
	ids    []string // Content-IDs of every part
	inline []string // Content-IDs of inline parts
}

func (w *walker) has(ref string) bool {
	for _, id := range w.ids {
		if strings.EqualFold(id, ref) {
			return true
		}
	}
	return false
}

func (w *walker) referenced(id string) bool {
	for _, ref := range w.refs {
		if strings.EqualFold(id, ref) {
			return true
		}
	}
	return false
}

func (w *walker) entity(h textproto.MIMEHeader, body io.Reader, parent string, depth int) error {
	w.parts++
	if w.parts > MaxParts || depth > MaxDepth {
		return ErrLimit
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if id := strings.TrimSpace(h.Get("Content-Id")); id != "" {
		id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
		w.ids = append(w.ids, id)
		disp, _, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
		if disp == "inline" || disp == "" && parent == "multipart/related" {
			w.inline = append(w.inline, id)
		}
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if params["boundary"] == "" {
			return nil
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := w.entity(p.Header, p, mt, depth+1); err != nil {
				return err
			}
		}
	case mt == "text/html":
		var dec io.Reader = body
		switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
		case "base64":
			dec = base64.NewDecoder(base64.StdEncoding, body) // skips CR and LF
		case "quoted-printable":
			dec = quotedprintable.NewReader(body)
		}
		html, err := io.ReadAll(io.LimitReader(dec, MaxHTML))
		for _, ref := range References(string(html)) {
			if !w.referenced(ref) {
				w.refs = append(w.refs, ref)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
