package cli

import (
	"bufio"
	"errors"
	"flag"

	"github.com/sesraw/sesraw/builder"
)

type buildOpts struct {
	out    string
	target string
	det    detFlags
	dkim   dkimFlags
}

func buildCmd() *command {
	return &command{
		name:    "build",
		args:    "SPEC.json",
		summary: "build a raw message from a JSON spec",
		about: `Builds the raw MIME message described by the JSON spec (see README) and writes it to stdout or
-o FILE. The message is validated completely before the first byte is written; X-SES-* headers
come first, Bcc is never written, and with the --dkim-* flags the message is signed with the
SES-safe profile (no X-SES-*, Date, Message-ID or Return-Path in h=). With --date, --message-id
and --seed the output is byte-identical from run to run. SPEC.json may be - for stdin
(attachment paths are then relative to the working directory).
`,
		flags: func(fs *flag.FlagSet) any {
			o := &buildOpts{}
			fs.StringVar(&o.out, "o", "", "write the message to `file` (default stdout)")
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
	if err := bs.b.Validate(bs.msg); err != nil {
		return specErr(bs.spec.Explain(err))
	}
	out, err := e.createOutput(o.out)
	if err != nil {
		return err
	}
	defer out.abort()
	w := bufio.NewWriterSize(out.w, 64<<10)
	if _, err := bs.b.WriteTo(w, bs.msg); err != nil {
		return bs.buildErr(err, o.out)
	}
	if err := w.Flush(); err != nil {
		return failure(displayOut(o.out)+": "+fileReason(err), err)
	}
	return out.commit()
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
