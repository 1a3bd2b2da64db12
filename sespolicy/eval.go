package sespolicy

import (
	"sort"
	"strconv"
	"strings"
)

// Decision is the outcome of an evaluation.
type Decision int

// Decisions, as IAM names them.
const (
	// ImplicitDeny: no statement allows the send (IAM's default).
	ImplicitDeny Decision = iota
	// ExplicitDeny: a Deny statement applies; it beats every Allow.
	ExplicitDeny
	// Allowed: an Allow applies and no Deny does.
	Allowed
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitly denied"
	}
	return "implicitly denied"
}

// MarshalText makes a Decision "allowed", "explicit-deny" or "implicit-deny" in JSON.
func (d Decision) MarshalText() ([]byte, error) {
	switch d {
	case Allowed:
		return []byte("allowed"), nil
	case ExplicitDeny:
		return []byte("explicit-deny"), nil
	}
	return []byte("implicit-deny"), nil
}

// IdentityPolicies are the policies attached to one identity.
type IdentityPolicies struct {
	// ARN is the identity's ARN.
	ARN string
	// Policies attached to it (Policy.Name names them in reports).
	Policies []*Policy
}

// Request is what Evaluate judges.
type Request struct {
	// Send is the send.
	Send Send
	// Owner holds the identity owner's policies: those of the identity the send names and, when
	// they exist, those of the email-address identity of the From address (which take
	// precedence over its domain's, https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-identity-owner-tasks-policy.html).
	Owner []IdentityPolicies
	// CallerPolicies are the caller's own IAM policies. Nil means not given: the result then
	// judges the owner's side alone and says so (Result.OwnerSideOnly).
	CallerPolicies []*Policy
	// Assumptions override the evaluator's choices where SES is undocumented; nil: defaults.
	Assumptions *Assumptions
}

// StatementRef names a statement.
type StatementRef struct {
	Policy string `json:"policy,omitempty"`
	Sid    string `json:"sid,omitempty"`
	Index  int    `json:"index"`
	Effect Effect `json:"effect"`
	// Side is "owner" (the identity's policy) or "caller" (the caller's IAM policy).
	Side string `json:"side"`
}

func (r StatementRef) String() string {
	var b strings.Builder
	if r.Side == "caller" {
		b.WriteString("caller ")
	}
	if r.Policy != "" {
		b.WriteString("policy " + strconv.Quote(r.Policy) + " ")
	}
	b.WriteString("statement ")
	if r.Sid != "" {
		b.WriteString(strconv.Quote(r.Sid) + " ")
	}
	b.WriteString("#" + strconv.Itoa(r.Index))
	return b.String()
}

// Miss is a statement that did not apply, and why.
type Miss struct {
	Statement StatementRef `json:"statement"`
	// Part is what failed: "principal", "action", "resource" or "condition".
	Part string `json:"part"`
	// Reason says what failed in words (for a condition: key, operator, values and the
	// request's value).
	Reason string `json:"reason"`
}

func (m Miss) String() string { return m.Statement.String() + ": " + m.Reason }

// Side is the verdict of one side: the owner's identity policies or the caller's IAM policies.
type Side struct {
	Decision Decision `json:"decision"`
	// Deciding is the statement that decided (the first applicable Deny, else the first
	// applicable Allow); nil for an implicit deny.
	Deciding *StatementRef `json:"deciding,omitempty"`
	// AccountLevel is true when the owner's allowing statement names the caller's account rather
	// than the caller itself.
	AccountLevel bool `json:"accountLevel,omitempty"`
	// Misses are the statements that did not apply, in order.
	Misses []Miss `json:"misses"`
}

// Result is the verdict on a send.
type Result struct {
	Decision Decision `json:"decision"`
	// Action is the IAM action the send was judged as.
	Action string `json:"action"`
	// Identity is the ARN whose policies were judged (the send's, or the email-address identity
	// whose policies take precedence); Precedence says so when it is not the send's.
	Identity   string `json:"identity"`
	Precedence string `json:"precedence,omitempty"`
	// Deciding is the statement that decided (nil for an implicit deny).
	Deciding *StatementRef `json:"deciding,omitempty"`
	// Owner is the identity owner's side; Caller the caller's IAM side (nil when not given).
	Owner  Side  `json:"owner"`
	Caller *Side `json:"caller,omitempty"`
	// OwnerSideOnly: no caller policies were given, so only the owner's side was judged; a
	// cross-account send also needs the caller's IAM policies to allow it.
	OwnerSideOnly bool `json:"ownerSideOnly"`
	// SameAccount: the caller belongs to the identity's account, where sending authorization
	// policies are not needed and the caller's IAM policies decide (a Deny still applies).
	SameAccount bool `json:"sameAccount"`
	// Assumptions lists the UNCONFIRMED assumptions that decided the outcome.
	Assumptions []AssumptionReport `json:"assumptions"`
	// Unresolved lists policy variables that had no value in the request.
	Unresolved []string `json:"unresolved"`
	// Context is the request context the policies were judged against.
	Context map[string][]string `json:"context"`
}

// Allowed reports whether the send is allowed.
func (r *Result) Allowed() bool { return r.Decision == Allowed }

// Summary is one line a user can act on: the decision and the deciding statement, or why no
// statement applied.
func (r *Result) Summary() string {
	var b strings.Builder
	b.WriteString(r.Decision.String() + ": " + r.Action + " on " + r.Identity)
	if r.Precedence != "" {
		b.WriteString(" (" + r.Precedence + ")")
	}
	switch {
	case r.Decision == ExplicitDeny:
		b.WriteString(": denied by " + r.Deciding.String())
	case r.Decision == Allowed && r.Deciding != nil:
		b.WriteString(": allowed by " + r.Deciding.String())
	case r.Decision == Allowed:
		b.WriteString(": the caller is in the identity's account")
	default:
		var ms []Miss
		side := &r.Owner
		if r.Owner.Decision == Allowed && r.Caller != nil {
			side = r.Caller
			b.WriteString(": the owner's policy allows it, but no statement of the caller's IAM policies does")
		} else if len(side.Misses) == 0 {
			b.WriteString(": no policy statement")
		} else {
			b.WriteString(": no statement applies")
		}
		// Allow statements first: they say what would have to change.
		ms = append(ms, side.Misses...)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Statement.Effect == Allow && ms[j].Statement.Effect != Allow })
		for i, m := range ms {
			if i == 3 {
				b.WriteString("; ... " + strconv.Itoa(len(ms)-3) + " more")
				break
			}
			b.WriteString("; " + m.String())
		}
	}
	if r.OwnerSideOnly && r.Decision == Allowed && !r.SameAccount {
		b.WriteString("; judged the owner's side alone: the caller's IAM policy must allow " + r.Action + " too")
	}
	if r.SameAccount && r.Caller == nil {
		b.WriteString("; the caller's IAM policies decide (not given)")
	}
	for _, a := range r.Assumptions {
		b.WriteString("; " + a.String())
	}
	if len(r.Unresolved) > 0 {
		b.WriteString("; unresolved policy variables: " + strings.Join(r.Unresolved, ", "))
	}
	return b.String()
}

// Evaluate judges one send against the identity owner's sending authorization policies (and the
// caller's IAM policies, when given) with IAM's evaluation logic: a statement applies when its
// principal, action, resource and every condition match; an applicable Deny beats every Allow;
// without an applicable Allow the send is implicitly denied. A cross-account send needs an Allow
// on both sides. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//
// Evaluate reads no clock and no network: the same Request gives the same Result.
func Evaluate(req *Request) (*Result, error) {
	a := Assumptions{}
	if req.Assumptions != nil {
		a = *req.Assumptions
	}
	res, err := evaluate(req, &a)
	if err != nil {
		return nil, err
	}
	// Try each assumption's alternative; report those that change the decision.
	s := &req.Send
	if from, other := s.fromAddress(a.FromAddress); other != "" && (mentions(req, "ses:FromAddress") || len(req.Owner) > 1) {
		alt := a
		alt.FromAddress = 1 - a.FromAddress
		if r2, err := evaluate(req, &alt); err == nil && r2.Decision != res.Decision {
			res.Assumptions = append(res.Assumptions, AssumptionReport{
				Name: "ses:FromAddress", Assumed: a.FromAddress.String() + " (" + from + ")",
				Alternative: alt.FromAddress.String() + " (" + other + ")", AlternativeDecision: r2.Decision,
			})
		}
	}
	if !s.Operation.v2() && s.Operation != SMTP && mentions(req, "ses:ApiVersion") {
		alt := a
		alt.V1APIVersionAbsent = !a.V1APIVersionAbsent
		if r2, err := evaluate(req, &alt); err == nil && r2.Decision != res.Decision {
			desc := func(x Assumptions) string {
				if x.V1APIVersionAbsent {
					return "the key absent for v1"
				}
				v := x.V1APIVersion
				if v == "" {
					v = "1"
				}
				return strconv.Quote(v) + " for v1"
			}
			res.Assumptions = append(res.Assumptions, AssumptionReport{Name: "ses:ApiVersion", Assumed: desc(a), Alternative: desc(alt), AlternativeDecision: r2.Decision})
		}
	}
	if _, overridden := a.Actions[s.Operation]; !overridden {
		if altAction := defaultAction[s.Operation][1]; altAction != "" {
			alt := a
			alt.Actions = map[Operation]string{s.Operation: altAction}
			if r2, err := evaluate(req, &alt); err == nil && r2.Decision != res.Decision {
				res.Assumptions = append(res.Assumptions, AssumptionReport{
					Name: "action", Assumed: string(s.Operation) + " is " + res.Action,
					Alternative: altAction, AlternativeDecision: r2.Decision,
				})
			}
		}
	}
	return res, nil
}

// mentions reports whether any policy of the request has a condition on key: an assumption
// about the key's value cannot matter otherwise.
func mentions(req *Request, key string) bool {
	has := func(ps []*Policy) bool {
		for _, p := range ps {
			if p == nil {
				continue
			}
			for _, st := range p.Statements {
				for _, c := range st.Conditions {
					if strings.EqualFold(c.Key, key) {
						return true
					}
				}
			}
		}
		return false
	}
	for _, ip := range req.Owner {
		if has(ip.Policies) {
			return true
		}
	}
	return has(req.CallerPolicies)
}

func evaluate(req *Request, a *Assumptions) (*Result, error) {
	s := &req.Send
	if !s.Operation.valid() {
		return nil, &RequestError{Field: "Operation", Value: string(s.Operation), Msg: "unknown operation"}
	}
	id, err := parseIdentity("Identity", s.Identity)
	if err != nil {
		return nil, err
	}
	c, err := parseCaller(s.Caller)
	if err != nil {
		return nil, err
	}
	action := defaultAction[s.Operation][0]
	if v, ok := a.Actions[s.Operation]; ok && v != "" {
		action = v
	}
	res := &Result{Action: action, Identity: id.raw, Assumptions: []AssumptionReport{}, Unresolved: []string{}}
	// Which identity's policies apply: an email-address identity of the From address, with at
	// least one policy, takes precedence over its domain's.
	judged := id
	var policies []*Policy
	found := false
	from, _ := s.fromAddress(a.FromAddress)
	for _, ip := range req.Owner {
		o, err := parseIdentity("Owner.ARN", ip.ARN)
		if err != nil {
			return nil, err
		}
		if o.raw == id.raw {
			if !found {
				policies = ip.Policies
			}
			continue
		}
		if from != "" && o.email() && !id.email() && strings.EqualFold(o.name, from) && o.account == id.account &&
			o.partition == id.partition && (o.region == id.region || o.region == "*" || id.region == "*") && len(ip.Policies) > 0 {
			judged, policies, found = o, ip.Policies, true
			res.Identity = o.raw
			res.Precedence = "the policies of email-address identity " + o.name + " take precedence over those of " + id.name
		}
	}
	ctx := buildContext(s, c, a)
	res.Context = make(map[string][]string, len(ctx.keys))
	for k, v := range ctx.keys {
		res.Context[ctx.names[k]] = v
	}
	ev := &evaluator{ctx: ctx, c: c, action: action, resource: judged.raw}
	res.Owner = ev.side(policies, "owner")
	res.SameAccount = c.kind != callerService && c.account == judged.account && c.partition == judged.partition
	if req.CallerPolicies != nil {
		cs := ev.side(req.CallerPolicies, "caller")
		res.Caller = &cs
	} else {
		res.OwnerSideOnly = true
	}
	res.Unresolved = ev.unresolved
	if res.Unresolved == nil {
		res.Unresolved = []string{}
	}
	// Combine the sides.
	switch {
	case res.Owner.Decision == ExplicitDeny:
		res.Decision, res.Deciding = ExplicitDeny, res.Owner.Deciding
	case res.Caller != nil && res.Caller.Decision == ExplicitDeny:
		res.Decision, res.Deciding = ExplicitDeny, res.Caller.Deciding
	case res.SameAccount:
		switch {
		case res.Caller != nil && res.Caller.Decision == Allowed:
			res.Decision, res.Deciding = Allowed, res.Caller.Deciding
		case res.Owner.Decision == Allowed && !res.Owner.AccountLevel:
			res.Decision, res.Deciding = Allowed, res.Owner.Deciding
		case res.Caller == nil:
			// The owner sends as its own identity: no sending authorization needed; its IAM
			// policies (not given) decide.
			res.Decision = Allowed
		default:
			res.Decision = ImplicitDeny
		}
	case res.Owner.Decision != Allowed:
		res.Decision = ImplicitDeny
	case res.Caller != nil && res.Caller.Decision != Allowed:
		res.Decision = ImplicitDeny
	default:
		res.Decision, res.Deciding = Allowed, res.Owner.Deciding
	}
	return res, nil
}

type evaluator struct {
	ctx        *requestContext
	c          *caller
	action     string
	resource   string
	unresolved []string
}

// side evaluates one set of policies.
func (ev *evaluator) side(policies []*Policy, side string) Side {
	out := Side{Decision: ImplicitDeny, Misses: []Miss{}}
	var allow *StatementRef
	allowAccountOnly := true
	for _, p := range policies {
		if p == nil {
			continue
		}
		for _, st := range p.Statements {
			ref := StatementRef{Policy: p.Name, Sid: st.Sid, Index: st.Index, Effect: st.Effect, Side: side}
			level, part, why := ev.statement(p, st, side)
			if part != "" {
				out.Misses = append(out.Misses, Miss{Statement: ref, Part: part, Reason: why})
				continue
			}
			if st.Effect == Deny {
				if out.Decision != ExplicitDeny {
					r := ref
					out.Decision, out.Deciding = ExplicitDeny, &r
				}
				continue
			}
			if allow == nil || (allowAccountOnly && level == principalSpecific) {
				r := ref
				allow = &r
				allowAccountOnly = level == principalAccount
			}
		}
	}
	if out.Decision != ExplicitDeny && allow != nil {
		out.Decision, out.Deciding = Allowed, allow
		out.AccountLevel = side == "owner" && allowAccountOnly
	}
	return out
}

// statement reports whether a statement applies ("" part) and, if not, which part failed.
func (ev *evaluator) statement(p *Policy, st *Statement, side string) (principalLevel, string, string) {
	variables := p.Version == "2012-10-17"
	level := principalSpecific
	// Principal.
	switch {
	case side == "caller" && (st.Principal != nil || st.NotPrincipal != nil):
		return 0, "principal", "an IAM identity policy statement cannot name a Principal"
	case side == "caller":
	case st.Principal != nil:
		level = matchPrincipal(st.Principal, ev.c)
		if level == principalNone {
			return 0, "principal", "Principal " + principalText(st.Principal) + " does not name " + ev.c.raw
		}
	case st.NotPrincipal != nil:
		if excludedByNotPrincipal(st.NotPrincipal, ev.c) {
			return 0, "principal", "NotPrincipal " + principalText(st.NotPrincipal) + " excludes " + ev.c.raw
		}
	default:
		return 0, "principal", "no Principal (a sending authorization policy statement must name one)"
	}
	// Action (case-insensitive, wildcards).
	matched := false
	for _, act := range st.Actions {
		if globMatch(act, ev.action, true) {
			matched = true
			break
		}
	}
	if matched == st.NotAction {
		if st.NotAction {
			return 0, "action", "NotAction " + quoteList(st.Actions) + " covers " + ev.action
		}
		return 0, "action", "Action " + quoteList(st.Actions) + " does not cover " + ev.action
	}
	// Resource (case-sensitive, wildcards, policy variables).
	if st.Resources == nil {
		return 0, "resource", "no Resource (it must be the identity's ARN)"
	}
	matched = false
	for _, r := range st.Resources {
		pat, lit := r, []bool(nil)
		if variables {
			var un []string
			pat, lit, un = substitute(r, ev.ctx, true)
			if len(un) > 0 {
				ev.addUnresolved(un)
				continue
			}
		}
		if globMatchLit(pat, lit, ev.resource, false) {
			matched = true
			break
		}
	}
	if matched == st.NotResource {
		if st.NotResource {
			return 0, "resource", "NotResource " + quoteList(st.Resources) + " covers " + ev.resource
		}
		return 0, "resource", "Resource " + quoteList(st.Resources) + " does not cover " + ev.resource
	}
	// Conditions: all must hold.
	for _, c := range st.Conditions {
		o := evalCondition(c, ev.ctx, variables)
		if len(o.unresolved) > 0 {
			ev.addUnresolved(o.unresolved)
		}
		if !o.ok {
			return 0, "condition", "condition " + o.why
		}
	}
	return level, "", ""
}

func (ev *evaluator) addUnresolved(names []string) {
	for _, n := range names {
		i := sort.SearchStrings(ev.unresolved, n)
		if i < len(ev.unresolved) && ev.unresolved[i] == n {
			continue
		}
		ev.unresolved = append(ev.unresolved, "")
		copy(ev.unresolved[i+1:], ev.unresolved[i:])
		ev.unresolved[i] = n
	}
}

func principalText(p *Principal) string {
	if p.Any {
		return `"*"`
	}
	var parts []string
	if p.AWS != nil {
		parts = append(parts, "AWS "+quoteList(p.AWS))
	}
	if p.Service != nil {
		parts = append(parts, "Service "+quoteList(p.Service))
	}
	if p.Federated != nil {
		parts = append(parts, "Federated "+quoteList(p.Federated))
	}
	if p.CanonicalUser != nil {
		parts = append(parts, "CanonicalUser "+quoteList(p.CanonicalUser))
	}
	return strings.Join(parts, ", ")
}
