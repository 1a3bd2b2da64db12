package cli

import (
	"bytes"
	"errors"
	"net/textproto"

	"github.com/sesraw/sesraw/rawheader"
	"mime"
	"net/mail"
	"strings"
)

// headerEnvelope is what a raw message's header block says about its envelope.
type headerEnvelope struct {
	ReturnPath string   `json:"returnPath"` // bare address, "" if absent
	From       []string `json:"from"`
	ReplyTo    []string `json:"replyTo"`
	To         []string `json:"to"`
	Cc         []string `json:"cc"`
	Bcc        []string `json:"bcc"`
	// Recipients are the To, Cc and Bcc addresses, deduplicated case-insensitively: the
	// destinations SES uses when a raw message is sent without explicit ones.
	Recipients []string `json:"recipients"`
	// Problems lists header fields that could not be parsed.
	Problems []string `json:"problems"`

	fromAddr string // first From address, bare
}

// wordDecoder decodes RFC 2047 encoded words in display names and file names (any charset
// mime knows: UTF-8, US-ASCII, ISO-8859-1).
var wordDecoder = &mime.WordDecoder{}

// headerBlock reads raw's header block with the one header grammar (package rawheader): the fields
// of its strict reading, the offset of the body, and what the grammar said. sc.Err() is a
// *rawheader.SyntaxError for a malformed block (the fields before the bad line are returned) or a
// *rawheader.LimitError.
func headerBlock(raw []byte) (mail.Header, int, *rawheader.Scanner) {
	h := mail.Header{}
	sc := new(rawheader.Scanner)
	sc.Reset(raw)
	for sc.Next() {
		f := sc.Field()
		k := textproto.CanonicalMIMEHeaderKey(string(f.Name))
		h[k] = append(h[k], f.Unfolded())
	}
	return h, sc.BodyOffset(), sc
}

// readEnvelope reads the address fields of raw's header block. A malformed header block is an
// error (a *rawheader.SyntaxError), as is a leading mbox From line.
func readEnvelope(raw []byte) (*headerEnvelope, *mail.Message, error) {
	h, body, sc := headerBlock(raw)
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	if sc.Flags()&rawheader.FlagMboxFrom != 0 {
		return nil, nil, errors.New("the message starts with an mbox From line, which is not a header field")
	}
	msg := &mail.Message{Header: h, Body: bytes.NewReader(raw[body:])}
	return envelopeOf(msg), msg, nil
}

// envelopeOf reads the address fields of msg's header.
func envelopeOf(msg *mail.Message) *headerEnvelope {
	env := &headerEnvelope{}
	parser := &mail.AddressParser{WordDecoder: wordDecoder}
	seen := map[string]bool{}
	for _, f := range []struct {
		name  string
		dst   *[]string
		rcpts bool
	}{
		{"From", &env.From, false}, {"Reply-To", &env.ReplyTo, false},
		{"To", &env.To, true}, {"Cc", &env.Cc, true}, {"Bcc", &env.Bcc, true},
	} {
		*f.dst = []string{}
		for _, v := range msg.Header[f.name] {
			if strings.TrimSpace(v) == "" {
				continue
			}
			list, err := parser.ParseList(v)
			if err != nil {
				env.Problems = append(env.Problems, f.name+": "+strings.TrimPrefix(err.Error(), "mail: ")+": "+quote(v))
				continue
			}
			for _, a := range list {
				*f.dst = append(*f.dst, formatAddr(a))
				if f.name == "From" && env.fromAddr == "" {
					env.fromAddr = a.Address
				}
				if f.rcpts && !seen[strings.ToLower(a.Address)] {
					seen[strings.ToLower(a.Address)] = true
					env.Recipients = append(env.Recipients, a.Address)
				}
			}
		}
	}
	if env.Recipients == nil {
		env.Recipients = []string{}
	}
	if env.Problems == nil {
		env.Problems = []string{}
	}
	if v := msg.Header.Get("Return-Path"); v != "" {
		if a, err := parser.Parse(v); err == nil {
			env.ReturnPath = a.Address
		} else if v = strings.TrimSpace(v); v == "<>" {
			env.ReturnPath = ""
		} else {
			env.Problems = append(env.Problems, "Return-Path: "+strings.TrimPrefix(err.Error(), "mail: ")+": "+quote(v))
		}
	}
	return env
}

// formatAddr shows an address with its (decoded) display name, quoted when it holds characters
// that would make the list ambiguous (a comma, for one).
func formatAddr(a *mail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	name := a.Name
	if strings.ContainsAny(name, "\",;:<>@()[]\\") {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + a.Address + ">"
}

// mailFrom is the SMTP MAIL FROM of a raw message: its Return-Path, else its first From address.
func (h *headerEnvelope) mailFrom() string {
	if h.ReturnPath != "" {
		return h.ReturnPath
	}
	return h.fromAddr
}
