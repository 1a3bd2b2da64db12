package cli

import (
	"bufio"
	"errors"
	"flag"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/internal/spec"
)

type buildOpts struct {
	out    string
	envOut string
	target string
	det    detFlags
	dkim   dkimFlags
}

func buildCmd() *command {
	return &command{
		name:    "build",
		args:    "SPEC.json",
		summary: "build a raw message from a JSON spec",
		about: `Builds the raw MIME message described by the JSON spec (fields below; 'sesraw spec --schema'
prints a JSON Schema, 'sesraw demo --spec' an example) and writes it to stdout or -o FILE. The
message is validated completely before the first byte is written; X-SES-* headers come first,
Bcc is never written, and with the --dkim-* flags the message is signed with the SES-safe
profile (no X-SES-*, Date, Message-ID or Return-Path in h=). With --date, --message-id and
--seed the output is byte-identical from run to run. SPEC.json may be - for stdin (attachment
paths are then relative to the working directory). A spec with bcc draws a warning
unless --envelope FILE saves the envelope: a message file cannot carry its Bcc recipients.

Spec fields (JSON; names case-sensitive, null = absent):
` + spec.FieldReference(),
		flags: func(fs *flag.FlagSet) any {
			o := &buildOpts{}
			fs.StringVar(&o.out, "o", "", "write the message to `file` (default stdout)")
			fs.StringVar(&o.envOut, "envelope", "", "also write the envelope (MAIL FROM and every recipient, Bcc included) as JSON to `file`, for 'sesraw send --envelope'")
			fs.StringVar(&o.target, "target", "v2", "the SES `API` whose size limit is checked: v1 (10 MiB), v2 or smtp (40 MiB), none")
			o.det.register(fs)
			o.dkim.register(fs)
			return o
		},
		run: runBuild,
	}
}

func runBuild(e *env, opts any, args []string) error {
	o := opts.(*buildOpts)
	if err := needArgs(args, 1, "SPEC.json argument"); err != nil {
		return err
	}
	target, err := parseTarget(o.target)
	if err != nil {
		return err
	}
	bs, err := e.setupBuild(args[0], target, &o.det, &o.dkim)
	if err != nil {
		return err
	}
	// Validate first: an invalid spec must not even create the output file.
	env, err := bs.b.Envelope(bs.msg)
	if err != nil {
		return specErr(bs.spec.Explain(err))
	}
	if o.envOut != "" && (o.envOut == o.out || o.envOut == "-" && (o.out == "" || o.out == "-")) {
		return usageErr("--envelope and -o name the same output")
	}
	out, err := e.createOutput(o.out)
	if err != nil {
		return err
	}
	defer out.abort()
	var envOut *output
	if o.envOut != "" {
		if envOut, err = e.createOutput(o.envOut); err != nil {
			return err
		}
		defer envOut.abort()
	}
	w := bufio.NewWriterSize(out.w, 64<<10)
	if _, err := bs.b.WriteTo(w, bs.msg); err != nil {
		return bs.buildErr(err, o.out)
	}
	if err := w.Flush(); err != nil {
		return failure(displayOut(o.out)+": "+fileReason(err), err)
	}
	if envOut != nil {
		if _, err := envOut.w.Write(marshalEnvelope(env)); err != nil {
			return failure(displayOut(o.envOut)+": "+fileReason(err), err)
		}
		if err := envOut.commit(); err != nil {
			return err
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	for _, f := range bs.b.Findings(bs.msg) {
		writeString(e.stderr, e.cmd+": warning: "+bs.spec.Warning(f)+"\n")
	}
	if n := len(bs.msg.Bcc); n > 0 && o.envOut == "" {
		writeString(e.stderr, e.cmd+": warning: "+count(n, "Bcc recipient")+" will not be in "+displayOut(o.out)+
			": a message carries no Bcc header, only its envelope does; sending the file alone never reaches "+plural(n, "it", "them")+
			" (write the envelope with --envelope FILE and send with 'sesraw send --envelope FILE')\n")
	}
	return nil
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// buildErr classifies an error from writing a built message: the message's own problems (a field,
// its size, an attachment that cannot be read) are input errors naming the spec field; anything
// else is a failure to write the output.
func (bs *buildSetup) buildErr(err error, out string) error {
	var fe *builder.FieldError
	var se *builder.SizeError
	if errors.As(err, &fe) || errors.As(err, &se) {
		return specErr(bs.spec.Explain(err))
	}
	return failure(displayOut(out)+": "+err.Error(), err)
}
