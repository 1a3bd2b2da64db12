package cli

import (
	"errors"
	"flag"

	"github.com/sesraw/sesraw/xheaders"
)

type stripOpts struct{ out string }

func stripCmd() *command {
	return &command{
		name:    "strip",
		args:    "FILE|-",
		summary: "print a message as SES delivers it (X-SES-* headers removed)",
		about: `Writes the message as SES delivers it: every X-SES-* header field removed (all instances,
continuation lines included), every other byte kept exactly. Streams: only the header block
(at most 1 MiB) is held in memory, so messages of any size are fine.
`,
		flags: func(fs *flag.FlagSet) any {
			o := &stripOpts{}
			fs.StringVar(&o.out, "o", "", "write to `file` (default stdout)")
			return o
		},
		run: runStrip,
	}
}

func runStrip(e *env, opts any, args []string) error {
	o := opts.(*stripOpts)
	if err := needArgs(args, 1, "FILE argument (- for stdin)"); err != nil {
		return err
	}
	in, err := e.openInput(args[0])
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := e.createOutput(o.out)
	if err != nil {
		return err
	}
	defer out.abort()
	if _, err := xheaders.RemoveTo(out.w, in); err != nil {
		if errors.Is(err, xheaders.ErrHeaderTooLarge) || errors.Is(err, xheaders.ErrMalformedHeader) {
			return inputErr(displayName(args[0])+": "+err.Error(), err)
		}
		return failure(displayName(args[0])+": "+err.Error(), err)
	}
	return out.commit()
}
