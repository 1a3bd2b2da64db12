package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/mail"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sespolicy"
)

type policyOpts struct {
	fs *flag.FlagSet // to tell which flags were given
	// check
	policies  listFlag
	identity  string
	principal string
	api       string
	operation string
	sourceIP  listFlag
	at        string
	json      bool
	// new
	delegates  listFlag
	actions    listFlag
	from       listFlag
	fromName   listFlag
	recipients listFlag
	feedback   listFlag
	notBefore  string
	until      string
	sid        string
}

// policyFlags says which flags each subcommand takes.
var policyFlags = map[string][]string{
	"check": {"policy", "identity", "principal", "api", "operation", "source-ip", "time", "json"},
	"lint":  {"json"},
	"new":   {"delegate", "identity", "action", "from", "from-name", "recipients", "feedback", "not-before", "until", "source-ip", "sid"},
}

func policyCmd() *command {
	return &command{
		name:    "policy",
		args:    "check|lint|new [arguments]",
		summary: "check a send against sending authorization policies; lint and write policies",
		about: `Sending authorization policies, offline.

  sesraw policy check --policy FILE [--policy FILE ...] --identity ARN --principal ACCOUNT_ID|ARN
        --api v1|v2|smtp [--operation NAME] [--source-ip IP] [--time RFC3339] [--json] MESSAGE.eml|SPEC.json
    Evaluates the send of a raw message (or a JSON spec, as for 'sesraw build') against the identity
    owner's policies with IAM's logic and prints one line: allowed, or denied with the deciding
    statement or why no statement applied. --principal is who calls SES; --operation is
    SendRawEmail (default), SendEmail, SendTemplatedEmail or SendBulkTemplatedEmail for v1, and
    raw (default), simple, template or SendBulkEmail for v2. --time defaults to now. Only the
    owner's side is judged: the caller's own IAM policy must allow the send too. Exit status 0
    allowed, 1 denied.

  sesraw policy lint [--json] FILE ...
    Lints the policies of one identity (size, name, count, Resource, condition keys, ForAllValues
    without a Null guard, StringLike written as a regular expression, principals, ses:SendRawEmail,
    public Allow). A policy's name is its file name without .json (stdin has none). One finding per line:
    FILE:LINE:COLUMN: SEVERITY [RULE] MESSAGE. Exit status 1 when a finding is an error.

  sesraw policy new --delegate ACCOUNT_ID|ARN --identity ARN [--action NAME ...] [--from PATTERN ...]
        [--from-name PATTERN ...] [--recipients PATTERN ...] [--feedback ADDRESS ...]
        [--not-before RFC3339] [--until RFC3339] [--source-ip CIDR ...] [--sid NAME]
    Prints the minimal policy that grants exactly this (it lints clean). --delegate names who is
    granted. Patterns take * and ? (nothing else is special); --recipients must match every
    recipient.

Unreadable or malformed policies and messages are input errors (exit status 2).
`,
		flags: func(fs *flag.FlagSet) any {
			o := &policyOpts{fs: fs}
			fs.Var(&o.policies, "policy", "check: a policy `file` attached to the identity (repeatable)")
			fs.StringVar(&o.identity, "identity", "", "check, new: the identity `ARN` (arn:aws:ses:REGION:ACCOUNT:identity/NAME)")
			fs.StringVar(&o.principal, "principal", "", "check: who calls SES: an account `ID` or an IAM user, role or assumed-role ARN")
			fs.StringVar(&o.api, "api", "", "check: the `API` of the send: v1, v2 or smtp")
			fs.StringVar(&o.operation, "operation", "", "check: the `operation` (v1: SendRawEmail, SendEmail, SendTemplatedEmail, SendBulkTemplatedEmail; v2: raw, simple, template, SendBulkEmail)")
			fs.Var(&o.sourceIP, "source-ip", "check: the caller's `address` (aws:SourceIp); new: a permitted network (repeatable)")
			fs.StringVar(&o.at, "time", "", "check: the `time` of the send, RFC 3339 (default now)")
			fs.BoolVar(&o.json, "json", false, "check, lint: print JSON")
			fs.Var(&o.delegates, "delegate", "new: who may send: an account `ID` or IAM ARN (repeatable)")
			fs.Var(&o.actions, "action", "new: an `action` to grant (repeatable; default ses:SendEmail and ses:SendRawEmail)")
			fs.Var(&o.from, "from", "new: permitted From `pattern` (repeatable)")
			fs.Var(&o.fromName, "from-name", "new: permitted From display name `pattern` (repeatable)")
			fs.Var(&o.recipients, "recipients", "new: `pattern` every recipient must match (repeatable)")
			fs.Var(&o.feedback, "feedback", "new: permitted feedback (Return-Path) `address` (repeatable)")
			fs.StringVar(&o.notBefore, "not-before", "", "new: first permitted `time`, RFC 3339")
			fs.StringVar(&o.until, "until", "", "new: end of the permitted window (exclusive), RFC 3339 `time`")
			fs.StringVar(&o.sid, "sid", "", "new: the statement's `Sid` (default AuthorizeDelegate)")
			return o
		},
		run: runPolicy,
	}
}

func runPolicy(e *env, opts any, args []string) error {
	o := opts.(*policyOpts)
	if len(args) == 0 {
		return usageErr("missing subcommand: check, lint or new")
	}
	sub, args := args[0], args[1:]
	allowed, ok := policyFlags[sub]
	if !ok {
		return usageErr("unknown subcommand " + quote(sub) + ": want check, lint or new")
	}
	var bad []string
	o.fs.Visit(func(f *flag.Flag) {
		for _, a := range allowed {
			if a == f.Name {
				return
			}
		}
		bad = append(bad, "--"+f.Name)
	})
	if len(bad) > 0 {
		return usageErr("policy " + sub + " does not take " + strings.Join(bad, ", "))
	}
	switch sub {
	case "check":
		return e.policyCheck(o, args)
	case "lint":
		return e.policyLint(o, args)
	}
	return e.policyNew(o, args)
}

// readPolicy reads and parses a policy file; its name is the file name without ".json".
func (e *env) readPolicy(name string) (*sespolicy.Policy, error) {
	data, err := e.readInput(name)
	if err != nil {
		return nil, err
	}
	p, err := sespolicy.Parse(data)
	if err != nil {
		return nil, inputErr(displayName(name)+": "+strings.TrimPrefix(err.Error(), "sespolicy: "), err)
	}
	if name != "-" {
		p.Name = strings.TrimSuffix(filepath.Base(name), ".json")
	}
	return p, nil
}

var operations = map[string]map[string]sespolicy.Operation{
	"v1": {"": sespolicy.V1SendRawEmail, "SendRawEmail": sespolicy.V1SendRawEmail, "SendEmail": sespolicy.V1SendEmail,
		"SendTemplatedEmail": sespolicy.V1SendTemplatedEmail, "SendBulkTemplatedEmail": sespolicy.V1SendBulkTemplatedEmail},
	"v2": {"": sespolicy.V2SendEmailRaw, "raw": sespolicy.V2SendEmailRaw, "simple": sespolicy.V2SendEmailSimple,
		"template": sespolicy.V2SendEmailTemplate, "SendBulkEmail": sespolicy.V2SendBulkEmail},
	"smtp": {"": sespolicy.SMTP},
}

func (e *env) policyCheck(o *policyOpts, args []string) error {
	if err := needArgs(args, 1, "MESSAGE.eml or SPEC.json argument"); err != nil {
		return err
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"--policy", o.policies.String()}, {"--identity", o.identity}, {"--principal", o.principal}, {"--api", o.api}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return usageErr("policy check needs " + strings.Join(missing, ", "))
	}
	ops, ok := operations[o.api]
	if !ok {
		return usageErr("--api " + quote(o.api) + ": want v1, v2 or smtp")
	}
	op, ok := ops[o.operation]
	if !ok {
		return usageErr("--operation " + quote(o.operation) + " is not a " + o.api + " operation")
	}
	send := sespolicy.Send{Operation: op, Identity: o.identity, Caller: o.principal, Time: time.Now()}
	if o.at != "" {
		t, err := time.Parse(time.RFC3339, o.at)
		if err != nil {
			return usageErr("--time " + quote(o.at) + ": want RFC 3339, e.g. 2025-03-14T15:09:26Z")
		}
		send.Time = t
	}
	switch len(o.sourceIP) {
	case 0:
	case 1:
		ip, err := netip.ParseAddr(o.sourceIP[0])
		if err != nil {
			return usageErr("--source-ip " + quote(o.sourceIP[0]) + ": want an IP address")
		}
		send.SourceIP = ip
	default:
		return usageErr("policy check takes one --source-ip")
	}
	var policies []*sespolicy.Policy
	for _, f := range o.policies {
		p, err := e.readPolicy(f)
		if err != nil {
			return err
		}
		policies = append(policies, p)
	}
	raw, err := e.readInput(args[0])
	if err != nil {
		return err
	}
	if err := e.messageSend(&send, args[0], raw); err != nil {
		return err
	}
	r, err := sespolicy.Evaluate(&sespolicy.Request{Send: send, Owner: []sespolicy.IdentityPolicies{{ARN: o.identity, Policies: policies}}})
	if err != nil {
		var re *sespolicy.RequestError
		if errors.As(err, &re) {
			if flag := map[string]string{"Caller": "--principal", "Identity": "--identity"}[re.Field]; flag != "" {
				return usageErr(flag + " " + quote(re.Value) + ": " + re.Msg)
			}
		}
		return usageErr(strings.TrimPrefix(err.Error(), "sespolicy: "))
	}
	w := bufio.NewWriter(e.stdout)
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return failure(err.Error(), err)
		}
	} else {
		w.WriteString(r.Summary() + "\n")
	}
	if err := w.Flush(); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}
	if !r.Allowed() {
		return failure("", nil)
	}
	return nil
}

// messageSend fills the message's part of a Send from a raw message or a JSON spec.
func (e *env) messageSend(s *sespolicy.Send, name string, raw []byte) error {
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		bs, err := e.setupBuildData(name, raw, &detFlags{}, &dkimFlags{})
		if err != nil {
			return err
		}
		env, err := bs.b.Envelope(bs.msg)
		if err != nil {
			return specErr(err)
		}
		s.Recipients = env.To
		s.Source = env.From
		s.FeedbackAddress = env.From
		s.FromDisplayName = bs.msg.From.Name
		s.From = bs.msg.From.Address
		if bs.msg.ReturnPath != "" {
			// The envelope's From is the Return-Path; normalize the From address the same way.
			fe, err := bs.b.Envelope(&builder.Message{From: bs.msg.From, To: []mail.Address{{Address: bs.msg.From.Address}}})
			if err == nil {
				s.From = fe.From
			}
		} else {
			s.From = env.From
		}
		return nil
	}
	h, env, err := readEnvelope(raw)
	if err != nil {
		return inputErr(displayName(name)+": not a message: "+err.Error(), err)
	}
	if len(h.Problems) > 0 {
		return inputErr(displayName(name)+": "+h.Problems[0], nil)
	}
	if a := env.FirstFrom(); a != nil {
		s.From, s.FromDisplayName = a.Address, a.Name
	}
	s.Recipients = env.Recipients
	s.Source = env.Source()
	s.FeedbackAddress = env.Source()
	return nil
}

// policyFinding is a lint finding with its file, for --json.
type policyFinding struct {
	File string `json:"file,omitempty"`
	sespolicy.Finding
}

func (e *env) policyLint(o *policyOpts, args []string) error {
	if len(args) == 0 {
		return usageErr("missing FILE argument")
	}
	var policies []*sespolicy.Policy
	for _, f := range args {
		p, err := e.readPolicy(f)
		if err != nil {
			return err
		}
		policies = append(policies, p)
	}
	file := func(f sespolicy.Finding) string {
		if f.PolicyIndex < 0 {
			return ""
		}
		return displayName(args[f.PolicyIndex])
	}
	fs := sespolicy.Lint(policies, nil)
	w := bufio.NewWriter(e.stdout)
	if o.json {
		out := struct {
			Files    []string        `json:"files"`
			Findings []policyFinding `json:"findings"`
		}{Files: []string{}, Findings: []policyFinding{}}
		for _, f := range args {
			out.Files = append(out.Files, displayName(f))
		}
		for _, f := range fs {
			out.Findings = append(out.Findings, policyFinding{File: file(f), Finding: f})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return failure(err.Error(), err)
		}
	} else {
		for _, f := range fs {
			loc := file(f)
			if loc == "" {
				loc = "(all policies)"
			}
			if f.Line > 0 {
				loc += ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column)
			}
			w.WriteString(loc + ": " + f.Severity.String() + " [" + f.Rule + "] " + f.Message + "\n")
		}
	}
	if err := w.Flush(); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}
	if sespolicy.HasErrors(fs) {
		n := 0
		for _, f := range fs {
			if f.Severity == sespolicy.Error {
				n++
			}
		}
		return failure(strconv.Itoa(n)+" error finding(s)", nil)
	}
	return nil
}

func (e *env) policyNew(o *policyOpts, args []string) error {
	if len(args) > 0 {
		return usageErr("too many arguments: " + strings.Join(args, " "))
	}
	if len(o.delegates) == 0 || o.identity == "" {
		return usageErr("policy new needs --delegate and --identity")
	}
	g := &sespolicy.Grant{Identity: o.identity, Delegates: o.delegates, Actions: o.actions, From: o.from,
		FromDisplayName: o.fromName, Recipients: o.recipients, Feedback: o.feedback, Sid: o.sid}
	for _, t := range []struct {
		flag, v string
		dst     *time.Time
	}{{"--not-before", o.notBefore, &g.NotBefore}, {"--until", o.until, &g.Until}} {
		if t.v == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339, t.v)
		if err != nil {
			return usageErr(t.flag + " " + quote(t.v) + ": want RFC 3339, e.g. 2025-03-14T15:09:26Z")
		}
		*t.dst = v
	}
	for _, s := range o.sourceIP {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, err2 := netip.ParseAddr(s)
			if err2 != nil {
				return usageErr("--source-ip " + quote(s) + ": want a CIDR block or an IP address")
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		g.SourceIPs = append(g.SourceIPs, p)
	}
	p, err := g.Policy()
	if err != nil {
		return usageErr(strings.TrimPrefix(err.Error(), "sespolicy: "))
	}
	if _, err := e.stdout.Write(sespolicy.Format(p)); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}
	return nil
}
