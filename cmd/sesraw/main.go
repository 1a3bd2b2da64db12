// Command sesraw builds, checks and sends raw MIME messages for Amazon SES.
//
// Usage:
//
//	sesraw demo    print an example delegated-sending message (stdout) and what it shows (stderr)
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: sesraw <command>

commands:
  demo    print an example delegated-sending message (stdout) and what it shows (stderr)
`

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "demo":
		if err := demo(stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "sesraw demo:", err)
			return 1
		}
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "sesraw: unknown command %q\n\n%s", args[0], usage)
	return 2
}
