package cli

import (
	"errors"
	"flag"
	"io"

	"github.com/sesraw/sesraw/crlf"
	"github.com/sesraw/sesraw/xheaders"
)

type applyOpts struct {
	out                                string
	delegate, source, from, returnPath string
	configSet, listManagement, tenant  string
	tags                               repeatFlag
	replace, crlf                      bool
}

// repeatFlag is a repeatable string flag, each occurrence one value.
type repeatFlag []string

func (r *repeatFlag) String() string     { return "" }
func (r *repeatFlag) Set(v string) error { *r = append(*r, v); return nil }

func applyCmd() *command {
	return &command{
		name:    "apply",
		args:    "FILE|-",
		summary: "add or replace the X-SES-* headers of an existing message",
		about: `Adds the SES control headers (X-SES-*) to an existing raw message, at the top of its header
block, each once, in canonical spelling, with validated values; every other byte is kept. A
message that already carries an X-SES-* field is refused unless --replace is given, which
removes every existing X-SES-* field (all instances) and writes the new block. Streams: only the
header block (at most 1 MiB) is held in memory.

--delegate ARN sets X-SES-SOURCE-ARN and X-SES-FROM-ARN to one identity (users report that with a
From header only FromArn is honoured, so both are set); --source-arn and --from-arn set them one
by one. With --crlf, bare LF line endings are converted to CRLF first (a bare CR never is).

  sesraw apply --delegate arn:aws:ses:us-east-1:123456789012:identity/example.com \
    --configuration-set transactional --tag campaign=q3 msg.eml > delegated.eml
`,
		flags: func(fs *flag.FlagSet) any {
			o := &applyOpts{}
			fs.StringVar(&o.out, "o", "", "write to `file` (default stdout)")
			fs.StringVar(&o.delegate, "delegate", "", "identity `ARN` for both X-SES-SOURCE-ARN and X-SES-FROM-ARN")
			fs.StringVar(&o.source, "source-arn", "", "X-SES-SOURCE-ARN identity `ARN`")
			fs.StringVar(&o.from, "from-arn", "", "X-SES-FROM-ARN identity `ARN`")
			fs.StringVar(&o.returnPath, "return-path-arn", "", "X-SES-RETURN-PATH-ARN identity `ARN`")
			fs.StringVar(&o.configSet, "configuration-set", "", "X-SES-CONFIGURATION-SET `name`")
			fs.Var(&o.tags, "tag", "X-SES-MESSAGE-TAGS tag `name=value` (repeatable)")
			fs.StringVar(&o.listManagement, "list-management", "", "X-SES-LIST-MANAGEMENT-OPTIONS `value`: CONTACTLIST or 'CONTACTLIST; topic=TOPIC'")
			fs.StringVar(&o.tenant, "tenant", "", "X-SES-TENANT `name`")
			fs.BoolVar(&o.replace, "replace", false, "remove every X-SES-* field already in the message first")
			fs.BoolVar(&o.crlf, "crlf", false, "convert bare LF line endings to CRLF (bare CR is never converted)")
			return o
		},
		run: runApply,
	}
}

// headers turns the flags into the X-SES headers; errors are usage errors naming the flag.
func (o *applyOpts) headers() (xheaders.Headers, error) {
	var h xheaders.Headers
	if o.delegate != "" && (o.source != "" || o.from != "") {
		return h, usageErr("--delegate sets --source-arn and --from-arn; give one or the others")
	}
	for _, a := range []struct {
		flag, v string
		set     func(xheaders.ARN)
	}{
		{"--delegate", o.delegate, h.Delegate},
		{"--source-arn", o.source, func(a xheaders.ARN) { h.SourceARN = a }},
		{"--from-arn", o.from, func(a xheaders.ARN) { h.FromARN = a }},
		{"--return-path-arn", o.returnPath, func(a xheaders.ARN) { h.ReturnPathARN = a }},
	} {
		if a.v == "" {
			continue
		}
		arn, err := xheaders.ParseARN(a.v)
		if err != nil {
			return h, usageErr(a.flag + " " + quote(a.v) + ": " + headerReason(err))
		}
		a.set(arn)
	}
	h.ConfigurationSet, h.Tenant = o.configSet, o.tenant
	for _, t := range o.tags {
		tags, err := xheaders.ParseTags(t)
		if err != nil {
			return h, usageErr("--tag " + quote(t) + ": " + headerReason(err))
		}
		h.Tags = append(h.Tags, tags...)
	}
	if o.listManagement != "" {
		l, err := xheaders.ParseListOptions(o.listManagement)
		if err != nil {
			return h, usageErr("--list-management " + quote(o.listManagement) + ": " + headerReason(err))
		}
		h.ListManagement = &l
	}
	if h.IsZero() {
		return h, usageErr("nothing to apply: give --delegate, --source-arn, --from-arn, --return-path-arn, --configuration-set, --tag, --list-management or --tenant")
	}
	if err := h.Validate(); err != nil {
		var he *xheaders.HeaderError
		if errors.As(err, &he) && applyFlags[he.Header] != "" {
			return h, usageErr(applyFlags[he.Header] + " " + quote(he.Value) + ": " + headerReason(err))
		}
		return h, usageErr(headerReason(err))
	}
	return h, nil
}

// applyFlags names the flag that sets each header validated as a whole.
var applyFlags = map[string]string{
	xheaders.ConfigurationSet: "--configuration-set",
	xheaders.MessageTags:      "--tag",
	xheaders.Tenant:           "--tenant",
}

// headerReason is the reason of an xheaders error, naming the header.
func headerReason(err error) string {
	var he *xheaders.HeaderError
	if errors.As(err, &he) {
		if he.Header != "" {
			return he.Header + ": " + he.Reason
		}
		return he.Reason
	}
	return err.Error()
}

func runApply(e *env, opts any, args []string) error {
	o := opts.(*applyOpts)
	if err := needArgs(args, 1, "FILE argument (- for stdin)"); err != nil {
		return err
	}
	h, err := o.headers()
	if err != nil {
		return err
	}
	in, err := e.openInput(args[0])
	if err != nil {
		return err
	}
	defer in.Close()
	var r io.Reader = in
	if o.crlf {
		r = crlf.NewReader(in)
	}
	out, err := e.createOutput(o.out)
	if err != nil {
		return err
	}
	defer out.abort()
	name := displayName(args[0])
	if _, err := xheaders.ApplyTo(out.w, &h, r, xheaders.ApplyOptions{Replace: o.replace}); err != nil {
		var he *xheaders.HeaderError
		switch {
		case errors.Is(err, xheaders.ErrAlreadyPresent) && errors.As(err, &he):
			return inputErr(name+": already carries "+he.Header+" (--replace removes every X-SES-* field first)", err)
		case errors.Is(err, xheaders.ErrAlreadyPresent):
			return inputErr(name+": already carries X-SES-* fields (--replace removes them first)", err)
		case errors.Is(err, xheaders.ErrHeaderTooLarge) || errors.Is(err, xheaders.ErrMalformedHeader):
			return inputErr(name+": "+err.Error(), err)
		}
		return failure(name+": "+err.Error(), err)
	}
	return out.commit()
}
