package dkim

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// Verification errors. A Result's Err is a *VerifyError wrapping exactly one of ErrVerifyFailed,
// ErrPermFail or ErrTempFail (and ErrBodyHashMismatch too when the body hash differed).
var (
	// ErrVerifyFailed: the signature or the body hash did not verify (RFC 6376 §6.3 "FAIL").
	ErrVerifyFailed = errors.New("dkim: signature did not verify")
	// ErrBodyHashMismatch: the body changed after signing (always together with ErrVerifyFailed).
	ErrBodyHashMismatch = errors.New("dkim: body hash did not verify")
	// ErrPermFail: the signature cannot be checked: malformed tags, missing or revoked key, From not
	// signed, expired, unsupported algorithm (RFC 6376 PERMFAIL).
	ErrPermFail = errors.New("dkim: permanent verification failure")
	// ErrTempFail: the key could not be fetched for now (RFC 6376 TEMPFAIL).
	ErrTempFail = errors.New("dkim: temporary verification failure")
	// ErrNoSignature: Verify found no DKIM-Signature field.
	ErrNoSignature = errors.New("dkim: message has no DKIM-Signature")
	// ErrTooManySignatures: more signatures than VerifyOptions.MaxVerifications; the first ones
	// were verified and are returned with this error.
	ErrTooManySignatures = errors.New("dkim: too many signatures")
)

// DefaultMaxVerifications bounds the signatures Verify checks when VerifyOptions.MaxVerifications
// is zero.
const DefaultMaxVerifications = 8

// VerifyOptions configure Verify and VerifyAfterSESStrip. A nil *VerifyOptions uses the defaults.
type VerifyOptions struct {
	// LookupTXT returns the TXT records of a DNS name ("selector._domainkey.domain"). Nil means
	// net.LookupTXT. Tests and the CLI inject a map, e.g. built with TXTRecord.
	LookupTXT func(domain string) ([]string, error)
	// MaxVerifications bounds how many signatures are checked; 0 means DefaultMaxVerifications,
	// a negative value means no bound.
	MaxVerifications int
}

// Result is the outcome for one DKIM-Signature field, in header order.
type Result struct {
	Domain     string    // d= (SDID)
	Selector   string    // s=
	Algorithm  string    // a=
	Identifier string    // i= (AUID); "@"+Domain when absent
	HeaderKeys []string  // h=, as signed
	Time       time.Time // t=, zero when absent
	Expiration time.Time // x=, zero when absent
	// Err is nil when the signature verified, else a *VerifyError.
	Err error
}

// VerifyError reports why one signature did not verify. It wraps Kind (ErrVerifyFailed, ErrPermFail
// or ErrTempFail), ErrBodyHashMismatch when the body hash differed, the error go-msgauth returned,
// and the error LookupTXT returned for the key, if any.
type VerifyError struct {
	Domain, Selector string
	Kind             error // ErrVerifyFailed, ErrPermFail or ErrTempFail
	Err              error // the verifier's error
	Lookup           error // the LookupTXT error for this signature's key, if any
}

func (e *VerifyError) Error() string {
	var b strings.Builder
	b.WriteString("dkim: signature d=")
	b.WriteString(e.Domain)
	b.WriteString(" s=")
	b.WriteString(e.Selector)
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "dkim: "))
	} else {
		b.WriteString(strings.TrimPrefix(e.Kind.Error(), "dkim: "))
	}
	return b.String()
}

// Unwrap returns the kind, ErrBodyHashMismatch where it applies, the verifier's error and the lookup
// error, so errors.Is and errors.As see all of them.
func (e *VerifyError) Unwrap() []error {
	errs := []error{e.Kind}
	if e.Err != nil && strings.Contains(e.Err.Error(), "body hash did not verify") {
		errs = append(errs, ErrBodyHashMismatch)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.Lookup != nil {
		errs = append(errs, e.Lookup)
	}
	return errs
}

// Verify checks every DKIM-Signature of raw (CRLF or bare LF line endings) and returns one Result
// per signature, in header order. An x= expiration is checked against the real clock (go-msgauth
// offers no other). The error is non-nil only for the message as a whole:
// ErrNoSignature, ErrMalformedMessage, a *LimitError (ErrLimit) for a message over
// MaxVerifyHeaderBytes, MaxHeaderKeys or MaxSimpleFoldLines, or ErrTooManySignatures (returned
// with the results checked). Verification is done by github.com/emersion/go-msgauth/dkim; this
// wraps its results in typed errors. Verify reads the header block itself first, in one linear
// pass, and hands go-msgauth only the fields a signature can read (see the limits' doc), so its
// time and memory grow linearly with the message whatever the input.
func Verify(raw []byte, opts *VerifyOptions) ([]Result, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	limit := o.MaxVerifications
	if limit == 0 {
		limit = DefaultMaxVerifications
	}
	if limit < 0 {
		limit = 0 // no bound
	}
	in, sigs, tooMany, ended, err := verifyInput(raw, limit)
	if err != nil {
		return nil, err
	}
	if len(sigs) == 0 && ended {
		return nil, ErrNoSignature
	}
	lookups := &lookupRecorder{lookup: o.LookupTXT, errs: map[string]error{}}
	vs, err := msgauth.VerifyWithOptions(bytes.NewReader(in), &msgauth.VerifyOptions{
		LookupTXT:        lookups.LookupTXT,
		MaxVerifications: limit,
	})
	if err != nil && !errors.Is(err, msgauth.ErrTooManySignatures) {
		return nil, &wrapError{msg: "dkim: malformed message: " + strings.TrimPrefix(err.Error(), "dkim: "), err: ErrMalformedMessage}
	}
	res := make([]Result, len(vs))
	for i, v := range vs {
		r := &res[i]
		r.Domain = v.Domain
		r.Identifier = v.Identifier
		r.HeaderKeys = v.HeaderKeys
		r.Time = v.Time
		r.Expiration = v.Expiration
		if i < len(sigs) {
			r.Selector = sigs[i].selector
			r.Algorithm = sigs[i].algorithm
			if r.Domain == "" {
				r.Domain = sigs[i].domain
			}
		}
		if v.Err != nil {
			kind := ErrVerifyFailed
			switch {
			case msgauth.IsTempFail(v.Err):
				kind = ErrTempFail
			case msgauth.IsPermFail(v.Err):
				kind = ErrPermFail
			}
			r.Err = &VerifyError{
				Domain:   r.Domain,
				Selector: r.Selector,
				Kind:     kind,
				Err:      v.Err,
				Lookup:   lookups.get(r.Selector + "._domainkey." + r.Domain),
			}
		}
	}
	if tooMany {
		return res, ErrTooManySignatures
	}
	return res, nil
}

// VerifyAfterSESStrip verifies raw as its recipients get it from SES: every X-SES-* header field
// removed (as xheaders.Remove does), then Verify. A signature made with this package's profile
// verifies both before and after; one that signed an X-SES-* header fails after.
func VerifyAfterSESStrip(raw []byte, opts *VerifyOptions) ([]Result, error) {
	return Verify(xheaders.Remove(nil, raw), opts)
}

// lookupRecorder passes lookups through and remembers their errors, so that a Result can wrap the
// caller's own LookupTXT error (go-msgauth keeps only its text).
type lookupRecorder struct {
	lookup func(string) ([]string, error)
	mu     sync.Mutex
	errs   map[string]error
}

func (l *lookupRecorder) LookupTXT(name string) ([]string, error) {
	var txts []string
	var err error
	if l.lookup != nil {
		txts, err = l.lookup(name)
	} else {
		txts, err = net.LookupTXT(name)
	}
	if err != nil {
		l.mu.Lock()
		l.errs[strings.ToLower(name)] = err
		l.mu.Unlock()
	}
	return txts, err
}

func (l *lookupRecorder) get(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.errs[strings.ToLower(name)]
}
