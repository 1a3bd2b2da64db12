package sesapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// SES SMTP credentials are derived from an IAM user's access key: the user name is the access key
// ID, the password is computed from the secret access key and the Region of the SMTP endpoint
// (version 4 of the algorithm, the only one SES accepts since 2019). AWS documents the algorithm at
// https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html#smtp-credentials-convert.

// smtpPasswordVersion is the version byte that prefixes the signature in a SES SMTP password.
const smtpPasswordVersion = 0x04

var (
	// ErrEmptySecret: SMTPPassword was given an empty secret access key.
	ErrEmptySecret = errors.New("sesapi: empty secret access key")
	// ErrTemporaryCredentials: the access key is temporary (an STS key, ID beginning with ASIA).
	// SES SMTP passwords can only be derived from a long-term IAM user access key (ID beginning
	// with AKIA): https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html.
	ErrTemporaryCredentials = errors.New("sesapi: temporary (STS) credentials cannot be used for SES SMTP")
)

// SMTPPassword derives the SES SMTP password for region from an IAM secret access key:
// Base64(0x04 || HMAC-SHA256 chain), where the chain starts from the key "AWS4"+secret and signs, in
// turn, "11111111", region, "ses", "aws4_request" and "SendRawEmail". The SMTP user name is the
// access key ID. The password is valid only at the SMTP endpoint of region
// (email-smtp.REGION.amazonaws.com); SMTPPassword does not check region against a list, so a Region
// AWS adds later works: see [IsSMTPRegion] for the documented list. It fails with ErrEmptySecret on
// an empty secret and on an empty region.
func SMTPPassword(secretAccessKey, region string) (string, error) {
	if secretAccessKey == "" {
		return "", ErrEmptySecret
	}
	if region == "" {
		return "", errors.New("sesapi: SMTPPassword: empty region")
	}
	sig := hmacSHA256([]byte("AWS4"+secretAccessKey), "11111111")
	for _, s := range [...]string{region, "ses", "aws4_request", "SendRawEmail"} {
		sig = hmacSHA256(sig, s)
	}
	raw := make([]byte, 0, 1+len(sig))
	raw = append(raw, smtpPasswordVersion)
	raw = append(raw, sig...)
	return base64.StdEncoding.EncodeToString(raw), nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// IsTemporaryAccessKeyID reports whether an access key ID is a temporary (STS) one: AWS gives
// those IDs the prefix ASIA, long-term IAM user keys AKIA
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids).
func IsTemporaryAccessKeyID(id string) bool { return strings.HasPrefix(id, "ASIA") }

// smtpRegions are the Regions with an SES SMTP endpoint (email-smtp.REGION.amazonaws.com) in AWS's
// table of SES endpoints, https://docs.aws.amazon.com/general/latest/gr/ses.html (SMTP endpoints).
// AWS adds Regions: a Region missing here only draws a warning from the command line.
var smtpRegions = [...]string{
	"af-south-1",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ca-central-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1", "eu-south-1",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"us-gov-east-1", "us-gov-west-1",
}

// IsSMTPRegion reports whether region is in AWS's documented list of Regions with an SES SMTP
// endpoint (https://docs.aws.amazon.com/general/latest/gr/ses.html). The list is the one known when
// this package was written; AWS adds Regions, so treat false as "check the page", not as an error.
func IsSMTPRegion(region string) bool {
	for _, r := range smtpRegions {
		if r == region {
			return true
		}
	}
	return false
}
