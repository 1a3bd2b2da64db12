package sesapi

import (
	"errors"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
)

// ErrNoSigner wraps an error of Sender.SignerFor: no DKIM signer could be chosen for a message's
// From address. Nothing was sent.
var ErrNoSigner = errors.New("sesapi: no DKIM signer for the message")

// chooseSigner sets b.Signer from s.SignerFor (when set) for the From address from.
func (s *Sender) chooseSigner(op string, b *builder.Builder, from string) error {
	if s.SignerFor == nil {
		return nil
	}
	sg, err := s.SignerFor(from)
	if err != nil {
		return &CheckError{Op: op, Field: "SignerFor", Reason: "choosing the DKIM signer for " + from + ": " + err.Error(), Err: errors.Join(ErrNoSigner, err)}
	}
	b.Signer = sg
	return nil
}

// Signers chooses a DKIM signer by the domain of a From address: a ready-made Sender.SignerFor for
// a platform that signs each customer's mail with the customer's key. Keys are domains in lower
// case (IDN domains in punycode, as the From address reaches SignerFor); a From domain with no
// entry is signed with no key (nil: the identity owner's Easy DKIM signs it at SES). Build the
// map first and do not change it while a Sender uses it.
type Signers map[string]*dkim.Signer

// For returns the signer for from's domain (nil when there is none). Its signature fits
// Sender.SignerFor: sender.SignerFor = signers.For.
func (m Signers) For(from string) (*dkim.Signer, error) {
	at := -1
	for i := len(from) - 1; i >= 0; i-- {
		if from[i] == '@' {
			at = i
			break
		}
	}
	d := []byte(from[at+1:])
	for i, c := range d {
		if 'A' <= c && c <= 'Z' {
			d[i] = c + 'a' - 'A'
		}
	}
	return m[string(d)], nil
}
