package cli

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/crlf"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

type signOpts struct {
	out  string
	date string
	crlf bool
	dkim dkimFlags
}

func signCmd() *command {
	return &command{
		name:    "sign",
		args:    "FILE|-",
		summary: "DKIM-sign a raw message with the SES-safe profile",
		about: `DKIM-signs an existing raw message with the SES-safe header profile: X-SES-*, Date,
Message-ID, Return-Path and Bounces-To are never signed (SES removes or rewrites them), so the
signature verifies both as sent and as SES delivers it. The DKIM-Signature field is put at the
top of the header block. --dkim-key, --dkim-domain and --dkim-selector are required. A message
with bare LF line endings (what template engines write) is refused; --crlf converts them first.
`,
		flags: func(fs *flag.FlagSet) any {
			o := &signOpts{}
			fs.StringVar(&o.out, "o", "", "write the signed message to `file` (default stdout)")
			fs.StringVar(&o.date, "date", "", "signature time t= as an RFC 3339 `time` (default: now)")
			fs.BoolVar(&o.crlf, "crlf", false, "convert bare LF line endings to CRLF before signing (bare CR is never converted)")
			o.dkim.register(fs)
			return o
		},
		run: runSign,
	}
}

func runSign(e *env, opts any, args []string) error {
	o := opts.(*signOpts)
	if err := needArgs(args, 1, "FILE argument (- for stdin)"); err != nil {
		return err
	}
	date, err := parseDate(o.date)
	if err != nil {
		return err
	}
	if !o.dkim.set() {
		return usageErr("sign needs --dkim-key, --dkim-domain and --dkim-selector")
	}
	signer, err := o.dkim.signer(clock(date))
	if err != nil {
		return err
	}
	raw, err := e.readInput(args[0])
	if err != nil {
		return err
	}
	if o.crlf {
		raw = crlf.Append(nil, raw)
	}
	signed, err := signer.Sign(nil, raw)
	if err != nil {
		msg := displayName(args[0]) + ": " + err.Error()
		if !o.crlf && crlf.HasBareLF(raw) {
			msg += " (the message has bare LF line endings: --crlf converts them)"
		}
		return inputErr(msg, err)
	}
	return e.writeOutput(o.out, signed)
}

type verifyOpts struct {
	pubkey string
	json   bool
}

func verifyCmd() *command {
	return &command{
		name:    "verify",
		args:    "FILE|-",
		summary: "verify DKIM signatures as sent and after SES strips its headers",
		about: `Verifies every DKIM signature of a raw message twice: on the bytes as given, and on the message
as SES delivers it (X-SES-* headers removed). For each signature it says whether it passes each
way and, if not, why (a signed X-SES-* header, a changed body, a bad key). The public key comes
from --pubkey (a PEM public or private key, or a file holding the DKIM TXT record) for every
signature, or else from DNS (SELECTOR._domainkey.DOMAIN). Exit status 1 when a signature fails
either way or the message has none.
`,
		flags: func(fs *flag.FlagSet) any {
			o := &verifyOpts{}
			fs.StringVar(&o.pubkey, "pubkey", "", "verify with the key in this `file` (PEM public or private key, or a DKIM TXT record) instead of DNS")
			fs.BoolVar(&o.json, "json", false, "print {\"file\", \"signatures\": [{..., \"asGiven\", \"afterSESStrip\"}]}")
			return o
		},
		run: runVerify,
	}
}

// verifyReport is the --json output of verify.
type verifyReport struct {
	File       string      `json:"file"`
	Signatures []verifySig `json:"signatures"`
}

type verifySig struct {
	Domain        string       `json:"domain"`
	Selector      string       `json:"selector"`
	Algorithm     string       `json:"algorithm"`
	Headers       []string     `json:"headers"`
	AsGiven       verifyResult `json:"asGiven"`
	AfterSESStrip verifyResult `json:"afterSESStrip"`
}

type verifyResult struct {
	Pass  bool   `json:"pass"`
	Error string `json:"error"` // why it failed, "" when it passed
}

func runVerify(e *env, opts any, args []string) error {
	o := opts.(*verifyOpts)
	if err := needArgs(args, 1, "FILE argument (- for stdin)"); err != nil {
		return err
	}
	vopts := &dkim.VerifyOptions{}
	if o.pubkey != "" {
		txt, err := readPublicKey(o.pubkey)
		if err != nil {
			return err
		}
		vopts.LookupTXT = func(string) ([]string, error) { return []string{txt}, nil }
	}
	raw, err := e.readInput(args[0])
	if err != nil {
		return err
	}
	name := displayName(args[0])
	given, err := dkim.Verify(raw, vopts)
	switch {
	case errors.Is(err, dkim.ErrNoSignature):
		return failure(name+": no DKIM-Signature header field", err)
	case errors.Is(err, dkim.ErrMalformedMessage), errors.Is(err, dkim.ErrLimit):
		// A limit applies to the message as given, before any X-SES header is removed.
		return inputErr(name+": "+err.Error(), err)
	}
	tooMany := err
	after, err := dkim.VerifyAfterSESStrip(raw, vopts)
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		return inputErr(name+": after removing the X-SES-* headers: "+err.Error(), err)
	}
	rep := verifyReport{File: name, Signatures: []verifySig{}}
	failed := 0
	for i, g := range given {
		s := verifySig{Domain: g.Domain, Selector: g.Selector, Algorithm: g.Algorithm, Headers: g.HeaderKeys}
		if s.Headers == nil {
			s.Headers = []string{}
		}
		s.AsGiven = result(g, false)
		if i < len(after) {
			s.AfterSESStrip = result(after[i], true)
		}
		if !s.AsGiven.Pass || !s.AfterSESStrip.Pass {
			failed++
		}
		rep.Signatures = append(rep.Signatures, s)
	}
	w := bufio.NewWriter(e.stdout)
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return failure(err.Error(), err)
		}
	} else {
		for i, s := range rep.Signatures {
			w.WriteString("signature " + strconv.Itoa(i+1) + ": d=" + clean(s.Domain) + " s=" + clean(s.Selector) + " a=" + clean(s.Algorithm) + "\n")
			w.WriteString("  h=" + clean(strings.Join(s.Headers, ":")) + "\n")
			w.WriteString("  as given:        " + s.AsGiven.text() + "\n")
			w.WriteString("  after SES strip: " + s.AfterSESStrip.text() + "\n")
		}
	}
	if err := w.Flush(); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}
	if tooMany != nil {
		writeString(e.stderr, e.cmd+": "+name+": "+tooMany.Error()+"; only the first ones were checked\n")
	}
	if failed > 0 {
		return failure(name+": "+strconv.Itoa(failed)+" of "+strconv.Itoa(len(rep.Signatures))+" signature(s) fail", nil)
	}
	return nil
}

// result describes one verification, with the reason for a failure.
func result(r dkim.Result, stripped bool) verifyResult {
	if r.Err == nil {
		return verifyResult{Pass: true}
	}
	msg := r.Err.Error()
	var ve *dkim.VerifyError
	if errors.As(r.Err, &ve) && ve.Err != nil {
		msg = strings.TrimPrefix(ve.Err.Error(), "dkim: ")
	}
	var ses []string
	for _, h := range r.HeaderKeys {
		if xheaders.IsSESName([]byte(h)) {
			ses = append(ses, h)
		}
	}
	switch {
	case stripped && len(ses) > 0:
		msg += " (h= signs " + strings.Join(ses, ", ") + ", which SES removes before delivery)"
	case errors.Is(r.Err, dkim.ErrBodyHashMismatch):
		msg += " (the body changed after signing)"
	}
	return verifyResult{Error: msg}
}

func (r verifyResult) text() string {
	if r.Pass {
		return "pass"
	}
	return "FAIL: " + clean(r.Error)
}

// readPublicKey reads --pubkey: a PEM public key (PKIX or PKCS#1), a PEM private key, or a DKIM
// TXT record ("v=DKIM1; k=rsa; p=..."), and returns the TXT record to verify with.
func readPublicKey(name string) (string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return "", inputErr("--pubkey "+name+": "+fileReason(err), err)
	}
	bad := func(err error) error { return inputErr("--pubkey "+name+": "+err.Error(), err) }
	trimmed := bytes.TrimSpace(data)
	if !bytes.Contains(trimmed, []byte("-----BEGIN ")) {
		if bytes.Contains(trimmed, []byte("p=")) {
			return string(trimmed), nil
		}
		return "", inputErr("--pubkey "+name+": neither a PEM key nor a DKIM TXT record (v=DKIM1; k=...; p=...)", nil)
	}
	block, _ := pem.Decode(trimmed)
	if block == nil {
		return "", inputErr("--pubkey "+name+": malformed PEM", nil)
	}
	var pub crypto.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		if pub, err = x509.ParsePKIXPublicKey(block.Bytes); err != nil {
			return "", bad(err)
		}
	case "RSA PUBLIC KEY":
		if pub, err = x509.ParsePKCS1PublicKey(block.Bytes); err != nil {
			return "", bad(err)
		}
	default:
		key, err := dkim.ParsePrivateKey(trimmed)
		if err != nil {
			return "", bad(err)
		}
		pub = key.Public()
	}
	txt, err := dkim.TXTRecord(pub)
	if err != nil {
		return "", bad(err)
	}
	return txt, nil
}
