package sespolicy

import (
	"errors"
	"net/netip"
	"strings"
	"time"
)

// ErrGrant is matched (errors.Is) by every *GrantError.
var ErrGrant = errors.New("sespolicy: invalid grant")

// GrantError is a Grant that cannot become a policy, or whose policy would not lint clean.
type GrantError struct {
	Field string
	Msg   string
	// Findings are the lint errors of the policy the grant would make, if that is the problem.
	Findings []Finding
}

func (e *GrantError) Error() string { return "sespolicy: grant " + e.Field + ": " + e.Msg }

// Is makes errors.Is(err, ErrGrant) true.
func (e *GrantError) Is(target error) bool { return target == ErrGrant }

// Grant is what an identity owner allows a delegate: the typed input of Policy.
type Grant struct {
	// Identity is the ARN of the identity the policy will be attached to (required).
	Identity string
	// Delegates are who may send: account IDs or IAM user, role or root ARNs (required).
	Delegates []string
	// Actions granted; default ses:SendEmail and ses:SendRawEmail (SMTP and SESv2 raw sends
	// need the latter).
	Actions []string
	// From restricts ses:FromAddress; FromDisplayName ses:FromDisplayName; Feedback
	// ses:FeedbackAddress. A value with '*' or '?' is a StringLike pattern, else exact
	// (case-sensitive). Several values: any of them.
	From            []string
	FromDisplayName []string
	Feedback        []string
	// Recipients: every recipient (To, Cc, Bcc) must match one of these patterns; the policy
	// also requires the key to be present (a Null guard), so a send without recipients is not
	// allowed by the ForAllValues trap.
	Recipients []string
	// NotBefore and Until bound aws:CurrentTime: NotBefore <= time < Until (zero: unbounded).
	NotBefore, Until time.Time
	// SourceIPs restricts aws:SourceIp to these networks.
	SourceIPs []netip.Prefix
	// Sid names the statement (default "AuthorizeDelegate"); Name names the policy (default
	// "delegate-sending").
	Sid  string
	Name string
}

// Policy returns the minimal policy that allows exactly what the grant says: one Allow
// statement naming the delegates, the actions and the identity, with one condition per
// restriction. The policy lints clean of errors (it is checked; a grant whose policy would not,
// for instance one over 4 KB, is a *GrantError).
func (g *Grant) Policy() (*Policy, error) {
	if _, err := parseIdentity("Identity", g.Identity); err != nil {
		return nil, &GrantError{Field: "Identity", Msg: err.(*RequestError).Msg}
	}
	if len(g.Delegates) == 0 {
		return nil, &GrantError{Field: "Delegates", Msg: "name at least one account ID or IAM ARN"}
	}
	for _, d := range g.Delegates {
		if d == "*" {
			return nil, &GrantError{Field: "Delegates", Msg: `"*" would let any AWS account send; name the delegates`}
		}
		if msg := principalProblem(d); msg != "" {
			return nil, &GrantError{Field: "Delegates", Msg: quoteShort(d) + ": " + msg}
		}
	}
	actions := g.Actions
	if len(actions) == 0 {
		actions = []string{"ses:SendEmail", "ses:SendRawEmail"}
	}
	for _, a := range actions {
		ok := false
		for _, known := range sendingActions {
			if globMatch(a, known, true) {
				ok = true
			}
		}
		if !ok || !strings.HasPrefix(strings.ToLower(a), "ses:") {
			return nil, &GrantError{Field: "Actions", Msg: quoteShort(a) + " is not an SES sending action (" + strings.Join(sendingActions[:4], ", ") + ", or ses:Send*)"}
		}
	}
	if !g.NotBefore.IsZero() && !g.Until.IsZero() && !g.NotBefore.Before(g.Until) {
		return nil, &GrantError{Field: "Until", Msg: "must be after NotBefore"}
	}
	st := &Statement{Sid: g.Sid, Effect: Allow, Principal: &Principal{AWS: dedupe(g.Delegates)}, Actions: dedupe(actions), Resources: []string{g.Identity}}
	if st.Sid == "" {
		st.Sid = "AuthorizeDelegate"
	}
	addStrings := func(key string, vals []string, forAll bool) error {
		if len(vals) == 0 {
			return nil
		}
		vals = dedupe(vals)
		like := false
		for _, v := range vals {
			if v == "" {
				return &GrantError{Field: key, Msg: "empty pattern"}
			}
			if looksLikeRegexp(v) || strings.Contains(v, "${") {
				return &GrantError{Field: key, Msg: quoteShort(v) + ": only * and ? are wildcards (no regular expressions, no policy variables)"}
			}
			if strings.ContainsAny(v, "*?") {
				like = true
			}
		}
		op := "StringEquals"
		if like {
			op = "StringLike"
		}
		if forAll {
			op = "ForAllValues:" + op
			st.Conditions = append(st.Conditions, &Condition{Operator: "Null", Base: "Null", Key: key, Values: []string{"false"}})
		}
		set, base, _, _ := splitOperator(op)
		st.Conditions = append(st.Conditions, &Condition{Operator: op, Set: set, Base: base, Key: key, Values: vals})
		return nil
	}
	if err := addStrings("ses:FromAddress", g.From, false); err != nil {
		return nil, err
	}
	if err := addStrings("ses:FromDisplayName", g.FromDisplayName, false); err != nil {
		return nil, err
	}
	if err := addStrings("ses:FeedbackAddress", g.Feedback, false); err != nil {
		return nil, err
	}
	if err := addStrings("ses:Recipients", g.Recipients, true); err != nil {
		return nil, err
	}
	if !g.NotBefore.IsZero() {
		st.Conditions = append(st.Conditions, &Condition{Operator: "DateGreaterThanEquals", Base: "DateGreaterThanEquals", Key: "aws:CurrentTime", Values: []string{g.NotBefore.UTC().Format(time.RFC3339)}})
	}
	if !g.Until.IsZero() {
		st.Conditions = append(st.Conditions, &Condition{Operator: "DateLessThan", Base: "DateLessThan", Key: "aws:CurrentTime", Values: []string{g.Until.UTC().Format(time.RFC3339)}})
	}
	if len(g.SourceIPs) > 0 {
		var nets []string
		for _, p := range g.SourceIPs {
			if !p.IsValid() {
				return nil, &GrantError{Field: "SourceIPs", Msg: "invalid network"}
			}
			nets = append(nets, p.Masked().String())
		}
		st.Conditions = append(st.Conditions, &Condition{Operator: "IpAddress", Base: "IpAddress", Key: "aws:SourceIp", Values: dedupe(nets)})
	}
	p := &Policy{Name: g.Name, Version: "2012-10-17", Statements: []*Statement{st}}
	if p.Name == "" {
		p.Name = "delegate-sending"
	}
	// Round-trip through the document so that the returned policy is exactly what Format writes
	// (positions and sizes included).
	doc := Format(p)
	out, err := Parse(doc)
	if err != nil {
		return nil, &GrantError{Field: "policy", Msg: err.Error()}
	}
	out.Name = p.Name
	if fs := Lint([]*Policy{out}, &LintOptions{Identity: g.Identity}); HasErrors(fs) {
		var errs []Finding
		for _, f := range fs {
			if f.Severity == Error {
				errs = append(errs, f)
			}
		}
		return nil, &GrantError{Field: "policy", Msg: "the policy would not pass lint: " + errs[0].String(), Findings: errs}
	}
	return out, nil
}

func dedupe(vs []string) []string {
	out := make([]string, 0, len(vs))
	seen := map[string]bool{}
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
