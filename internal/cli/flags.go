package cli

import (
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/internal/spec"
)

// listFlag is a repeatable string flag; each value may also be a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// dkimFlags are the DKIM signing flags of build, sign and send.
type dkimFlags struct {
	key, domain, selector string
	headers               listFlag
}

func (d *dkimFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.key, "dkim-key", "", "sign with the private key in this PEM `file` (RSA PKCS#1/PKCS#8 or Ed25519)")
	fs.StringVar(&d.domain, "dkim-domain", "", "signing `domain` (d=)")
	fs.StringVar(&d.selector, "dkim-selector", "", "`selector` (s=); the key is published at SELECTOR._domainkey.DOMAIN")
	fs.Var(&d.headers, "dkim-header", "also sign this header `name` (repeatable); X-SES-*, Date, Message-ID, Return-Path are refused")
}

func (d *dkimFlags) set() bool {
	return d.key != "" || d.domain != "" || d.selector != "" || len(d.headers) > 0
}

// signer returns the Signer the flags ask for, or nil when none are given. now supplies t=
// (nil: the current time).
func (d *dkimFlags) signer(now func() time.Time) (*dkim.Signer, error) {
	if !d.set() {
		return nil, nil
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"--dkim-key", d.key}, {"--dkim-domain", d.domain}, {"--dkim-selector", d.selector}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, usageErr("DKIM signing needs --dkim-key, --dkim-domain and --dkim-selector; missing " + strings.Join(missing, ", "))
	}
	pemBytes, err := os.ReadFile(d.key)
	if err != nil {
		return nil, inputErr("--dkim-key "+d.key+": "+fileReason(err), err)
	}
	key, err := dkim.ParsePrivateKey(pemBytes)
	if err != nil {
		return nil, inputErr("--dkim-key "+d.key+": "+err.Error(), err)
	}
	s, err := dkim.NewSigner(dkim.Options{Domain: d.domain, Selector: d.selector, Key: key, Headers: d.headers, Now: now})
	if err != nil {
		return nil, inputErr("DKIM options: "+err.Error(), err)
	}
	return s, nil
}

// detFlags make a build deterministic; allowExt is here because every command that builds a spec
// takes it too.
type detFlags struct {
	date, messageID, seed string
	allowExt              bool
}

func (d *detFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.date, "date", "", "Date header and DKIM t= as an RFC 3339 `time` (default: now)")
	fs.StringVar(&d.messageID, "message-id", "", "Message-ID without angle brackets, e.g. `id@host` (default: random)")
	fs.StringVar(&d.seed, "seed", "", "seed `N` (unsigned integer) of a deterministic random source for boundaries and Message-ID (default: crypto/rand)")
	fs.BoolVar(&d.allowExt, "allow-unsupported-attachments", false, "allow the attachment extensions SES refuses (.exe, .bat, ...), for other transports")
}

// parseDate parses --date; the zero time means "not given".
func parseDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usageErr("--date " + quote(v) + ": want RFC 3339, e.g. 2025-01-02T15:04:05Z")
	}
	return t, nil
}

// clock returns a function returning t, or nil for the zero t.
func clock(t time.Time) func() time.Time {
	if t.IsZero() {
		return nil
	}
	return func() time.Time { return t }
}

// random returns the deterministic random source for --seed, or nil (crypto/rand) without one.
func (d *detFlags) random() (io.Reader, error) {
	if d.seed == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(d.seed, 10, 64)
	if err != nil {
		return nil, usageErr("--seed " + quote(d.seed) + ": want an unsigned integer")
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], n)
	copy(key[8:], "sesraw --seed")
	return rand.NewChaCha8(key), nil
}

// parseTarget parses a builder target name.
func parseTarget(v string) (builder.Target, error) {
	switch v {
	case "v1":
		return builder.TargetV1, nil
	case "v2":
		return builder.TargetV2, nil
	case "smtp":
		return builder.TargetSMTP, nil
	case "none":
		return builder.TargetNone, nil
	}
	return 0, usageErr("--target " + quote(v) + ": want v1, v2, smtp or none")
}

// buildSetup is a parsed spec with the builder its flags configure.
type buildSetup struct {
	spec *spec.Spec
	msg  *builder.Message
	b    *builder.Builder
}

// setupBuild reads the spec file ("-" for stdin) and configures a builder from the determinism
// and DKIM flags.
func (e *env) setupBuild(specFile string, target builder.Target, det *detFlags, dk *dkimFlags) (*buildSetup, error) {
	date, rnd, signer, err := buildFlags(det, dk)
	if err != nil {
		return nil, err
	}
	s, err := spec.ReadFile(specFile, e.stdin)
	if err != nil {
		return nil, specErr(err)
	}
	return configure(s, target, date, rnd, signer, det)
}

// setupBuildData is setupBuild for a spec already read into data.
func (e *env) setupBuildData(specFile string, data []byte, det *detFlags, dk *dkimFlags) (*buildSetup, error) {
	date, rnd, signer, err := buildFlags(det, dk)
	if err != nil {
		return nil, err
	}
	name, dir := specFile, filepath.Dir(specFile)
	if specFile == "-" {
		name, dir = "<stdin>", "."
	}
	s, err := spec.Parse(data, name, dir)
	if err != nil {
		return nil, specErr(err)
	}
	return configure(s, builder.TargetNone, date, rnd, signer, det)
}

func buildFlags(det *detFlags, dk *dkimFlags) (time.Time, io.Reader, *dkim.Signer, error) {
	date, err := parseDate(det.date)
	if err != nil {
		return date, nil, nil, err
	}
	rnd, err := det.random()
	if err != nil {
		return date, nil, nil, err
	}
	signer, err := dk.signer(clock(date))
	return date, rnd, signer, err
}

func configure(s *spec.Spec, target builder.Target, date time.Time, rnd io.Reader, signer *dkim.Signer, det *detFlags) (*buildSetup, error) {
	m, err := s.Message()
	if err != nil {
		return nil, specErr(err)
	}
	m.Date = date
	m.MessageID = det.messageID
	b := &builder.Builder{Target: target, Signer: signer, Now: clock(date), Rand: rnd, AllowUnsupportedAttachments: det.allowExt}
	return &buildSetup{spec: s, msg: m, b: b}, nil
}

// specErr turns a spec or builder error into an input error.
func specErr(err error) error {
	var se *spec.Error
	if errors.As(err, &se) {
		return inputErr(se.Message(), err)
	}
	return inputErr(err.Error(), err)
}
