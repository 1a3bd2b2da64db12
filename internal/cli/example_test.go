package cli_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/sesraw/sesraw/internal/cli"
)

// Main runs one sesraw command line; here lint reads a message from stdin ("-").
func ExampleMain() {
	msg := "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"From: sender@other.example\r\n" +
		"To: recipient@example.org\r\n" +
		"Subject: Hello\r\n" +
		"\r\n" +
		"Hello.\r\n"
	code := cli.Main([]string{"lint", "--target", "v1", "-"}, strings.NewReader(msg), os.Stdout, os.Stdout)
	fmt.Println("exit status", code)
	// Output:
	// <stdin>:2: error [arn-not-covering-from] X-SES-FROM-ARN identity "example.com" does not cover the From address "sender@other.example"
	// sesraw lint: <stdin>: 1 error, 0 warnings, 0 infos
	// exit status 1
}
