package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/crlf"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/sesapi"
)

type sendOpts struct {
	api        string
	region     string
	endpoint   string
	smtpAddr   string
	smtpTLS    string
	smtpCA     string
	smtpDerive bool
	method     string
	timeout    time.Duration
	force      bool
	envFile    string
	crlf       bool
	det        detFlags
	dkim       dkimFlags
}

func sendCmd() *command {
	return &command{
		name:    "send",
		args:    "SPEC.json|FILE|-",
		summary: "send a spec or a raw message through SES (API v1, v2) or SMTP",
		about: `Sends a JSON spec (built as by 'sesraw build') or a raw message file (anything not starting
with '{') and prints the message id. --api v1 uses SendRawEmail, v2 uses SESv2 SendEmail with
raw content, smtp sends to an SMTP server (SES: email-smtp.REGION.amazonaws.com:587).

AWS credentials come from the default chain (environment, shared files, SSO, instance role);
the region from --region or the environment (AWS_REGION). --endpoint sets the API's base
endpoint (a VPC endpoint or a local emulator). SMTP credentials (SES SMTP credentials, not
access keys) come from $SESRAW_SMTP_USERNAME and $SESRAW_SMTP_PASSWORD, or with
--smtp-derive-credentials are derived for --region from $AWS_ACCESS_KEY_ID and
$AWS_SECRET_ACCESS_KEY (see 'sesraw smtp-password'); without them no AUTH. SMTP always uses TLS
(STARTTLS, or implicit TLS on ports 465 and 2465) with a verified certificate; --smtp-ca trusts
an extra CA (a test server's certificate); --smtp-tls none sends in plain text, and then sends
credentials only to a loopback address.

A spec goes through sesraw's pre-send checks (identity ARNs against the region and the
addresses they must cover, size for the API, recipients); --method params sends the ARNs,
configuration set and tags as API parameters, --method headers as X-SES-* headers (SMTP always
uses headers). A raw message is sent as it is, after 'sesraw lint' finds no errors (--force
sends anyway); with SMTP its envelope is its Return-Path (else From) and its To, Cc and Bcc.
--envelope FILE (written by 'sesraw build --envelope FILE') gives a raw message's envelope
instead, Bcc recipients included: a message file cannot carry them.

Exit status 1 when a pre-send check or lint refuses the message (nothing was sent) or SES
rejects it; 3 when the outcome is unknown (the message may have been sent: check before
retrying).
`,
		flags: func(fs *flag.FlagSet) any {
			o := &sendOpts{}
			fs.StringVar(&o.api, "api", "", "the `API` to send with: v1, v2 or smtp (required)")
			fs.StringVar(&o.region, "region", "", "AWS `region` (default: from the environment)")
			fs.StringVar(&o.endpoint, "endpoint", "", "API base endpoint `URL` (emulator, VPC endpoint)")
			fs.StringVar(&o.smtpAddr, "smtp", "", "SMTP server `host:port` (default email-smtp.REGION.amazonaws.com:587)")
			fs.StringVar(&o.smtpTLS, "smtp-tls", "auto", "SMTP TLS `mode`: starttls, tls (implicit), none (plain text; credentials only to loopback), or auto (tls on ports 465 and 2465, else starttls)")
			fs.StringVar(&o.smtpCA, "smtp-ca", "", "trust the PEM CA certificate(s) in `FILE` for SMTP TLS, besides the system's")
			fs.BoolVar(&o.smtpDerive, "smtp-derive-credentials", false, "derive SES SMTP credentials for --region from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY")
			fs.StringVar(&o.method, "method", "params", "how a spec's SES values travel: `params|headers` (API parameters or X-SES-* headers)")
			fs.DurationVar(&o.timeout, "timeout", time.Minute, "give up after this `duration`")
			fs.BoolVar(&o.force, "force", false, "send a raw message even when lint finds errors")
			fs.BoolVar(&o.crlf, "crlf", false, "convert a raw message's bare LF line endings to CRLF before checking and sending it (bare CR is never converted)")
			fs.StringVar(&o.envFile, "envelope", "", "send a raw message to the envelope in this JSON `file` (from 'sesraw build --envelope'): its Bcc recipients too")
			o.det.register(fs)
			o.dkim.register(fs)
			return o
		},
		run: runSend,
	}
}

func runSend(e *env, opts any, args []string) error {
	o := opts.(*sendOpts)
	if err := needArgs(args, 1, "SPEC.json or FILE argument"); err != nil {
		return err
	}
	var method sesapi.Method
	switch o.method {
	case "params":
		method = sesapi.ByParameters
	case "headers":
		method = sesapi.ByHeaders
	default:
		return usageErr("--method " + quote(o.method) + ": want params or headers")
	}
	switch o.api {
	case "v1", "v2", "smtp":
	case "":
		return usageErr("--api is required: v1, v2 or smtp")
	default:
		return usageErr("--api " + quote(o.api) + ": want v1, v2 or smtp")
	}
	if o.endpoint != "" {
		if u, err := url.Parse(o.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErr("--endpoint " + quote(o.endpoint) + ": want an http or https URL")
		}
	}
	if o.api == "smtp" && o.endpoint != "" {
		return usageErr("--endpoint is for --api v1 and v2; use --smtp HOST:PORT for SMTP")
	}
	if o.api != "smtp" && o.smtpAddr != "" {
		return usageErr("--smtp is for --api smtp")
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()

	// A spec (JSON object) or a raw message?
	raw, err := e.readInput(args[0])
	if err != nil {
		return err
	}
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return e.sendSpec(ctx, o, method, args[0], raw)
	}
	if o.det != (detFlags{}) || o.dkim.set() {
		return usageErr("--date, --message-id, --seed and --dkim-* apply to a spec; sign a raw message with 'sesraw sign' first")
	}
	if o.crlf {
		raw = crlf.Append(nil, raw)
	}
	var envl *envelopeFile
	if o.envFile != "" {
		if envl, err = readEnvelopeFile(o.envFile); err != nil {
			return err
		}
	}
	return e.sendRaw(ctx, o, args[0], raw, envl)
}

// sendSpec builds and sends a spec through package sesapi.
func (e *env) sendSpec(ctx context.Context, o *sendOpts, method sesapi.Method, name string, data []byte) error {
	if o.envFile != "" {
		return usageErr("--envelope is for a raw message; a spec has its own envelope")
	}
	bs, err := e.setupBuildData(name, data, &o.det, &o.dkim)
	if err != nil {
		return err
	}
	sender := &sesapi.Sender{Builder: bs.b, Method: method}
	var id string
	switch o.api {
	case "v1", "v2":
		cfg, err := awsConfig(ctx, o.region, o.endpoint)
		if err != nil {
			return err
		}
		if o.api == "v1" {
			id, err = sender.SendRawEmail(ctx, ses.NewFromConfig(cfg), bs.msg)
		} else {
			id, err = sender.SendEmailV2(ctx, sesv2.NewFromConfig(cfg), bs.msg)
		}
		if err != nil {
			return bs.sendErr(err)
		}
	case "smtp":
		region, addr, err := smtpTarget(o)
		if err != nil {
			return err
		}
		ss, err := smtpSenderFor(o, region, addr)
		if err != nil {
			return err
		}
		defer ss.Close()
		sm, err := sender.SMTPMail(region, bs.msg)
		if err != nil {
			return bs.sendErr(err)
		}
		if id, err = smtpSend(ctx, ss, sm); err != nil {
			return smtpFailure(err)
		}
	}
	writeString(e.stdout, id+"\n")
	return nil
}

// sendErr classifies an error of sesapi: an invalid message is an input error (exit 2); a failed
// pre-send check is a refusal (exit 1, nothing was sent); anything else (the API, the network) is
// a failure, or an unknown outcome (exit 3) when the request may have reached SES.
func (bs *buildSetup) sendErr(err error) error {
	var ce *sesapi.CheckError
	var fe *builder.FieldError
	var bse *builder.SizeError
	switch {
	case errors.As(err, &fe) || errors.As(err, &bse):
		return specErr(bs.spec.Explain(err))
	case errors.As(err, &ce):
		return failure(err.Error()+" (nothing was sent)", err)
	}
	return sendFailure(err.Error(), err)
}

// sendFailure is exit status 3 when err says the request may have reached SES
// (sesapi.ErrUnknownOutcome), else 1.
func sendFailure(msg string, err error) error {
	if errors.Is(err, sesapi.ErrUnknownOutcome) {
		return &exitError{code: ExitUnknown, msg: msg + " (the message may have been sent: check before retrying)", err: err}
	}
	return failure(msg, err)
}

// sendRaw sends a raw message as it is, to envl when given (else SES and the SMTP envelope take
// the recipients from the header block).
func (e *env) sendRaw(ctx context.Context, o *sendOpts, name string, raw []byte, envl *envelopeFile) error {
	target := map[string]preflight.Target{"v1": preflight.TargetV1, "v2": preflight.TargetV2, "smtp": preflight.TargetSMTP}[o.api]
	region := o.region
	if o.api == "smtp" {
		r, _, err := smtpTarget(o)
		if err != nil {
			return err
		}
		region = r
	}
	var cfg aws.Config
	if o.api != "smtp" {
		var err error
		if cfg, err = awsConfig(ctx, o.region, o.endpoint); err != nil {
			return err
		}
		region = cfg.Region
	}
	findings := preflight.Check(raw, &preflight.Options{Target: target, Region: region})
	if preflight.HasErrors(findings) {
		for _, f := range findings {
			if f.Severity == preflight.Error {
				writeString(e.stderr, e.cmd+": "+displayName(name)+":"+strconv.Itoa(f.Line)+": "+f.Severity.String()+" ["+f.Rule+"] "+f.Message+"\n")
			}
		}
		if !o.force {
			return failure(displayName(name)+": lint finds errors; nothing was sent (--force sends anyway)", nil)
		}
	}
	var id string
	switch o.api {
	case "v1":
		in := &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: raw}}
		if envl != nil {
			in.Source, in.Destinations = aws.String(envl.From), envl.Recipients
		}
		out, err := ses.NewFromConfig(cfg).SendRawEmail(ctx, in)
		if err != nil {
			return sendFailure("SendRawEmail: "+err.Error(), err)
		}
		id = aws.ToString(out.MessageId)
	case "v2":
		in := &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: raw}}}
		if envl != nil {
			in.Destination = &sesv2types.Destination{ToAddresses: envl.Recipients}
		}
		out, err := sesv2.NewFromConfig(cfg).SendEmail(ctx, in)
		if err != nil {
			return sendFailure("sesv2.SendEmail: "+err.Error(), err)
		}
		id = aws.ToString(out.MessageId)
	case "smtp":
		region, addr, _ := smtpTarget(o)
		ss, err := smtpSenderFor(o, region, addr)
		if err != nil {
			return err
		}
		defer ss.Close()
		from, rcpts := "", []string(nil)
		if envl != nil {
			from, rcpts = envl.From, envl.Recipients
		} else {
			env, _, err := readEnvelope(raw)
			if err != nil {
				return inputErr(displayName(name)+": cannot read the header block: "+err.Error(), err)
			}
			if env.mailFrom() == "" || len(env.Recipients) == 0 {
				return inputErr(displayName(name)+": the header block names no sender or no recipients for the SMTP envelope", nil)
			}
			from, rcpts = env.mailFrom(), env.Recipients
		}
		if id, err = smtpSend(ctx, ss, &sesapi.SMTPMail{From: from, To: rcpts, Data: raw}); err != nil {
			return smtpFailure(err)
		}
	}
	writeString(e.stdout, id+"\n")
	return nil
}

// awsConfig loads the default AWS configuration with the region and endpoint flags.
func awsConfig(ctx context.Context, region, endpoint string) (aws.Config, error) {
	var optFns []func(*config.LoadOptions) error
	if region != "" {
		optFns = append(optFns, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return cfg, inputErr("AWS configuration: "+err.Error(), err)
	}
	if cfg.Region == "" {
		return cfg, usageErr("no AWS region: give --region or set AWS_REGION")
	}
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	return cfg, nil
}

// smtpTarget returns the region to check identity ARNs against ("" to skip) and the server address.
func smtpTarget(o *sendOpts) (region, addr string, err error) {
	region, addr = o.region, o.smtpAddr
	if addr == "" {
		if region == "" {
			return "", "", usageErr("--api smtp needs --smtp HOST:PORT or --region (for email-smtp.REGION.amazonaws.com:587)")
		}
		addr = "email-smtp." + region + ".amazonaws.com:587"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", usageErr("--smtp " + quote(addr) + ": want HOST:PORT")
	}
	if region == "" {
		// email-smtp.REGION.amazonaws.com names its region.
		if r, ok := strings.CutPrefix(host, "email-smtp."); ok {
			if r, ok = strings.CutSuffix(r, ".amazonaws.com"); ok && !strings.Contains(r, ".") {
				region = r
			}
		}
	}
	switch o.smtpTLS {
	case "auto", "starttls", "tls", "none":
	default:
		return "", "", usageErr("--smtp-tls " + quote(o.smtpTLS) + ": want auto, starttls, tls or none")
	}
	return region, addr, nil
}
