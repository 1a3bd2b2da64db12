package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/mail"
	"os"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesrules"
)

// envelopeFile is the JSON form of a message's SMTP envelope that 'sesraw build --envelope FILE'
// writes and 'sesraw send --envelope FILE' reads: a raw message cannot carry its Bcc recipients
// (Bcc is never in the header block), so the envelope travels beside it.
//
//	{"from": "bounces@example.com", "recipients": ["to@example.org", "bcc@example.net"]}
//
// from is MAIL FROM / SendRawEmail Source (the Return-Path, else the From address); recipients
// are To + Cc + Bcc, deduplicated (RCPT TO / Destinations).
type envelopeFile struct {
	From       string   `json:"from"`
	Recipients []string `json:"recipients"`
}

// maxEnvelopeFile bounds the envelope file read by send --envelope (50 addresses of at most 254
// octets fit many times over).
const maxEnvelopeFile = 64 << 10

func marshalEnvelope(env builder.Envelope) []byte {
	ef := envelopeFile{From: env.From, Recipients: env.To}
	if ef.Recipients == nil {
		ef.Recipients = []string{}
	}
	data, _ := json.MarshalIndent(ef, "", "  ") // strings only: cannot fail
	return append(data, '\n')
}

// readEnvelopeFile reads and checks an envelope file: strict JSON, a bare From address, 1 to 50
// bare recipient addresses.
func readEnvelopeFile(name string) (*envelopeFile, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, inputErr("--envelope "+name+": "+fileReason(err), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEnvelopeFile+1))
	if err != nil {
		return nil, inputErr("--envelope "+name+": "+fileReason(err), err)
	}
	bad := func(reason string, err error) error { return inputErr("--envelope "+name+": "+reason, err) }
	if len(data) > maxEnvelopeFile {
		return nil, bad("larger than "+strconv.Itoa(maxEnvelopeFile>>10)+" KiB", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ef envelopeFile
	if err := dec.Decode(&ef); err != nil {
		return nil, bad("want {\"from\": ADDRESS, \"recipients\": [ADDRESS, ...]}: "+strings.TrimPrefix(err.Error(), "json: "), err)
	}
	if dec.More() {
		return nil, bad("unexpected data after the envelope object", nil)
	}
	if err := bareAddress(ef.From); err != nil {
		return nil, bad("from: "+err.Error(), nil)
	}
	switch n := len(ef.Recipients); {
	case n == 0:
		return nil, bad("recipients: none", nil)
	case n > sesrules.MaxRecipients:
		return nil, bad("recipients: "+strconv.Itoa(n)+", SES takes at most "+strconv.Itoa(sesrules.MaxRecipients)+" per message", nil)
	}
	for i, r := range ef.Recipients {
		if err := bareAddress(r); err != nil {
			return nil, bad("recipients["+strconv.Itoa(i)+"]: "+err.Error(), nil)
		}
	}
	return &ef, nil
}

// envError is a reason without a prefix.
type envError string

func (e envError) Error() string { return string(e) }

// bareAddress checks an envelope address: local@domain as net/mail reads it, with no display
// name, angle brackets, blanks or line breaks.
func bareAddress(v string) error {
	if v == "" {
		return envError("empty address")
	}
	if strings.ContainsAny(v, "\r\n\x00 \t<>") {
		return envError(quote(v) + " is not a bare address (local@domain)")
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		return envError(quote(v) + " is not a bare address (local@domain)")
	}
	return nil
}
