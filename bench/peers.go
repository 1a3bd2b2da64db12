package bench

import (
	"bytes"
	"crypto"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"

	gmail "github.com/emersion/go-message/mail"
	msgdkim "github.com/emersion/go-msgauth/dkim"
	jwemail "github.com/jordan-wright/email"
	gomail "github.com/wneessen/go-mail"
	gomailv2 "gopkg.in/gomail.v2"
)

// The peers below build the fixture through their public API, every iteration from scratch, the way
// a caller would. Where a peer cannot write a header the way sesraw does, the closest equivalent is
// used; BENCHMARKS.md lists each case.

func addrPtrs(as []mail.Address) []*mail.Address {
	ps := make([]*mail.Address, len(as))
	for i := range as {
		ps[i] = &as[i]
	}
	return ps
}

// BuildGoMail builds f with wneessen/go-mail and writes it to w, DKIM-signed when signer is not nil.
// Headers: go-mail writes generic headers sorted by name, so the X-SES-* fields are not at the top.
func BuildGoMail(w io.Writer, f *Fixture, signer *gomail.DKIMSigner) (int64, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(&f.From)
	m.ToMailAddress(addrPtrs(f.To)...)
	m.CcMailAddress(addrPtrs(f.Cc)...)
	m.ReplyToMailAddress(&f.ReplyTo)
	m.Subject(f.Subject)
	m.SetDateWithValue(f.Date)
	m.SetMessageIDWithValue(f.MessageID)
	for _, h := range SESHeaders {
		m.SetGenHeader(gomail.Header(h.Name), h.Value)
	}
	m.SetBodyString(gomail.TypeTextPlain, f.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, f.HTML)
	m.AttachReadSeeker(AttachmentName, bytes.NewReader(f.Attachment),
		gomail.WithFileContentType(AttachmentType))
	if signer != nil {
		m.SetDKIM(signer)
	}
	return m.WriteTo(w)
}

// NewGoMailSigner returns a go-mail DKIM signer (relaxed/relaxed) signing the names in headers,
// each once: go-mail v0.8.1 folds a DKIM-Signature whose h= list is longer than a line inside the
// list ("Reply-To\r\n :Subject") after signing the unfolded value, so its signature never verifies
// once oversigned names make h= that long (see TestGoMailOversignBreaks). Without oversigning, h=
// fits and the signature verifies; names listed twice (oversigning) are signed once.
func NewGoMailSigner(key Key, headers []string) *gomail.DKIMSigner {
	s := gomail.NewDKIMSigner(Domain, key.Selector, key.Signer)
	s.HeaderCanonicalization(gomail.CanonicalizationRelaxed)
	s.BodyCanonicalization(gomail.CanonicalizationRelaxed)
	s.NowFunc = func() time.Time { return Date }
	s.SignHeaders(UniqueNames(headers)...)
	return s
}

// UniqueNames returns headers with repeated names (compared case-insensitively) dropped.
func UniqueNames(headers []string) []string {
	var out []string
	for _, h := range headers {
		if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, h) }) {
			out = append(out, h)
		}
	}
	return out
}

// NewGoMailOversigner is NewGoMailSigner with go-mail's OversignHeaders for the names listed twice;
// its signatures do not verify when h= gets longer than a line (kept to show the go-mail bug).
func NewGoMailOversigner(key Key, headers []string) *gomail.DKIMSigner {
	s := NewGoMailSigner(key, headers)
	uniq := UniqueNames(headers)
	var over []string
	for _, h := range headers {
		if i := slices.IndexFunc(uniq, func(s string) bool { return strings.EqualFold(s, h) }); i >= 0 {
			uniq = slices.Delete(uniq, i, i+1)
		} else {
			over = append(over, h)
		}
	}
	s.OversignHeaders(over...)
	return s
}

// BuildGoMessage builds f with emersion/go-message (mail.CreateWriter) and writes it to w.
// go-message canonicalizes header names it formats itself (X-Ses-Source-Arn); the X-SES-* fields
// are therefore added with Header.AddRaw, which keeps the canonical upper-case spelling.
func BuildGoMessage(w io.Writer, f *Fixture) error {
	var h gmail.Header
	h.SetAddressList("From", []*gmail.Address{&f.From})
	h.SetAddressList("To", addrPtrs(f.To))
	h.SetAddressList("Cc", addrPtrs(f.Cc))
	h.SetAddressList("Reply-To", []*gmail.Address{&f.ReplyTo})
	h.SetSubject(f.Subject)
	h.SetDate(f.Date)
	h.SetMessageID(f.MessageID)
	h.Set("MIME-Version", "1.0")
	// WriteHeader writes the field added last first: add the X-SES block last, in reverse, so it
	// comes out in canonical order right below Content-Type.
	for i := len(SESHeaders) - 1; i >= 0; i-- {
		s := SESHeaders[i]
		h.AddRaw([]byte(s.Name + ": " + s.Value + "\r\n"))
	}

	mw, err := gmail.CreateWriter(w, h)
	if err != nil {
		return err
	}
	iw, err := mw.CreateInline()
	if err != nil {
		return err
	}
	for _, p := range [...]struct{ ct, body string }{{"text/plain", f.Text}, {"text/html", f.HTML}} {
		var ph gmail.InlineHeader
		ph.SetContentType(p.ct, map[string]string{"charset": "utf-8"})
		pw, err := iw.CreatePart(ph)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return err
		}
		if err := pw.Close(); err != nil {
			return err
		}
	}
	if err := iw.Close(); err != nil {
		return err
	}
	var ah gmail.AttachmentHeader
	ah.SetContentType(AttachmentType, nil)
	ah.SetFilename(AttachmentName)
	aw, err := mw.CreateAttachment(ah)
	if err != nil {
		return err
	}
	if _, err := aw.Write(f.Attachment); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	return mw.Close()
}

// NewMsgauthOptions returns go-msgauth sign options (relaxed/relaxed) signing exactly headers.
func NewMsgauthOptions(key Key, headers []string) *msgdkim.SignOptions {
	return &msgdkim.SignOptions{
		Domain:                 Domain,
		Selector:               key.Selector,
		Signer:                 key.Signer,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
		BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
		HeaderKeys:             headers,
	}
}

// BuildGoMessageSigned builds f with go-message into scratch (reset first) and signs it with
// go-msgauth's dkim.Sign, writing the signed message to w.
func BuildGoMessageSigned(w io.Writer, scratch *bytes.Buffer, f *Fixture, opts *msgdkim.SignOptions) error {
	scratch.Reset()
	if err := BuildGoMessage(scratch, f); err != nil {
		return err
	}
	return msgdkim.Sign(w, bytes.NewReader(scratch.Bytes()), opts)
}

// BuildGomailV2 builds f with gopkg.in/gomail.v2 and writes it to w. gomail writes top-level
// headers from a map, so their order varies from run to run; names keep the spelling given.
// gomail has no Message-ID support of its own; it is set as a plain header.
func BuildGomailV2(w io.Writer, f *Fixture) (int64, error) {
	m := gomailv2.NewMessage()
	m.SetHeader("From", m.FormatAddress(f.From.Address, f.From.Name))
	to := make([]string, len(f.To))
	for i, a := range f.To {
		to[i] = m.FormatAddress(a.Address, a.Name)
	}
	m.SetHeader("To", to...)
	m.SetHeader("Cc", m.FormatAddress(f.Cc[0].Address, f.Cc[0].Name))
	m.SetHeader("Reply-To", m.FormatAddress(f.ReplyTo.Address, f.ReplyTo.Name))
	m.SetHeader("Subject", f.Subject)
	m.SetDateHeader("Date", f.Date)
	m.SetHeader("Message-ID", "<"+f.MessageID+">")
	for _, h := range SESHeaders {
		m.SetHeader(h.Name, h.Value)
	}
	m.SetBody("text/plain", f.Text)
	m.AddAlternative("text/html", f.HTML)
	data := f.Attachment
	m.Attach(AttachmentName,
		gomailv2.SetHeader(map[string][]string{"Content-Type": {AttachmentType}}),
		gomailv2.SetCopyFunc(func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}))
	return m.WriteTo(w)
}

// BuildJordanWright builds f with jordan-wright/email and returns Bytes() (its only output API).
// Its header map is written in random order; the X-SES-* keys are stored in the map directly, so
// they keep the canonical spelling instead of textproto's X-Ses-Source-Arn.
func BuildJordanWright(f *Fixture) ([]byte, error) {
	e := jwemail.NewEmail()
	e.From = f.From.String()
	e.To = make([]string, len(f.To))
	for i := range f.To {
		e.To[i] = f.To[i].String()
	}
	e.Cc = []string{f.Cc[0].String()}
	e.ReplyTo = []string{f.ReplyTo.String()}
	e.Subject = f.Subject
	e.Headers["Date"] = []string{f.Date.Format(rfc5322Date)}
	e.Headers["Message-Id"] = []string{"<" + f.MessageID + ">"}
	for _, h := range SESHeaders {
		e.Headers[h.Name] = []string{h.Value}
	}
	e.Text = []byte(f.Text)
	e.HTML = []byte(f.HTML)
	if _, err := e.Attach(bytes.NewReader(f.Attachment), AttachmentName, AttachmentType); err != nil {
		return nil, err
	}
	return e.Bytes()
}

const rfc5322Date = "Mon, 02 Jan 2006 15:04:05 -0700"
