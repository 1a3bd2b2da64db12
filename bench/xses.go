package bench

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// GoMessageSES is the go-message way to read and remove the X-SES-* fields of a raw message:
// textproto.ReadHeader, Get / HeaderFields.Del, textproto.WriteHeader, copy the body. The readers
// are reused between calls, so only go-message's own work is counted.
type GoMessageSES struct {
	rd bytes.Reader
	br *bufio.Reader
}

// NewGoMessageSES returns a reusable reader.
func NewGoMessageSES() *GoMessageSES {
	g := &GoMessageSES{}
	g.br = bufio.NewReader(&g.rd)
	return g
}

// Read stores the value of each fixture SES header (SESHeaders order) in out.
func (g *GoMessageSES) Read(raw []byte, out *[5]string) error {
	g.rd.Reset(raw)
	g.br.Reset(&g.rd)
	h, err := textproto.ReadHeader(g.br)
	if err != nil {
		return err
	}
	for i, s := range SESHeaders {
		out[i] = h.Get(s.Name)
	}
	return nil
}

// Remove writes raw to w with every X-SES-* field removed.
func (g *GoMessageSES) Remove(w io.Writer, raw []byte) error {
	g.rd.Reset(raw)
	g.br.Reset(&g.rd)
	h, err := textproto.ReadHeader(g.br)
	if err != nil {
		return err
	}
	for fs := h.Fields(); fs.Next(); {
		if k := fs.Key(); len(k) >= 6 && strings.EqualFold(k[:6], "X-SES-") {
			fs.Del()
		}
	}
	if err := textproto.WriteHeader(w, h); err != nil {
		return err
	}
	_, err = g.br.WriteTo(w)
	return err
}
