package sespolicy

import (
	"strconv"
	"strings"
)

// SES's limits on policies (https://docs.aws.amazon.com/ses/latest/dg/policy-anatomy.html):
// at most 20 per identity, 4 KB each, names of at most 64 alphanumerics, dashes and underscores.
const (
	MaxPolicySize     = 4096
	MaxPoliciesPerID  = 20
	MaxPolicyNameSize = 64
)

// Severity of a lint finding.
type Severity int

// Severities.
const (
	Warning Severity = iota // likely a mistake; SES accepts the policy
	Error                   // SES refuses the policy, or it cannot do what it seems to
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText makes a Severity "error" or "warning" in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one lint finding.
type Finding struct {
	// Rule is a stable id (see Lint).
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Policy names the policy (its Name) and PolicyIndex is its position in Lint's argument (-1
	// for a finding about the whole set); Statement is the statement index, -1 for the policy.
	Policy      string `json:"policy,omitempty"`
	PolicyIndex int    `json:"policyIndex"`
	Statement   int    `json:"statement"`
	// Line and Column locate the finding in the document (0 when unknown).
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	s := ""
	if f.Policy != "" {
		s = f.Policy + ":"
	}
	if f.Line > 0 {
		s += strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column) + ":"
	}
	if s != "" {
		s += " "
	}
	return s + f.Severity.String() + " [" + f.Rule + "] " + f.Message
}

// HasErrors reports whether any finding is an Error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// LintOptions tune Lint.
type LintOptions struct {
	// Identity is the ARN of the identity the policies are (to be) attached to. Empty: every
	// Resource must be an SES identity ARN, and all must agree.
	Identity string
	// Uses are the operations delegates will send with; when one is authorized as
	// ses:SendRawEmail (SMTP, v1 SendRawEmail, v2 raw) a policy set that never allows it is an
	// error rather than a warning.
	Uses []Operation
}

// Lint rules, each reported with its id:
//
//   - policy-size (error): a policy over 4 KB (4096 bytes).
//   - policy-name (error): a name longer than 64 characters or with characters other than
//     A-Z, a-z, 0-9, '-' and '_'.
//   - policy-count (error): more than 20 policies for one identity.
//   - resource (error): a statement without Resource, with NotResource, or whose Resource is not
//     the identity's ARN (SES requires exactly it).
//   - condition-key (error): a key SES does not know or that does not apply to sending
//     (PutIdentityPolicy fails with "Unknown or unapplicable condition field").
//   - condition-value (error): a value the operator cannot read (a date, number, IP address,
//     Bool or Null value that does not parse): the condition can never hold as meant.
//   - operator-type (warning): an operator of another type than its key (a Date operator on
//     ses:FromAddress), a set operator on a single-valued key (over-permissive), or a plain
//     operator on a multi-valued key such as ses:Recipients (never matches).
//   - forallvalues-null (warning): an Allow with ForAllValues on a key and no
//     "Null": {key: "false"} guard: ForAllValues holds when the key is absent.
//   - stringlike-regexp (warning): a StringLike / StringNotLike / ArnLike pattern written as a
//     regular expression ('.*', '[', '^', '$', '\'): only '*' and '?' are special.
//   - stringequals-wildcard (warning): '*' or '?' in a StringEquals value, where it is literal.
//   - principal (error): a statement without Principal, or a principal that is not an account
//     ID, an IAM root, user or role ARN, an assumed-role session ARN, "*", or a service name.
//   - raw-action (warning; error when LintOptions.Uses sends raw): no Allow grants
//     ses:SendRawEmail, which SMTP and (reportedly) SESv2 raw sends need.
//   - public (error): an Allow to Principal "*" without any condition: anyone may send.
//   - action (warning): an action that names none of SES's sending actions.
//   - version (warning): Version missing or not "2012-10-17" (policy variables stay literal).
//   - sid-duplicate (warning): two statements of one policy with the same Sid.
func Lint(policies []*Policy, opt *LintOptions) []Finding {
	l := &linter{out: []Finding{}, idx: map[*Policy]int{}}
	for i, p := range policies {
		if _, dup := l.idx[p]; !dup {
			l.idx[p] = i
		}
	}
	if opt == nil {
		opt = &LintOptions{}
	}
	identity := opt.Identity
	if len(policies) > MaxPoliciesPerID {
		l.add("policy-count", Error, nil, nil, Position{}, strconv.Itoa(len(policies))+" policies: SES allows at most "+strconv.Itoa(MaxPoliciesPerID)+" per identity")
	}
	rawGranted := false
	for _, p := range policies {
		if p == nil {
			continue
		}
		l.policy(p)
		for _, st := range p.Statements {
			identity = l.statement(p, st, identity)
			if st.Effect == Allow && grantsAction(st, "ses:SendRawEmail") {
				rawGranted = true
			}
		}
	}
	if !rawGranted && len(policies) > 0 {
		sev, why := Warning, "SMTP and SESv2 raw sends (authorized as ses:SendRawEmail) will be refused"
		for _, u := range opt.Uses {
			if u.RawSending() {
				sev, why = Error, string(u)+" sends are authorized as ses:SendRawEmail and will be refused"
			}
		}
		l.add("raw-action", sev, nil, nil, Position{}, "no Allow statement grants ses:SendRawEmail: "+why)
	}
	return l.out
}

type linter struct {
	out []Finding
	idx map[*Policy]int
}

func (l *linter) add(rule string, sev Severity, p *Policy, st *Statement, pos Position, msg string) {
	f := Finding{Rule: rule, Severity: sev, PolicyIndex: -1, Statement: -1, Line: pos.Line, Column: pos.Column, Message: msg}
	if p != nil {
		f.Policy, f.PolicyIndex = p.Name, l.idx[p]
	}
	if st != nil {
		f.Statement = st.Index
		if pos.Line == 0 {
			f.Line, f.Column = st.Pos.Line, st.Pos.Column
		}
	}
	l.out = append(l.out, f)
}

func (l *linter) policy(p *Policy) {
	size := p.Size
	if size == 0 {
		size = len(Format(p))
	}
	if size > MaxPolicySize {
		l.add("policy-size", Error, p, nil, Position{}, strconv.Itoa(size)+" bytes: SES allows at most "+strconv.Itoa(MaxPolicySize)+" per policy")
	}
	if p.Name != "" {
		if len(p.Name) > MaxPolicyNameSize {
			l.add("policy-name", Error, p, nil, Position{}, "policy name "+strconv.Quote(p.Name)+" is longer than 64 characters")
		} else if i := strings.IndexFunc(p.Name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}); i >= 0 {
			l.add("policy-name", Error, p, nil, Position{}, "policy name "+strconv.Quote(p.Name)+" has "+strconv.Quote(string([]rune(p.Name[i:])[0]))+": only letters, digits, '-' and '_' are allowed")
		}
	}
	if p.Version != "2012-10-17" {
		v := "no Version"
		if p.Version != "" {
			v = "Version " + strconv.Quote(p.Version)
		}
		l.add("version", Warning, p, nil, Position{}, v+`: use "2012-10-17" (policy variables are literal text otherwise)`)
	}
	sids := map[string]bool{}
	for _, st := range p.Statements {
		if st.Sid == "" {
			continue
		}
		if sids[st.Sid] {
			l.add("sid-duplicate", Warning, p, st, Position{}, "Sid "+strconv.Quote(st.Sid)+" is used by an earlier statement")
		}
		sids[st.Sid] = true
	}
}

// statement lints one statement; it returns the identity ARN the policies are for (learned from
// the first valid Resource when not given).
func (l *linter) statement(p *Policy, st *Statement, identity string) string {
	// Resource.
	switch {
	case st.Resources == nil:
		l.add("resource", Error, p, st, Position{}, "no Resource: SES requires the identity's ARN")
	case st.NotResource:
		l.add("resource", Error, p, st, Position{}, "NotResource: SES requires Resource, the identity's ARN")
	default:
		if len(st.Resources) > 1 {
			l.add("resource", Error, p, st, Position{}, "several resources: a policy is attached to one identity and names only its ARN")
		}
		for _, r := range st.Resources {
			if _, err := parseIdentity("Resource", r); err != nil || strings.ContainsAny(r[strings.LastIndexByte(r, ':')+1:], "*?") {
				l.add("resource", Error, p, st, Position{}, "Resource "+strconv.Quote(r)+" is not an SES identity ARN (arn:aws:ses:REGION:ACCOUNT:identity/NAME)")
				continue
			}
			switch {
			case identity == "":
				identity = r
			case r != identity:
				l.add("resource", Error, p, st, Position{}, "Resource "+strconv.Quote(r)+" is not the identity's ARN "+strconv.Quote(identity))
			}
		}
	}
	// Principal.
	pr := st.Principal
	if pr == nil {
		pr = st.NotPrincipal
	}
	if pr == nil {
		l.add("principal", Error, p, st, Position{}, "no Principal: a sending authorization policy names who may send (an account ID or IAM ARN)")
	} else {
		for _, v := range pr.AWS {
			if msg := principalProblem(v); msg != "" {
				l.add("principal", Error, p, st, pr.Pos, "Principal AWS "+strconv.Quote(v)+": "+msg)
			}
		}
		for _, v := range pr.Service {
			if !strings.HasSuffix(v, ".amazonaws.com") || strings.ContainsAny(v, "*?:/ ") {
				l.add("principal", Error, p, st, pr.Pos, "Principal Service "+strconv.Quote(v)+": want a service name such as cognito-idp.amazonaws.com")
			}
		}
	}
	public := pr != nil && st.Principal != nil && (pr.Any || contains(pr.AWS, "*"))
	if public && st.Effect == Allow && len(st.Conditions) == 0 {
		l.add("public", Error, p, st, pr.Pos, `Allow to Principal "*" without a condition: anyone with an AWS account may send as this identity`)
	}
	// Action.
	for _, a := range st.Actions {
		ok := false
		for _, known := range sendingActions {
			if globMatch(a, known, true) {
				ok = true
				break
			}
		}
		if !ok {
			l.add("action", Warning, p, st, Position{}, "Action "+strconv.Quote(a)+" names none of "+strings.Join(sendingActions, ", "))
		}
	}
	// Conditions.
	guarded := map[string]bool{}
	for _, c := range st.Conditions {
		if c.Base == "Null" && len(c.Values) == 1 && strings.EqualFold(c.Values[0], "false") {
			guarded[strings.ToLower(c.Key)] = true
		}
	}
	for _, c := range st.Conditions {
		l.condition(p, st, c, guarded)
	}
	return identity
}

func contains(vs []string, s string) bool {
	for _, v := range vs {
		if v == s {
			return true
		}
	}
	return false
}

// sendingActions are the actions a sending authorization policy grants
// (https://docs.aws.amazon.com/ses/latest/dg/policy-anatomy.html), with the v2 names.
var sendingActions = []string{"ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail"}

// grantsAction reports whether a statement's Action covers action.
func grantsAction(st *Statement, action string) bool {
	m := false
	for _, a := range st.Actions {
		if globMatch(a, action, true) {
			m = true
			break
		}
	}
	return m != st.NotAction
}

// principalProblem says what is wrong with an AWS principal value ("" when nothing).
func principalProblem(v string) string {
	if v == "*" || isAccountID(v) {
		return ""
	}
	if strings.ContainsAny(v, "*?") {
		return "wildcards are not allowed in principals (only \"*\" alone)"
	}
	p := strings.SplitN(v, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		if isDigits(v) {
			return "an account ID has 12 digits"
		}
		return "want a 12-digit account ID or an IAM ARN (arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME)"
	}
	if p[3] != "" || !isAccountID(p[4]) {
		return "an IAM ARN has no region and a 12-digit account"
	}
	switch {
	case p[2] == "iam" && (p[5] == "root" || strings.HasPrefix(p[5], "user/") && len(p[5]) > 5 || strings.HasPrefix(p[5], "role/") && len(p[5]) > 5):
		return ""
	case p[2] == "sts" && strings.HasPrefix(p[5], "assumed-role/") && strings.Count(p[5], "/") == 2:
		return ""
	case p[2] == "iam" && strings.HasPrefix(p[5], "group/"):
		return "IAM groups cannot be principals; name the users, a role or the account"
	}
	return "not an IAM root, user or role ARN nor an assumed-role session ARN"
}

// keyType is the type of a condition key's values: "string", "date", "numeric", "bool", "ip",
// "arn"; multi marks multi-valued keys.
type keyType struct {
	typ   string
	multi bool
}

// sesKeys are SES's condition keys (https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html,
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-policy-examples.html); the last
// two are SESv2's (semantics UNCONFIRMED; this package never sets them).
var sesKeys = map[string]keyType{
	"ses:recipients":            {"string", true},
	"ses:fromaddress":           {"string", false},
	"ses:fromdisplayname":       {"string", false},
	"ses:feedbackaddress":       {"string", false},
	"ses:apiversion":            {"string", false},
	"ses:multiregionendpointid": {"string", false},
	"ses:tenantname":            {"string", false},
}

// globalKeys are IAM's global condition keys
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html);
// a key ending in "/" takes a tag name after it.
var globalKeys = map[string]keyType{
	"aws:calledvia": {"string", true}, "aws:calledviafirst": {"string", false}, "aws:calledvialast": {"string", false},
	"aws:currenttime": {"date", false}, "aws:epochtime": {"date", false},
	"aws:federatedprovider": {"string", false}, "aws:multifactorauthage": {"numeric", false},
	"aws:multifactorauthpresent": {"bool", false}, "aws:principalaccount": {"string", false},
	"aws:principalarn": {"arn", false}, "aws:principalisawsservice": {"bool", false},
	"aws:principalorgid": {"string", false}, "aws:principalorgpaths": {"string", true},
	"aws:principalservicename": {"string", false}, "aws:principalservicenameslist": {"string", true},
	"aws:principaltype": {"string", false}, "aws:referer": {"string", false},
	"aws:requestedregion": {"string", false}, "aws:resourceaccount": {"string", false},
	"aws:resourceorgid": {"string", false}, "aws:resourceorgpaths": {"string", true},
	"aws:securetransport": {"bool", false}, "aws:sourceaccount": {"string", false},
	"aws:sourcearn": {"arn", false}, "aws:sourceidentity": {"string", false}, "aws:sourceip": {"ip", false},
	"aws:sourceorgid": {"string", false}, "aws:sourceorgpaths": {"string", true},
	"aws:sourcevpc": {"string", false}, "aws:sourcevpce": {"string", false}, "aws:tagkeys": {"string", true},
	"aws:tokenissuetime": {"date", false}, "aws:useragent": {"string", false}, "aws:userid": {"string", false},
	"aws:username": {"string", false}, "aws:viaawsservice": {"bool", false}, "aws:vpcsourceip": {"ip", false},
	"aws:principaltag/": {"string", false}, "aws:requesttag/": {"string", false}, "aws:resourcetag/": {"string", false},
}

// lookupKey returns a key's type and whether SES knows it.
func lookupKey(key string) (keyType, bool) {
	k := strings.ToLower(key)
	if t, ok := sesKeys[k]; ok {
		return t, true
	}
	if t, ok := globalKeys[k]; ok {
		return t, true
	}
	if i := strings.IndexByte(k, '/'); i > 0 && i < len(k)-1 {
		t, ok := globalKeys[k[:i+1]]
		return t, ok
	}
	return keyType{}, false
}

// operatorType is the key type an operator compares ("" for any).
func operatorType(base string) string {
	switch {
	case strings.HasPrefix(base, "String"):
		return "string"
	case strings.HasPrefix(base, "Numeric"):
		return "numeric"
	case strings.HasPrefix(base, "Date"):
		return "date"
	case base == "Bool":
		return "bool"
	case strings.HasSuffix(base, "IpAddress"):
		return "ip"
	case strings.HasPrefix(base, "Arn"):
		return "arn"
	}
	return ""
}

func (l *linter) condition(p *Policy, st *Statement, c *Condition, guarded map[string]bool) {
	name := c.Operator + " " + c.Key
	kt, known := lookupKey(c.Key)
	if !known {
		why := "SES does not know this key"
		if i := strings.IndexByte(c.Key, ':'); i > 0 && !strings.EqualFold(c.Key[:i], "ses") && !strings.EqualFold(c.Key[:i], "aws") {
			why = "a " + c.Key[:i] + " key does not apply to SES"
		}
		l.add("condition-key", Error, p, st, c.Pos, name+": "+why+" (PutIdentityPolicy fails with InvalidPolicy: Unknown or unapplicable condition field)")
		return
	}
	ot := operatorType(c.Base)
	switch {
	case ot == "" || ot == kt.typ:
	case ot == "string" && kt.typ == "arn", ot == "numeric" && kt.typ == "date" && strings.EqualFold(c.Key, "aws:EpochTime"):
	default:
		l.add("operator-type", Warning, p, st, c.Pos, name+": a "+ot+" operator on a "+kt.typ+" key")
	}
	if c.Set == NoSet && kt.multi && c.Base != "Null" {
		l.add("operator-type", Warning, p, st, c.Pos, name+": "+c.Key+" is multi-valued: an operator without ForAllValues: or ForAnyValue: never matches it")
	}
	if c.Set != NoSet && !kt.multi {
		l.add("operator-type", Warning, p, st, c.Pos, name+": a set operator on a single-valued key can be over-permissive; use "+c.Base)
	}
	if c.Set == ForAllValues && st.Effect == Allow && !guarded[strings.ToLower(c.Key)] {
		l.add("forallvalues-null", Warning, p, st, c.Pos, name+` holds when the key is absent; add "Null": {"`+c.Key+`": "false"}`)
	}
	for _, v := range c.Values {
		if msg := valueProblem(c.Base, v); msg != "" {
			l.add("condition-value", Error, p, st, c.Pos, name+": "+strconv.Quote(v)+" "+msg)
		}
		if c.Base == "StringLike" || c.Base == "StringNotLike" || strings.HasPrefix(c.Base, "Arn") {
			if looksLikeRegexp(v) {
				l.add("stringlike-regexp", Warning, p, st, c.Pos, name+": "+strconv.Quote(v)+" looks like a regular expression; in "+c.Base+" only * (any run) and ? (one character) are special")
			}
		}
		if (c.Base == "StringEquals" || c.Base == "StringNotEquals" || c.Base == "StringEqualsIgnoreCase" || c.Base == "StringNotEqualsIgnoreCase") && strings.ContainsAny(v, "*?") {
			l.add("stringequals-wildcard", Warning, p, st, c.Pos, name+": "+strconv.Quote(v)+" has * or ?, which "+c.Base+" matches literally; use StringLike")
		}
	}
}

// looksLikeRegexp reports regular-expression syntax in a wildcard pattern: ".*", "[", "^", "$"
// (other than a policy variable's "${"), "\".
func looksLikeRegexp(v string) bool {
	if strings.Contains(v, ".*") || strings.ContainsAny(v, `[^\`) {
		return true
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '$' && (i+1 >= len(v) || v[i+1] != '{') {
			return true
		}
	}
	return false
}

// valueProblem says why a condition value cannot be read by its operator ("" when it can).
func valueProblem(base, v string) string {
	if strings.Contains(v, "${") {
		return ""
	}
	switch operatorType(base) {
	case "date":
		if _, ok := parseDate(v); !ok {
			return "is not an ISO 8601 date-time nor epoch seconds"
		}
	case "numeric":
		if _, ok := parseNumber(v); !ok {
			return "is not a number"
		}
	case "ip":
		if _, ok := parsePrefix(v); !ok {
			return "is not an IP address or CIDR block"
		}
	case "bool":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return "is not true or false"
		}
	}
	if base == "Null" && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		return "is not true or false"
	}
	return ""
}
