package sespolicy

import (
	"encoding/base64"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// requestContext is the request context: condition keys (matched case-insensitively) and their
// values. A key with an empty list is present but has no value.
type requestContext struct {
	keys map[string][]string // lower-case key → values
	// names keeps the keys' spelling for reports.
	names map[string]string
	// multi marks multi-valued keys: those IAM defines so (ses:Recipients, aws:TagKeys, ...)
	// and any key given with other than one value.
	multi map[string]bool
}

func newContext() *requestContext {
	return &requestContext{keys: map[string][]string{}, names: map[string]string{}, multi: map[string]bool{}}
}

func (c *requestContext) set(key string, vals ...string) {
	k := strings.ToLower(key)
	c.keys[k] = vals
	c.names[k] = key
	kt, _ := lookupKey(key)
	c.multi[k] = kt.multi || len(vals) != 1
}

func (c *requestContext) get(key string) ([]string, bool) {
	v, ok := c.keys[strings.ToLower(key)]
	return v, ok
}

// negated reports whether an operator matches when the key's value does not match
// (StringNotEquals, NotIpAddress, ArnNotLike, ...).
func negated(base string) bool {
	switch base {
	case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
		"DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike":
		return true
	}
	return false
}

// positive is the operator a negated one negates.
func positive(base string) string {
	switch base {
	case "StringNotEquals":
		return "StringEquals"
	case "StringNotEqualsIgnoreCase":
		return "StringEqualsIgnoreCase"
	case "StringNotLike":
		return "StringLike"
	case "NumericNotEquals":
		return "NumericEquals"
	case "DateNotEquals":
		return "DateEquals"
	case "NotIpAddress":
		return "IpAddress"
	case "ArnNotEquals":
		return "ArnEquals"
	case "ArnNotLike":
		return "ArnLike"
	}
	return base
}

// takesVariables reports whether policy variables are substituted in the operator's values
// (string, ARN and Bool operators, per IAM's operator reference).
func takesVariables(base string) bool {
	return strings.HasPrefix(base, "String") || strings.HasPrefix(base, "Arn") || base == "Bool"
}

// condOutcome is how one condition evaluated, for reports.
type condOutcome struct {
	ok bool
	// why the condition failed (empty when ok).
	why string
	// unresolved policy variables.
	unresolved []string
}

// evalCondition evaluates one condition against the context, following IAM's rules:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func evalCondition(c *Condition, ctx *requestContext, variables bool) condOutcome {
	vals, present := ctx.get(c.Key)
	if present && len(vals) == 0 {
		present = false // an empty set is as good as absent for every operator
	}
	if c.Base == "Null" {
		for _, want := range c.Values {
			switch strings.ToLower(want) {
			case "true":
				if !present {
					return condOutcome{ok: true}
				}
			case "false":
				if present {
					return condOutcome{ok: true}
				}
			}
		}
		if present {
			return condOutcome{why: "Null " + c.Key + " " + quoteList(c.Values) + ": the key is present"}
		}
		return condOutcome{why: "Null " + c.Key + " " + quoteList(c.Values) + ": the key is absent"}
	}
	// Resolve policy variables.
	pvals := c.Values
	var lits [][]bool
	if variables && takesVariables(c.Base) {
		pvals = make([]string, len(c.Values))
		lits = make([][]bool, len(c.Values))
		var unresolved []string
		for i, v := range c.Values {
			glob := c.Base == "StringLike" || c.Base == "StringNotLike" || strings.HasPrefix(c.Base, "Arn")
			s, lit, un := substitute(v, ctx, glob)
			pvals[i], lits[i] = s, lit
			unresolved = append(unresolved, un...)
		}
		if len(unresolved) > 0 {
			return condOutcome{why: c.Operator + " " + c.Key + ": policy variable " + strings.Join(unresolved, ", ") + " has no value in the request (unsupported or absent)", unresolved: unresolved}
		}
	}
	if !present {
		switch {
		case c.IfExists:
			return condOutcome{ok: true}
		case c.Set == ForAllValues:
			return condOutcome{ok: true} // vacuously true: IAM's missing-key trap
		case c.Set == ForAnyValue:
			return condOutcome{why: c.Operator + " " + c.Key + ": the key is absent"}
		case negated(c.Base):
			return condOutcome{ok: true}
		}
		return condOutcome{why: c.Operator + " " + c.Key + ": the key is absent from the request"}
	}
	neg := negated(c.Base)
	pos := positive(c.Base)
	// one reports whether a single request value satisfies the operator.
	one := func(v string) bool {
		m := false
		for i, pv := range pvals {
			var lit []bool
			if lits != nil {
				lit = lits[i]
			}
			if matchOne(pos, pv, lit, v) {
				m = true
				break
			}
		}
		return m != neg
	}
	switch c.Set {
	case ForAllValues:
		for _, v := range vals {
			if !one(v) {
				return condOutcome{why: c.Operator + " " + c.Key + ": " + strconv.Quote(v) + failText(neg) + quoteList(c.Values)}
			}
		}
		return condOutcome{ok: true}
	case ForAnyValue:
		for _, v := range vals {
			if one(v) {
				return condOutcome{ok: true}
			}
		}
		return condOutcome{why: c.Operator + " " + c.Key + ": no value of " + quoteList(vals) + satisfyText(neg) + quoteList(c.Values)}
	}
	// A plain operator never matches a multi-valued key, positive or negated: IAM requires a set
	// operator for those ("Multivalued context keys require a condition set operator").
	if ctx.multi[strings.ToLower(c.Key)] {
		return condOutcome{why: c.Operator + " " + c.Key + ": a multi-valued key (" + quoteList(vals) + ") never matches an operator without ForAllValues: or ForAnyValue:"}
	}
	if one(vals[0]) {
		return condOutcome{ok: true}
	}
	if neg {
		return condOutcome{why: c.Operator + " " + c.Key + ": " + strconv.Quote(vals[0]) + " matches " + quoteList(c.Values)}
	}
	return condOutcome{why: c.Operator + " " + c.Key + ": " + strconv.Quote(vals[0]) + " does not match " + quoteList(c.Values)}
}

func failText(neg bool) string {
	if neg {
		return " matches "
	}
	return " matches none of "
}

func satisfyText(neg bool) string {
	if neg {
		return " avoids all of "
	}
	return " matches "
}

func quoteList(vs []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 8 && len(vs) > 10 {
			b.WriteString("... " + strconv.Itoa(len(vs)-8) + " more")
			break
		}
		b.WriteString(strconv.Quote(v))
	}
	b.WriteByte(']')
	return b.String()
}

// matchOne applies a positive base operator to one policy value and one request value.
func matchOne(base, pv string, lit []bool, v string) bool {
	switch base {
	case "StringEquals":
		return pv == v
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(pv, v)
	case "StringLike":
		return globMatchLit(pv, lit, v, false)
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		a, ok1 := parseNumber(v)
		b, ok2 := parseNumber(pv)
		if !ok1 || !ok2 {
			return false
		}
		return compare(base[len("Numeric"):], a.Cmp(b))
	case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		a, ok1 := parseDate(v)
		b, ok2 := parseDate(pv)
		if !ok1 || !ok2 {
			return false
		}
		return compare(base[len("Date"):], a.Compare(b))
	case "Bool":
		return strings.EqualFold(pv, v)
	case "BinaryEquals":
		a, err1 := base64.StdEncoding.DecodeString(pv)
		b, err2 := base64.StdEncoding.DecodeString(v)
		return err1 == nil && err2 == nil && string(a) == string(b)
	case "IpAddress":
		pfx, ok := parsePrefix(pv)
		if !ok {
			return false
		}
		ip, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return false
		}
		return pfx.Contains(ip.Unmap())
	case "ArnEquals", "ArnLike":
		return arnMatch(pv, lit, v)
	}
	return false
}

// compare turns a comparison result into the named relation.
func compare(rel string, c int) bool {
	switch rel {
	case "Equals":
		return c == 0
	case "LessThan":
		return c < 0
	case "LessThanEquals":
		return c <= 0
	case "GreaterThan":
		return c > 0
	case "GreaterThanEquals":
		return c >= 0
	}
	return false
}

// parseNumber parses an integer or decimal number exactly (no float rounding).
func parseNumber(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || strings.ContainsAny(s, "/eE") {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// dateLayouts are the ISO 8601 forms IAM's date operators take (besides epoch seconds).
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate parses an ISO 8601 date-time (UTC when no zone is given) or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parsePrefix parses a CIDR block or a bare address (a /32 or /128).
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// arnMatch matches an ARN pattern against an ARN component by component (partition, service,
// region, account, resource), each with '*' and '?' wildcards, as IAM's ArnLike does.
func arnMatch(pattern string, lit []bool, v string) bool {
	pp := strings.SplitN(pattern, ":", 6)
	vp := strings.SplitN(v, ":", 6)
	if len(pp) != 6 || len(vp) != 6 || pp[0] != "arn" || vp[0] != "arn" {
		return false
	}
	off := 0
	for i := range pp {
		var l []bool
		if lit != nil {
			l = lit[off : off+len(pp[i])]
		}
		off += len(pp[i]) + 1
		if !globMatchLit(pp[i], l, vp[i], false) {
			return false
		}
	}
	return true
}
