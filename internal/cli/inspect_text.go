package cli

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// writeText prints the report for people.
func (r *inspectReport) writeText(w *bufio.Writer) {
	w.WriteString(r.File + ": " + strconv.Itoa(r.Size) + " bytes\n")

	w.WriteString("\nX-SES headers (SES reads the first of each, then removes all of them before delivery):\n")
	if len(r.SES) == 0 {
		w.WriteString("  none\n")
	}
	for _, f := range r.SES {
		w.WriteString("  line " + strconv.Itoa(f.Line) + ": " + clean(f.Name) + ": " + clean(f.Value) + "\n")
		if !f.Known {
			w.WriteString("      not a header SES acts on; it is only removed\n")
		}
		if f.Error != "" {
			w.WriteString("      invalid: " + f.Error + "\n")
		}
		for _, d := range f.Ignored {
			w.WriteString("      ignored duplicate on line " + strconv.Itoa(d.Line) + ": " + clean(d.Value) + "\n")
		}
	}

	e := r.Envelope
	w.WriteString("\nEnvelope (from the header block):\n")
	if e.ReturnPath != "" {
		w.WriteString("  Return-Path: " + clean(e.ReturnPath) + "\n")
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"From", e.From}, {"Reply-To", e.ReplyTo}, {"To", e.To}, {"Cc", e.Cc}, {"Bcc", e.Bcc}} {
		if len(f.list) > 0 {
			w.WriteString("  " + f.name + ": " + clean(strings.Join(f.list, ", ")) + "\n")
		}
	}
	w.WriteString("  Recipients (" + strconv.Itoa(len(e.Recipients)) + "): " + clean(strings.Join(e.Recipients, ", ")) + "\n")
	for _, p := range e.Problems {
		w.WriteString("  problem: " + clean(p) + "\n")
	}

	w.WriteString("\nMIME tree:\n")
	r.MIME.writeText(w, 1)

	w.WriteString("\nDKIM signatures:\n")
	if len(r.DKIM) == 0 {
		w.WriteString("  none\n")
	}
	for i, s := range r.DKIM {
		w.WriteString("  " + strconv.Itoa(i+1) + ". d=" + clean(s.Domain) + " s=" + clean(s.Selector) + " a=" + clean(s.Algorithm))
		if s.Time != "" {
			w.WriteString(" t=" + s.Time)
		}
		w.WriteString("\n     h=" + clean(strings.Join(s.Headers, ":")) + "\n")
		if len(s.StrippedBySES) > 0 {
			w.WriteString("     signs " + clean(strings.Join(s.StrippedBySES, ", ")) + ", which SES removes: this signature fails after delivery\n")
		}
	}
	if len(r.Problems) > 0 {
		w.WriteString("\nProblems:\n")
		for _, p := range r.Problems {
			w.WriteString("  " + clean(p) + "\n")
		}
	}
}

func (n *mimeNode) writeText(w *bufio.Writer, depth int) {
	var b bytes.Buffer
	b.WriteString(strings.Repeat("  ", depth) + clean(n.ContentType))
	if n.Charset != "" {
		b.WriteString("; charset=" + clean(n.Charset))
	}
	enc := n.Encoding
	if enc == "" {
		enc = "7bit"
	}
	b.WriteString("  " + clean(enc) + "  " + strconv.FormatInt(n.Size, 10) + " bytes")
	if n.Disposition != "" {
		b.WriteString("  " + clean(n.Disposition))
	}
	if n.Filename != "" {
		b.WriteString("  " + strconv.Quote(n.Filename))
	}
	if n.ContentID != "" {
		b.WriteString("  Content-ID " + clean(n.ContentID))
	}
	b.WriteString("\n")
	w.Write(b.Bytes())
	if n.Error != "" {
		w.WriteString(strings.Repeat("  ", depth+1) + "problem: " + clean(n.Error) + "\n")
	}
	for _, p := range n.Parts {
		p.writeText(w, depth+1)
	}
}

// clean returns s for a terminal: unchanged when every rune is printable, else quoted with Go
// escapes, so that control characters from a message cannot reach the terminal.
func clean(s string) string {
	if !utf8.ValidString(s) {
		q := strconv.Quote(s)
		return q[1 : len(q)-1]
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			q := strconv.Quote(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
