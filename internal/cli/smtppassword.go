package cli

import (
	"bytes"
	"flag"
	"io"
	"os"

	"github.com/sesraw/sesraw/sesapi"
)

// maxSecretInput bounds what smtp-password reads from stdin: a secret access key is 40
// characters; anything longer than this is not one.
const maxSecretInput = 4 << 10

type smtpPasswordOpts struct {
	region string
	keyID  string
}

func smtpPasswordCmd() *command {
	return &command{
		name:    "smtp-password",
		args:    "[-]",
		summary: "derive the SES SMTP password of an IAM secret access key for a Region",
		about: `Derives the SES SMTP password from an IAM user's secret access key, for the SMTP endpoint of
--region (email-smtp.REGION.amazonaws.com), and prints it. The SMTP user name is the access key
ID. The algorithm is AWS's (version 4):
https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html

The secret is read from $AWS_SECRET_ACCESS_KEY, or from standard input when that is not set or
the argument is "-" (one line, at most 4 KiB); never from a flag, where it would show in the
process list and the shell history. An empty secret is refused. Temporary (STS) credentials
cannot be used: an access key ID beginning with ASIA (--access-key-id, else
$AWS_ACCESS_KEY_ID) or a $AWS_SESSION_TOKEN next to an environment secret is refused. A Region
missing from AWS's list of SES SMTP endpoints (https://docs.aws.amazon.com/general/latest/gr/ses.html)
draws a warning, since AWS adds Regions; the password is printed anyway.
`,
		flags: func(fs *flag.FlagSet) any {
			o := &smtpPasswordOpts{}
			fs.StringVar(&o.region, "region", "", "the AWS `Region` of the SMTP endpoint (required)")
			fs.StringVar(&o.keyID, "access-key-id", "", "the access key `ID` (default $AWS_ACCESS_KEY_ID), checked to not be temporary")
			return o
		},
		run: runSMTPPassword,
	}
}

func runSMTPPassword(e *env, opts any, args []string) error {
	o := opts.(*smtpPasswordOpts)
	if len(args) > 1 || len(args) == 1 && args[0] != "-" {
		return usageErr("smtp-password takes no argument but \"-\" (the secret comes from stdin or $AWS_SECRET_ACCESS_KEY, never the command line)")
	}
	if o.region == "" {
		return usageErr("--region is required: the SMTP password is valid in one Region")
	}
	keyID := o.keyID
	if keyID == "" {
		keyID = os.Getenv(envAccessKeyID)
	}
	if sesapi.IsTemporaryAccessKeyID(keyID) {
		return inputErr("access key "+quote(keyID)+" is temporary (STS, ASIA...): SES SMTP needs an IAM user's long-term access key (AKIA...)", sesapi.ErrTemporaryCredentials)
	}
	secret := os.Getenv(envSecretKey)
	if len(args) == 1 || secret == "" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, maxSecretInput+1))
		if err != nil {
			return inputErr("reading the secret from stdin: "+err.Error(), err)
		}
		if len(data) > maxSecretInput {
			return inputErr("stdin holds more than 4 KiB: not a secret access key", nil)
		}
		data = bytes.TrimSpace(data)
		if bytes.ContainsAny(data, " \t\r\n") {
			return inputErr("stdin holds more than one line or word: give the secret access key alone", nil)
		}
		secret = string(data)
	} else if os.Getenv(envSessionToken) != "" {
		return inputErr("$AWS_SESSION_TOKEN is set: the credentials in the environment are temporary (STS); SES SMTP needs an IAM user's long-term access key", sesapi.ErrTemporaryCredentials)
	}
	if secret == "" {
		return inputErr("empty secret access key (give it on stdin or in $AWS_SECRET_ACCESS_KEY)", sesapi.ErrEmptySecret)
	}
	if !sesapi.IsSMTPRegion(o.region) {
		writeString(e.stderr, e.cmd+": warning: "+quote(o.region)+" is not in AWS's list of Regions with an SES SMTP endpoint (https://docs.aws.amazon.com/general/latest/gr/ses.html); check the Region\n")
	}
	pass, err := sesapi.SMTPPassword(secret, o.region)
	if err != nil {
		return inputErr(err.Error(), err)
	}
	writeString(e.stdout, pass+"\n")
	return nil
}
