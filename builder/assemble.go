package builder

import (
	"bytes"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/multipart"
	"github.com/sesraw/sesraw/sesrules"
)

// mode says what prepare is for.
type mode uint8

const (
	// modeCheck validates and measures: boundaries and a generated Message-ID come from a fixed
	// pseudo-random source (their lengths, hence the size, do not depend on the randomness), so
	// Validate, Size and Envelope never consume Builder.Rand; files are stat'ed, not opened.
	modeCheck mode = iota
	// modeWrite prepares a message for writing: Builder.Rand is used and files are opened.
	modeWrite
)

// assembly is the per-message working state: the validated, normalized message, its part tree and
// its header block. Assemblies are pooled so that building a message does not allocate per field.
type assembly struct {
	b    *Builder
	m    *Message
	mode mode

	from       [1]multipart.Address
	returnPath string
	to, cc     []multipart.Address
	bcc        []multipart.Address
	replyTo    []multipart.Address
	rcpt       []string // unique envelope recipients (ASCII), only filled for Envelope

	date    time.Time
	id      []byte // Message-ID without angle brackets
	idRand  [16]byte
	hasPath bool // some attachment comes from a file
	inMem   bool // every body is in memory (no Reader, no file)

	text, html, alt, related, mixed multipart.Part
	altKids                         [2]*multipart.Part
	feat                            featureParts // AMP and calendar (parts.go)
	relKids, mixKids                []*multipart.Part
	relParams                       [1]multipart.Param
	atts                            []multipart.Part
	files                           []*os.File
	tree                            *multipart.Tree
	bodySize                        int64
	sizeKnown                       bool

	hdr    []byte // header block, each field CRLF-terminated, without the blank line
	sesLen int    // length of the X-SES-* block at the start of hdr; a DKIM-Signature goes right after it
	sig    []byte // signature field (+ header block) scratch
	buf    []byte // encoded body buffer of a signed WriteTo
	sp     spillWriter
	rw     []rewinder
	pseudo pseudoRand
	aw     appendWriter
	cw     countWriter
	// h is the DKIM body hasher, kept with the pooled assembly so that signing does not allocate
	// one per message (dkim.Signer.ResetBodyHasher; one goroutine uses an assembly at a time).
	h dkim.BodyHasher
	// prep is the signature's header side, read once by sigLen (prepared) for this message.
	prep     dkim.Prepared
	prepared bool
}

var assemblies = sync.Pool{New: func() any { return new(assembly) }}

// zeroBuilder stands in for a nil *Builder (read only).
var zeroBuilder Builder

// prepare validates m and assembles it. The caller must release the assembly.
func (b *Builder) prepare(m *Message, md mode) (*assembly, error) {
	if m == nil {
		return nil, fieldErr(fld("Message"), "nil message", ErrNoFrom)
	}
	if b == nil {
		b = &zeroBuilder
	}
	a := assemblies.Get().(*assembly)
	a.b, a.m, a.mode = b, m, md
	if err := a.prepare(); err != nil {
		a.release()
		return nil, err
	}
	return a, nil
}

// release closes opened files, drops references to the caller's data and returns a to the pool.
func (a *assembly) release() {
	a.sp.close()
	a.sp = spillWriter{}
	clear(a.rw[:cap(a.rw)])
	a.rw = a.rw[:0]
	for _, f := range a.files {
		f.Close()
	}
	clear(a.files)
	a.files = a.files[:0]
	clear(a.to[:cap(a.to)])
	clear(a.cc[:cap(a.cc)])
	clear(a.bcc[:cap(a.bcc)])
	clear(a.replyTo[:cap(a.replyTo)])
	clear(a.rcpt[:cap(a.rcpt)])
	clear(a.atts[:cap(a.atts)])
	clear(a.relKids[:cap(a.relKids)])
	clear(a.mixKids[:cap(a.mixKids)])
	a.text, a.html, a.alt, a.related, a.mixed = multipart.Part{}, multipart.Part{}, multipart.Part{}, multipart.Part{}, multipart.Part{}
	a.altKids = [2]*multipart.Part{}
	a.feat = featureParts{}
	a.from[0] = multipart.Address{}
	a.returnPath = ""
	a.b, a.m, a.tree = nil, nil, nil
	a.prepared = false
	a.aw = appendWriter{}
	a.cw = countWriter{}
	if cap(a.buf) > 1<<20 {
		a.buf = nil // do not keep a large body buffer alive in the pool
	}
	assemblies.Put(a)
}

// strBytes returns the bytes of s without copying. The multipart package only reads part bodies.
func strBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func (a *assembly) prepare() error {
	b, m := a.b, a.m
	if b.Target < TargetNone || b.Target > TargetSMTP {
		return fieldErr(fld("Builder.Target"), "unknown target "+b.Target.String(), ErrInvalidTarget)
	}
	if m.MessageID == "" && b.Hostname != "" && !dotAtom(b.Hostname) {
		return fieldErr(fld("Builder.Hostname"), quote(b.Hostname)+" is not an ASCII domain name", ErrInvalidMessageID)
	}

	// Addresses.
	if m.From.Address == "" {
		return fieldErr(fld("From"), "no From address", ErrNoFrom)
	}
	if err := checkValue(fld("From.Name"), m.From.Name); err != nil {
		return err
	}
	addr, err := normalizeAddr(fld("From"), m.From.Address)
	if err != nil {
		return err
	}
	a.from[0] = multipart.Address{Name: m.From.Name, Addr: addr}
	if a.replyTo, err = addrList(a.replyTo[:0], "ReplyTo", m.ReplyTo); err != nil {
		return err
	}
	if a.to, err = addrList(a.to[:0], "To", m.To); err != nil {
		return err
	}
	if a.cc, err = addrList(a.cc[:0], "Cc", m.Cc); err != nil {
		return err
	}
	if a.bcc, err = addrList(a.bcc[:0], "Bcc", m.Bcc); err != nil {
		return err
	}
	if a.rcpt, err = a.recipients(a.rcpt[:0]); err != nil {
		return err
	}
	if m.ReturnPath != "" {
		if a.returnPath, err = normalizeAddr(fld("ReturnPath"), m.ReturnPath); err != nil {
			return err
		}
	}

	// Other header values.
	if err := checkValue(fld("Subject"), m.Subject); err != nil {
		return err
	}
	if err := m.SES.Validate(); err != nil {
		return &FieldError{Field: "SES", Reason: err.Error(), Err: err}
	}
	if err := a.checkIdentities(); err != nil {
		return err
	}
	if err := checkHeaders(m.Headers); err != nil {
		return err
	}
	if err := a.checkThreading(); err != nil {
		return err
	}
	if m.MessageID != "" {
		if err := checkMessageID(m.MessageID); err != nil {
			return err
		}
	}
	a.date = m.Date
	dateField := "Date"
	if a.date.IsZero() {
		dateField = "Builder.Now"
		if b.Now != nil {
			a.date = b.Now()
		} else {
			a.date = time.Now()
		}
	}
	if y := a.date.Year(); y < 1900 || y > 9999 {
		return fieldErr(fld(dateField), "year outside 1900..9999", ErrInvalidDate)
	}

	// Bodies.
	if !utf8.ValidString(m.Text) {
		return fieldErr(fld("Text"), "is not valid UTF-8", ErrInvalidUTF8)
	}
	if !utf8.ValidString(m.HTML) {
		return fieldErr(fld("HTML"), "is not valid UTF-8", ErrInvalidUTF8)
	}
	if err := a.attachments(); err != nil {
		return err
	}
	if a.mode == modeWrite && a.hasPath {
		if err := a.openFiles(); err != nil {
			return err
		}
	}
	root := a.buildTree()

	// Randomness: Message-ID first, then boundaries.
	var rnd io.Reader
	if a.mode == modeCheck {
		a.pseudo = pseudoRand{state: 0x9E3779B97F4A7C15}
		rnd = &a.pseudo
	} else if b.Rand != nil {
		rnd = b.Rand
	} else {
		rnd = crand.Reader
	}
	a.id = a.id[:0]
	if m.MessageID != "" {
		a.id = append(a.id, m.MessageID...)
	} else {
		r := a.idRand[:]
		if _, err := io.ReadFull(rnd, r); err != nil {
			return errors.Join(errors.New("builder: reading Builder.Rand for the Message-ID"), err)
		}
		a.id = hex.AppendEncode(a.id, r)
		a.id = append(a.id, '@')
		if b.Hostname != "" {
			a.id = append(a.id, b.Hostname...)
		} else {
			a.id = append(a.id, "sesraw.invalid"...)
		}
	}
	if a.tree, err = multipart.NewTree(root, rnd); err != nil {
		return &FieldError{Field: "Body", Reason: err.Error(), Err: err}
	}
	if a.hdr, err = a.appendHeader(a.hdr[:0]); err != nil {
		return err
	}
	a.bodySize, a.sizeKnown = a.tree.BodySize()
	return nil
}

// checkIdentities checks that the identity ARNs of Message.SES cover the addresses SES checks them
// against: From (by FromARN, else SourceARN) and the address bounces go to, the Return-Path or
// else From (by ReturnPathARN, else SourceARN). SES refuses a message whose identity does not
// cover the address
// (https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html).
func (a *assembly) checkIdentities() error {
	h := &a.m.SES
	field, arn := "SES.FromARN", h.FromARN
	if arn.IsZero() {
		field, arn = "SES.SourceARN", h.SourceARN
	}
	if from := a.from[0].Addr; !arn.IsZero() && !arn.Covers(from) {
		return fieldErr(fld(field), "identity "+quote(arn.String())+" does not cover the From address "+quote(from), ErrNotCovered)
	}
	field, arn = "SES.ReturnPathARN", h.ReturnPathARN
	if arn.IsZero() {
		field, arn = "SES.SourceARN", h.SourceARN
	}
	addr := a.returnPath
	if addr == "" {
		addr = a.from[0].Addr
	}
	if !arn.IsZero() && !arn.Covers(addr) {
		return fieldErr(fld(field), "identity "+quote(arn.String())+" does not cover the bounce address "+quote(addr), ErrNotCovered)
	}
	return nil
}

// checkSESValues checks the length of each X-SES field's value in block (the fields as written,
// folded, each ending in CRLF).
func checkSESValues(block []byte) error {
	for len(block) > 0 {
		end := 0
		for {
			i := bytes.Index(block[end:], crlf)
			if i < 0 {
				end = len(block)
				break
			}
			end += i + 2
			if end >= len(block) || block[end] != ' ' && block[end] != '\t' {
				break
			}
		}
		f := block[:end]
		block = block[end:]
		colon := bytes.IndexByte(f, ':')
		if n := len(f) - colon - 3; colon >= 0 && n > sesrules.MaxXSESValueBytes {
			return fieldErr(fld("SES"), string(f[:colon])+" would be "+strconv.Itoa(n)+" bytes long, over the "+
				strconv.Itoa(sesrules.MaxXSESValueBytes)+" an X-SES value may have", ErrSESValueTooLong)
		}
	}
	return nil
}

var crlf = []byte("\r\n")

// addrList validates addresses and appends their header form to dst.
func addrList(dst []multipart.Address, field string, list []mail.Address) ([]multipart.Address, error) {
	for i := range list {
		f := fldAt(field, i, "")
		if err := checkValue(f.with(".Name"), list[i].Name); err != nil {
			return dst, err
		}
		addr, err := normalizeAddr(f, list[i].Address)
		if err != nil {
			return dst, err
		}
		dst = append(dst, multipart.Address{Name: list[i].Name, Addr: addr})
	}
	return dst, nil
}

// recipients appends To + Cc + Bcc, deduplicated case-insensitively in order of first appearance,
// and checks the count.
func (a *assembly) recipients(dst []string) ([]string, error) {
	for _, list := range [3][]multipart.Address{a.to, a.cc, a.bcc} {
	next:
		for _, ad := range list {
			for _, seen := range dst {
				if strings.EqualFold(seen, ad.Addr) {
					continue next
				}
			}
			if len(dst) == sesrules.MaxRecipients {
				return dst, fieldErr(fld("To"), "more than 50 distinct To, Cc and Bcc addresses (SES counts each)", ErrTooManyRecipients)
			}
			dst = append(dst, ad.Addr)
		}
	}
	if len(dst) == 0 {
		return dst, fieldErr(fld("To"), "no To, Cc or Bcc address", ErrNoRecipients)
	}
	return dst, nil
}

// attachments validates m.Attachments and fills a.atts.
func (a *assembly) attachments() error {
	m := a.m
	a.atts = slices.Grow(a.atts[:0], len(m.Attachments))[:len(m.Attachments)]
	a.hasPath, a.inMem = false, true
	inline := 0
	for i := range m.Attachments {
		at := &m.Attachments[i]
		f := fldAt("Attachments", i, "")
		name := at.Filename
		if name == "" && at.Reader == nil && at.Data == nil && at.Path != "" {
			name = filepath.Base(at.Path)
		}
		if err := checkValue(f.with(".Filename"), name); err != nil {
			return err
		}
		if !a.b.AllowUnsupportedAttachments && unsupportedExtension(name) {
			return fieldErr(f.with(".Filename"), quote(name)+" has an extension SES refuses (set Builder.AllowUnsupportedAttachments for other transports)", ErrUnsupportedExtension)
		}
		p := &a.atts[i]
		*p = multipart.Part{Filename: name, Disposition: "attachment", ContentID: at.ContentID}
		if err := contentType(p, f.with(".ContentType"), at.ContentType); err != nil {
			return err
		}
		if at.Inline {
			p.Disposition = "inline"
			inline++
			if at.ContentID == "" {
				return fieldErr(f.with(".ContentID"), "an inline attachment needs a ContentID (referenced as cid:ContentID)", ErrInvalidAttachment)
			}
		}
		if at.ContentID != "" {
			if err := checkContentID(f.with(".ContentID"), at.ContentID); err != nil {
				return err
			}
			for j := range i {
				if strings.EqualFold(m.Attachments[j].ContentID, at.ContentID) {
					return fieldErr(f.with(".ContentID"), quote(at.ContentID)+" is also the ContentID of "+indexed("Attachments", j), ErrInvalidAttachment)
				}
			}
		}
		if at.Size < 0 {
			return fieldErr(f.with(".Size"), "negative size", ErrInvalidAttachment)
		}
		switch {
		case at.Reader != nil:
			p.Reader, p.Size = at.Reader, at.Size
			a.inMem = false
		case at.Data != nil:
			p.Data = at.Data
		case at.Path != "":
			fi, err := os.Stat(at.Path)
			if err != nil {
				return &FieldError{Field: f.with(".Path").String(), Reason: err.Error(), Err: errors.Join(ErrInvalidAttachment, err)}
			}
			if !fi.Mode().IsRegular() {
				return fieldErr(f.with(".Path"), quote(at.Path)+" is not a regular file", ErrInvalidAttachment)
			}
			p.Reader, p.Size = placeholder{}, fi.Size()
			a.hasPath, a.inMem = true, false
		}
	}
	if inline > 0 && a.m.HTML == "" {
		return fieldErr(fld("Attachments"), "inline parts need an HTML body that references them by cid:", ErrInvalidAttachment)
	}
	return nil
}

// placeholder stands in for a file's reader while a message is only validated or measured.
type placeholder struct{}

func (placeholder) Read([]byte) (int, error) {
	return 0, errors.New("builder: internal error: placeholder reader read")
}

// openFiles opens the attachments that come from files, after validation.
func (a *assembly) openFiles() error {
	for i := range a.m.Attachments {
		at := &a.m.Attachments[i]
		if at.Reader != nil || at.Data != nil || at.Path == "" {
			continue
		}
		f := fldAt("Attachments", i, ".Path")
		fh, err := os.Open(at.Path)
		if err != nil {
			return &FieldError{Field: f.String(), Reason: err.Error(), Err: errors.Join(ErrInvalidAttachment, err)}
		}
		a.files = append(a.files, fh)
		fi, err := fh.Stat()
		if err != nil {
			return &FieldError{Field: f.String(), Reason: err.Error(), Err: errors.Join(ErrInvalidAttachment, err)}
		}
		a.atts[i].Reader, a.atts[i].Size = fh, fi.Size()
	}
	return nil
}

// contentType sets p's media type from an Attachment.ContentType ("type/subtype", optionally with
// parameters), or guesses it from the file name.
func contentType(p *multipart.Part, field fieldName, ct string) error {
	if ct == "" {
		p.ContentType = guessType(p.Filename)
		return nil
	}
	if err := checkValue(field, ct); err != nil {
		return err
	}
	if strings.IndexByte(ct, ';') < 0 {
		if !validMediaType(ct) {
			return fieldErr(field, quote(ct)+" is not a type/subtype media type", ErrInvalidAttachment)
		}
		p.ContentType = ct
	} else {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return &FieldError{Field: field.String(), Reason: err.Error(), Err: errors.Join(ErrInvalidAttachment, err)}
		}
		p.ContentType = mt
		keys := make([]string, 0, len(params))
		for k := range params {
			if k == "boundary" || k == "name" || k == "filename" {
				return fieldErr(field, "parameter "+k+" is set by the builder", ErrInvalidAttachment)
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p.Params = append(p.Params, multipart.Param{Name: k, Value: params[k]})
		}
	}
	if len(p.ContentType) >= 10 && strings.EqualFold(p.ContentType[:10], "multipart/") {
		return fieldErr(field, "an attachment cannot be a multipart container", ErrInvalidAttachment)
	}
	return nil
}

// validMediaType checks "type/subtype" made of RFC 2045 tokens.
func validMediaType(s string) bool {
	slash := strings.IndexByte(s, '/')
	return slash > 0 && slash < len(s)-1 && isToken(s[:slash]) && isToken(s[slash+1:])
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

// buildTree arranges the parts (see the package documentation for the shapes) and returns the root.
func (a *assembly) buildTree() *multipart.Part {
	m := a.m
	var body *multipart.Part
	switch {
	case m.Text != "" && m.HTML != "":
		a.text = multipart.Part{ContentType: "text/plain", Data: strBytes(m.Text)}
		a.html = multipart.Part{ContentType: "text/html", Data: strBytes(m.HTML)}
		a.altKids = [2]*multipart.Part{&a.text, &a.html}
		a.alt = multipart.Part{ContentType: "multipart/alternative", Parts: a.altKids[:]}
		body = &a.alt
	case m.HTML != "":
		a.html = multipart.Part{ContentType: "text/html", Data: strBytes(m.HTML)}
		body = &a.html
	default:
		// Also when there is no body at all: an empty text/plain part, so every message has a
		// text body a client can show.
		a.text = multipart.Part{ContentType: "text/plain", Data: strBytes(m.Text)}
		body = &a.text
	}
	body = a.featureBody(body)
	a.relKids, a.mixKids = a.relKids[:0], a.mixKids[:0]
	for i := range a.atts {
		if m.Attachments[i].Inline {
			a.relKids = append(a.relKids, &a.atts[i])
		}
	}
	if len(a.relKids) > 0 {
		a.relKids = append(a.relKids, nil)
		copy(a.relKids[1:], a.relKids)
		a.relKids[0] = body
		a.relParams[0] = multipart.Param{Name: "type", Value: body.ContentType}
		a.related = multipart.Part{ContentType: "multipart/related", Params: a.relParams[:], Parts: a.relKids}
		body = &a.related
	}
	for i := range a.atts {
		if !m.Attachments[i].Inline {
			if len(a.mixKids) == 0 {
				a.mixKids = append(a.mixKids, body)
			}
			a.mixKids = append(a.mixKids, &a.atts[i])
		}
	}
	a.mixKids = a.appendICS(a.mixKids, body)
	if len(a.mixKids) > 0 {
		a.mixed = multipart.Part{ContentType: "multipart/mixed", Parts: a.mixKids}
		body = &a.mixed
	}
	return body
}

// appendHeader appends the header block (without the blank line and without a signature).
func (a *assembly) appendHeader(dst []byte) ([]byte, error) {
	m := a.m
	var err error
	sesStart := len(dst)
	if dst, err = m.SES.Append(dst); err != nil {
		return dst, &FieldError{Field: "SES", Reason: err.Error(), Err: err}
	}
	a.sesLen = len(dst) - sesStart
	if err := checkSESValues(dst[sesStart:]); err != nil {
		return dst, err
	}
	if a.returnPath != "" {
		dst = append(dst, "Return-Path: <"...)
		dst = append(dst, a.returnPath...)
		dst = append(dst, ">\r\n"...)
	}
	if dst, err = addrField(dst, "From", "From", a.from[:]); err != nil {
		return dst, err
	}
	if dst, err = addrField(dst, "Reply-To", "ReplyTo", a.replyTo); err != nil {
		return dst, err
	}
	if dst, err = addrField(dst, "To", "To", a.to); err != nil {
		return dst, err
	}
	if dst, err = addrField(dst, "Cc", "Cc", a.cc); err != nil {
		return dst, err
	}
	if m.Subject != "" {
		if dst, err = multipart.AppendTextField(dst, "Subject", m.Subject); err != nil {
			return dst, &FieldError{Field: "Subject", Reason: err.Error(), Err: err}
		}
	}
	dst = append(dst, "Date: "...)
	dst = a.date.AppendFormat(dst, time.RFC1123Z)
	dst = append(dst, "\r\nMessage-ID: <"...)
	dst = append(dst, a.id...)
	dst = append(dst, ">\r\nMIME-Version: 1.0\r\n"...)
	dst = a.appendThreading(dst)
	for i := range m.Headers {
		h := &m.Headers[i]
		if dst, err = multipart.AppendTextField(dst, h.Name, h.Value); err != nil {
			return dst, &FieldError{Field: indexed("Headers", i), Reason: err.Error(), Err: err}
		}
	}
	if dst, err = a.tree.AppendHeader(dst); err != nil {
		return dst, &FieldError{Field: "Body", Reason: err.Error(), Err: err}
	}
	return dst, nil
}

func addrField(dst []byte, name, field string, list []multipart.Address) ([]byte, error) {
	if len(list) == 0 {
		return dst, nil
	}
	dst, err := multipart.AppendAddressField(dst, name, list)
	if err != nil {
		return dst, &FieldError{Field: field, Reason: err.Error(), Err: err}
	}
	return dst, nil
}

// pseudoRand is a splitmix64 stream: the stand-in randomness of modeCheck.
type pseudoRand struct{ state uint64 }

func (r *pseudoRand) Read(p []byte) (int, error) {
	for i := range p {
		r.state += 0x9E3779B97F4A7C15
		z := r.state
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		p[i] = byte(z ^ (z >> 31))
	}
	return len(p), nil
}
