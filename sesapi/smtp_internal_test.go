package sesapi

import "testing"

// SES answers the end of DATA with "250 Ok MESSAGE-ID"
// (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html); servers that announce
// ENHANCEDSTATUSCODES put "2.0.0" before it.
func TestMessageID(t *testing.T) {
	for reply, want := range map[string]string{
		"Ok 0100018c1f2e3d4c-5b6a7988-aaaa-bbbb-cccc-0123456789ab-000000":       "0100018c1f2e3d4c-5b6a7988-aaaa-bbbb-cccc-0123456789ab-000000",
		"2.0.0 Ok 0100018c1f2e3d4c-5b6a7988-aaaa-bbbb-cccc-0123456789ab-000000": "0100018c1f2e3d4c-5b6a7988-aaaa-bbbb-cccc-0123456789ab-000000",
		"Ok: queued as 4Xyz": "Ok: queued as 4Xyz",
		"2.0.0 OK: queued":   "OK: queued",
		"1.2.3.4 Ok x":       "1.2.3.4 Ok x",
		"  Ok abc  ":         "abc",
	} {
		if got := messageID(reply); got != want {
			t.Errorf("messageID(%q) = %q, want %q", reply, got, want)
		}
	}
}

// The Region of an SES SMTP endpoint host, for the recipients' Message-ID; any other host has none.
func TestSMTPEndpointRegion(t *testing.T) {
	for host, want := range map[string]string{
		"email-smtp.us-east-1.amazonaws.com":      "us-east-1",
		"EMAIL-SMTP.eu-west-1.amazonaws.com":      "eu-west-1",
		"email-smtp.ap-southeast-2.amazonaws.com": "ap-southeast-2",
		"127.0.0.1":                               "",
		"smtp.example.com":                        "",
		"email-smtp.amazonaws.com":                "",
		"email-smtp.us east.amazonaws.com":        "",
		"email-smtp.us-east-1.amazonaws.com.evil": "",
	} {
		if got := smtpEndpointRegion(host); got != want {
			t.Errorf("smtpEndpointRegion(%q) = %q, want %q", host, got, want)
		}
	}
	for reply, want := range map[string]bool{"Ok abc": true, "2.0.0 Ok abc": true, "OK: queued as 4Xyz": false, "Ok: queued": false} {
		if got := sesOkReply(reply); got != want {
			t.Errorf("sesOkReply(%q) = %v", reply, got)
		}
	}
}
