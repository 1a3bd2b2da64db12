package preflight

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/xheaders"
)

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
