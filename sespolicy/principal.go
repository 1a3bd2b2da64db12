package sespolicy

import (
	"errors"
	"strings"
)

// ErrRequest is matched (errors.Is) by every *RequestError.
var ErrRequest = errors.New("sespolicy: invalid request")

// RequestError is an evaluation input that cannot be judged: a malformed identity ARN, caller or
// operation.
type RequestError struct {
	Field string // "Identity", "Caller", "Operation", ...
	Value string
	Msg   string
}

func (e *RequestError) Error() string {
	return "sespolicy: " + e.Field + " " + quoteShort(e.Value) + ": " + e.Msg
}

// Is makes errors.Is(err, ErrRequest) true.
func (e *RequestError) Is(target error) bool { return target == ErrRequest }

func quoteShort(s string) string {
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// callerKind classifies a caller.
type callerKind int

const (
	callerAccount     callerKind = iota // a bare account ID or arn:...:iam::ACCOUNT:root
	callerUser                          // arn:...:iam::ACCOUNT:user/PATH/NAME
	callerRole                          // arn:...:iam::ACCOUNT:role/PATH/NAME
	callerAssumedRole                   // arn:...:sts::ACCOUNT:assumed-role/ROLE/SESSION
	callerService                       // a service principal, NAME.amazonaws.com
)

// caller is the principal making the request.
type caller struct {
	raw       string
	kind      callerKind
	partition string
	account   string
	arn       string // the principal's own ARN (root ARN for an account)
	name      string // user name, role name (without path), or the assumed role's name
	session   string
}

func isAccountID(s string) bool { return len(s) == 12 && isDigits(s) }

// parseCaller reads an account ID, an IAM user, role, root or assumed-role session ARN, or a
// service principal.
func parseCaller(s string) (*caller, error) {
	bad := func(msg string) error { return &RequestError{Field: "Caller", Value: s, Msg: msg} }
	switch {
	case isAccountID(s):
		return &caller{raw: s, kind: callerAccount, partition: "aws", account: s, arn: "arn:aws:iam::" + s + ":root"}, nil
	case strings.HasSuffix(s, ".amazonaws.com") && !strings.Contains(s, ":") && len(s) > len(".amazonaws.com"):
		return &caller{raw: s, kind: callerService, arn: s}, nil
	}
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" {
		return nil, bad("want a 12-digit account ID, an IAM user, role or root ARN, an assumed-role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) or a service principal")
	}
	if !isAccountID(p[4]) || p[3] != "" {
		return nil, bad("the ARN's account must be 12 digits and its region empty")
	}
	c := &caller{raw: s, partition: p[1], account: p[4], arn: s}
	res := p[5]
	switch {
	case p[2] == "iam" && res == "root":
		c.kind = callerAccount
	case p[2] == "iam" && strings.HasPrefix(res, "user/") && len(res) > len("user/"):
		c.kind, c.name = callerUser, res[strings.LastIndexByte(res, '/')+1:]
	case p[2] == "iam" && strings.HasPrefix(res, "role/") && len(res) > len("role/"):
		c.kind, c.name = callerRole, res[strings.LastIndexByte(res, '/')+1:]
	case p[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		parts := strings.Split(res, "/")
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return nil, bad("an assumed-role ARN is arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION")
		}
		c.kind, c.name, c.session = callerAssumedRole, parts[1], parts[2]
	default:
		return nil, bad("not an IAM user, role or root ARN, nor an STS assumed-role ARN")
	}
	if c.name == "" && c.kind != callerAccount {
		return nil, bad("empty name")
	}
	return c, nil
}

func (c *caller) rootARN() string { return "arn:" + c.partition + ":iam::" + c.account + ":root" }

// principalLevel is how a Principal element matched the caller.
type principalLevel int

const (
	principalNone     principalLevel = iota
	principalAccount                 // the caller's account is named: its own IAM policies must allow too
	principalSpecific                // the caller itself (user, role or session) or "*" is named
)

// matchAWSPrincipal matches one "AWS" principal value against the caller, as IAM does: an account
// ID and arn:PARTITION:iam::ACCOUNT:root mean the account; users and roles by ARN; a role also
// names its assumed-role sessions (whose ARN carries the role's name without its path).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func matchAWSPrincipal(v string, c *caller) principalLevel {
	if v == "*" {
		return principalSpecific
	}
	if c.kind == callerService {
		return principalNone
	}
	if isAccountID(v) {
		if v == c.account {
			return principalAccount
		}
		return principalNone
	}
	p := strings.SplitN(v, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] != c.partition || p[4] != c.account {
		return principalNone
	}
	res := p[5]
	switch {
	case p[2] == "iam" && res == "root":
		return principalAccount
	case v == c.arn:
		return principalSpecific
	case p[2] == "iam" && strings.HasPrefix(res, "role/") && c.kind == callerAssumedRole:
		if res[strings.LastIndexByte(res, '/')+1:] == c.name {
			return principalSpecific
		}
	}
	return principalNone
}

// matchPrincipal matches a Principal element.
func matchPrincipal(pr *Principal, c *caller) principalLevel {
	if pr.Any {
		return principalSpecific
	}
	best := principalNone
	for _, v := range pr.AWS {
		if l := matchAWSPrincipal(v, c); l > best {
			best = l
		}
	}
	if c.kind == callerService {
		for _, v := range pr.Service {
			if strings.EqualFold(v, c.raw) {
				best = principalSpecific
			}
		}
	}
	return best
}

// excludedByNotPrincipal reports whether a NotPrincipal element excludes the caller: IAM treats
// the caller as each of its identities (account, user or role, session), and the statement
// applies unless every one of them is listed, so excluding a role session takes the account,
// the role and the session.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func excludedByNotPrincipal(pr *Principal, c *caller) bool {
	if pr.Any {
		return true
	}
	listed := func(want func(v string) bool) bool {
		for _, v := range pr.AWS {
			if want(v) {
				return true
			}
		}
		return false
	}
	if c.kind == callerService {
		for _, v := range pr.Service {
			if strings.EqualFold(v, c.raw) {
				return true
			}
		}
		return false
	}
	account := listed(func(v string) bool { return v == c.account || v == c.rootARN() })
	switch c.kind {
	case callerAccount:
		return account
	case callerUser, callerRole:
		return account && listed(func(v string) bool { return v == c.arn })
	case callerAssumedRole:
		role := listed(func(v string) bool {
			p := strings.SplitN(v, ":", 6)
			return len(p) == 6 && p[2] == "iam" && p[4] == c.account && strings.HasPrefix(p[5], "role/") && p[5][strings.LastIndexByte(p[5], '/')+1:] == c.name
		})
		return account && role && listed(func(v string) bool { return v == c.arn })
	}
	return false
}
