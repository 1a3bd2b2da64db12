package sesapi

import (
	"net/mail"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// Operation names used in errors.
const (
	opRaw       = "SendRawEmail"
	opEmail     = "SendEmail"
	opTemplated = "SendTemplatedEmail"
	opV2        = "sesv2.SendEmail"
	opSMTP      = "SMTP"
)

func itoa(i int) string { return strconv.Itoa(i) }

// builderFor returns a copy of the Sender's builder aimed at target.
func (s *Sender) builderFor(t builder.Target) *builder.Builder {
	var b builder.Builder
	if s.Builder != nil {
		b = *s.Builder
	}
	b.Target = t
	return &b
}

// addrs holds a message's addresses as the builder normalizes them (ASCII; IDN domains in their
// ASCII form).
type addrs struct {
	env  builder.Envelope // From: Return-Path if set, else From; To: To+Cc+Bcc deduplicated
	from string           // the From address
	rp   string           // the Return-Path address, "" when the message has none
}

// addrsOf returns the addresses a built message's checks need.
func addrsOf(a *builder.Addresses) addrs {
	return addrs{env: a.Envelope, from: a.From.Address, rp: a.ReturnPath}
}

// feedback is the address bounces go to: the Return-Path, else the From address.
func (a *addrs) feedback() string {
	if a.rp != "" {
		return a.rp
	}
	return a.from
}

// classes returns a message's To, Cc and Bcc addresses formatted with their display names,
// deduplicated across classes (case-insensitively) in the order To, Cc, Bcc, as the builder's
// envelope is. SES writes the To and Cc header fields of composed messages from them.
func classes(a *builder.Addresses) (to, cc, bcc []string) {
	seen := make(map[string]bool, len(a.Envelope.To))
	for _, cl := range [...]struct {
		list []mail.Address
		dst  *[]string
	}{{a.To, &to}, {a.Cc, &cc}, {a.Bcc, &bcc}} {
		for _, addr := range cl.list {
			key := strings.ToLower(addr.Address)
			if seen[key] {
				continue
			}
			seen[key] = true
			*cl.dst = append(*cl.dst, format(addr.Name, addr.Address))
		}
	}
	return to, cc, bcc
}

// arnNames are the names under which an operation carries the three identity ARNs (parameter
// names, or header names with the header method); they name the field in check errors.
type arnNames struct{ source, from, returnPath string }

var (
	v1ParamNames  = arnNames{"SourceArn", "FromArn", "ReturnPathArn"}
	headerNames   = arnNames{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN}
	v2ParamNames  = arnNames{"FromEmailAddressIdentityArn", "FromEmailAddressIdentityArn", "FeedbackForwardingEmailAddressIdentityArn"}
	sendEmailName = arnNames{"SourceArn", "SourceArn", "ReturnPathArn"}
)

// checkDelegation runs the identity checks of every operation:
//
//   - every identity ARN set must be usable in region (same region, or "*"; region "" skips);
//   - the From address must be covered by the From ARN, else by the source ARN (SES documents
//     that with SourceArn alone it sets From and Return-Path to that identity);
//   - the address bounces go to (the Return-Path, else From) must be covered by the Return-Path
//     ARN, else by the source ARN.
//
// Addresses with no ARN to cover them are the delegate's own business and are not checked.
func checkDelegation(op, region string, h *xheaders.Headers, a *addrs, n arnNames) error {
	if region != "" {
		for _, r := range [...]struct {
			field string
			arn   xheaders.ARN
		}{{n.source, h.SourceARN}, {n.from, h.FromARN}, {n.returnPath, h.ReturnPathARN}} {
			if !r.arn.IsZero() && !r.arn.InRegion(region) {
				return &CheckError{Op: op, Field: r.field,
					Reason: "identity " + r.arn.String() + " is in region " + r.arn.Region + ", but the SES endpoint is in " + region,
					Err:    ErrRegionMismatch}
			}
		}
	}
	fromField, fromARN := n.from, h.FromARN
	if fromARN.IsZero() {
		fromField, fromARN = n.source, h.SourceARN
	}
	if from := a.from; !fromARN.IsZero() && !fromARN.Covers(from) {
		return &CheckError{Op: op, Field: fromField,
			Reason: "identity " + fromARN.String() + " does not cover the From address " + strconv.Quote(from),
			Err:    ErrNotCovered}
	}
	rpField, rpARN := n.returnPath, h.ReturnPathARN
	if rpARN.IsZero() {
		rpField, rpARN = n.source, h.SourceARN
	}
	if addr := a.feedback(); !rpARN.IsZero() && !rpARN.Covers(addr) {
		return &CheckError{Op: op, Field: rpField,
			Reason: "identity " + rpARN.String() + " does not cover the Return-Path address " + strconv.Quote(addr),
			Err:    ErrNotCovered}
	}
	return nil
}

// checkNotInRaw reports ErrConflict when raw still carries an X-SES header for a value that is sent
// as a parameter (names: canonical header names). SES would let the parameter win, silently.
func checkNotInRaw(op string, raw []byte, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	eff, err := xheaders.Read(raw)
	if err != nil {
		return messageErr(op, err)
	}
	for _, name := range names {
		if v, ok := eff.Get(name); ok {
			return &CheckError{Op: op, Field: name,
				Reason: "the raw message carries " + name + ": " + strconv.Quote(v) + " although the value is sent as an API parameter",
				Err:    ErrConflict}
		}
	}
	return nil
}
