// Command sesraw builds, inspects, checks, signs and sends raw MIME messages for Amazon SES, with
// sending authorization (X-SES-*-ARN headers or API parameters).
//
// Usage:
//
//	sesraw build [flags] SPEC.json      build a raw message from a JSON spec
//	sesraw inspect [flags] FILE|-       show what SES reads from a raw message
//	sesraw strip [flags] FILE|-         print a message as SES delivers it (X-SES-* removed)
//	sesraw lint [flags] FILE|-          check a raw message against SES's rules
//	sesraw sign [flags] FILE|-          DKIM-sign a raw message with the SES-safe profile
//	sesraw verify [flags] FILE|-        verify DKIM as sent and after SES strips its headers
//	sesraw send [flags] SPEC.json|FILE  send through SES (API v1, v2) or SMTP
//	sesraw demo [flags]                 print an example delegated-sending message
//
// Run "sesraw COMMAND --help" for a command's flags. Exit status: 0 success; 1 lint error
// findings, failed DKIM verification, a refused send; 2 usage or input errors; 3 a send whose
// outcome is unknown. "sesraw --version" prints the version.
package main

import (
	"os"

	"github.com/sesraw/sesraw/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
