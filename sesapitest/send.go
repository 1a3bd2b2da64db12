package sesapitest

import (
	"net/mail"
	"strings"
	"time"
)

// caller is who sent a request, from its SigV4 credential scope (or SMTP AUTH).
type caller struct {
	region, accessKey, account string
	sourceIP                   string
	tls                        bool
}

// submission is one message on its way through the checks, whatever protocol carried it.
type submission struct {
	op      Operation
	content Content
	action  string // IAM action
	api     string // "1" or "2"
	caller  caller
	params  Params
	raw     []byte
	hdr     header
	limit   int // size limit; 0 for simple and template content

	from       *mail.Address // the From address SES checks (header From, Source, FromEmailAddress)
	fromText   string        // as written, for SES's error text
	sender     []addrCheck   // the other addresses that must be covered
	envelope   Envelope
	xses       XSES
	eff        Effective
	delivered  []byte
	recipients int // for the 50 limit (every To, Cc, Bcc, counted as given)
}

// addrCheck is an address SES verifies and the identity ARN that may cover it ("": the caller's own).
type addrCheck struct {
	text, addr, arn string
}

// readRaw fills the parts of sub that come from the raw message: its header, X-SES values,
// delivered form, and the From address and recipients when the parameters give none.
func (sub *submission) readRaw() {
	sub.hdr = parseHeader(sub.raw)
	sub.xses = sub.hdr.xses()
	sub.delivered = stripXSES(sub.raw, sub.hdr)
	if v, ok := sub.hdr.first("From"); ok {
		sub.fromText = v
		if list, err := mail.ParseAddressList(v); err == nil && len(list) > 0 {
			sub.from = list[0]
		}
	}
}

// returnPathHeader sets the envelope sender from the raw message: its Return-Path header, else
// its From address, and adds the Return-Path address to the addresses SES verifies. SES sends
// bounces to the Return-Path header's address unless a parameter names another
// (https://docs.aws.amazon.com/ses/latest/dg/header-fields.html).
func (sub *submission) returnPathHeader() {
	if sub.from != nil {
		sub.envelope.From = sub.from.Address
	}
	if rp, ok := sub.hdr.first("Return-Path"); ok {
		sub.envelope.From = addrOnly(rp)
		sub.sender = append(sub.sender, addrCheck{text: rp, addr: sub.envelope.From, arn: or(sub.eff.ReturnPathArn, sub.eff.SourceArn)})
	}
}

// headerRecipients returns the To, Cc and Bcc addresses of the raw message.
func (sub *submission) headerRecipients() []string {
	var out []string
	for _, name := range []string{"To", "Cc", "Bcc"} {
		list, _ := sub.hdr.addresses(name)
		for _, a := range list {
			out = append(out, a.Address)
		}
	}
	return out
}

// accept runs the checks on sub and records it. It returns the record, or SES's answer refusing it.
func (s *Server) accept(sub *submission) (Record, *Error) {
	if sub.limit > 0 && s.on(CheckSize) && len(sub.raw) > sub.limit {
		return Record{}, errTooLong(len(sub.raw), sub.limit)
	}
	if s.on(CheckRecipients) && sub.recipients > MaxRecipients {
		return Record{}, errRecipients()
	}
	if s.on(CheckAddresses) {
		for _, a := range sub.params.addresses() {
			if msg := addressProblem(a); msg != "" {
				return Record{}, errInvalid(msg)
			}
		}
	}
	if s.on(CheckTags) {
		for _, t := range sub.eff.Tags {
			if msg := tagProblem(t); msg != "" {
				return Record{}, errInvalid(msg)
			}
		}
	}
	if sub.raw != nil && s.on(CheckDuplicateHeaders) {
		if name := sub.hdr.duplicate(); name != "" {
			return Record{}, errDuplicate(name)
		}
	}
	if e := s.checkIdentities(sub); e != nil {
		return Record{}, e
	}
	if e := s.authorize(sub); e != nil {
		return Record{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e := s.admitLocked(now, float64(len(sub.envelope.To))); e != nil {
		return Record{}, e
	}
	r := Record{
		MessageID: s.nextIDLocked(now),
		Operation: sub.op,
		Content:   sub.content,
		Time:      now,
		Region:    sub.caller.region,
		AccessKey: sub.caller.accessKey,
		Account:   sub.caller.account,
		Params:    sub.params,
		Raw:       sub.raw,
		XSES:      sub.xses,
		Effective: sub.eff,
		Envelope:  sub.envelope,
		Delivered: sub.delivered,
	}
	s.records = append(s.records, r)
	return r.clone(), nil
}

// checkIdentities is the verification and Region check: every address SES checks must be covered
// by an identity verified in the request's Region, the caller's own or the one its ARN names.
func (s *Server) checkIdentities(sub *submission) *Error {
	if !s.on(CheckIdentity) {
		return nil
	}
	region := strings.ToLower(sub.caller.region)
	var failed []string
	s.mu.Lock()
	for _, c := range sub.addrChecks() {
		if !s.coveredLocked(sub.caller.account, region, c.addr, c.arn) && !contains(failed, c.text) {
			failed = append(failed, c.text)
		}
	}
	s.mu.Unlock()
	if len(failed) > 0 {
		return NotVerified(region, failed)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// addrChecks lists the addresses SES verifies with the ARN that may cover each: the From address
// (FromArn, else SourceArn), the source (SourceArn) and the return path (ReturnPathArn, else
// SourceArn). "If you only specify the SourceIdentityArn parameter, Amazon SES sets the From and
// Return-Path addresses to the same identity"
// (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html).
func (sub *submission) addrChecks() []addrCheck {
	e := sub.eff
	or := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	var out []addrCheck
	if sub.from != nil {
		out = append(out, addrCheck{text: sub.fromText, addr: sub.from.Address, arn: or(e.FromArn, e.SourceArn)})
	}
	out = append(out, sub.sender...)
	return out
}

// sourceARN is the ARN that covers the source (envelope sender) address: SourceArn, else FromArn.
// AWS documents SourceArn for the Source address; users report that with FromArn alone SES accepts
// a Source equal to the From address (https://github.com/loopingz/aws-smtp-relay/issues/16), so a
// FromArn covers the source here too when there is no SourceArn.
func sourceARN(e Effective) string {
	if e.SourceArn != "" {
		return e.SourceArn
	}
	return e.FromArn
}

// coveredLocked reports whether addr may be used by account in region, through arn or, with no
// ARN, through the account's own identities.
func (s *Server) coveredLocked(account, region, addr, arn string) bool {
	if addr == "" {
		return true
	}
	if arn == "" {
		return s.verifiedLocked(account, region, addr)
	}
	a, ok := parseARN(arn)
	if !ok {
		return false
	}
	idRegion := a.region
	if a.region == "*" {
		idRegion = region
	} else if s.on(CheckRegion) && a.region != region {
		return false
	}
	if !identityCovers(a.identity, addr) {
		return false
	}
	return s.verifiedLocked(a.account, idRegion, a.identity)
}

// verifiedLocked reports whether addr (an address or a domain) is covered by an identity verified
// for account in region: the address itself, its domain, or a parent domain.
func (s *Server) verifiedLocked(account, region, addr string) bool {
	addr = strings.ToLower(addr)
	if s.identities[Identity{Account: account, Region: region, Name: addr}] {
		return true
	}
	domain := addr
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		domain = addr[at+1:]
	}
	for domain != "" {
		if s.identities[Identity{Account: account, Region: region, Name: domain}] {
			return true
		}
		_, rest, ok := strings.Cut(domain, ".")
		if !ok {
			break
		}
		domain = rest
	}
	return false
}

// identityCovers reports whether an identity (address or domain) covers addr.
func identityCovers(identity, addr string) bool {
	identity, addr = strings.ToLower(identity), strings.ToLower(addr)
	if strings.Contains(identity, "@") {
		return identity == addr
	}
	at := strings.LastIndexByte(addr, '@')
	domain := addr[at+1:]
	return domain == identity || strings.HasSuffix(domain, "."+identity)
}

type arn struct {
	partition, region, account, identity string
}

// parseARN reads arn:PARTITION:ses:REGION:ACCOUNT:identity/NAME.
func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ses" || parts[4] == "" {
		return arn{}, false
	}
	name, ok := strings.CutPrefix(parts[5], "identity/")
	if !ok || name == "" {
		return arn{}, false
	}
	return arn{partition: parts[1], region: strings.ToLower(parts[3]), account: parts[4], identity: name}, true
}

// authorize asks Options.Authorize about each distinct identity ARN the send uses.
func (s *Server) authorize(sub *submission) *Error {
	s.mu.Lock()
	f := s.opts.Authorize
	on := s.on(CheckAuthorize)
	now := s.now()
	s.mu.Unlock()
	if f == nil || !on {
		return nil
	}
	var seen []string
	for _, arn := range []string{sub.eff.SourceArn, sub.eff.FromArn, sub.eff.ReturnPathArn} {
		if arn == "" || contains(seen, arn) {
			continue
		}
		seen = append(seen, arn)
		req := sub.request(arn, now)
		if err := f(req); err != nil {
			return asError(err, "arn:aws:iam::"+sub.caller.account+":root", req.Action, arn)
		}
	}
	return nil
}

func (sub *submission) request(arn string, now time.Time) Request {
	r := Request{
		Operation: sub.op, Action: sub.action, Resource: arn,
		AccessKey: sub.caller.accessKey, Account: sub.caller.account, Region: sub.caller.region,
		Recipients: append([]string(nil), sub.envelope.To...), APIVersion: sub.api,
		Time: now, SourceIP: sub.caller.sourceIP, SecureTransport: sub.caller.tls,
		FeedbackAddress: sub.envelope.From,
	}
	if sub.from != nil {
		r.FromAddress, r.FromDisplayName = sub.from.Address, sub.from.Name
	}
	return r
}
