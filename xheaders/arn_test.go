package xheaders_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/xheaders"
)

func TestParseARNValid(t *testing.T) {
	tests := []struct {
		in    string
		want  xheaders.ARN
		email bool
	}{
		{"arn:aws:ses:us-east-1:123456789012:identity/example.com",
			xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "123456789012", Identity: "example.com"}, false},
		{"arn:aws:ses:us-east-1:123456789012:identity/user@example.com",
			xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "123456789012", Identity: "user@example.com"}, true},
		{"arn:aws:ses:*:123456789012:identity/user@example.com",
			xheaders.ARN{Partition: "aws", Region: "*", Account: "123456789012", Identity: "user@example.com"}, true},
		{"arn:aws-us-gov:ses:us-gov-west-1:000000000000:identity/mail.agency.gov",
			xheaders.ARN{Partition: "aws-us-gov", Region: "us-gov-west-1", Account: "000000000000", Identity: "mail.agency.gov"}, false},
		{"arn:aws-eusc:ses:eusc-de-east-1:123456789012:identity/example.de",
			xheaders.ARN{Partition: "aws-eusc", Region: "eusc-de-east-1", Account: "123456789012", Identity: "example.de"}, false},
		{"arn:aws-cn:ses:cn-north-1:123456789012:identity/example.cn",
			xheaders.ARN{Partition: "aws-cn", Region: "cn-north-1", Account: "123456789012", Identity: "example.cn"}, false},
		{"arn:aws-iso:ses:us-iso-east-1:123456789012:identity/a.b", xheaders.ARN{Partition: "aws-iso", Region: "us-iso-east-1", Account: "123456789012", Identity: "a.b"}, false},
		{"arn:aws-iso-b:ses:us-isob-east-1:123456789012:identity/a.b", xheaders.ARN{Partition: "aws-iso-b", Region: "us-isob-east-1", Account: "123456789012", Identity: "a.b"}, false},
		{"arn:aws-iso-e:ses:eu-isoe-west-1:123456789012:identity/a.b", xheaders.ARN{Partition: "aws-iso-e", Region: "eu-isoe-west-1", Account: "123456789012", Identity: "a.b"}, false},
		{"arn:aws-iso-f:ses:us-isof-south-1:123456789012:identity/a.b", xheaders.ARN{Partition: "aws-iso-f", Region: "us-isof-south-1", Account: "123456789012", Identity: "a.b"}, false},
		{"arn:aws:ses:ap-southeast-2:123456789012:identity/xn--bcher-kva.example",
			xheaders.ARN{Partition: "aws", Region: "ap-southeast-2", Account: "123456789012", Identity: "xn--bcher-kva.example"}, false},
		{"arn:aws:ses:eu-west-1:123456789012:identity/first.last+tag@Sub.Example.COM",
			xheaders.ARN{Partition: "aws", Region: "eu-west-1", Account: "123456789012", Identity: "first.last+tag@Sub.Example.COM"}, true},
		{"arn:aws:ses:il-central-1:123456789012:identity/o'brien@1.example", xheaders.ARN{Partition: "aws", Region: "il-central-1", Account: "123456789012", Identity: "o'brien@1.example"}, true},
	}
	for _, tt := range tests {
		a, err := xheaders.ParseARN(tt.in)
		if err != nil {
			t.Errorf("ParseARN(%q): %v", tt.in, err)
			continue
		}
		if a != tt.want {
			t.Errorf("ParseARN(%q) = %+v, want %+v", tt.in, a, tt.want)
		}
		if got := a.String(); got != tt.in {
			t.Errorf("String() = %q, want %q", got, tt.in)
		}
		if a.IsEmail() != tt.email {
			t.Errorf("%q: IsEmail() = %v", tt.in, a.IsEmail())
		}
		if a.IsZero() {
			t.Errorf("%q: IsZero", tt.in)
		}
	}
}

func TestParseARNErrors(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	tests := []struct{ in, reason string }{
		{"", `does not start with "arn:"`},
		{"ARN:aws:ses:us-east-1:123456789012:identity/example.com", `does not start with "arn:"`},
		{"arn:aws:ses:us-east-1", "too few"},
		{"arn:aws", "too few"},
		{"arn:aws:ses:us-east-1:123456789012", "too few"},
		{"arn:aws:sns:us-east-1:123456789012:identity/example.com", `service is not "ses"`},
		{"arn:aws:SES:us-east-1:123456789012:identity/example.com", `service is not "ses"`},
		{"arn:aws:ses:us-east-1:123456789012:configuration-set/x", `resource is not "identity/NAME"`},
		{"arn:aws:ses:us-east-1:123456789012:identity:example.com", `resource is not "identity/NAME"`},
		{"arn:aws-xx:ses:us-east-1:123456789012:identity/example.com", "unknown partition"},
		{"arn::ses:us-east-1:123456789012:identity/example.com", "unknown partition"},
		{"arn:aws:ses::123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:US-EAST-1:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:us-east:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:useast1:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:us-east-123:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:us--east-1:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:us-east-1-:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:**:123456789012:identity/example.com", "region is not"},
		{"arn:aws:ses:us-gov-west-1:123456789012:identity/example.com", "not in partition aws"},
		{"arn:aws-us-gov:ses:us-east-1:123456789012:identity/example.com", "not in partition aws-us-gov"},
		{"arn:aws-cn:ses:us-east-1:123456789012:identity/example.com", "not in partition"},
		{"arn:aws:ses:eusc-de-east-1:123456789012:identity/example.com", "not in partition"},
		{"arn:aws:ses:us-east-1:12345678901:identity/example.com", "account is not 12 digits"},
		{"arn:aws:ses:us-east-1:1234567890123:identity/example.com", "account is not 12 digits"},
		{"arn:aws:ses:us-east-1:12345678901a:identity/example.com", "account is not 12 digits"},
		{"arn:aws:ses:us-east-1::identity/example.com", "account is not 12 digits"},
		{"arn:aws:ses:us-east-1:123456789012:identity/", "domain is empty"},
		{"arn:aws:ses:us-east-1:123456789012:identity/localhost", "fewer than two labels"},
		{"arn:aws:ses:us-east-1:123456789012:identity/example.com.", "empty label"},
		{"arn:aws:ses:us-east-1:123456789012:identity/.example.com", "empty label"},
		{"arn:aws:ses:us-east-1:123456789012:identity/a..b", "empty label"},
		{"arn:aws:ses:us-east-1:123456789012:identity/-a.example.com", "starts or ends with '-'"},
		{"arn:aws:ses:us-east-1:123456789012:identity/a-.example.com", "starts or ends with '-'"},
		{"arn:aws:ses:us-east-1:123456789012:identity/" + long63 + "a.com", "longer than 63"},
		{"arn:aws:ses:us-east-1:123456789012:identity/" + strings.Repeat(long63+".", 4) + "com", "longer than 253"},
		{"arn:aws:ses:us-east-1:123456789012:identity/bücher.example", "punycode"},
		{"arn:aws:ses:us-east-1:123456789012:identity/exa_mple.com", "punycode"},
		{"arn:aws:ses:us-east-1:123456789012:identity/example.com\r\nBcc: x@y.z", "atext"},
		{"arn:aws:ses:us-east-1:123456789012:identity/example.com\r\nX: y", "punycode"},
		{"arn:aws:ses:us-east-1:123456789012:identity/*", "punycode"},
		{"arn:aws:ses:us-east-1:123456789012:identity/1.2.3.4", "all digits"},
		{"arn:aws:ses:us-east-1:123456789012:identity/@example.com", "local part is empty"},
		{"arn:aws:ses:us-east-1:123456789012:identity/user@", "domain is empty"},
		{"arn:aws:ses:us-east-1:123456789012:identity/user@localhost", "fewer than two labels"},
		{"arn:aws:ses:us-east-1:123456789012:identity/a@b@example.com", "punycode"},
		{"arn:aws:ses:us-east-1:123456789012:identity/.user@example.com", "starts or ends with '.'"},
		{"arn:aws:ses:us-east-1:123456789012:identity/user.@example.com", "starts or ends with '.'"},
		{"arn:aws:ses:us-east-1:123456789012:identity/us..er@example.com", "'..'"},
		{"arn:aws:ses:us-east-1:123456789012:identity/\"user\"@example.com", "atext"},
		{"arn:aws:ses:us-east-1:123456789012:identity/jörg@example.com", "atext"},
		{"arn:aws:ses:us-east-1:123456789012:identity/a b@example.com", "atext"},
		{"arn:aws:ses:us-east-1:123456789012:identity/" + strings.Repeat("a", 65) + "@example.com", "longer than 64"},
	}
	for _, tt := range tests {
		a, err := xheaders.ParseARN(tt.in)
		if err == nil {
			t.Errorf("ParseARN(%q) = %+v, want error", tt.in, a)
			continue
		}
		if !errors.Is(err, xheaders.ErrInvalidARN) {
			t.Errorf("ParseARN(%q): %v does not wrap ErrInvalidARN", tt.in, err)
		}
		var he *xheaders.HeaderError
		if !errors.As(err, &he) {
			t.Errorf("ParseARN(%q): %T is not *HeaderError", tt.in, err)
			continue
		}
		if !strings.Contains(he.Reason, tt.reason) {
			t.Errorf("ParseARN(%q): reason %q, want it to contain %q", tt.in, he.Reason, tt.reason)
		}
		if len(he.Value) > 80 {
			t.Errorf("ParseARN(%q): Value not truncated: %d bytes", tt.in, len(he.Value))
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "xheaders: ") || strings.ContainsAny(msg, "\r\n") {
			t.Errorf("ParseARN(%q): bad message %q", tt.in, msg)
		}
		if !a.IsZero() {
			t.Errorf("ParseARN(%q) returned non-zero ARN with error", tt.in)
		}
	}
}

func TestMustParseARNPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseARN did not panic")
		}
	}()
	xheaders.MustParseARN("arn:bad")
}

func TestZeroARN(t *testing.T) {
	var a xheaders.ARN
	if !a.IsZero() || a.String() != "" || a.IsEmail() || a.Covers("a@example.com") || a.InRegion("us-east-1") {
		t.Errorf("zero ARN misbehaves: %+v", a)
	}
}

func TestCovers(t *testing.T) {
	dom := xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/Example.com")
	mail := xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/User@example.com")
	tests := []struct {
		a    xheaders.ARN
		addr string
		want bool
	}{
		{dom, "user@example.com", true},
		{dom, "user@EXAMPLE.COM", true},
		{dom, "anyone@a.example.com", true},
		{dom, "anyone@a.b.Example.Com", true},
		{dom, "user@badexample.com", false},
		{dom, "user@example.com.evil.net", false},
		{dom, "user@example.org", false},
		{dom, "example.com", false},
		{dom, "@example.com", false},
		{dom, "user@", false},
		{dom, "user@.example.com", false},
		{dom, "user@example.com ", false},
		{dom, "", false},
		{mail, "User@example.com", true},
		{mail, "User@EXAMPLE.com", true},
		{mail, "user@example.com", false}, // local part compared exactly
		{mail, "User@a.example.com", false},
		{mail, "Other@example.com", false},
		{mail, "User@example.co", false},
	}
	for _, tt := range tests {
		if got := tt.a.Covers(tt.addr); got != tt.want {
			t.Errorf("%s Covers(%q) = %v, want %v", tt.a, tt.addr, got, tt.want)
		}
	}
}

func TestInRegion(t *testing.T) {
	a := xheaders.MustParseARN("arn:aws:ses:eu-west-1:123456789012:identity/example.com")
	star := xheaders.MustParseARN("arn:aws:ses:*:123456789012:identity/example.com")
	tests := []struct {
		a      xheaders.ARN
		region string
		want   bool
	}{
		{a, "eu-west-1", true},
		{a, "eu-west-2", false},
		{a, "EU-WEST-1", false},
		{a, "", false},
		{a, "*", false},
		{star, "us-east-1", true},
		{star, "eu-central-1", true},
		{star, "", false},
	}
	for _, tt := range tests {
		if got := tt.a.InRegion(tt.region); got != tt.want {
			t.Errorf("%s InRegion(%q) = %v, want %v", tt.a, tt.region, got, tt.want)
		}
	}
}
