package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strconv"

	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"

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
(at most 1 MiB) is held in memory, so messages of any size are fine. Where the header block can be
read more than one way (a line that is not a field, a bare CR, a leading mbox From line), strip
applies the strict reading (the header block ends at the bad line) and says so on stderr, naming
every X-SES-* field it therefore left in place.
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
	name := displayName(args[0])
	buf, err := rawheader.ReadBlock(in, rawheader.Limits{MaxBytes: xheaders.MaxHeaderBytes})
	if err != nil {
		if errors.Is(err, rawheader.ErrTooLarge) {
			return inputErr(name+": "+err.Error(), err)
		}
		return failure(name+": "+err.Error(), err)
	}
	// ReadBlock may return a little more than its byte limit, and it counts no fields or lines:
	// the grammar's limits are a verdict on the message, the same one inspect, lint and sign
	// reach, so strip refuses too rather than writing a message it has not read whole.
	var sc rawheader.Scanner
	for sc.ResetLimits(buf, rawheader.Limits{MaxBytes: xheaders.MaxHeaderBytes}); sc.Next(); {
	}
	if err := sc.Err(); errors.Is(err, rawheader.ErrTooLarge) {
		return inputErr(name+": "+err.Error(), err)
	}
	// buf holds the whole header block (and perhaps the first body bytes): Remove on it removes
	// what Remove on the whole message would.
	stripped := xheaders.Remove(nil, buf)
	exposed := bytes.HasPrefix(stripped, []byte("From ")) && !bytes.HasPrefix(buf, []byte("From "))
	if _, err := out.w.Write(stripped); err != nil {
		return failure(name+": "+err.Error(), err)
	}
	if _, err := io.Copy(out.w, in); err != nil {
		return failure(name+": "+err.Error(), err)
	}
	if err := out.commit(); err != nil {
		return err
	}
	for _, d := range stripDiagnostics(buf, exposed) {
		writeString(e.stderr, e.cmd+": "+name+": "+d+"\n")
	}
	return nil
}

// stripDiagnostics states which reading strip applied where the header block can be read more
// than one way: a malformed block (a line that is not a field, a bare CR), whose X-SES-* fields
// after the bad line strip leaves in place, and a leading mbox From line, which it keeps.
//
// exposed says that every field above the bad line was an X-SES-* field and the bad line an
// mbox-style "From " line: with them removed it leads the message, readers skip it, and the
// X-SES-* fields below it are header fields, so strip removed those too (xheaders.Remove).
func stripDiagnostics(buf []byte, exposed bool) []string {
	var out []string
	var sc rawheader.Scanner
	sc.Reset(buf)
	for sc.Next() {
	}
	if sc.Flags()&rawheader.FlagMboxFrom != 0 {
		out = append(out, "line 1 is an mbox From line: kept as it is; the header block read after it")
	}
	var se *rawheader.SyntaxError
	if errors.As(sc.Err(), &se) {
		if exposed {
			return append(out, "line "+strconv.Itoa(se.Line)+": malformed header block: "+se.Reason+
				"; every field above it was an X-SES-* field, so without them this line leads the message as an mbox "+
				"From line, which readers skip: strip removed the X-SES-* fields below it too")
		}
		out = append(out, "line "+strconv.Itoa(se.Line)+": malformed header block: "+se.Reason+
			"; strip read the header block as ending there (the strict reading) and removed X-SES-* fields above it only")
		for f := range rawheader.LenientFields(buf, se.Offset, se.Line) {
			if sesrules.IsSESName(f.Name) {
				out = append(out, "line "+strconv.Itoa(f.Line)+": "+string(f.Name)+" left in place: it comes after "+
					"the malformed line, so a strict reader takes it for body text; a reader that skips the bad line "+
					"takes it for a header field (what SES does is unknown)")
			}
		}
	}
	return out
}
