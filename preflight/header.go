package preflight

import (
	"bytes"
	"errors"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/xheaders"
)

// field is one header field. Slices alias the header block.
type field struct {
	name  []byte
	value []byte // after the colon, continuation lines included, final line break excluded
	line  int
}

// fieldIter walks the fields of a header block, as the header grammar (package rawheader) reads
// it, without storing them.
type fieldIter struct {
	sc    rawheader.Scanner
	b     []byte
	line0 int // number of b's first line
	bad   int // rule that reports a malformed header block
	done  bool
}

func (c *checker) fields(b []byte, line0, bad int) fieldIter {
	it := fieldIter{b: b, line0: line0, bad: bad}
	it.sc.ResetLimits(b, rawheader.Limits{MaxBytes: -1})
	return it
}

// next returns the next field, continuation lines included; false at the end of the header block.
// A malformed header block (a line that is not a field, a bare CR) ends it where the grammar's
// strict reading ends it, and is reported; so is every X-SES-* field a lenient reader would still
// find after the bad line, because whether SES reads it is unknown.
func (c *checker) next(it *fieldIter) (field, bool) {
	if it.done {
		return field{}, false
	}
	if it.sc.Next() {
		f := it.sc.Field()
		return field{name: f.Name, value: f.Value, line: it.line0 - 1 + f.Line}, true
	}
	it.done = true
	if it.sc.Flags()&rawheader.FlagMboxFrom != 0 && c.want(it.bad, Error, it.line0) {
		c.say("line is an mbox From line " + quote(firstLine(it.b)) + " (mbox framing, not a header field); " +
			"sent as it is, SES receives it as a line that is not a header field: remove it")
	}
	if se, ok := it.sc.Err().(*rawheader.SyntaxError); ok { // a type switch: errors.As would allocate per block
		line := it.line0 - 1 + se.Line
		if c.want(it.bad, Error, line) {
			c.say("malformed header block: " + strings.TrimPrefix(se.Reason, "the ") + ": " + quote(firstLine(it.b[se.Offset:])) +
				"; the header block ends here for a strict reader")
		}
		for f := range rawheader.LenientFields(it.b, se.Offset, se.Line) {
			if sesrules.IsSESName(f.Name) && c.want(rXSESAmbiguous, Error, it.line0-1+f.Line) {
				c.say(fieldName(f.Name) + " comes after a malformed line (line " + strconv.Itoa(line) +
					"): a strict reader takes it for body text, a lenient one (that skips the bad line) for a " +
					"header field; which SES does is unknown, so fix the header block")
			}
		}
	}
	return field{}, false
}

// firstLine returns b up to its first line break, at most 80 bytes.
func firstLine(b []byte) []byte {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return b
}

func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, x := range b {
		if x < 33 || x > 126 || x == ':' {
			return false
		}
	}
	return true
}

func isFWS(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func trimFWS(b []byte) []byte {
	for len(b) > 0 && isFWS(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isFWS(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// maxXSESValue bounds the X-SES values handed to xheaders; no valid value comes near it.
const maxXSESValue = sesrules.MaxXSESValueBytes

// fieldName formats a header field name for a finding message.
func fieldName(b []byte) string {
	if len(b) <= 80 && validFieldName(b) {
		return string(b)
	}
	return quote(b)
}

// unfold returns v without line breaks and without surrounding white space, as SES reads a value.
func unfold(v []byte) string {
	v = trimFWS(v)
	if bytes.IndexByte(v, '\n') < 0 && bytes.IndexByte(v, '\r') < 0 {
		return string(v)
	}
	b := make([]byte, 0, len(v))
	for _, x := range v {
		if x != '\r' && x != '\n' {
			b = append(b, x)
		}
	}
	return string(b)
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// equalFold reports whether b equals the lower-case ASCII string s, ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lowerASCII(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether b starts with the lower-case ASCII string s, ignoring ASCII case.
func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFold(b[:len(s)], s)
}

// dkimSingleton is the index of DKIM-Signature among the singletons; rule dkim-multiple reports it.
var dkimSingleton = sesrules.SingletonIndex("dkim-signature")

// knownXSES are the X-SES-* headers SES documents, in xheaders' order.
var knownXSES = [...]string{
	xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet,
	xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant,
}

const (
	xSource = iota
	xFrom
	xReturnPath
	xConfigSet
	xTags
	xList
	xTenant
	numXSES
)

func xsesIndex(name []byte) int {
	for i, k := range knownXSES {
		if len(name) == len(k) && bytes.EqualFold(name, []byte(k)) {
			return i
		}
	}
	return -1
}

// Address header kinds.
const (
	aNone = iota
	aFrom
	aSender
	aReplyTo
	aReturnPath
	aTo
	aCc
	aBcc
)

var addrHeaderNames = [...]string{aFrom: "From", aSender: "Sender", aReplyTo: "Reply-To",
	aReturnPath: "Return-Path", aTo: "To", aCc: "Cc", aBcc: "Bcc"}

func addrKind(name []byte) int {
	switch len(name) {
	case 2:
		switch {
		case equalFold(name, "to"):
			return aTo
		case equalFold(name, "cc"):
			return aCc
		}
	case 3:
		if equalFold(name, "bcc") {
			return aBcc
		}
	case 4:
		if equalFold(name, "from") {
			return aFrom
		}
	case 6:
		if equalFold(name, "sender") {
			return aSender
		}
	case 8:
		if equalFold(name, "reply-to") {
			return aReplyTo
		}
	case 11:
		if equalFold(name, "return-path") {
			return aReturnPath
		}
	}
	return aNone
}

// topState is what the header checks collect across fields.
type topState struct {
	fromBuf    []byte // addresses of the first From field, concatenated
	fromEnds   []int  // end offset of each address in fromBuf
	fromSeen   bool
	recipients int
	recipLine  int
	scan       addrScan

	fromArr [256]byte // first backing arrays
	endsArr [8]int
}

// maxFrom bounds how many From addresses are kept for the ARN check.
const maxFrom = 50

func (t *topState) addFrom(addr []byte) {
	if len(t.fromEnds) >= maxFrom {
		return
	}
	if t.fromBuf == nil {
		t.fromBuf, t.fromEnds = t.fromArr[:0], t.endsArr[:0]
	}
	t.fromBuf = append(t.fromBuf, addr...)
	t.fromEnds = append(t.fromEnds, len(t.fromBuf))
}

// endHeader checks the top-level header block hb and sets up the MIME walk of the body.
func (c *checker) endHeader(hb []byte) {
	var (
		sFirst, sSecond [sesrules.NumSingletons]int // lines of the first two instances
		sCount          [sesrules.NumSingletons]int
		sName           [sesrules.NumSingletons][]byte // name of the first instance as written
		xFirst          [numXSES]field
		xCount          [numXSES]int
		xIgnored        [numXSES][8]int // lines of ignored instances
		dkimLines       [2]int
		dkimCount       int
		ent             entityFields
	)
	top := &c.top
	it := c.fields(hb, 1, rHeaderSyntax)
	for {
		f, ok := c.next(&it)
		if !ok {
			break
		}
		if hasHigh(f.value) && c.want(rHeader8bit, Error, f.line) {
			c.say("header field " + fieldName(f.name) + " has non-ASCII bytes; SES " +
				"requires a 7-bit header block: use RFC 2047 encoded-words")
		}
		if k := sesrules.SingletonIndex(f.name); k >= 0 {
			sCount[k]++
			switch sCount[k] {
			case 1:
				sFirst[k], sName[k] = f.line, f.name
			case 2:
				sSecond[k] = f.line
			}
		}
		ent.note(&f)
		if sesrules.IsSESName(f.name) {
			k := xsesIndex(f.name)
			if k < 0 {
				if c.want(rXSESUnknown, Warning, f.line) {
					c.say("header " + quote(f.name) + " is not an X-SES header SES " +
						"documents; SES removes X-SES headers before delivery, so this is likely a misspelling")
				}
				continue
			}
			xCount[k]++
			if xCount[k] == 1 {
				xFirst[k] = f
			} else if n := xCount[k] - 2; n < len(xIgnored[k]) {
				xIgnored[k][n] = f.line
			}
			continue
		}
		if equalFold(f.name, "dkim-signature") {
			if dkimCount < 2 {
				dkimLines[dkimCount] = f.line
			}
			dkimCount++
			c.checkDKIM(&f)
			continue
		}
		if k := addrKind(f.name); k != aNone {
			c.checkAddresses(top, &f, k)
		}
	}

	for k := range sesrules.NumSingletons {
		if sCount[k] < 2 || k == dkimSingleton {
			continue
		}
		if c.want(rDuplicateHeader, Error, sSecond[k]) {
			c.say(string(sName[k]) + " appears " + strconv.Itoa(sCount[k]) + " times (first at line " +
				strconv.Itoa(sFirst[k]) + "); SES rejects the message: Duplicate header '" + string(sName[k]) + "'")
		}
	}
	if dkimCount > 1 && c.want(rDKIMMultiple, Error, dkimLines[1]) {
		c.say("message has " + strconv.Itoa(dkimCount) + " DKIM-Signature fields (first at line " +
			strconv.Itoa(dkimLines[0]) + "); SES rejects the message: Duplicate header 'DKIM-Signature'")
	}
	if !top.fromSeen && c.want(rMissingFrom, Error, 0) {
		c.say("message has no From header field")
	}
	if top.recipients > sesrules.MaxRecipients && c.want(rRecipients, Error, top.recipLine) {
		c.say("To, Cc and Bcc name " + strconv.Itoa(top.recipients) +
			" recipients; SES accepts at most " + strconv.Itoa(sesrules.MaxRecipients) + " per message")
	}
	c.checkXSES(top, &xFirst, &xCount, &xIgnored, dkimCount > 0)
	c.checkPolicy(hb)

	c.entity(&ent)
}

// checkXSES checks the X-SES headers SES will read: the first instance of each.
func (c *checker) checkXSES(top *topState, xFirst *[numXSES]field, xCount *[numXSES]int,
	xIgnored *[numXSES][8]int, signed bool) {
	var arns [3]xheaders.ARN
	var arnLine [3]int
	for k := range numXSES {
		if xCount[k] == 0 {
			continue
		}
		name := knownXSES[k]
		f := &xFirst[k]
		if xCount[k] > 1 {
			msg := name + " appears " + strconv.Itoa(xCount[k]) + " times: SES uses the first (line " +
				strconv.Itoa(f.line) + ") and ignores line"
			if xCount[k] > 2 {
				msg += "s"
			}
			shown := min(xCount[k]-1, len(xIgnored[k]))
			for j := range shown {
				if j > 0 {
					msg += ","
				}
				msg += " " + strconv.Itoa(xIgnored[k][j])
			}
			if more := xCount[k] - 1 - shown; more > 0 {
				msg += " and " + strconv.Itoa(more) + " more"
			}
			if c.want(rXSESDuplicate, Warning, xIgnored[k][0]) {
				c.say(msg)
			}
		}
		if len(f.value) > maxXSESValue {
			if c.want(rXSESMalformed, Error, f.line) {
				c.say(name + " is longer than " + strconv.Itoa(maxXSESValue) + " bytes")
			}
			continue
		}
		v := unfold(f.value)
		if v == "" {
			if c.want(rXSESMalformed, Error, f.line) {
				c.say(name + " is empty")
			}
			continue
		}
		switch k {
		case xSource, xFrom, xReturnPath:
			a, err := xheaders.ParseARN(v)
			if err != nil {
				if c.want(rXSESMalformed, Error, f.line) {
					c.say(name + " is not a valid identity ARN: " + reason(err))
				}
				continue
			}
			arns[k], arnLine[k] = a, f.line
		case xConfigSet:
			h := xheaders.Headers{ConfigurationSet: v}
			if err := h.Validate(); err != nil {
				if c.want(rConfigSetSyntax, Error, f.line) {
					c.say(name + " is not a valid configuration set name: " + reason(err))
				}
			}
		case xTenant:
			h := xheaders.Headers{Tenant: v}
			if err := h.Validate(); err != nil {
				if c.want(rXSESMalformed, Error, f.line) {
					c.say(name + " is not a valid tenant name: " + reason(err))
				}
			}
		case xTags, xList:
			// xheaders parses these values only from a header block: give it one.
			e, err := xheaders.Read([]byte(name + ": " + v + "\r\n\r\n"))
			if err == nil {
				_, err = e.Headers()
			}
			if err != nil {
				if k == xTags {
					if c.want(rTagSyntax, Error, f.line) {
						c.say(name + " is invalid: " + reason(err))
					}
				} else {
					if c.want(rXSESMalformed, Error, f.line) {
						c.say(name + " is invalid: " + reason(err))
					}
				}
			}
		}
		c.targetNote(k, f.line)
	}
	if xCount[xList] > 0 && signed {
		if c.want(rListManagementSigned, Warning, xFirst[xList].line) {
			c.say("message carries " + xheaders.ListManagement +
				" and a DKIM-Signature: SES cannot add unsubscribe links to a message signed before SES")
		}
	}

	// Which ARN authorizes the From address: FromArn, else SourceArn.
	auth := xFrom
	if arns[xFrom].IsZero() {
		auth = xSource
		if !arns[xSource].IsZero() && xCount[xFrom] == 0 && top.fromSeen {
			if c.want(rSourceARNWithoutFromARN, Warning, arnLine[xSource]) {
				c.say(xheaders.SourceARN + " without " +
					xheaders.FromARN + ": users report that SES needs the FromArn when the message has a From " +
					"field; add " + xheaders.FromARN + " with the identity that covers the From address")
			}
		}
	}
	if a := arns[auth]; !a.IsZero() && (auth == xFrom || xCount[xFrom] == 0) {
		start := 0
		for _, end := range top.fromEnds {
			addr := string(top.fromBuf[start:end])
			start = end
			if !a.Covers(addr) {
				if c.want(rARNNotCoveringFrom, Error, arnLine[auth]) {
					c.say(knownXSES[auth] + " identity " +
						quoteString(a.Identity) + " does not cover the From address " + quoteString(addr))
				}
			}
		}
	}
	var region string
	regionLine := 0
	for k, a := range arns {
		if a.IsZero() {
			continue
		}
		if c.opts.Region != "" && !a.InRegion(c.opts.Region) {
			if c.want(rARNRegion, Error, arnLine[k]) {
				c.say(knownXSES[k] + " names region " + quoteString(a.Region) +
					"; the endpoint is in " + quoteString(c.opts.Region) + " and delegates can send only from the " +
					"identity's region")
			}
		}
		if a.Region == "*" {
			continue
		}
		if region == "" {
			region, regionLine = a.Region, arnLine[k]
		} else if a.Region != region {
			if c.want(rARNRegion, Warning, arnLine[k]) {
				c.say(knownXSES[k] + " names region " + quoteString(a.Region) +
					" but the ARN at line " + strconv.Itoa(regionLine) + " names " + quoteString(region) +
					"; one message goes through one regional endpoint")
			}
		}
	}
}

// targetNote reports X-SES headers whose effect with the chosen target is undocumented.
func (c *checker) targetNote(k, line int) {
	var note string
	switch c.opts.Target {
	case TargetV1:
		switch k {
		case xList:
			note = "AWS documents " + knownXSES[k] + " for the SMTP interface only"
		case xTenant:
			note = "AWS documents " + knownXSES[k] + " for the SMTP interface only; pass TenantName with SES v2"
		}
	case TargetV2:
		switch k {
		case xSource, xFrom:
			note = "with SES v2, FromEmailAddressIdentityArn, when passed, overrides " + knownXSES[k]
		case xReturnPath:
			note = "AWS does not document " + knownXSES[k] + " for SES v2 raw content; pass " +
				"FeedbackForwardingEmailAddressIdentityArn"
		case xConfigSet:
			note = "AWS does not document " + knownXSES[k] + " for SES v2 raw content; pass ConfigurationSetName"
		case xTags:
			note = "AWS does not document " + knownXSES[k] + " for SES v2 raw content; pass EmailTags"
		case xList:
			note = "AWS does not document " + knownXSES[k] + " for SES v2 raw content; pass ListManagementOptions"
		case xTenant:
			note = "AWS does not document " + knownXSES[k] + " for SES v2 raw content; pass TenantName"
		}
	}
	if note != "" {
		if c.want(rXSESTarget, Info, line) {
			c.say(note)
		}
	}
}

// reason extracts the reason of an xheaders error.
func reason(err error) string {
	var he *xheaders.HeaderError
	if errors.As(err, &he) && he.Reason != "" {
		return printable(he.Reason)
	}
	return printable(strings.TrimPrefix(err.Error(), "xheaders: "))
}

// printable returns s if it is printable ASCII, else s with other bytes escaped Go-style.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			q := strconv.QuoteToASCII(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
