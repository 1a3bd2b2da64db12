package cli

import (
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
)

const (
	maxMIMEDepth = 32
	maxMIMEParts = 1000
)

// walkMIME describes the entity with header h and body r, reading r to the end.
func walkMIME(h textproto.MIMEHeader, r io.Reader, depth int, parts *int) *mimeNode {
	*parts++
	n := &mimeNode{ContentType: "text/plain", Parts: []*mimeNode{}, Encoding: strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))}
	body := &countingReader{r: r}
	defer func() {
		_, _ = io.Copy(io.Discard, body)
		n.Size = body.n
	}()
	var params map[string]string
	if ct := h.Get("Content-Type"); ct != "" {
		mt, p, err := mime.ParseMediaType(ct)
		if err != nil && mt == "" {
			n.Error = "Content-Type " + quote(ct) + ": " + err.Error()
			n.ContentType = "application/octet-stream"
		} else {
			n.ContentType, params = mt, p
		}
	}
	n.Charset = params["charset"]
	if cd := h.Get("Content-Disposition"); cd != "" {
		if d, p, err := mime.ParseMediaType(cd); err == nil {
			n.Disposition = d
			n.Filename = decodeWords(p["filename"])
		} else {
			n.Error = "Content-Disposition " + quote(cd) + ": " + err.Error()
		}
	}
	if n.Filename == "" {
		n.Filename = decodeWords(params["name"])
	}
	n.ContentID = strings.TrimSpace(h.Get("Content-Id"))
	if !strings.HasPrefix(n.ContentType, "multipart/") {
		return n
	}
	boundary := params["boundary"]
	switch {
	case boundary == "":
		n.Error = "multipart without a boundary parameter"
		return n
	case depth >= maxMIMEDepth:
		n.Error = "nested deeper than " + strconv.Itoa(maxMIMEDepth) + " levels: not walked"
		return n
	}
	mr := multipart.NewReader(body, boundary)
	for {
		if *parts >= maxMIMEParts {
			n.Error = "more than " + strconv.Itoa(maxMIMEParts) + " parts: the rest not walked"
			return n
		}
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return n
		}
		if err != nil {
			n.Error = err.Error()
			return n
		}
		n.Parts = append(n.Parts, walkMIME(p.Header, p, depth+1, parts))
	}
}

// decodeWords decodes RFC 2047 encoded words, keeping the input when it cannot.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}
