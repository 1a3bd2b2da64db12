package sesapi_test

import (
	"fmt"
	"testing"

	"github.com/sesraw/sesraw/sesapi"
)

func TestRecipientMessageID(t *testing.T) {
	const id = "0100018c4b7ad5b6-5a1f3c2e-9d7b-4f51-8a0e-2b1c3d4e5f60-000000"
	for _, tc := range []struct{ id, region, want string }{
		{id, "us-east-1", id + "@email.amazonses.com"},
		{id, "eu-west-1", id + "@eu-west-1.amazonses.com"},
		{id, "ap-southeast-2", id + "@ap-southeast-2.amazonses.com"},
		{"", "us-east-1", ""},
		{id, "", ""},
		{"a b", "us-east-1", ""},
		{"a>b", "us-east-1", ""},
		{id, "EU-WEST-1", ""},
		{id, "eu-west-1.evil.example", ""},
	} {
		if got := sesapi.RecipientMessageID(tc.id, tc.region); got != tc.want {
			t.Errorf("RecipientMessageID(%q, %q) = %q, want %q", tc.id, tc.region, got, tc.want)
		}
	}
}

func ExampleRecipientMessageID() {
	// The id SendRawEmail returned for a message sent through eu-west-1:
	fmt.Println(sesapi.RecipientMessageID("0102018c4b7ad5b6-5a1f3c2e-000000", "eu-west-1"))
	// Output: 0102018c4b7ad5b6-5a1f3c2e-000000@eu-west-1.amazonses.com
}
