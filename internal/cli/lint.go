package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/mail"
	"strconv"

	"github.com/sesraw/sesraw/crlf"
	"github.com/sesraw/sesraw/internal/cidref"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/rawheader"
)

type lintOpts struct {
	target   string
	region   string
	json     bool
	crlf     bool
	maxBytes int64
}

func lintCmd() *command {
	return &command{
		name:    "lint",
		args:    "FILE|-",
		summary: "check a raw message against SES's rules",
		about: `Checks any raw message against the rules SES applies (size, lines, headers, X-SES-* values and
duplicates, identity ARNs against From and the region, DKIM h= over headers SES strips or
rewrites, MIME structure, attachment extensions, cid: references of the HTML against the inline
parts) and prints one finding per line, then a summary (errors, warnings, infos):
FILE:LINE: SEVERITY [RULE] MESSAGE. Exit status 1 when a finding is an error. Streams: memory
stays flat whatever the message size.
`,
		flags: func(fs *flag.FlagSet) any {
			o := &lintOpts{}
			fs.StringVar(&o.target, "target", "any", "the SES `API` the message is for: v1, v2, smtp, any or none (selects the size limit)")
			fs.StringVar(&o.region, "region", "", "`region` of the SES endpoint; identity ARNs of another region are errors")
			fs.BoolVar(&o.json, "json", false, "print {\"file\", \"target\", \"findings\": [{\"rule\", \"severity\", \"line\", \"message\"}]}")
			fs.BoolVar(&o.crlf, "crlf", false, "check the message with bare LF line endings converted to CRLF, as 'sign --crlf' and 'send --crlf' send it")
			fs.Int64Var(&o.maxBytes, "max-bytes", 0, "read at most `n` bytes (0: 64 MiB, -1: no limit)")
			return o
		},
		run: runLint,
	}
}

// lintReport is the --json output of lint.
type lintReport struct {
	File     string              `json:"file"`
	Target   preflight.Target    `json:"target"`
	Findings []preflight.Finding `json:"findings"`
}

func runLint(e *env, opts any, args []string) error {
	o := opts.(*lintOpts)
	if err := needArgs(args, 1, "FILE argument (- for stdin)"); err != nil {
		return err
	}
	target, err := preflight.ParseTarget(o.target)
	if err != nil {
		return usageErr("--target " + quote(o.target) + ": want v1, v2, smtp, any or none")
	}
	in, err := e.openInput(args[0])
	if err != nil {
		return err
	}
	defer in.Close()
	name := displayName(args[0])
	var r io.Reader = in
	if o.crlf {
		r = crlf.NewReader(in)
	}
	// The cid: references are compared with the inline parts in a second reader fed from the
	// same stream (internal/cidref, the reading the builder's Findings use), so lint still reads
	// its input once, stdin included.
	pr, pw := io.Pipe()
	refs := make(chan []cidref.Problem, 1)
	go func() {
		var probs []cidref.Problem
		// The header block is read with the one grammar (package rawheader); a malformed one is
		// preflight's to report.
		if head, err := rawheader.ReadBlock(pr, rawheader.Limits{}); err == nil {
			if h, body, sc := headerBlock(head); sc.Err() == nil {
				probs, _ = cidref.CheckEntity(head[:body], io.MultiReader(bytes.NewReader(head[body:]), pr))
				probs = append(probs, listUnsubscribeNote(h)...)
			}
		}
		io.Copy(io.Discard, pr)
		refs <- probs
	}()
	findings, err := preflight.CheckReader(io.TeeReader(r, pw), &preflight.Options{Target: target, Region: o.region, MaxBytes: o.maxBytes})
	pw.Close()
	probs := <-refs
	if err != nil {
		return inputErr(name+": "+fileReason(err), err)
	}
	for _, p := range probs {
		sev := preflight.Warning
		if p.Rule == ruleListUnsubscribeEasyDKIM {
			sev = preflight.Info
		}
		findings = append(findings, preflight.Finding{Rule: p.Rule, Severity: sev, Message: p.Message})
	}
	w := bufio.NewWriter(e.stdout)
	if o.json {
		if findings == nil {
			findings = []preflight.Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(lintReport{File: name, Target: target, Findings: findings}); err != nil {
			return failure(err.Error(), err)
		}
	} else {
		for _, f := range findings {
			w.WriteString(name + ":" + strconv.Itoa(f.Line) + ": " + f.Severity.String() + " [" + f.Rule + "] " + f.Message + "\n")
		}
	}
	if err := w.Flush(); err != nil {
		return failure("<stdout>: "+err.Error(), err)
	}
	if !o.crlf {
		for _, f := range findings {
			if f.Rule == preflight.RuleBareLF {
				writeString(e.stderr, e.cmd+": note: "+name+" has bare LF line endings; 'sign --crlf', 'apply --crlf' and 'send --crlf' convert them, and 'lint --crlf' checks the converted message\n")
				break
			}
		}
	}
	if preflight.HasErrors(findings) {
		return failure(lintSummary(name, findings), nil)
	}
	if !o.json {
		writeString(e.stdout, lintSummary(name, findings)+"\n")
	}
	return nil
}

// ruleListUnsubscribeEasyDKIM is lint's note on a one-click list message without a DKIM
// signature of its own.
const ruleListUnsubscribeEasyDKIM = "list-unsubscribe-easy-dkim"

// listUnsubscribeNote says, for a message with List-Unsubscribe or List-Unsubscribe-Post and no
// DKIM-Signature, that RFC 8058 needs a signature over both and that whether SES's Easy DKIM
// signature covers them is UNCONFIRMED (AWS does not list the fields Easy DKIM signs).
func listUnsubscribeNote(h mail.Header) []cidref.Problem {
	if h.Get("List-Unsubscribe") == "" && h.Get("List-Unsubscribe-Post") == "" || len(h["Dkim-Signature"]) > 0 {
		return nil
	}
	return []cidref.Problem{{Rule: ruleListUnsubscribeEasyDKIM, Message: "List-Unsubscribe without a DKIM-Signature: one-click (RFC 8058) " +
		"needs a signature covering List-Unsubscribe and List-Unsubscribe-Post; whether SES's Easy DKIM signature covers them is " +
		"UNCONFIRMED (sign with --dkim-* or 'sesraw sign' to be sure)"}}
}

// lintSummary is lint's last line: "NAME: 0 errors, 1 warning, 2 infos". It goes to stdout when
// there is no error finding, else to stderr as the failure message.
func lintSummary(name string, findings []preflight.Finding) string {
	var n [3]int
	for _, f := range findings {
		switch {
		case f.Severity >= preflight.Error:
			n[0]++
		case f.Severity == preflight.Warning:
			n[1]++
		default:
			n[2]++
		}
	}
	return name + ": " + count(n[0], "error") + ", " + count(n[1], "warning") + ", " + count(n[2], "info")
}

// count is "1 thing" or "N things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
