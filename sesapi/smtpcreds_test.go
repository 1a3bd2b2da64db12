package sesapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/sesapi"
)

// opensslSMTPPassword computes the SES SMTP password with openssl's HMAC, one process per link of
// the chain, as AWS documents it: an implementation that shares nothing with SMTPPassword.
func opensslSMTPPassword(t *testing.T, secret, region string) string {
	t.Helper()
	key := []byte("AWS4" + secret)
	for _, msg := range []string{"11111111", region, "ses", "aws4_request", "SendRawEmail"} {
		cmd := exec.Command("openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:"+hex.EncodeToString(key), "-binary")
		cmd.Stdin = strings.NewReader(msg)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl dgst: %v: %s", err, stderr.String())
		}
		if len(out) != 32 {
			t.Fatalf("openssl dgst: %d bytes, want 32", len(out))
		}
		key = out
	}
	return base64.StdEncoding.EncodeToString(append([]byte{0x04}, key...))
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("openssl")
	sestest.Need(t, "openssl (the independent HMAC implementation)", err)
}

// SMTPPassword agrees with openssl's HMAC-SHA256 chain for several secrets and Regions.
func TestSMTPPasswordMatchesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	for _, c := range []struct{ secret, region string }{
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"}, // AWS's documentation example key
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1"},
		{"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "ap-southeast-2"},
		{"+/=", "us-gov-west-1"},
		{"x", "region-added-later-1"},
	} {
		got, err := sesapi.SMTPPassword(c.secret, c.region)
		if err != nil {
			t.Fatalf("%s: %v", c.region, err)
		}
		if want := opensslSMTPPassword(t, c.secret, c.region); got != want {
			t.Errorf("SMTPPassword(%q, %q) = %q, openssl chain gives %q", c.secret, c.region, got, want)
		}
		raw, err := base64.StdEncoding.DecodeString(got)
		if err != nil || len(raw) != 33 || raw[0] != 0x04 {
			t.Errorf("%s: password %q is not base64 of 0x04 + 32 bytes", c.region, got)
		}
	}
}

// The password depends on the Region: one Region's password does not work at another's endpoint.
func TestSMTPPasswordPerRegion(t *testing.T) {
	a, _ := sesapi.SMTPPassword("secret", "us-east-1")
	b, _ := sesapi.SMTPPassword("secret", "us-east-2")
	if a == b {
		t.Error("same password for two Regions")
	}
}

func TestSMTPPasswordRefuses(t *testing.T) {
	if _, err := sesapi.SMTPPassword("", "us-east-1"); !errors.Is(err, sesapi.ErrEmptySecret) {
		t.Errorf("empty secret: %v, want ErrEmptySecret", err)
	}
	if _, err := sesapi.SMTPPassword("secret", ""); err == nil {
		t.Error("empty region accepted")
	}
}

func TestSMTPRegionsAndKeyIDs(t *testing.T) {
	for _, r := range []string{"us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"} {
		if !sesapi.IsSMTPRegion(r) {
			t.Errorf("IsSMTPRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", "us-east-9", "US-EAST-1", "email-smtp.us-east-1.amazonaws.com"} {
		if sesapi.IsSMTPRegion(r) {
			t.Errorf("IsSMTPRegion(%q) = true", r)
		}
	}
	if !sesapi.IsTemporaryAccessKeyID("ASIAIOSFODNN7EXAMPLE") || sesapi.IsTemporaryAccessKeyID("AKIAIOSFODNN7EXAMPLE") {
		t.Error("IsTemporaryAccessKeyID does not tell ASIA from AKIA")
	}
}
