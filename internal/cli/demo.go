package cli

import (
	"bufio"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"flag"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/internal/spec"
)

// demoSpec is the message `sesraw demo` builds, in the spec format of `sesraw build`.
//
//go:embed demo/demo.json
var demoSpec []byte

// demoKey is a published, demo-only Ed25519 key (see the text in the file).
//
//go:embed demo/demo_key.pem
var demoKey []byte

// The demo's fixed build settings: with them (and an Ed25519 signature, which is deterministic)
// the demo output is the same on every run.
const (
	demoDomain   = "example.com"
	demoSelector = "sesraw-demo"
	demoHostname = "platform.example" // the delegate platform's host, right of the Message-ID's @
	demoKeyPath  = "internal/cli/demo/demo_key.pem"
)

var (
	demoDate = time.Date(2025, 3, 14, 15, 9, 26, 0, time.FixedZone("", 3600))
	demoSeed = [32]byte([]byte("sesraw demo: fixed random seed!!"))
)

type demoOpts struct {
	spec, pubkey bool
}

func demoCmd() *command {
	return &command{
		name:    "demo",
		summary: "build, sign and print an example delegated-sending message",
		about: `Builds, signs and prints (stdout) an example message from an embedded spec: a platform sending as
example.com, an identity owned by another AWS account that authorized it. It carries the
sending-authorization headers, a configuration set, tags, a Bcc recipient (envelope only), a
Unicode subject and names, text, HTML and an attachment, and is DKIM-signed with a published
demo-only Ed25519 key. What it shows, and the DNS TXT record of the demo key, go to stderr.
The output is the same on every run.

  sesraw demo > demo.eml
  sesraw demo --pubkey > demo.pub && sesraw verify --pubkey demo.pub demo.eml
  sesraw demo --spec > demo.json    # the input, to edit and 'sesraw build'
`,
		flags: func(fs *flag.FlagSet) any {
			o := &demoOpts{}
			fs.BoolVar(&o.spec, "spec", false, "print the demo's JSON spec instead of the message")
			fs.BoolVar(&o.pubkey, "pubkey", false, "print the demo DKIM public key (PEM) instead of the message")
			return o
		},
		run: runDemo,
	}
}

func runDemo(e *env, opts any, args []string) error {
	o := opts.(*demoOpts)
	if err := needArgs(args, 0, ""); err != nil {
		return err
	}
	if o.spec && o.pubkey {
		return usageErr("--spec and --pubkey exclude each other")
	}
	key, err := dkim.ParsePrivateKey(demoKey)
	if err != nil {
		return failure("demo key: "+err.Error(), err)
	}
	switch {
	case o.spec:
		writeString(e.stdout, string(demoSpec))
		return nil
	case o.pubkey:
		der, err := x509.MarshalPKIXPublicKey(key.Public())
		if err != nil {
			return failure("demo key: "+err.Error(), err)
		}
		_, err = e.stdout.Write(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		return err
	}

	s, err := spec.Parse(demoSpec, "demo.json", ".")
	if err != nil {
		return failure(err.Error(), err)
	}
	m, err := s.Message()
	if err != nil {
		return failure(err.Error(), err)
	}
	m.Date = demoDate
	signer, err := dkim.NewSigner(dkim.Options{Domain: demoDomain, Selector: demoSelector, Key: key, Now: clock(demoDate)})
	if err != nil {
		return failure(err.Error(), err)
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		return failure(err.Error(), err)
	}
	b := &builder.Builder{Target: builder.TargetV1, Signer: signer, Rand: rand.NewChaCha8(demoSeed), Hostname: demoHostname}
	envl, err := b.Envelope(m)
	if err != nil {
		return failure(err.Error(), err)
	}
	raw, err := b.Bytes(m)
	if err != nil {
		return failure(err.Error(), err)
	}
	if _, err := e.stdout.Write(raw); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}

	arn := m.SES.SourceARN.String()
	w := bufio.NewWriter(e.stderr)
	w.WriteString("sesraw demo: a delegated-sending message (stdout, CRLF lines), built from the spec 'sesraw demo --spec' prints.\n\n")
	w.WriteString("  - X-SES-SOURCE-ARN and X-SES-FROM-ARN name the identity " + arn + "\n")
	w.WriteString("    whose owner authorized this sender. Both are set: AWS documents SourceArn alone as enough,\n")
	w.WriteString("    but users report that with a From header in the raw message only FromArn is honoured.\n")
	w.WriteString("    X-SES-RETURN-PATH-ARN authorizes the Return-Path (bounces and complaints go there).\n")
	w.WriteString("  - SES reads the first instance of each X-SES header and removes them all before delivery, so\n")
	w.WriteString("    they sit at the top and the DKIM-Signature (h=) does not cover them, nor Date, Message-ID\n")
	w.WriteString("    and Return-Path, which SES rewrites.\n")
	w.WriteString("  - Bcc is not in the header block; it is only in the envelope:\n")
	w.WriteString("      MAIL FROM: " + envl.From + "\n")
	for _, r := range envl.To {
		w.WriteString("      RCPT TO:   " + r + "\n")
	}
	w.WriteString("  - Size: " + strconv.Itoa(len(raw)) + " bytes (the SES v1 API limit is " + strconv.FormatInt(builder.TargetV1.Limit(), 10) + ").\n\n")
	w.WriteString("The signature uses the published DEMO key " + demoKeyPath + " (not secret: never use it for\n")
	w.WriteString("real mail); 'sesraw demo --pubkey' prints its public key. Its DNS TXT record would be:\n")
	w.WriteString("  " + demoSelector + "._domainkey." + demoDomain + ". IN TXT \"" + txt + "\"\n")
	w.WriteString("Try: sesraw demo > demo.eml; sesraw inspect demo.eml; sesraw strip demo.eml;\n")
	w.WriteString("     sesraw demo --pubkey > demo.pub; sesraw verify --pubkey demo.pub demo.eml\n")
	return w.Flush()
}
