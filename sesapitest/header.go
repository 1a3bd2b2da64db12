package sesapitest

import (
	"bytes"
	"net/mail"
	"strings"
)

// This file is the package's own reading of a raw message's header block. It deliberately shares
// no code with the library it tests, so that a sender checked against this package is not checked
// by itself. It reads the way SES documents: the header block ends at the first empty line, a line
// starting with a space or tab continues the field above, and of several instances of an X-SES
// header the first wins
// (https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html).
//
// Limits: it is linear in the size of the header block, and the block is bounded by the size
// limit of the request that carried the message.

// field is one header field of a raw message.
type field struct {
	name  string // as written, without surrounding white space
	value string // unfolded (CR and LF removed), trimmed
	start int    // offset of the field's first byte in the message
	colon int    // offset just past the colon
	end   int    // offset just past the field's last line ending
}

// readHeader splits the header block of msg into fields and returns them with the offset where
// the body starts (after the empty line; len(msg) when there is none). Lines end in LF or CRLF. A
// line in the header block that has no colon and does not continue a field is kept in no field
// (it counts as neither a name nor a value). It is linear in the size of the header block.
func readHeader(msg []byte) (fields []field, body int) {
	pos := 0
	body = len(msg)
	for pos < len(msg) {
		lineEnd := bytes.IndexByte(msg[pos:], '\n')
		next := len(msg)
		if lineEnd >= 0 {
			next = pos + lineEnd + 1
		}
		line := trimEOL(msg[pos:next])
		if len(line) == 0 { // the empty line ending the header block
			body = next
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 && fields[len(fields)-1].end == pos {
			fields[len(fields)-1].end = next
		} else if colon := bytes.IndexByte(line, ':'); colon > 0 {
			fields = append(fields, field{name: strings.TrimRight(string(line[:colon]), " \t"), start: pos, colon: pos + colon + 1, end: next})
		}
		pos = next
	}
	for i := range fields {
		f := &fields[i]
		f.value = strings.TrimSpace(unfold(msg[f.colon:f.end]))
	}
	return fields, body
}

// unfold returns b without its CR and LF bytes (RFC 5322 unfolding).
func unfold(b []byte) string {
	if bytes.IndexByte(b, '\n') == len(b)-1 && bytes.IndexByte(b, '\r') >= len(b)-2 {
		return string(trimEOL(b)) // one line: the common case
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return string(out)
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// header is the parsed header block of a raw message.
type header struct {
	fields []field
	body   int
}

func parseHeader(msg []byte) header {
	f, body := readHeader(msg)
	return header{fields: f, body: body}
}

// first returns the value of the first field named name (case-insensitive) and whether there is one.
func (h header) first(name string) (string, bool) {
	for _, f := range h.fields {
		if strings.EqualFold(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// addresses returns the addresses of every field named name, in order. An unparsable field is
// returned as ok=false.
func (h header) addresses(name string) (list []*mail.Address, ok bool) {
	ok = true
	for _, f := range h.fields {
		if !strings.EqualFold(f.name, name) {
			continue
		}
		l, err := mail.ParseAddressList(f.value)
		if err != nil {
			ok = false
			continue
		}
		list = append(list, l...)
	}
	return list, ok
}

// The X-SES headers SES reads from submitted mail.
const (
	hdrSourceARN      = "X-SES-SOURCE-ARN"
	hdrFromARN        = "X-SES-FROM-ARN"
	hdrReturnPathARN  = "X-SES-RETURN-PATH-ARN"
	hdrConfigSet      = "X-SES-CONFIGURATION-SET"
	hdrMessageTags    = "X-SES-MESSAGE-TAGS"
	hdrListManagement = "X-SES-LIST-MANAGEMENT-OPTIONS"
	hdrTenant         = "X-SES-TENANT"
)

// XSES holds the first instance of each X-SES header of a raw message, as SES reads them
// ("If you include multiple instances of an X-header, Amazon SES uses only the first instance",
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html).
// Values are unfolded and trimmed; an absent header is "".
type XSES struct {
	SourceArn             string // X-SES-SOURCE-ARN
	FromArn               string // X-SES-FROM-ARN
	ReturnPathArn         string // X-SES-RETURN-PATH-ARN
	ConfigurationSet      string // X-SES-CONFIGURATION-SET
	MessageTags           string // X-SES-MESSAGE-TAGS, as written ("name1=value1, name2=value2")
	ListManagementOptions string // X-SES-LIST-MANAGEMENT-OPTIONS ("list; topic=topic")
	Tenant                string // X-SES-TENANT
}

func (h header) xses() XSES {
	v := func(name string) string { s, _ := h.first(name); return s }
	return XSES{
		SourceArn:             v(hdrSourceARN),
		FromArn:               v(hdrFromARN),
		ReturnPathArn:         v(hdrReturnPathARN),
		ConfigurationSet:      v(hdrConfigSet),
		MessageTags:           v(hdrMessageTags),
		ListManagementOptions: v(hdrListManagement),
		Tenant:                v(hdrTenant),
	}
}

// isXSES reports whether a header name is one SES removes before delivery: every field whose name
// starts with "X-SES-". SES says it "removes all X-headers from the email before sending it"; in
// context that means its own X-SES headers, and ordinary X- headers are kept.
func isXSES(name string) bool {
	return len(name) >= 6 && strings.EqualFold(name[:6], "X-SES-")
}

// stripXSES returns msg without its X-SES-* header fields (with their continuation lines): the
// message as SES delivers it, apart from the headers SES adds or rewrites.
func stripXSES(msg []byte, h header) []byte {
	out := make([]byte, 0, len(msg))
	pos := 0
	for _, f := range h.fields {
		if isXSES(f.name) {
			out = append(out, msg[pos:f.start]...)
			pos = f.end
		}
	}
	return append(out, msg[pos:]...)
}

// parseTags reads an X-SES-MESSAGE-TAGS value, "name1=value1, name2=value2".
func parseTags(s string) []Tag {
	var tags []Tag
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, _ := strings.Cut(item, "=")
		tags = append(tags, Tag{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return tags
}

// parseListManagement reads an X-SES-LIST-MANAGEMENT-OPTIONS value, "contactListName; topic=topicName"
// (https://docs.aws.amazon.com/ses/latest/dg/sending-email-list-management.html).
func parseListManagement(s string) *ListManagement {
	if s == "" {
		return nil
	}
	list, rest, _ := strings.Cut(s, ";")
	lm := &ListManagement{ContactListName: strings.TrimSpace(list)}
	if k, v, ok := strings.Cut(strings.TrimSpace(rest), "="); ok && strings.EqualFold(strings.TrimSpace(k), "topic") {
		lm.TopicName = strings.TrimSpace(v)
	}
	return lm
}

// singletons are the header fields SES refuses to see more than once
// (https://docs.aws.amazon.com/ses/latest/dg/header-fields.html), lower-cased.
var singletons = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`Accept-Language acceptLanguage Archived-At Auto-Submitted Bounces-to Comments
		Content-Alternative Content-Base Content-Class Content-Description Content-Disposition Content-Duration
		Content-ID Content-Language Content-Length Content-Location Content-MD5 Content-Transfer-Encoding
		Content-Type Date Delivered-To Disposition-Notification-Options Disposition-Notification-To
		DKIM-Signature DomainKey-Signature Errors-To From Importance In-Reply-To Keywords List-Archive List-Help
		List-Id List-Owner List-Post List-Subscribe List-Unsubscribe List-Unsubscribe-Post Message-Context
		Message-ID MIME-Version Organization Original-From Original-Message-ID Original-Recipient
		Original-Subject Precedence Priority References Reply-To Return-Path Return-Receipt-To Sender
		Solicitation Sensitivity Subject Thread-Index Thread-Topic User-Agent VBR-Info`) {
		m[strings.ToLower(n)] = true
	}
	return m
}()

// duplicate returns the first singleton header name that appears more than once (as spelled by its
// second instance), or "".
func (h header) duplicate() string {
	seen := map[string]bool{}
	for _, f := range h.fields {
		k := strings.ToLower(f.name)
		if !singletons[k] {
			continue
		}
		if seen[k] {
			return f.name
		}
		seen[k] = true
	}
	return ""
}
