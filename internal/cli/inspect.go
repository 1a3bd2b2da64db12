package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

type inspectOpts struct{ json bool }

func inspectCmd() *command {
	return &command{
		name:    "inspect",
		args:    "FILE|-",
		summary: "show what SES reads from a raw message",
		about: `Shows what SES will read from a raw message: the effective value of each X-SES-* header (SES
uses the first instance and ignores later duplicates, listed with their line numbers; it removes
them all before delivery), the envelope the header block names (From, To, Cc, Bcc and the
deduplicated recipients), the MIME tree with each part's type, transfer encoding and encoded
size, and each DKIM signature with its h= list (flagging X-SES-* names, which break at SES).
No DNS lookups are made; use 'sesraw verify' to check signatures. --json prints the same as a
JSON object with stable field names.
`,
		flags: func(fs *flag.FlagSet) any {
			o := &inspectOpts{}
			fs.BoolVar(&o.json, "json", false, "print a JSON object: file, size, ses, envelope, mime, dkim, problems")
			return o
		},
		run: runInspect,
	}
}

// inspectReport is the --json output of inspect. Field names are stable.
type inspectReport struct {
	File     string          `json:"file"`
	Size     int             `json:"size"` // bytes
	SES      []sesField      `json:"ses"`  // X-SES-* fields, in order of first appearance
	Envelope *headerEnvelope `json:"envelope"`
	MIME     *mimeNode       `json:"mime"`
	DKIM     []dkimSig       `json:"dkim"`
	Problems []string        `json:"problems"` // what could not be read
}

// sesField is one X-SES-* header name and what SES makes of it.
type sesField struct {
	Name    string        `json:"name"`    // canonical upper-case name
	Known   bool          `json:"known"`   // SES acts on it (else it is only removed)
	Value   string        `json:"value"`   // effective value: the first instance, unfolded
	Line    int           `json:"line"`    // line of the first instance
	Error   string        `json:"error"`   // why the effective value is invalid, "" if valid
	Ignored []sesInstance `json:"ignored"` // later instances, which SES ignores
}

type sesInstance struct {
	Line  int    `json:"line"`
	Value string `json:"value"`
}

// mimeNode is one MIME entity.
type mimeNode struct {
	ContentType string      `json:"contentType"` // media type, lower case
	Charset     string      `json:"charset"`
	Encoding    string      `json:"encoding"` // Content-Transfer-Encoding, lower case; "" if absent (7bit)
	Disposition string      `json:"disposition"`
	Filename    string      `json:"filename"` // decoded (RFC 2231, RFC 2047)
	ContentID   string      `json:"contentId"`
	Size        int64       `json:"size"` // bytes of the encoded body, boundaries included for multiparts
	Parts       []*mimeNode `json:"parts"`
	Error       string      `json:"error"`
}

// dkimSig is one DKIM-Signature field.
type dkimSig struct {
	Domain    string   `json:"domain"`
	Selector  string   `json:"selector"`
	Algorithm string   `json:"algorithm"`
	Time      string   `json:"time"`    // t=, RFC 3339; "" if absent
	Headers   []string `json:"headers"` // h=
	// StrippedBySES lists the h= names SES removes before delivery: any makes the signature fail.
	StrippedBySES []string `json:"strippedBySES"`
}

func runInspect(e *env, opts any, args []string) error {
	o := opts.(*inspectOpts)
	if err := needArgs(args, 1, "FILE argument (- for stdin)"); err != nil {
		return err
	}
	in, err := e.openInput(args[0])
	if err != nil {
		return err
	}
	defer in.Close()
	name := displayName(args[0])
	rep, err := inspect(name, in)
	if err != nil {
		var re *inputReadError
		if errors.As(err, &re) {
			return inputErr(name+": "+fileReason(re.err), re.err)
		}
		return inputErr(name+": "+err.Error(), err)
	}
	w := bufio.NewWriter(e.stdout)
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return failure(err.Error(), err)
		}
	} else {
		rep.writeText(w)
	}
	if err := w.Flush(); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}
	return nil
}

// inspect reads the message from r in one streaming pass: only the header block (at most
// xheaders.MaxHeaderBytes) is held in memory; the body is walked part by part and counted, never
// kept, so memory stays flat whatever the message size.
func inspect(name string, r io.Reader) (*inspectReport, error) {
	src := &sourceReader{r: r}
	br := bufio.NewReader(src)
	raw, err := readHeaderBlock(br)
	if src.err != nil {
		return nil, &inputReadError{src.err}
	}
	if err != nil {
		return nil, err
	}
	// raw is the header block through its first empty line (or the whole message when it has
	// none). Every header reader below stops at or before that line, so each sees what it would
	// see in the whole message.
	rep := &inspectReport{File: name, SES: []sesField{}, DKIM: []dkimSig{}, Problems: []string{}}
	// X-SES-* fields, the way SES reads them.
	var sc xheaders.Scanner
	sc.Reset(raw)
	byName := map[string]int{}
	for sc.Next() {
		f := sc.Field()
		canon := strings.ToUpper(string(f.Name))
		line := lineAt(raw, f.Offset)
		if i, ok := byName[canon]; ok {
			rep.SES[i].Ignored = append(rep.SES[i].Ignored, sesInstance{Line: line, Value: f.Unfolded()})
			continue
		}
		byName[canon] = len(rep.SES)
		rep.SES = append(rep.SES, sesField{Name: canon, Known: knownSES(canon), Value: f.Unfolded(), Line: line, Ignored: []sesInstance{}})
	}
	eff, _ := xheaders.Read(raw)
	if _, err := eff.Headers(); err != nil {
		for _, he := range headerErrors(err) {
			if i, ok := byName[he.Header]; ok {
				rep.SES[i].Error = he.Reason
			}
		}
	}

	// Envelope and MIME tree, from the header grammar's strict reading. Where the header block is
	// malformed or starts with an mbox From line, inspect reads what it can and warns.
	_, bodyAt, hs := headerBlock(raw)
	if err := hs.Err(); err != nil {
		var le *rawheader.LimitError
		if errors.As(err, &le) {
			return nil, err
		}
		var se *rawheader.SyntaxError
		if errors.As(err, &se) {
			rep.Problems = append(rep.Problems, "warning: line "+strconv.Itoa(se.Line)+": malformed header block: "+
				se.Reason+"; read as the end of the header block (the strict reading): the fields after it are not shown")
			for f := range rawheader.LenientFields(raw, se.Offset, se.Line) {
				if sesrules.IsSESName(f.Name) {
					rep.Problems = append(rep.Problems, "warning: line "+strconv.Itoa(f.Line)+": "+string(f.Name)+
						" comes after the malformed line: a reader that skips that line takes it for a header field; "+
						"whether SES reads it is unknown")
				}
			}
		}
	}
	if hs.Flags()&rawheader.FlagMboxFrom != 0 {
		rep.Problems = append(rep.Problems, "warning: line 1 is an mbox From line (mbox framing, skipped here); "+
			"sent as it is, SES would receive it as a line that is not a header field")
	}
	renv, _ := rawenvelope.Read(raw) // the error is the grammar's, warned about above
	rep.Envelope = showEnvelope(renv)
	rep.MIME = walkMIME(raw[:bodyAt], io.MultiReader(bytes.NewReader(raw[bodyAt:]), br))
	// walkMIME reads the body to its end; drain anyway so that Size counts every byte.
	_, _ = io.Copy(io.Discard, br)
	if src.err != nil {
		return nil, &inputReadError{src.err}
	}
	rep.Size = int(src.n)

	// DKIM signatures: the tag list of each DKIM-Signature field of the strict reading, parsed by
	// dkim.ParseSignature; no key lookup, no verification.
	var ds rawheader.Scanner
	ds.Reset(raw)
	for ds.Next() {
		f := ds.Field()
		if !strings.EqualFold(string(f.Name), "DKIM-Signature") {
			continue
		}
		sig, err := dkim.ParseSignature(f.Value)
		if err != nil {
			rep.Problems = append(rep.Problems, "DKIM: line "+strconv.Itoa(f.Line)+": "+err.Error())
		}
		s := dkimSig{Domain: sig.Domain, Selector: sig.Selector, Algorithm: sig.Algorithm, Headers: sig.Headers, StrippedBySES: []string{}}
		if s.Headers == nil {
			s.Headers = []string{}
		}
		if sig.Time >= 0 {
			s.Time = time.Unix(sig.Time, 0).UTC().Format(time.RFC3339)
		}
		for _, h := range sig.Headers {
			if sesrules.IsSESName(h) {
				s.StrippedBySES = append(s.StrippedBySES, h)
			}
		}
		rep.DKIM = append(rep.DKIM, s)
	}
	return rep, nil
}

// knownSES reports whether name is one of the X-SES headers SES acts on.
func knownSES(name string) bool {
	switch name {
	case xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet,
		xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant:
		return true
	}
	return false
}

// headerErrors flattens the *xheaders.HeaderError values of a (joined) error.
func headerErrors(err error) []*xheaders.HeaderError {
	var out []*xheaders.HeaderError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, headerErrors(e)...)
		}
		return out
	}
	var he *xheaders.HeaderError
	if errors.As(err, &he) {
		out = append(out, he)
	}
	return out
}

// lineAt returns the 1-based line of byte offset off in raw. It is used for offsets in the
// header block, so counting from the start is cheap.
func lineAt(raw []byte, off int) int {
	return 1 + bytes.Count(raw[:min(off, len(raw))], []byte{'\n'})
}
