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
