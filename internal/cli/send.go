package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/crlf"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/sesapi"
)

type sendOpts struct {
	api         string
	region      string
	endpoint    string
	smtpAddr    string
	smtpTLS     string
	smtpCA      string
	smtpDerive  bool
	method      string
	timeout     time.Duration
	force       bool
	envFile     string
	crlf        bool
	specsJSONL  string
	concurrency int
	maxRate     float64
	quotaFrom   string
	results     string
	det         detFlags
	dkim        dkimFlags
}

func sendCmd() *command {
	return &command{
		name:    "send",
		args:    "SPEC.json|FILE|-...",
		summary: "send specs or raw messages through SES (API v1, v2) or SMTP",
		about: `Sends JSON specs (built as by 'sesraw build') and raw message files (anything not starting
with '{'), and prints each message id. --api v1 uses SendRawEmail, v2 uses SESv2 SendEmail with
raw content, smtp sends to an SMTP server (SES: email-smtp.REGION.amazonaws.com:587).
--specs-jsonl FILE (or -) adds one JSON spec per line.

AWS credentials come from the default chain (environment, shared files, SSO, instance role);
the region from --region or the environment (AWS_REGION). --endpoint sets the API's base
endpoint (a VPC endpoint or a local emulator). SMTP credentials (SES SMTP credentials, not
access keys) come from $SESRAW_SMTP_USERNAME and $SESRAW_SMTP_PASSWORD, or with
--smtp-derive-credentials are derived for --region from $AWS_ACCESS_KEY_ID and
$AWS_SECRET_ACCESS_KEY (see 'sesraw smtp-password'); without them no AUTH. SMTP always uses TLS
(STARTTLS, or implicit TLS on ports 465 and 2465) with a verified certificate; --smtp-ca trusts
an extra CA (a test server's certificate); --smtp-tls none sends in plain text, and then sends
credentials only to a loopback address.

Every message goes through sesraw's pre-send checks (identity ARNs against the region and the
addresses they must cover, size for the API, recipients); --method params sends a spec's ARNs,
configuration set and tags as API parameters, --method headers as X-SES-* headers (SMTP always
uses headers). A raw message is sent as it is, after 'sesraw lint' finds no errors (--force
sends anyway); its envelope is its Return-Path (else From) and its To, Cc and Bcc.
--envelope FILE (written by 'sesraw build --envelope FILE') gives a raw message's envelope
instead, Bcc recipients included: a message file cannot carry them.

Many messages: --concurrency sends that many at once; --max-rate paces them in recipients per
second (SES counts its rate in recipients). By default the rate is the account's MaxSendRate,
read with GetSendQuota (v1) or GetAccount (v2); over SMTP, which has no quota call, give
--max-rate or --quota-from v1|v2, else sending is unpaced. Throttled and temporary refusals are
retried with backoff; a message whose outcome is unknown is never sent again. --results FILE
writes one JSON line per message (input, messageId, recipientMessageId, outcome, error):
recipientMessageId is the Message-ID recipients see (<ID@email.amazonses.com> in us-east-1,
<ID@REGION.amazonses.com> elsewhere, without the brackets), to store for threading replies. A
progress line is shown on a terminal.

Exit status 0 when every message was sent; 1 when any was refused (a pre-send check, lint, a
policy or SES) and none is unknown; 3 when the outcome of any is unknown (it may have been sent:
check before retrying); 2 when nothing could start (usage or unreadable input).
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
			fs.DurationVar(&o.timeout, "timeout", time.Minute, "give up after this `duration` (the whole run)")
			fs.BoolVar(&o.force, "force", false, "send a raw message even when lint finds errors")
			fs.BoolVar(&o.crlf, "crlf", false, "convert a raw message's bare LF line endings to CRLF before checking and sending it (bare CR is never converted)")
			fs.StringVar(&o.envFile, "envelope", "", "send a raw message to the envelope in this JSON `file` (from 'sesraw build --envelope'): its Bcc recipients too")
			fs.StringVar(&o.specsJSONL, "specs-jsonl", "", "read more specs from `FILE` (- for stdin), one JSON spec per line")
			fs.IntVar(&o.concurrency, "concurrency", 4, "send `N` messages at once")
			fs.Float64Var(&o.maxRate, "max-rate", 0, "pace sending at `R` recipients per second (default: the account's MaxSendRate)")
			fs.StringVar(&o.quotaFrom, "quota-from", "", "with --api smtp, read the account's MaxSendRate with this `API` (v1 or v2) and AWS credentials")
			fs.StringVar(&o.results, "results", "", "write one JSON line per message to `FILE`: input, messageId, recipientMessageId, outcome, error")
			o.det.register(fs)
			o.dkim.register(fs)
			return o
		},
		run: runSend,
	}
}

func runSend(e *env, opts any, args []string) error {
	o := opts.(*sendOpts)
	if len(args) == 0 && o.specsJSONL == "" {
		return usageErr("give SPEC.json or FILE arguments, or --specs-jsonl FILE")
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
	if o.api != "smtp" && o.smtpAddr != "" {
		return usageErr("--smtp is for --api smtp")
	}
	switch {
	case o.concurrency < 1:
		return usageErr("--concurrency must be at least 1")
	case o.maxRate < 0 || math.IsInf(o.maxRate, 0) || math.IsNaN(o.maxRate):
		return usageErr("--max-rate must be a positive number of recipients per second")
	case o.quotaFrom != "" && o.api != "smtp":
		return usageErr("--quota-from is for --api smtp (v1 and v2 read the quota themselves)")
	case o.quotaFrom != "" && o.quotaFrom != "v1" && o.quotaFrom != "v2":
		return usageErr("--quota-from " + quote(o.quotaFrom) + ": want v1 or v2")
	case o.api == "smtp" && o.endpoint != "" && o.quotaFrom == "":
		return usageErr("--endpoint is for --api v1 and v2 (and --quota-from); use --smtp HOST:PORT for SMTP")
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()

	in, err := e.sendInputs(o, args)
	if err != nil {
		return err
	}
	if len(in.items) == 0 {
		// Nothing could start: the first input's error says why (exit 2).
		return in.bad[0].err
	}
	single := len(in.items) == 1 && len(in.bad) == 0 && o.results == ""
	sender := &sesapi.Sender{Builder: in.builder, Method: method}
	tr, closer, region, err := e.sendTransport(ctx, o)
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer()
	}
	lim, err := e.sendLimiter(ctx, o, len(in.items), region)
	if err != nil {
		return err
	}
	b := &sesapi.Batch{Sender: sender, Transport: tr, Limiter: lim, Concurrency: o.concurrency, RequestTimeout: o.timeout}
	var bar *progressBar
	if f, ok := e.stderr.(*os.File); ok && !single && isTerminal(f) {
		bar = &progressBar{w: f, total: len(in.items) + len(in.bad)}
		b.Progress = bar.update
	}
	var results *json.Encoder
	if o.results != "" {
		f, err := os.Create(o.results)
		if err != nil {
			return inputErr("--results "+o.results+": "+fileReason(err), err)
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		results = json.NewEncoder(w)
		for _, b := range in.bad {
			_ = results.Encode(resultLine{Input: b.name, Outcome: "invalid", Error: errText(b.err)})
		}
	}
	for _, b := range in.bad {
		var ee *exitError
		if errors.As(b.err, &ee) && ee.msg != "" {
			writeString(e.stderr, e.cmd+": "+displayName(b.name)+": "+ee.msg+"\n")
		}
	}
	var single1 error
	sum := b.Run(ctx, func(yield func(sesapi.Item) bool) {
		for _, it := range in.items {
			if !yield(it) {
				return
			}
		}
	}, func(out sesapi.Outcome) {
		bar.clear()
		line := resultLine{Input: out.Name, Outcome: out.Class(), Attempts: out.Attempts, Recipients: out.Recipients}
		if out.Result != nil {
			line.MessageID, line.RecipientMessageID, line.RequestID = out.Result.MessageID, out.Result.RecipientMessageID, out.Result.RequestID
		}
		if out.Err != nil {
			line.Error = errText(out.Err)
		}
		if results != nil {
			_ = results.Encode(line)
		}
		if single {
			if out.Err != nil {
				single1 = e.sendErr(in.setups[out.Name], out.Name, out.Err)
			} else {
				writeString(e.stdout, line.MessageID+"\n")
			}
			return
		}
		switch out.Class() {
		case sesapi.ClassSent:
			writeString(e.stdout, displayName(out.Name)+" "+line.MessageID+"\n")
		case sesapi.ClassUnknown:
			writeString(e.stderr, e.cmd+": "+displayName(out.Name)+": "+out.Err.Error()+" (the message may have been sent: check before retrying)\n")
		default:
			e.explainRefusal(in.setups[out.Name], out.Name, out.Err)
		}
	})
	bar.clear()
	if single {
		return single1
	}
	writeString(e.stderr, e.cmd+": "+strconv.Itoa(sum.Sent)+" sent, "+strconv.Itoa(sum.Refused+len(in.bad))+" refused, "+
		strconv.Itoa(sum.Unknown)+" unknown, "+strconv.Itoa(sum.NotSent)+" not sent ("+strconv.Itoa(sum.Recipients)+" recipients, "+
		strconv.Itoa(sum.Requests)+" requests)\n")
	switch {
	case sum.Unknown > 0:
		return &exitError{code: ExitUnknown}
	case sum.Refused > 0 || sum.NotSent > 0 || len(in.bad) > 0:
		return &exitError{code: ExitFailure}
	}
	return nil
}

// resultLine is one line of --results.
type resultLine struct {
	Input     string `json:"input"`
	MessageID string `json:"messageId,omitempty"`
	// RecipientMessageID is the Message-ID recipients see, for threading replies ("" when the
	// Region is unknown).
	RecipientMessageID string `json:"recipientMessageId,omitempty"`
	RequestID          string `json:"requestId,omitempty"`
	Outcome            string `json:"outcome"` // sent, refused, unknown, not-sent, invalid (the input could not be read)
	Error              string `json:"error,omitempty"`
	Recipients         int    `json:"recipients,omitempty"`
	Attempts           int    `json:"attempts,omitempty"`
}

func errText(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.msg != "" {
		return ee.msg
	}
	return err.Error()
}

// sendInputs are the messages of a send: items to send, the inputs that could not be read or
// parsed, and each spec's setup (for explaining its errors).
type sendInputs struct {
	items   []sesapi.Item
	bad     []badInput
	setups  map[string]*buildSetup
	builder *builder.Builder
}

type badInput struct {
	name string
	err  error
}

// sendInputs reads every input: the arguments (specs or raw messages) and the lines of
// --specs-jsonl. A usage error (flags that cannot apply) is returned; an unreadable or invalid
// input is recorded in bad.
func (e *env) sendInputs(o *sendOpts, args []string) (*sendInputs, error) {
	in := &sendInputs{setups: map[string]*buildSetup{}}
	addSpec := func(name string, data []byte) error {
		if o.envFile != "" {
			return usageErr("--envelope is for a raw message; a spec has its own envelope")
		}
		bs, err := e.setupBuildData(name, data, &o.det, &o.dkim)
		if err != nil {
			var ee *exitError
			if errors.As(err, &ee) && ee.usage {
				return err
			}
			in.bad = append(in.bad, badInput{name, err})
			return nil
		}
		if in.builder == nil {
			in.builder = bs.b
		}
		in.setups[name] = bs
		in.items = append(in.items, sesapi.Item{Name: name, Message: bs.msg})
		return nil
	}
	rawCount := 0
	for _, name := range args {
		data, err := e.readInput(name)
		if err != nil {
			in.bad = append(in.bad, badInput{name, err})
			continue
		}
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			if err := addSpec(name, data); err != nil {
				return nil, err
			}
			continue
		}
		if o.det != (detFlags{}) || o.dkim.set() {
			return nil, usageErr("--date, --message-id, --seed and --dkim-* apply to a spec; sign a raw message with 'sesraw sign' first")
		}
		if o.crlf {
			data = crlf.Append(nil, data)
		}
		rawCount++
		in.items = append(in.items, sesapi.Item{Name: name, Raw: &sesapi.RawMessage{Data: data, IgnorePreflight: o.force}})
	}
	if o.envFile != "" {
		if rawCount != 1 || len(args) != 1 || o.specsJSONL != "" {
			return nil, usageErr("--envelope applies to a single raw message")
		}
		envl, err := readEnvelopeFile(o.envFile)
		if err != nil {
			return nil, err
		}
		in.items[0].Raw.Envelope = &builder.Envelope{From: envl.From, To: envl.Recipients}
	}
	if o.specsJSONL != "" {
		data, err := e.readInput(o.specsJSONL)
		if err != nil {
			return nil, err
		}
		for i, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if err := addSpec(displayName(o.specsJSONL)+":"+strconv.Itoa(i+1), line); err != nil {
				return nil, err
			}
		}
	}
	if len(in.items) == 0 && len(in.bad) == 0 {
		return nil, usageErr("no message to send")
	}
	return in, nil
}

// sendTransport makes the transport of --api, and the region identity ARNs are checked against.
func (e *env) sendTransport(ctx context.Context, o *sendOpts) (sesapi.Transport, func(), string, error) {
	switch o.api {
	case "v1", "v2":
		cfg, err := awsConfig(ctx, o.region, o.endpoint)
		if err != nil {
			return nil, nil, "", err
		}
		if o.api == "v1" {
			return sesapi.V1{Client: ses.NewFromConfig(cfg)}, nil, cfg.Region, nil
		}
		return sesapi.V2{Client: sesv2.NewFromConfig(cfg)}, nil, cfg.Region, nil
	}
	region, addr, err := smtpTarget(o)
	if err != nil {
		return nil, nil, "", err
	}
	s, err := smtpSenderFor(o, region, addr, o.concurrency)
	if err != nil {
		return nil, nil, "", err
	}
	return sesapi.SMTP{Sender: s, Region: region}, func() { s.Close() }, region, nil
}

// sendLimiter paces a batch: --max-rate, else the account's MaxSendRate (v1 GetSendQuota, v2
// GetAccount; for SMTP only with --quota-from). A single message is not paced. When the quota
// cannot be read, sending goes on unpaced, with a warning.
func (e *env) sendLimiter(ctx context.Context, o *sendOpts, n int, region string) (sesapi.Limiter, error) {
	if o.maxRate > 0 {
		return sesapi.NewTokenBucket(o.maxRate, int(math.Ceil(o.maxRate/2)))
	}
	if n <= 1 {
		return nil, nil
	}
	api := o.api
	if api == "smtp" {
		if o.quotaFrom == "" {
			writeString(e.stderr, e.cmd+": warning: sending over SMTP unpaced: give --max-rate or --quota-from v1|v2\n")
			return nil, nil
		}
		api = o.quotaFrom
	}
	cfg, err := awsConfig(ctx, o.region, o.endpoint)
	if err != nil {
		return nil, err
	}
	var q sesapi.Quota
	if api == "v1" {
		q, err = sesapi.QuotaV1(ctx, ses.NewFromConfig(cfg))
	} else {
		q, err = sesapi.QuotaV2(ctx, sesv2.NewFromConfig(cfg))
	}
	if err == nil {
		var l *sesapi.TokenBucket
		if l, err = q.Limiter(1); err == nil {
			return l, nil
		}
	}
	writeString(e.stderr, e.cmd+": warning: cannot read the sending quota ("+err.Error()+"); sending unpaced (give --max-rate)\n")
	return nil, nil
}

// sendErr turns the error of a single message into the command's error: an invalid spec is an
// input error (exit 2); a failed pre-send check, lint or SES's refusal is exit 1; an unknown
// outcome exit 3.
func (e *env) sendErr(bs *buildSetup, name string, err error) error {
	var fe *builder.FieldError
	var bse *builder.SizeError
	var pe *sesapi.PreflightError
	var ce *sesapi.CheckError
	switch {
	case bs != nil && (errors.As(err, &fe) || errors.As(err, &bse)):
		return specErr(bs.spec.Explain(err))
	case errors.As(err, &pe):
		e.printFindings(name, pe.Findings)
		return failure(displayName(name)+": lint finds errors; nothing was sent (--force sends anyway)", err)
	case errors.As(err, &ce) || (errors.Is(err, sesapi.ErrNotSent) && !errors.Is(err, sesapi.ErrUnknownOutcome)):
		return failure(err.Error()+" (nothing was sent)", err)
	case errors.Is(err, sesapi.ErrUnknownOutcome):
		return &exitError{code: ExitUnknown, msg: err.Error() + " (the message may have been sent: check before retrying)", err: err}
	}
	return failure(err.Error(), err)
}

// explainRefusal prints why a message of a batch was not sent.
func (e *env) explainRefusal(bs *buildSetup, name string, err error) {
	var ee *exitError
	if errors.As(e.sendErr(bs, name, err), &ee) && ee.msg != "" {
		msg := ee.msg
		if !strings.HasPrefix(msg, displayName(name)+":") {
			msg = displayName(name) + ": " + msg
		}
		writeString(e.stderr, e.cmd+": "+msg+"\n")
	}
}

func (e *env) printFindings(name string, fs []preflight.Finding) {
	for _, f := range fs {
		writeString(e.stderr, e.cmd+": "+displayName(name)+":"+strconv.Itoa(f.Line)+": "+f.Severity.String()+" ["+f.Rule+"] "+f.Message+"\n")
	}
}

// isTerminal reports whether f is a character device (a terminal), where a progress line helps.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws one line on a terminal, redrawn after each message.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	shown bool
}

func (p *progressBar) update(pr sesapi.Progress) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	const width = 30
	filled := width
	if p.total > 0 {
		filled = pr.Done * width / p.total
	}
	line := "\r[" + strings.Repeat("#", filled) + strings.Repeat(" ", width-filled) + "] " + strconv.Itoa(pr.Done) + "/" + strconv.Itoa(p.total) +
		"  sent " + strconv.Itoa(pr.Sent) + "  refused " + strconv.Itoa(pr.Refused) + "  unknown " + strconv.Itoa(pr.Unknown)
	writeString(p.w, line)
	p.shown = true
}

// clear erases the progress line before other output.
func (p *progressBar) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		writeString(p.w, "\r\x1b[K")
		p.shown = false
	}
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
