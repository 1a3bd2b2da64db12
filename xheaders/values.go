package xheaders

import (
	"errors"
	"strings"

	"github.com/sesraw/sesraw/sesrules"
)

const (
	maxConfigSet = 64  // [DG:quotas] configuration set names: up to 64 characters
	maxTagPart   = 256 // [API1]/[API2] MessageTag Name and Value: 256 characters or fewer
	maxTenant    = 64  // [API2] TenantName: up to 64 characters (header form UNCONFIRMED)
	maxListName  = 64  // AWS::SES::ContactList ContactListName and Topic TopicName: ^[a-zA-Z0-9_-]{1,64}$ (CloudFormation reference)
)

// truncValue truncates an offending value to 80 bytes for HeaderError.Value.
func truncValue(s string) string {
	if len(s) > 80 {
		return s[:80]
	}
	return s
}

func headerError(header, value, reason string, err error) error {
	return &HeaderError{Header: header, Value: truncValue(value), Reason: reason, Err: err}
}

// nameReason checks s against 1..max characters of [A-Za-z0-9_-]; what names the value in the reason.
func nameReason(s string, max int, what string) string {
	if s == "" {
		return what + " is empty"
	}
	if len(s) > max {
		switch max {
		case 64:
			return what + " is longer than 64 characters"
		case 256:
			return what + " is longer than 256 characters"
		}
		return what + " is too long"
	}
	for i := 0; i < len(s); i++ {
		if class[s[i]]&cName == 0 {
			return what + " has a character other than A-Z, a-z, 0-9, '_' and '-'"
		}
	}
	return ""
}

func checkConfigSet(s string) error {
	if r := nameReason(s, maxConfigSet, "configuration set name"); r != "" {
		return headerError(ConfigurationSet, s, r, ErrInvalidConfigSet)
	}
	return nil
}

func checkTenant(s string) error {
	if r := nameReason(s, maxTenant, "tenant name"); r != "" {
		return headerError(Tenant, s, r, ErrInvalidTenant)
	}
	return nil
}

func checkList(l *ListOptions) error {
	if r := nameReason(l.ContactList, maxListName, "contact list name"); r != "" {
		return headerError(ListManagement, l.String(), r, ErrInvalidListManagement)
	}
	if l.Topic != "" {
		if r := nameReason(l.Topic, maxListName, "topic name"); r != "" {
			return headerError(ListManagement, l.String(), r, ErrInvalidListManagement)
		}
	}
	return nil
}

func checkTag(t Tag) error {
	if r := nameReason(t.Name, maxTagPart, "tag name"); r != "" {
		return headerError(MessageTags, t.Name+"="+t.Value, r, ErrInvalidTag)
	}
	if t.Value == "" {
		return nil // an empty value is accepted: the API states no minimum length (UNCONFIRMED)
	}
	if r := nameReason(t.Value, maxTagPart, "tag value"); r != "" {
		return headerError(MessageTags, t.Name+"="+t.Value, r, ErrInvalidTag)
	}
	return nil
}

// checkTags validates every tag and rejects duplicate names (compared exactly: SES documents no
// case folding of tag names).
func checkTags(tags []Tag) error {
	for i, t := range tags {
		if err := checkTag(t); err != nil {
			return err
		}
		if len(tags) <= 64 {
			for _, u := range tags[:i] {
				if u.Name == t.Name {
					return headerError(MessageTags, t.Name, "duplicate tag name", ErrInvalidTag)
				}
			}
		}
	}
	if len(tags) > 64 {
		seen := make(map[string]struct{}, len(tags))
		for _, t := range tags {
			if _, dup := seen[t.Name]; dup {
				return headerError(MessageTags, t.Name, "duplicate tag name", ErrInvalidTag)
			}
			seen[t.Name] = struct{}{}
		}
	}
	return nil
}

func trimWSP(s string) string {
	for len(s) > 0 && isWSP(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isWSP(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// ParseTags parses an unfolded X-SES-MESSAGE-TAGS value, "name1=value1, name2=value2".
// Items are separated by commas; blanks around an item are ignored, blanks around '=' are not.
// Errors are *HeaderError values wrapping ErrInvalidTag.
func ParseTags(s string) ([]Tag, error) {
	if trimWSP(s) == "" {
		return nil, headerError(MessageTags, s, "no tags", ErrInvalidTag)
	}
	tags := make([]Tag, 0, strings.Count(s, ",")+1)
	for item := range strings.SplitSeq(s, ",") {
		item = trimWSP(item)
		if item == "" {
			return nil, headerError(MessageTags, s, "empty item between commas", ErrInvalidTag)
		}
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			return nil, headerError(MessageTags, item, "tag has no '='", ErrInvalidTag)
		}
		tags = append(tags, Tag{Name: name, Value: value})
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	return tags, nil
}

// FormatTags formats tags as the unfolded X-SES-MESSAGE-TAGS value "name1=value1, name2=value2".
// It does not validate.
func FormatTags(tags []Tag) string {
	n := 0
	for _, t := range tags {
		n += len(t.Name) + len(t.Value) + 3
	}
	b := make([]byte, 0, n)
	for i, t := range tags {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, t.Name...)
		b = append(b, '=')
		b = append(b, t.Value...)
	}
	return string(b)
}

// ParseListOptions parses an unfolded X-SES-LIST-MANAGEMENT-OPTIONS value, "ContactList; topic=Topic".
// The "; topic=Topic" part is optional (UNCONFIRMED for the header form; the API's TopicName is
// optional). Blanks around the list name, the ';' and the topic are ignored and the "topic" key is
// matched ASCII-case-insensitively. Errors are *HeaderError values wrapping ErrInvalidListManagement.
func ParseListOptions(s string) (ListOptions, error) {
	list, rest, hasTopic := strings.Cut(s, ";")
	l := ListOptions{ContactList: trimWSP(list)}
	if hasTopic {
		key, topic, ok := strings.Cut(trimWSP(rest), "=")
		if !ok || !equalFoldASCII(trimWSP(key), "topic") {
			return ListOptions{}, headerError(ListManagement, s, `text after ';' is not "topic=NAME"`, ErrInvalidListManagement)
		}
		l.Topic = trimWSP(topic)
		if l.Topic == "" {
			return ListOptions{}, headerError(ListManagement, s, "topic name is empty", ErrInvalidListManagement)
		}
	}
	if err := checkList(&l); err != nil {
		return ListOptions{}, err
	}
	return l, nil
}

// String formats l as the X-SES-LIST-MANAGEMENT-OPTIONS value: "ContactList; topic=Topic", or
// "ContactList" when Topic is empty. It does not validate.
func (l ListOptions) String() string {
	if l.Topic == "" {
		return l.ContactList
	}
	return l.ContactList + "; topic=" + l.Topic
}

// Validate checks every value; the error is a *HeaderError (several are joined with errors.Join).
// It does not allocate when h is valid.
func (h *Headers) Validate() error {
	var errs [numKnown]error
	n := 0
	for i, a := range [3]ARN{h.SourceARN, h.FromARN, h.ReturnPathARN} {
		if a.IsZero() {
			continue
		}
		if r := a.check(); r != "" {
			errs[n] = arnError(knownNames[i], a.String(), r)
			n++
		}
	}
	if h.ConfigurationSet != "" {
		if err := checkConfigSet(h.ConfigurationSet); err != nil {
			errs[n] = err
			n++
		}
	}
	if len(h.Tags) > 0 {
		if err := checkTags(h.Tags); err != nil {
			errs[n] = err
			n++
		}
	}
	if h.ListManagement != nil {
		if err := checkList(h.ListManagement); err != nil {
			errs[n] = err
			n++
		}
	}
	if h.Tenant != "" {
		if err := checkTenant(h.Tenant); err != nil {
			errs[n] = err
			n++
		}
	}
	switch n {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs[:n]...)
}

func appendField(dst []byte, name, value, eol string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, eol...)
}

// appendBlock writes the (already validated) header fields with line ending eol.
func (h *Headers) appendBlock(dst []byte, eol string) []byte {
	for i, a := range [3]*ARN{&h.SourceARN, &h.FromARN, &h.ReturnPathARN} {
		if a.IsZero() {
			continue
		}
		dst = append(dst, knownNames[i]...)
		dst = append(dst, ": "...)
		dst = a.appendTo(dst)
		dst = append(dst, eol...)
	}
	if h.ConfigurationSet != "" {
		dst = appendField(dst, ConfigurationSet, h.ConfigurationSet, eol)
	}
	if len(h.Tags) > 0 {
		dst = append(dst, MessageTags...)
		dst = append(dst, ": "...)
		line := len(MessageTags) + 2
		for i, t := range h.Tags {
			need := len(t.Name) + 1 + len(t.Value)
			if i > 0 {
				// Fold after the comma when the next tag would push the line (plus the comma that
				// may follow it) past 998 octets; unfolding restores ", ".
				if line+2+need+1 > sesrules.MaxLineOctets {
					dst = append(dst, ',')
					dst = append(dst, eol...)
					dst = append(dst, ' ')
					line = 1
				} else {
					dst = append(dst, ", "...)
					line += 2
				}
			}
			dst = append(dst, t.Name...)
			dst = append(dst, '=')
			dst = append(dst, t.Value...)
			line += need
		}
		dst = append(dst, eol...)
	}
	if l := h.ListManagement; l != nil {
		dst = append(dst, ListManagement...)
		dst = append(dst, ": "...)
		dst = append(dst, l.ContactList...)
		if l.Topic != "" {
			dst = append(dst, "; topic="...)
			dst = append(dst, l.Topic...)
		}
		dst = append(dst, eol...)
	}
	if h.Tenant != "" {
		dst = appendField(dst, Tenant, h.Tenant, eol)
	}
	return dst
}

// Tag is one SES message tag. Name is 1..256 characters and Value 0..256 characters of
// [A-Za-z0-9_-] (SES API reference, MessageTag: "Contain only ASCII letters (a-z, A-Z), numbers
// (0-9), underscores (_), or dashes (-). Contain 256 characters or fewer."). No minimum length is
// stated for the value, so an empty value is accepted (UNCONFIRMED). Tag names must be unique within
// a message (compared exactly). No maximum tag count is documented (UNCONFIRMED); none is enforced.
type Tag struct{ Name, Value string }

// ListOptions is the value of X-SES-LIST-MANAGEMENT-OPTIONS: "ContactList; topic=Topic".
// Topic is optional (UNCONFIRMED for the header form; the API's TopicName is optional). Both names
// are 1..64 characters of [A-Za-z0-9_-] (the CloudFormation AWS::SES::ContactList patterns).
type ListOptions struct{ ContactList, Topic string }

// Headers is the set of SES control headers of one message. The zero value has none.
// A zero ARN, empty string or empty slice means "absent".
//
// ConfigurationSet is 1..64 characters of [A-Za-z0-9_-] (SES quotas page). Tenant is 1..64
// characters of [A-Za-z0-9_-], the API's TenantName rule; that X-SES-TENANT takes the tenant name
// in this form is UNCONFIRMED.
type Headers struct {
	SourceARN        ARN
	FromARN          ARN
	ReturnPathARN    ARN
	ConfigurationSet string
	Tags             []Tag
	ListManagement   *ListOptions
	Tenant           string
}

// IsZero reports whether no header is set.
func (h *Headers) IsZero() bool {
	return h.SourceARN.IsZero() && h.FromARN.IsZero() && h.ReturnPathARN.IsZero() &&
		h.ConfigurationSet == "" && len(h.Tags) == 0 && h.ListManagement == nil && h.Tenant == ""
}

// Append validates h and appends its header fields to dst in canonical spelling and fixed order
// (the order of the constants above), each at most once, each line CRLF-terminated and at most 998
// octets (message tags fold after a comma only when the line would otherwise exceed 998 octets;
// unfolding restores ", "). On error dst is returned unchanged.
func (h *Headers) Append(dst []byte) ([]byte, error) {
	if err := h.Validate(); err != nil {
		return dst, err
	}
	return h.appendBlock(dst, "\r\n"), nil
}
