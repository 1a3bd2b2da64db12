package sesapi

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
	"github.com/sesraw/sesraw/xheaders"
)

// ErrPreflight: a raw message fails one of SES's rules that package preflight checks (a
// *PreflightError lists the findings). Nothing was sent.
var ErrPreflight = errors.New("sesapi: the raw message breaks SES's rules")

// PreflightError reports the error findings of preflight.Check on a raw message. It wraps
// ErrPreflight.
type PreflightError struct {
	Op       string
	Findings []preflight.Finding // the findings of severity Error
}

func (e *PreflightError) Error() string {
	var b strings.Builder
	b.WriteString("sesapi: ")
	b.WriteString(e.Op)
	b.WriteString(": the raw message breaks SES's rules:")
	for i, f := range e.Findings {
		if i == 3 {
			b.WriteString(" (and " + strconv.Itoa(len(e.Findings)-3) + " more)")
			break
		}
		b.WriteString(" line ")
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteString(" [")
		b.WriteString(f.Rule)
		b.WriteString("] ")
		b.WriteString(f.Message)
		if i < len(e.Findings)-1 && i < 2 {
			b.WriteString(";")
		}
	}
	return b.String()
}

// Unwrap returns ErrPreflight.
func (e *PreflightError) Unwrap() error { return ErrPreflight }

// RawMessage is a message built elsewhere (another library, a template engine, a file) to send as
// it is. Its bytes are never rewritten, except that with the header method the SES control values
// of SES are added at the top of the header block.
type RawMessage struct {
	// Data is the message (header block, empty line, body). When it is nil, Reader is read to its
	// end, at most the API's size limit plus one byte.
	Data   []byte
	Reader io.Reader
	// Bcc are envelope recipients that appear in no header field. The other envelope recipients
	// are the addresses of the To, Cc and Bcc header fields (a Bcc header field in a raw message is
	// delivered as it is, to every recipient; preflight does not refuse it, but it is rarely wanted).
	Bcc []string
	// SES are SES control values to send with the message in addition to its own X-SES-* headers:
	// as API parameters with ByParameters (SES prefers a parameter to its header, so a value that
	// the message also carries as a header with another value is an ErrConflict), or as X-SES
	// headers added at the top of the message with ByHeaders and over SMTP (a message that already
	// carries one of them is an ErrConflict).
	SES xheaders.Headers
	// Envelope, when not nil, is the envelope to send to (v1 Source and Destinations, v2
	// Destination, SMTP MAIL FROM and RCPT TO) in place of the one read from the header fields
	// (Bcc is then ignored): for a message whose Bcc recipients are kept outside it, as
	// builder.Envelope gives them.
	Envelope *builder.Envelope
	// IgnorePreflight sends the message even when preflight.Check finds errors in it (the other
	// checks still apply). SES may refuse it.
	IgnorePreflight bool
}

// rawPrep is a checked raw message.
type rawPrep struct {
	data []byte
	a    addrs
	h    xheaders.Headers // the effective identity values: parameters, else the message's headers
	to   []string         // To, cc, bcc (classes) for v2
	cc   []string
	bcc  []string

	fromName string // the first From address's display name, decoded
}

// prepareRaw reads and checks r for operation op aimed at target t:
//
//   - the size limit of t;
//   - the envelope: the From and Return-Path header fields, To + Cc + Bcc header fields plus r.Bcc,
//     deduplicated; at most 50 recipients, every address ASCII;
//   - identity coverage and Region of the effective ARNs (r.SES parameters over the message's X-SES
//     headers), as for a built message;
//   - preflight.Check's errors (header syntax, line length, duplicate singleton headers,
//     attachment types, DKIM signatures over stripped headers, ...).
//
// With byHeaders, r.SES is written into the message as X-SES headers.
func (s *Sender) prepareRaw(op string, t builder.Target, method Method, region string, r *RawMessage) (*rawPrep, error) {
	if method != ByParameters && method != ByHeaders {
		return nil, &CheckError{Op: op, Field: "Method", Reason: "unknown method " + method.String(), Err: ErrUnsupported}
	}
	if r == nil {
		return nil, &CheckError{Op: op, Field: "RawMessage", Reason: "no message", Err: ErrUnsupported}
	}
	limit := t.Limit()
	data := r.Data
	if data == nil {
		if r.Reader == nil {
			return nil, &CheckError{Op: op, Field: "RawMessage", Reason: "neither Data nor Reader is set", Err: ErrUnsupported}
		}
		var err error
		if data, err = io.ReadAll(io.LimitReader(r.Reader, limit+1)); err != nil {
			return nil, &CheckError{Op: op, Field: "RawMessage", Reason: "reading the message: " + err.Error(), Err: err}
		}
	}
	if err := rawCheckSize(op, t, data); err != nil {
		return nil, err
	}
	// preflight first: it names every problem of the message as given, with its line. Its errors
	// are returned after the checks with a sentinel of their own (Region, coverage, recipients),
	// and in place of errors of reading the message (malformed X-SES values or addresses), which
	// preflight explains better.
	pt := map[builder.Target]preflight.Target{builder.TargetV1: preflight.TargetV1, builder.TargetV2: preflight.TargetV2, builder.TargetSMTP: preflight.TargetSMTP}[t]
	var errs []preflight.Finding
	for _, f := range preflight.Check(data, &preflight.Options{Target: pt, Region: region}) {
		if f.Severity == preflight.Error {
			errs = append(errs, f)
		}
	}
	var pfErr error
	if len(errs) > 0 && !r.IgnorePreflight {
		pe := &PreflightError{Op: op, Findings: errs}
		pfErr = &CheckError{Op: op, Field: "RawMessage", Reason: strings.TrimPrefix(pe.Error(), "sesapi: "+op+": "), Err: pe}
	}
	readErr := func(err error) error {
		if pfErr != nil {
			// A header block the grammar calls malformed or too large stays matchable
			// (errors.Is rawheader.ErrMalformed, ErrTooLarge) under preflight's explanation.
			if cause := grammarErr(err); cause != nil {
				pfErr.(*CheckError).Err = errors.Join(pfErr.(*CheckError).Err, cause)
			}
			return pfErr
		}
		return err
	}
	if err := r.SES.Validate(); err != nil {
		return nil, messageErr(op, err)
	}
	// With IgnorePreflight (the CLI's --force) a message whose X-SES values cannot be read is
	// sent anyway, checked with the values that could be read: SES decides about the rest.
	eff, err := xheaders.Read(data)
	if err != nil && !r.IgnorePreflight {
		return nil, readErr(messageErr(op, err))
	}
	inMsg, err := eff.Headers()
	if err != nil && !r.IgnorePreflight {
		return nil, readErr(messageErr(op, err))
	}
	p := &rawPrep{data: data}
	if err := mergeSES(op, method, &r.SES, &inMsg, &p.h); err != nil {
		return nil, err
	}
	if method == ByHeaders && !r.SES.IsZero() {
		if p.data, err = xheaders.Apply(nil, &r.SES, data, xheaders.ApplyOptions{}); err != nil && !errors.Is(err, xheaders.ErrAlreadyPresent) {
			return nil, messageErr(op, err)
		} else if err != nil {
			// The message already carries X-SES headers: put ours on top (SES reads the first
			// instance) only if the message has none of the same names, checked by mergeSES.
			block, err := r.SES.Append(nil)
			if err != nil {
				return nil, messageErr(op, err)
			}
			p.data = append(block, data...)
		}
		if err := rawCheckSize(op, t, p.data); err != nil {
			return nil, err
		}
	}
	if err := p.envelope(op, r.Bcc); err != nil {
		return nil, readErr(err)
	}
	if e := r.Envelope; e != nil {
		if e.From == "" || len(e.To) == 0 {
			return nil, &CheckError{Op: op, Field: "Envelope", Reason: "the envelope has no sender or no recipients", Err: ErrUnsupported}
		}
		p.a.env = builder.Envelope{From: e.From, To: e.To}
		p.to, p.cc, p.bcc = e.To, nil, nil
	}
	if err := rawCheckRecipients(op, &p.a); err != nil {
		return nil, err
	}
	if s.SignerFor != nil {
		var b builder.Builder
		if err := s.chooseSigner(op, &b, p.a.from); err != nil {
			return nil, err
		}
		if b.Signer != nil {
			signed, err := b.Signer.Sign(make([]byte, 0, len(p.data)+1024), p.data)
			if err != nil {
				return nil, &CheckError{Op: op, Field: "SignerFor", Reason: "signing the raw message: " + err.Error(), Err: err}
			}
			p.data = signed
			if err := rawCheckSize(op, t, p.data); err != nil {
				return nil, err
			}
		}
	}
	names := headerNames
	if method == ByParameters {
		names = v1ParamNames
		if op == opV2Raw {
			names = v2ParamNames
		}
	}
	if err := checkDelegation(op, region, &p.h, &p.a, names); err != nil {
		return nil, err
	}
	if err := s.checkPolicy(op, &p.h, &p.a, p.fromName); err != nil {
		return nil, err
	}
	if pfErr != nil {
		return nil, pfErr
	}
	return p, nil
}

// rawCheckSize checks a raw message against the API's size limit (the builder checks built
// messages).
func rawCheckSize(op string, t builder.Target, raw []byte) error {
	if limit := t.Limit(); limit > 0 && int64(len(raw)) > limit {
		return messageErr(op, &builder.SizeError{Target: t, Size: int64(len(raw)), Limit: limit})
	}
	return nil
}

// rawCheckRecipients checks a raw message's envelope: at most sesrules.MaxRecipients, every address ASCII
// (SES does not support SMTPUTF8).
func rawCheckRecipients(op string, a *addrs) error {
	if n := len(a.env.To); n > sesrules.MaxRecipients {
		return &CheckError{Op: op, Field: "Destinations", Reason: itoa(n) + " recipients, SES accepts at most " + itoa(sesrules.MaxRecipients), Err: ErrTooManyRecipients}
	}
	for _, s := range append([]string{a.env.From, a.from}, a.env.To...) {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return &CheckError{Op: op, Field: "Destinations", Reason: "address " + strconv.Quote(s) + " is not 7-bit ASCII (SES does not support SMTPUTF8)", Err: ErrNonASCIIAddress}
			}
		}
	}
	return nil
}

// mergeSES computes the effective SES values of a raw message: the values given (param) over
// those the message carries (msg). A value given both ways with different values is ErrConflict:
// with parameters SES would silently use the parameter, with headers the first instance.
func mergeSES(op string, method Method, param, msg, out *xheaders.Headers) error {
	*out = *msg
	conflict := func(name, p, m string) error {
		if m == "" || p == "" || (p == m && method == ByParameters) {
			return nil
		}
		reason := "the raw message carries " + name + ": " + strconv.Quote(m) + " and " + strconv.Quote(p) + " is given as well"
		return &CheckError{Op: op, Field: name, Reason: reason, Err: ErrConflict}
	}
	arn := func(name string, p, m xheaders.ARN, dst *xheaders.ARN) error {
		if p.IsZero() {
			return nil
		}
		if !m.IsZero() {
			if err := conflict(name, p.String(), m.String()); err != nil {
				return err
			}
		}
		*dst = p
		return nil
	}
	if err := arn(xheaders.SourceARN, param.SourceARN, msg.SourceARN, &out.SourceARN); err != nil {
		return err
	}
	if err := arn(xheaders.FromARN, param.FromARN, msg.FromARN, &out.FromARN); err != nil {
		return err
	}
	if err := arn(xheaders.ReturnPathARN, param.ReturnPathARN, msg.ReturnPathARN, &out.ReturnPathARN); err != nil {
		return err
	}
	if param.ConfigurationSet != "" {
		if err := conflict(xheaders.ConfigurationSet, param.ConfigurationSet, msg.ConfigurationSet); err != nil {
			return err
		}
		out.ConfigurationSet = param.ConfigurationSet
	}
	if len(param.Tags) > 0 {
		if err := conflict(xheaders.MessageTags, xheaders.FormatTags(param.Tags), xheaders.FormatTags(msg.Tags)); err != nil {
			return err
		}
		out.Tags = param.Tags
	}
	if param.ListManagement != nil {
		m := ""
		if msg.ListManagement != nil {
			m = msg.ListManagement.String()
		}
		if err := conflict(xheaders.ListManagement, param.ListManagement.String(), m); err != nil {
			return err
		}
		out.ListManagement = param.ListManagement
	}
	if param.Tenant != "" {
		if err := conflict(xheaders.Tenant, param.Tenant, msg.Tenant); err != nil {
			return err
		}
		out.Tenant = param.Tenant
	}
	return nil
}

// envelope reads the envelope of p.data (package rawenvelope: the one header grammar, then the
// address fields) and adds bcc to it.
func (p *rawPrep) envelope(op string, bcc []string) error {
	env, err := rawenvelope.Read(p.data)
	if err != nil {
		return &CheckError{Op: op, Field: "header", Reason: "cannot read the header block: " + strings.TrimPrefix(err.Error(), "rawheader: "),
			Err: &preflightCause{err}}
	}
	if len(env.Problems) > 0 {
		pr := env.Problems[0]
		return &CheckError{Op: op, Field: pr.Field, Reason: "cannot parse " + pr.Field + ": " + pr.Reason, Err: &preflightCause{pr}}
	}
	from := env.FirstFrom()
	if from == nil {
		return &CheckError{Op: op, Field: "From", Reason: "the message has no From address", Err: ErrPreflight}
	}
	p.a.from, p.fromName = from.Address, from.Name
	p.a.rp = env.ReturnPath
	p.a.env.From = p.a.feedback()
	for _, b := range bcc {
		a, err := rawenvelope.ParseAddress(b)
		if err != nil {
			return &CheckError{Op: op, Field: "Bcc", Reason: "cannot parse " + strconv.Quote(b) + ": " + strings.TrimPrefix(err.Error(), "mail: "), Err: ErrPreflight}
		}
		env.AddBcc(a)
	}
	p.a.env.To = env.Recipients
	p.to, p.cc, p.bcc = env.Destinations()
	if len(p.a.env.To) == 0 {
		return &CheckError{Op: op, Field: "Destinations", Reason: "the message names no recipient (To, Cc, Bcc or RawMessage.Bcc)", Err: ErrPreflight}
	}
	return nil
}

// preflightCause is ErrPreflight with the error of the reader that found the problem (a
// *rawheader.SyntaxError or *rawheader.LimitError, a *rawenvelope.AddressError): errors.Is and
// errors.As find both.
type preflightCause struct{ err error }

// grammarErr returns the header grammar's error (a *rawheader.SyntaxError or *rawheader.LimitError)
// that err wraps, or nil.
func grammarErr(err error) error {
	var se *rawheader.SyntaxError
	if errors.As(err, &se) {
		return se
	}
	var le *rawheader.LimitError
	if errors.As(err, &le) {
		return le
	}
	return nil
}

func (e *preflightCause) Error() string   { return e.err.Error() }
func (e *preflightCause) Unwrap() []error { return []error{ErrPreflight, e.err} }

// RawMessageInput checks the raw message r and makes it a SES v1 SendRawEmail input: Source is its
// Return-Path (else From) address, Destinations its To, Cc and Bcc addresses plus r.Bcc. With
// ByParameters, r.SES becomes SourceArn, FromArn, ReturnPathArn, ConfigurationSetName and Tags
// (list management and tenant have no SendRawEmail parameter: ErrUnsupported); with ByHeaders
// r.SES is added to the message as X-SES headers. The checks are those of prepareRaw: size (10 MB),
// recipients, Region and identity coverage of the effective ARNs, preflight errors.
func (s *Sender) RawMessageInput(region string, r *RawMessage) (*ses.SendRawEmailInput, error) {
	const op = opRaw
	if s.Method == ByParameters && (r.SES.ListManagement != nil || r.SES.Tenant != "") {
		return nil, &CheckError{Op: op, Field: "SES", Reason: "SendRawEmail has no list management or tenant parameter; put them in the message or use ByHeaders", Err: ErrUnsupported}
	}
	p, err := s.prepareRaw(op, builder.TargetV1, s.Method, region, r)
	if err != nil {
		return nil, err
	}
	in := &ses.SendRawEmailInput{
		RawMessage:   &sestypes.RawMessage{Data: p.data},
		Source:       aws.String(p.a.env.From),
		Destinations: p.a.env.To,
	}
	if s.Method == ByParameters {
		in.SourceArn = arnParam(r.SES.SourceARN)
		in.FromArn = arnParam(r.SES.FromARN)
		in.ReturnPathArn = arnParam(r.SES.ReturnPathARN)
		in.ConfigurationSetName = strParam(r.SES.ConfigurationSet)
		in.Tags = v1Tags(r.SES.Tags)
	}
	return in, nil
}

// RawMessageV2Input checks the raw message r and makes it a SES v2 SendEmail input with raw
// content: Destination is its To, Cc and Bcc addresses plus r.Bcc (as Bcc). With ByParameters,
// r.SES becomes FromEmailAddressIdentityArn (the From ARN, else the source ARN; two different ones
// are ErrConflict), FeedbackForwardingEmailAddressIdentityArn (the Return-Path ARN), and the
// configuration set, tags, list management and tenant parameters; with ByHeaders r.SES is added to
// the message as X-SES headers. The checks are those of RawMessageInput with the v2 size limit
// (40 MB).
func (s *Sender) RawMessageV2Input(region string, r *RawMessage) (*sesv2.SendEmailInput, error) {
	const op = opV2Raw
	h := &r.SES
	if s.Method == ByParameters && !h.SourceARN.IsZero() && !h.FromARN.IsZero() && h.SourceARN != h.FromARN {
		return nil, &CheckError{Op: op, Field: "FromEmailAddressIdentityArn",
			Reason: "SES v2 has one identity ARN for source and From, but two are given: " + h.SourceARN.String() + " and " + h.FromARN.String(),
			Err:    ErrConflict}
	}
	p, err := s.prepareRaw(op, builder.TargetV2, s.Method, region, r)
	if err != nil {
		return nil, err
	}
	in := &sesv2.SendEmailInput{
		Content:     &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: p.data}},
		Destination: &sesv2types.Destination{ToAddresses: p.to, CcAddresses: p.cc, BccAddresses: p.bcc},
	}
	if s.Method == ByParameters {
		v2Params(in, h, &p.a)
	}
	return in, nil
}

// v2Params sets the SES v2 parameters of h on in (a: the message's addresses).
func v2Params(in *sesv2.SendEmailInput, h *xheaders.Headers, a *addrs) {
	if arn := h.FromARN; !arn.IsZero() || !h.SourceARN.IsZero() {
		if arn.IsZero() {
			arn = h.SourceARN
		}
		in.FromEmailAddress = aws.String(a.from)
		in.FromEmailAddressIdentityArn = aws.String(arn.String())
	}
	if arn := h.ReturnPathARN; !arn.IsZero() || (a.rp != "" && !h.SourceARN.IsZero()) {
		if arn.IsZero() {
			arn = h.SourceARN
		}
		in.FeedbackForwardingEmailAddress = aws.String(a.feedback())
		in.FeedbackForwardingEmailAddressIdentityArn = aws.String(arn.String())
	}
	in.ConfigurationSetName = strParam(h.ConfigurationSet)
	if len(h.Tags) > 0 {
		in.EmailTags = make([]sesv2types.MessageTag, len(h.Tags))
		for i, t := range h.Tags {
			in.EmailTags[i] = sesv2types.MessageTag{Name: aws.String(t.Name), Value: aws.String(t.Value)}
		}
	}
	if lm := h.ListManagement; lm != nil {
		in.ListManagementOptions = &sesv2types.ListManagementOptions{ContactListName: aws.String(lm.ContactList), TopicName: strParam(lm.Topic)}
	}
	in.TenantName = strParam(h.Tenant)
}

// RawSMTPMail checks the raw message r for the SES SMTP interface (the header method only: r.SES
// is added to the message as X-SES headers) and returns its envelope and DATA. The checks are
// those of RawMessageInput with the SMTP size limit; region "" skips the Region check.
func (s *Sender) RawSMTPMail(region string, r *RawMessage) (*SMTPMail, error) {
	p, err := s.prepareRaw(opSMTP, builder.TargetSMTP, ByHeaders, region, r)
	if err != nil {
		return nil, err
	}
	return &SMTPMail{From: p.a.env.From, To: p.a.env.To, Data: p.data}, nil
}

// Result is what SES answered to an accepted send.
type Result struct {
	MessageID string // the SES message id
	// RecipientMessageID is the Message-ID recipients see (without angle brackets), derived from
	// MessageID and the Region the request went to by RecipientMessageID; store it to thread
	// replies. It is "" when the Region is not known: a send through a global endpoint
	// (EndpointID, identity Region "*"), where SES picks one of the endpoint's two Regions, an
	// SMTP send with no Region, or an id that cannot stand in a msg-id.
	RecipientMessageID string
	RequestID          string // the AWS request id of the answer ("" when the client does not report one)
	// Output is the SDK's output: *ses.SendRawEmailOutput, *ses.SendTemplatedEmailOutput,
	// *sesv2.SendEmailOutput, *sesv2.SendBulkEmailOutput, or what a Transport returns.
	Output any
}

// newResult is the Result of a send accepted with SES message id id by the endpoint of region
// ("*" for a global endpoint: the recipients' Message-ID is then unknown).
func newResult(id, region, requestID string, out any) *Result {
	return &Result{MessageID: id, RecipientMessageID: RecipientMessageID(id, region), RequestID: requestID, Output: out}
}

func requestID(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}

// send is the one shape of every call that sends through the SES API (the Send methods and the V1
// and V2 transports): call the operation with in and the call's options, classify an error as
// op's (see SendError), and make SES's answer, read by answer, a Result for region.
func send[In, Out, O any](ctx context.Context, op, region string, in In, call func(context.Context, In, ...func(*O)) (Out, error),
	optFns []func(*O), answer func(Out) (id *string, md middleware.Metadata)) (*Result, error) {
	out, err := call(ctx, in, optFns...)
	if err != nil {
		return nil, classify(op, err)
	}
	id, md := answer(out)
	return newResult(aws.ToString(id), region, requestID(md), out), nil
}

// The answers of the SES API operations the package sends with: the SES message id and the
// response's metadata (for the request id).
func rawEmailAnswer(o *ses.SendRawEmailOutput) (*string, middleware.Metadata) {
	return o.MessageId, o.ResultMetadata
}
func emailAnswer(o *ses.SendEmailOutput) (*string, middleware.Metadata) {
	return o.MessageId, o.ResultMetadata
}
func templatedAnswer(o *ses.SendTemplatedEmailOutput) (*string, middleware.Metadata) {
	return o.MessageId, o.ResultMetadata
}
func v2Answer(o *sesv2.SendEmailOutput) (*string, middleware.Metadata) {
	return o.MessageId, o.ResultMetadata
}

// SendRawMessage checks the raw message r (see RawMessageInput) with the region of c (after
// optFns) and sends it with SES v1 SendRawEmail. Nothing is sent when a check fails; SES's errors
// are *SendError.
func (s *Sender) SendRawMessage(ctx context.Context, c RawEmailAPI, r *RawMessage, optFns ...func(*ses.Options)) (*Result, error) {
	region, err := v1Region(opRaw, c, optFns)
	if err != nil {
		return nil, err
	}
	in, err := s.RawMessageInput(region, r)
	if err != nil {
		return nil, err
	}
	return send(ctx, opRaw, region, in, c.SendRawEmail, optFns, rawEmailAnswer)
}

// SendRawMessageV2 checks the raw message r (see RawMessageV2Input) with the region of c (after
// optFns) and sends it with SES v2 SendEmail.
func (s *Sender) SendRawMessageV2(ctx context.Context, c EmailV2API, r *RawMessage, optFns ...func(*sesv2.Options)) (*Result, error) {
	region, err := v2Region(opV2Raw, c, optFns)
	if err != nil {
		return nil, err
	}
	in, err := s.RawMessageV2Input(region, r)
	if err != nil {
		return nil, err
	}
	return send(ctx, opV2Raw, region, in, c.SendEmail, optFns, v2Answer)
}

// opV2Raw names SES v2 SendEmail with a raw message in errors (the same operation as opV2).
const opV2Raw = opV2
