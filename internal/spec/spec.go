// Package spec reads the JSON message specification of the sesraw command line and turns it into
// a builder.Message.
//
// A spec is one JSON object:
//
//	{
//	  "from": "Büro Example <sender@example.com>",
//	  "to": ["recipient@example.com", "Ärger Müller <r2@example.org>"],
//	  "cc": [], "bcc": [], "replyTo": [],
//	  "returnPath": "feedback@example.com",
//	  "subject": "Quarterly report",
//	  "text": "plain body", "html": "<p>html body</p>",
//	  "headers": [{"name": "X-Campaign", "value": "q3"}],
//	  "attachments": [
//	    {"path": "report.pdf", "filename": "report.pdf", "contentType": "application/pdf"},
//	    {"contentBase64": "iVBORw0...", "filename": "logo.png", "inline": true, "contentId": "logo"}
//	  ],
//	  "ses": {
//	    "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
//	    "fromArn": "...", "returnPathArn": "...",
//	    "configurationSet": "transactional",
//	    "tags": [{"name": "campaign", "value": "q3"}],
//	    "listManagement": {"contactList": "customers", "topic": "newsletter"},
//	    "tenant": "..."
//	  }
//	}
//
// Field names are matched exactly (case-sensitively, unlike encoding/json); an unknown or repeated
// field is an error naming the field and its line. Addresses are RFC 5322 strings as
// net/mail.ParseAddress reads them (display names may be Unicode). An attachment's path is relative
// to the directory of the spec file. null is the same as an absent field.
//
// Every error is a *Error carrying the file, the line and column where known, and the field's path
// in the spec ("to[1]", "attachments[0].path", "ses.sourceArn").
package spec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// Spec is a message specification as read from JSON.
type Spec struct {
	From        string       `json:"from" doc:"the From address: \"Name <local@domain>\" or \"local@domain\" (required)"`
	To          []string     `json:"to" doc:"To addresses, each as in from"`
	Cc          []string     `json:"cc" doc:"Cc addresses"`
	Bcc         []string     `json:"bcc" doc:"Bcc addresses: envelope only, never in the message (see build --envelope)"`
	ReplyTo     []string     `json:"replyTo" doc:"Reply-To addresses"`
	ReturnPath  string       `json:"returnPath" doc:"bare address bounces and complaints go to (Return-Path, MAIL FROM)"`
	Subject     string       `json:"subject" doc:"the subject; any Unicode"`
	Text        string       `json:"text" doc:"the text/plain body"`
	HTML        string       `json:"html" doc:"the text/html body; inline parts are referenced as cid:CONTENTID"`
	Headers     []Header     `json:"headers" doc:"custom header fields, in order"`
	Attachments []Attachment `json:"attachments" doc:"attachments and inline parts"`
	SES         *SES         `json:"ses" doc:"the SES control values (X-SES-* headers or API parameters)"`
	InReplyTo   []string     `json:"inReplyTo" doc:"msg-ids (no angle brackets) this message replies to: In-Reply-To"`
	References  []string     `json:"references" doc:"msg-ids of the thread, oldest first: References"`
	Unsubscribe *Unsubscribe `json:"unsubscribe" doc:"one-click unsubscribe (RFC 8058): List-Unsubscribe and List-Unsubscribe-Post, DKIM-signed"`
	AMP         string       `json:"amp" doc:"AMP for Email document: a text/x-amp-html part before the HTML (needs html)"`
	Calendar    *Calendar    `json:"calendar" doc:"iCalendar invitation: a text/calendar part and an .ics attachment"`

	file  string         // the name errors cite
	dir   string         // attachment paths are relative to it
	lines map[string]int // field path -> 1-based line of its value
}

// Unsubscribe is a one-click unsubscribe (builder.Unsubscribe).
type Unsubscribe struct {
	URL    string `json:"url" doc:"https URI that receives the one-click POST (required)"`
	Mailto string `json:"mailto" doc:"bare address for unsubscribing by mail (optional)"`
}

// Calendar is an iCalendar invitation (builder.Calendar).
type Calendar struct {
	Method   string `json:"method" doc:"REQUEST, CANCEL or REPLY; must equal METHOD in content"`
	Content  string `json:"content" doc:"the iCalendar object, BEGIN:VCALENDAR ... END:VCALENDAR"`
	Filename string `json:"filename" doc:"name of the .ics attachment (default invite.ics)"`
}

// Header is a custom header field.
type Header struct {
	Name  string `json:"name" doc:"field name, e.g. X-Campaign (not X-SES-*, not one sesraw writes)"`
	Value string `json:"value" doc:"field value; Unicode is encoded"`
}

// Attachment is a file attached to or embedded in the message: exactly one of Path (relative to
// the spec file) and ContentBase64 gives its content.
type Attachment struct {
	Path          string `json:"path" doc:"file to attach, relative to the spec file"`
	ContentBase64 string `json:"contentBase64" doc:"the content in base64 (instead of path)"`
	Filename      string `json:"filename" doc:"file name shown to the recipient (default: the base name of path)"`
	ContentType   string `json:"contentType" doc:"media type (default: guessed from the file name)"`
	Inline        bool   `json:"inline" doc:"an inline part of the HTML body (needs contentId)"`
	ContentID     string `json:"contentId" doc:"Content-ID without angle brackets, referenced as cid:CONTENTID"`
}

// SES holds the SES control values, written as X-SES-* headers (or sent as API parameters by
// sesraw send --method params).
type SES struct {
	SourceARN        string          `json:"sourceArn" doc:"identity ARN: X-SES-SOURCE-ARN / SourceArn"`
	FromARN          string          `json:"fromArn" doc:"identity ARN: X-SES-FROM-ARN / FromArn"`
	ReturnPathARN    string          `json:"returnPathArn" doc:"identity ARN: X-SES-RETURN-PATH-ARN / ReturnPathArn"`
	ConfigurationSet string          `json:"configurationSet" doc:"configuration set name: X-SES-CONFIGURATION-SET"`
	Tags             []Tag           `json:"tags" doc:"message tags: X-SES-MESSAGE-TAGS"`
	ListManagement   *ListManagement `json:"listManagement" doc:"subscription management: X-SES-LIST-MANAGEMENT-OPTIONS"`
	Tenant           string          `json:"tenant" doc:"tenant name: X-SES-TENANT"`
}

// Tag is one SES message tag.
type Tag struct {
	Name  string `json:"name" doc:"tag name: 1 to 256 of A-Z a-z 0-9 _ -"`
	Value string `json:"value" doc:"tag value: 0 to 256 of A-Z a-z 0-9 _ -"`
}

// ListManagement is the value of X-SES-LIST-MANAGEMENT-OPTIONS.
type ListManagement struct {
	ContactList string `json:"contactList" doc:"contact list name"`
	Topic       string `json:"topic" doc:"topic name (optional)"`
}

// Error reports an invalid spec: where, which field, and why.
type Error struct {
	File   string // as given to Parse ("-" is shown as "<stdin>"); "" for a value from a flag
	Line   int    // 1-based; 0 if unknown
	Column int    // 1-based; 0 if unknown
	Field  string // path in the spec, e.g. "to[1]" or "ses.sourceArn"; "" for syntax errors
	Reason string
	Err    error // the underlying error (a builder, xheaders or encoding/json error), if any
}

// Error returns "spec: " followed by Message.
func (e *Error) Error() string { return "spec: " + e.Message() }

// Message returns "FILE:LINE:COL: FIELD: REASON", leaving out what is unknown.
func (e *Error) Message() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
			if e.Column > 0 {
				b.WriteString(":" + strconv.Itoa(e.Column))
			}
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// MaxSize is the largest spec Read accepts (a spec may carry attachments in base64).
const MaxSize = 64 << 20

// ReadFile reads and parses the spec in the named file; "-" reads stdin, with attachment paths
// relative to the working directory.
func ReadFile(name string, stdin io.Reader) (*Spec, error) {
	display, dir := name, filepath.Dir(name)
	var r io.Reader
	if name == "-" {
		display, dir, r = "<stdin>", ".", stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, &Error{File: name, Reason: pathReason(err), Err: err}
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &Error{File: display, Reason: pathReason(err), Err: err}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: display, Reason: "larger than " + strconv.Itoa(MaxSize>>20) + " MiB"}
	}
	return Parse(data, display, dir)
}

// pathReason is the reason of a file error without the path, which the caller names itself.
func pathReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse parses a spec. file is the name errors cite; dir is the directory attachment paths are
// relative to.
func Parse(data []byte, file, dir string) (*Spec, error) {
	s := &Spec{file: file, dir: dir, lines: map[string]int{}}
	if err := check(data, s); err != nil {
		return nil, err
	}
	// check has verified every name and type, so this cannot fail in a way it did not report;
	// DisallowUnknownFields stays as a second line of defence.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return nil, s.jsonError(data, err)
	}
	return s, nil
}

// jsonError converts an encoding/json error to an *Error with a position.
func (s *Spec) jsonError(data []byte, err error) error {
	e := &Error{File: s.file, Reason: strings.TrimPrefix(err.Error(), "json: "), Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		e.Line, e.Column = position(data, se.Offset)
	case errors.As(err, &te):
		e.Line, e.Column = position(data, te.Offset)
		e.Field = te.Field
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		e.Field = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e.Reason = "unknown field"
	}
	return e
}

// position returns the 1-based line and column of byte offset off in data.
func position(data []byte, off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// errorAt returns an *Error for field, with the line of its value when known.
func (s *Spec) errorAt(field, reason string, err error) *Error {
	return &Error{File: s.file, Line: s.lines[field], Field: field, Reason: reason, Err: err}
}

// Message converts the spec to a builder.Message. Addresses are parsed, ARNs and the other SES
// values validated, base64 decoded, attachment paths resolved and checked to exist; the builder
// checks the rest when the message is built (see Explain).
func (s *Spec) Message() (*builder.Message, error) {
	m := &builder.Message{
		ReturnPath: s.ReturnPath,
		Subject:    s.Subject,
		Text:       s.Text,
		HTML:       s.HTML,
		InReplyTo:  s.InReplyTo,
		References: s.References,
	}
	m.AMP = s.AMP
	if s.Calendar != nil {
		m.Calendar = &builder.Calendar{Method: s.Calendar.Method, Text: s.Calendar.Content, Filename: s.Calendar.Filename}
	}
	if s.Unsubscribe != nil {
		m.Unsubscribe = &builder.Unsubscribe{URL: s.Unsubscribe.URL, Mailto: s.Unsubscribe.Mailto}
	}
	if s.From != "" {
		a, err := s.address("from", s.From)
		if err != nil {
			return nil, err
		}
		m.From = a
	}
	var err error
	if m.To, err = s.addresses("to", s.To); err != nil {
		return nil, err
	}
	if m.Cc, err = s.addresses("cc", s.Cc); err != nil {
		return nil, err
	}
	if m.Bcc, err = s.addresses("bcc", s.Bcc); err != nil {
		return nil, err
	}
	if m.ReplyTo, err = s.addresses("replyTo", s.ReplyTo); err != nil {
		return nil, err
	}
	for _, h := range s.Headers {
		m.Headers = append(m.Headers, builder.Header{Name: h.Name, Value: h.Value})
	}
	for i := range s.Attachments {
		a, err := s.attachment(i)
		if err != nil {
			return nil, err
		}
		m.Attachments = append(m.Attachments, a)
	}
	if s.SES != nil {
		if m.SES, err = s.ses(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (s *Spec) addresses(field string, list []string) ([]mail.Address, error) {
	var out []mail.Address
	for i, v := range list {
		a, err := s.address(field+"["+strconv.Itoa(i)+"]", v)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// address parses one RFC 5322 address; a line break is called out as the injection attempt it is.
func (s *Spec) address(field, v string) (mail.Address, error) {
	if i := strings.IndexAny(v, "\r\n\x00"); i >= 0 {
		return mail.Address{}, s.errorAt(field, "contains a CR, LF or NUL byte (header injection attempt): "+strconv.Quote(v), builder.ErrHeaderInjection)
	}
	a, err := mail.ParseAddress(v)
	if err != nil {
		reason := "invalid address " + strconv.Quote(v) + ": " + strings.TrimPrefix(err.Error(), "mail: ")
		if strings.ContainsAny(strings.TrimSpace(v), " \t") && !strings.Contains(v, "<") {
			reason += ` (a display name goes before the address in angle brackets: "Name <local@domain>")`
		}
		return mail.Address{}, s.errorAt(field, reason, errors.Join(builder.ErrInvalidAddress, err))
	}
	return *a, nil
}

func (s *Spec) attachment(i int) (builder.Attachment, error) {
	at := s.Attachments[i]
	f := "attachments[" + strconv.Itoa(i) + "]"
	out := builder.Attachment{
		Filename:    at.Filename,
		ContentType: at.ContentType,
		Inline:      at.Inline,
		ContentID:   at.ContentID,
	}
	switch {
	case at.Path != "" && at.ContentBase64 != "":
		return out, s.errorAt(f, "give either path or contentBase64, not both", builder.ErrInvalidAttachment)
	case at.Path != "":
		p := at.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.dir, p)
		}
		fi, err := os.Stat(p)
		if err != nil {
			return out, s.errorAt(f+".path", strconv.Quote(at.Path)+": "+pathReason(err), errors.Join(builder.ErrInvalidAttachment, err))
		}
		if !fi.Mode().IsRegular() {
			return out, s.errorAt(f+".path", strconv.Quote(at.Path)+" is not a regular file", builder.ErrInvalidAttachment)
		}
		out.Path = p
	case at.ContentBase64 != "":
		data, err := decodeBase64(at.ContentBase64)
		if err != nil {
			return out, s.errorAt(f+".contentBase64", "invalid base64: "+err.Error(), errors.Join(builder.ErrInvalidAttachment, err))
		}
		out.Data = data
	default:
		return out, s.errorAt(f, "needs path or contentBase64", builder.ErrInvalidAttachment)
	}
	return out, nil
}

// decodeBase64 decodes standard base64, ignoring line breaks and blanks (wrapped pastes).
func decodeBase64(v string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, v)
	data, err := base64.StdEncoding.DecodeString(clean)
	var ce base64.CorruptInputError
	if errors.As(err, &ce) {
		return nil, errors.New("illegal data at byte " + strconv.FormatInt(int64(ce), 10) + " (blanks removed)")
	}
	return data, err
}

// sesFields maps the canonical X-SES header names to the spec fields that set them.
var sesFields = map[string]string{
	xheaders.SourceARN:        "ses.sourceArn",
	xheaders.FromARN:          "ses.fromArn",
	xheaders.ReturnPathARN:    "ses.returnPathArn",
	xheaders.ConfigurationSet: "ses.configurationSet",
	xheaders.MessageTags:      "ses.tags",
	xheaders.ListManagement:   "ses.listManagement",
	xheaders.Tenant:           "ses.tenant",
}

func (s *Spec) ses() (xheaders.Headers, error) {
	in := s.SES
	var h xheaders.Headers
	for _, a := range []struct {
		field string
		v     string
		dst   *xheaders.ARN
	}{
		{"ses.sourceArn", in.SourceARN, &h.SourceARN},
		{"ses.fromArn", in.FromARN, &h.FromARN},
		{"ses.returnPathArn", in.ReturnPathARN, &h.ReturnPathARN},
	} {
		if a.v == "" {
			continue
		}
		arn, err := xheaders.ParseARN(a.v)
		if err != nil {
			reason := err.Error()
			var he *xheaders.HeaderError
			if errors.As(err, &he) {
				reason = "invalid identity ARN " + strconv.Quote(a.v) + ": " + he.Reason
			}
			return h, s.errorAt(a.field, reason, err)
		}
		*a.dst = arn
	}
	h.ConfigurationSet = in.ConfigurationSet
	h.Tenant = in.Tenant
	for _, t := range in.Tags {
		h.Tags = append(h.Tags, xheaders.Tag{Name: t.Name, Value: t.Value})
	}
	if in.ListManagement != nil {
		h.ListManagement = &xheaders.ListOptions{ContactList: in.ListManagement.ContactList, Topic: in.ListManagement.Topic}
	}
	if err := h.Validate(); err != nil {
		return h, s.sesError(err)
	}
	return h, nil
}

// sesError names the spec field of the first xheaders.HeaderError in err.
func (s *Spec) sesError(err error) error {
	var he *xheaders.HeaderError
	if errors.As(err, &he) {
		field := sesFields[he.Header]
		if field == "" {
			field = "ses"
		}
		return s.errorAt(field, he.Header+": "+he.Reason+" ("+strconv.Quote(he.Value)+")", err)
	}
	return s.errorAt("ses", err.Error(), err)
}

// goNames maps the builder's field names (builder.FieldError.Field segments) to spec names.
var goNames = map[string]string{
	"From": "from", "To": "to", "Cc": "cc", "Bcc": "bcc", "ReplyTo": "replyTo",
	"ReturnPath": "returnPath", "Subject": "subject", "Text": "text", "HTML": "html",
	"Headers": "headers", "Name": "name", "Value": "value",
	"Attachments": "attachments", "Filename": "filename", "ContentType": "contentType",
	"ContentID": "contentId", "Path": "path", "Data": "contentBase64", "Inline": "inline",
	"AMP": "amp", "Calendar": "calendar", "Method": "method",
	"InReplyTo": "inReplyTo", "References": "references", "Unsubscribe": "unsubscribe", "URL": "url", "Mailto": "mailto",
}

// flagNames maps builder fields that come from command-line flags, not from the spec.
var flagNames = map[string]string{
	"MessageID":      "--message-id",
	"Date":           "--date",
	"Builder.Now":    "--date",
	"Builder.Target": "--target",
}

// Explain turns an error from building the spec's message (a *builder.FieldError, or an xheaders
// error under the SES field) into an *Error naming the spec field and its line. Errors about
// values that come from flags (Message-ID, Date, Target) name the flag and no file; reasons that
// name the builder's Go API are reworded for the spec and the CLI. Other errors are returned
// unchanged.
func (s *Spec) Explain(err error) error {
	var fe *builder.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	if fe.Field == "SES" {
		return s.sesError(fe.Err)
	}
	if flag, ok := flagNames[fe.Field]; ok {
		return &Error{Field: flag, Reason: fe.Reason, Err: err}
	}
	reason := strings.NewReplacer(
		"set Builder.AllowUnsupportedAttachments", "use --allow-unsupported-attachments",
		"set it through Message.SES", `set it in "ses"`,
	).Replace(fe.Reason)
	segs := strings.Split(fe.Field, ".")
	// "To[1].Name" is the display name of the spec's single address string "to[1]".
	if n := len(segs); n >= 2 && (segs[n-1] == "Name" || segs[n-1] == "Address") && isAddressField(segs[n-2]) {
		if segs[n-1] == "Name" {
			reason = "display name " + reason
		} else {
			reason = "address " + reason
		}
		segs = segs[:n-1]
	}
	field := specPath(segs)
	return &Error{File: s.file, Line: s.lines[field], Field: field, Reason: reason, Err: err}
}

// specPath turns the segments of a builder field ("Attachments[1]", "ContentID") into the spec's
// path ("attachments[1].contentId").
func specPath(segs []string) string {
	for i, seg := range segs {
		name, index := seg, ""
		if k := strings.IndexByte(seg, '['); k >= 0 {
			name, index = seg[:k], seg[k:]
		}
		if sn, ok := goNames[name]; ok {
			name = sn
		}
		segs[i] = name + index
	}
	path := strings.Join(segs, ".")
	if path == "calendar.text" { // builder.Calendar.Text is the spec's calendar.content
		path = "calendar.content"
	}
	return path
}

// Warning formats a builder.Finding about the spec's message for the command line:
// "FILE:LINE: FIELD: MESSAGE [RULE]", with the spec's field names.
func (s *Spec) Warning(f builder.Finding) string {
	field := specPath(strings.Split(f.Field, "."))
	e := &Error{File: s.file, Line: s.lines[field], Field: field,
		Reason: strings.ReplaceAll(f.Message, "ContentID", "contentId") + " [" + f.Rule + "]"}
	return e.Message()
}

func isAddressField(seg string) bool {
	if k := strings.IndexByte(seg, '['); k >= 0 {
		seg = seg[:k]
	}
	switch seg {
	case "From", "To", "Cc", "Bcc", "ReplyTo":
		return true
	}
	return false
}
