package rawenvelope

import (
	"errors"
	"net/mail"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/rawheader"
)

// ErrBadAddress is matched (errors.Is) by every *AddressError.
var ErrBadAddress = errors.New("rawenvelope: cannot parse an address field")

// AddressError reports an address field whose value the address grammar cannot read.
type AddressError struct {
	Field  string // the field's name in its usual spelling: "From", "Reply-To", "To", "Cc", "Bcc" or "Return-Path"
	Line   int    // 1-based line number of the field's first line
	Value  string // the unfolded value
	Reason string // net/mail's reason, without its "mail: " prefix
}

func (e *AddressError) Error() string {
	return "rawenvelope: line " + strconv.Itoa(e.Line) + ": cannot parse " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrBadAddress.
func (e *AddressError) Unwrap() error { return ErrBadAddress }

// Envelope is what a raw message's header block says about its envelope.
type Envelope struct {
	// From, ReplyTo, To, Cc and Bcc hold every address of every field of that name (ASCII
	// case-insensitive), in the order of the header block, with display names decoded.
	From    []*mail.Address
	ReplyTo []*mail.Address
	To      []*mail.Address
	Cc      []*mail.Address
	Bcc     []*mail.Address
	// ReturnPath is the bare address of the first Return-Path field: "" when there is none, when
	// it is blank, or when it is the null reverse path "<>".
	ReturnPath string
	// Recipients are the To, Cc and Bcc addresses (bare), deduplicated ASCII case-insensitively,
	// the first spelling kept, in order: the destinations SES uses when a raw message is sent
	// without explicit ones. AddBcc adds to them.
	Recipients []string
	// Problems lists the address fields that could not be parsed, in the order of the header block.
	Problems []*AddressError

	seen   map[string]bool // lower-cased Recipients
	rpSeen bool            // a Return-Path field was read
}

// Read reads the envelope of the raw message src (a header block, optionally followed by an
// empty line and the body) with the one header grammar (package rawheader). The error is the
// grammar's: a *rawheader.SyntaxError for a malformed header block or a leading mbox From line, a
// *rawheader.LimitError for one over a limit. The Envelope is never nil: on error it holds what the
// fields before the offending line say. Address fields that cannot be parsed are in
// Envelope.Problems, not in the error.
func Read(src []byte) (*Envelope, error) {
	env := &Envelope{}
	var sc rawheader.Scanner
	sc.Reset(src)
	for sc.Next() {
		env.add(sc.Field())
	}
	if err := sc.Err(); err != nil {
		return env, err
	}
	if sc.Flags()&rawheader.FlagMboxFrom != 0 {
		return env, &rawheader.SyntaxError{Offset: 0, Line: 1, At: 0, Err: rawheader.ErrNotAField,
			Reason: "the message starts with an mbox From line, which is not a header field"}
	}
	return env, nil
}

// addressFields are the fields Read reads, in their usual spelling.
var addressFields = [...]string{"From", "Reply-To", "To", "Cc", "Bcc", "Return-Path"}

// add reads one field into env.
func (env *Envelope) add(f rawheader.Field) {
	name := ""
	for _, n := range addressFields {
		if equalFold(f.Name, n) {
			name = n
			break
		}
	}
	var dst *[]*mail.Address
	switch name {
	case "":
		return
	case "From":
		dst = &env.From
	case "Reply-To":
		dst = &env.ReplyTo
	case "To":
		dst = &env.To
	case "Cc":
		dst = &env.Cc
	case "Bcc":
		dst = &env.Bcc
	case "Return-Path":
		if env.rpSeen { // the first Return-Path field counts, even if it cannot be parsed
			return
		}
		env.rpSeen = true
		v := f.Unfolded()
		if v == "" || v == "<>" {
			return
		}
		a, err := ParseAddress(v)
		if err != nil {
			env.problem(name, f.Line, v, err)
			return
		}
		env.ReturnPath = a.Address
		return
	}
	v := f.Unfolded()
	if v == "" {
		return
	}
	list, err := ParseList(v)
	if err != nil {
		env.problem(name, f.Line, v, err)
		return
	}
	*dst = append(*dst, list...)
	if name == "To" || name == "Cc" || name == "Bcc" {
		for _, a := range list {
			env.addRecipient(a.Address)
		}
	}
}

func (env *Envelope) problem(name string, line int, v string, err error) {
	env.Problems = append(env.Problems, &AddressError{Field: name, Line: line, Value: v,
		Reason: strings.TrimPrefix(err.Error(), "mail: ")})
}

// addRecipient adds addr to Recipients unless an address equal to it ASCII case-insensitively
// is there already, and reports whether it did.
func (env *Envelope) addRecipient(addr string) bool {
	k := strings.ToLower(addr)
	if env.seen[k] {
		return false
	}
	if env.seen == nil {
		env.seen = map[string]bool{}
	}
	env.seen[k] = true
	env.Recipients = append(env.Recipients, addr)
	return true
}

// AddBcc adds blind-copy recipients given beside the message (SendRawEmail's Destinations, a
// RawMessage's Bcc) to Bcc and, deduplicated, to Recipients.
func (env *Envelope) AddBcc(addrs ...*mail.Address) {
	for _, a := range addrs {
		env.Bcc = append(env.Bcc, a)
		env.addRecipient(a.Address)
	}
}

// FirstFrom returns the first From address, or nil when the message has none.
func (env *Envelope) FirstFrom() *mail.Address {
	if len(env.From) == 0 {
		return nil
	}
	return env.From[0]
}

// Source returns the envelope sender SES uses for a raw message sent without an explicit one:
// the Return-Path address, else the first From address ("" when there is neither).
func (env *Envelope) Source() string {
	if env.ReturnPath != "" {
		return env.ReturnPath
	}
	if a := env.FirstFrom(); a != nil {
		return a.Address
	}
	return ""
}

// Destinations returns the recipients by class, each address once: the To addresses, the Cc
// addresses not among them, and the Bcc addresses not among either (ASCII case-insensitive, the
// first spelling kept). Together they are Recipients.
func (env *Envelope) Destinations() (to, cc, bcc []string) {
	seen := make(map[string]bool, len(env.Recipients))
	class := func(list []*mail.Address) []string {
		var out []string
		for _, a := range list {
			if k := strings.ToLower(a.Address); !seen[k] {
				seen[k] = true
				out = append(out, a.Address)
			}
		}
		return out
	}
	to = class(env.To)
	cc = class(env.Cc)
	bcc = class(env.Bcc)
	return to, cc, bcc
}

// ParseAddress reads one address (RFC 5322 section 3.4 as net/mail reads it; RFC 2047 encoded
// words in the display name decoded).
func ParseAddress(v string) (*mail.Address, error) {
	return mail.ParseAddress(v)
}

// ParseList reads a list of addresses (RFC 5322 section 3.4 as net/mail reads it; RFC 2047
// encoded words in display names decoded).
func ParseList(v string) ([]*mail.Address, error) {
	return mail.ParseAddressList(v)
}

// equalFold reports whether the field name b is name, ASCII case-insensitively.
func equalFold(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := range len(b) {
		c, d := b[i], name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}
