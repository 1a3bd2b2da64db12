// Package cli is the sesraw command line: flags, files, standard streams and exit statuses around
// the library packages (builder, xheaders, dkim, preflight, sesapi), which do all the mail work.
//
// Exit statuses, the same for every command (exitTable is the text help and the README show): 0
// success; 1 the message was refused or found wanting (a lint error finding, a failed DKIM
// verification, a failed pre-send check, a policy denial, SES's rejection); 2 a usage error
// (unknown command or flag, missing argument) or unreadable input (unreadable file, invalid spec,
// invalid message): nothing was attempted; 3 the outcome is unknown (a send that may have reached
// SES, so a retry could deliver the message twice). Errors go to stderr, naming the file, field or line and the
// reason. "-" means stdin for an input and stdout for -o. An output file is written to a temporary
// file in the same directory and renamed into place only when complete, so a failure leaves no
// partial file behind.
package cli

import (
	"errors"
	"flag"
	"io"
	"sort"
	"strings"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1 // refused or found wanting: lint error, failed verification, pre-send check, policy denial, SES rejection
	ExitUsage   = 2 // usage error or unreadable input: nothing was attempted
	ExitUnknown = 3 // outcome unknown: a send that may have reached SES
)

// exitTable documents the exit statuses in 'sesraw --help' (the README repeats it).
const exitTable = `Exit status (every command):
  0  success
  1  the message was refused or found wanting: a lint error, a failed verification,
     a failed pre-send check, a policy denial, SES's rejection
  2  usage error or unreadable input: nothing was attempted
  3  outcome unknown: a send that may have reached SES (retrying may deliver it twice)
`

// command is one sesraw subcommand.
type command struct {
	name    string
	args    string // synopsis after the flags, e.g. "SPEC.json"
	summary string // one line for "sesraw help"
	about   string // paragraph(s) for "sesraw CMD --help"
	flags   func(fs *flag.FlagSet) any
	run     func(e *env, opts any, args []string) error
}

// commands returns the subcommands, in the order help lists them.
func commands() []*command {
	return []*command{
		buildCmd(), specCmd(), applyCmd(), inspectCmd(), stripCmd(), lintCmd(), signCmd(), verifyCmd(), sendCmd(), smtpPasswordCmd(), demoCmd(),
		policyCmd(),
	}
}

// env is the I/O of one invocation.
type env struct {
	cmd    string // "sesraw build", the prefix of error messages
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitError carries an exit status; msg (if any) is printed to stderr prefixed with the command.
type exitError struct {
	code  int
	msg   string
	usage bool // add the "Run 'sesraw CMD --help'" hint
	err   error
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is a usage error (exit status 2, with a hint to --help).
func usageErr(msg string) error { return &exitError{code: ExitUsage, msg: msg, usage: true} }

// inputErr is an input error (exit status 2): unreadable file, invalid spec or message.
func inputErr(msg string, err error) error { return &exitError{code: ExitUsage, msg: msg, err: err} }

// failure is exit status 1 with a message (empty: the command already said everything).
func failure(msg string, err error) error { return &exitError{code: ExitFailure, msg: msg, err: err} }

// Main runs the sesraw command line with args (without the program name) and returns the exit
// status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 {
		writeString(stderr, mainUsage(cmds))
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "--version", "-version", "version":
		writeString(stdout, versionLine())
		return ExitOK
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			for _, c := range cmds {
				if c.name == args[1] {
					writeString(stdout, c.usage())
					return ExitOK
				}
			}
			writeString(stderr, "sesraw help: unknown command "+quote(args[1])+"\n"+mainUsage(cmds))
			return ExitUsage
		}
		writeString(stdout, mainUsage(cmds))
		return ExitOK
	}
	for _, c := range cmds {
		if c.name == name {
			return c.main(&env{cmd: "sesraw " + name, stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
		}
	}
	writeString(stderr, "sesraw: unknown command "+quote(name)+"\n"+mainUsage(cmds))
	return ExitUsage
}

func (c *command) main(e *env, args []string) int {
	fs := flag.NewFlagSet(e.cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	opts := c.flags(fs)
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		writeString(e.stdout, c.usageWith(fs))
		return ExitOK
	}
	if err == nil {
		err = c.run(e, opts, pos)
	}
	if err == nil {
		return ExitOK
	}
	var xe *exitError
	if !errors.As(err, &xe) {
		xe = &exitError{code: ExitFailure, msg: err.Error(), err: err}
		if flagError(err) {
			xe.code, xe.usage = ExitUsage, true
		}
	}
	if xe.msg != "" {
		writeString(e.stderr, e.cmd+": "+xe.msg+"\n")
	}
	if xe.usage {
		writeString(e.stderr, "Run '"+e.cmd+" --help' for usage.\n")
	}
	return xe.code
}

// flagError reports whether err came from the flag package (unknown flag, bad value).
func flagError(err error) bool {
	var fe *flagParseError
	return errors.As(err, &fe)
}

type flagParseError struct{ err error }

func (e *flagParseError) Error() string { return e.err.Error() }
func (e *flagParseError) Unwrap() error { return e.err }

// parseArgs parses flags anywhere among the arguments (flag stops at the first non-flag); after
// "--" everything is an argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &flagParseError{err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// needArgs checks the number of positional arguments.
func needArgs(args []string, n int, what string) error {
	switch {
	case len(args) < n:
		return usageErr("missing " + what)
	case len(args) > n:
		return usageErr("too many arguments: " + strings.Join(args[n:], " "))
	}
	return nil
}

func (c *command) synopsis() string {
	s := "sesraw " + c.name + " [flags]"
	if c.args != "" {
		s += " " + c.args
	}
	return s
}

func (c *command) usage() string {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs)
	return c.usageWith(fs)
}

func (c *command) usageWith(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("Usage: " + c.synopsis() + "\n\n")
	b.WriteString(c.about)
	if !strings.HasSuffix(c.about, "\n") {
		b.WriteString("\n")
	}
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) > 0 {
		sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
		b.WriteString("\nFlags:\n")
		for _, f := range flags {
			dash := "--"
			if len(f.Name) == 1 {
				dash = "-"
			}
			name, usage := flag.UnquoteUsage(f)
			b.WriteString("  " + dash + f.Name)
			if name != "" {
				b.WriteString(" " + name)
			}
			b.WriteString("\n        " + strings.ReplaceAll(usage, "\n", "\n        "))
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				b.WriteString(" (default " + f.DefValue + ")")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func mainUsage(cmds []*command) string {
	var b strings.Builder
	b.WriteString("sesraw builds, inspects, checks, signs and sends raw MIME email for Amazon SES,\n")
	b.WriteString("with sending authorization (X-SES-*-ARN headers or API parameters).\n\n")
	b.WriteString("Usage: sesraw COMMAND [flags] [arguments]\n\nCommands:\n")
	width := len("version")
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	row := func(name, summary string) {
		b.WriteString("  " + name + strings.Repeat(" ", width+2-len(name)) + summary + "\n")
	}
	for _, c := range cmds {
		row(c.name, c.summary)
	}
	row("help", "show this help, or 'sesraw help COMMAND'")
	row("version", "print the version of sesraw (also --version)")
	b.WriteString("\nRun 'sesraw COMMAND --help' for a command's flags.\n\n")
	b.WriteString(exitTable)
	return b.String()
}

func writeString(w io.Writer, s string) { _, _ = io.WriteString(w, s) }

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconvQuote(s)
}
