package sespolicy_test

import (
	"fmt"
	"log"
	"time"

	"github.com/sesraw/sesraw/sespolicy"
)

// A delegate checks, before sending, whether the owner's policy allows this exact message.
func ExampleEvaluate() {
	policy, err := sespolicy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Sid": "AuthorizeInternal",
	    "Effect": "Allow",
	    "Principal": {"AWS": "arn:aws:iam::333333333333:user/Jane"},
	    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
	    "Resource": "arn:aws:ses:us-east-1:999999999999:identity/sender@example.com",
	    "Condition": {"ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}}
	  }]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	policy.Name = "internal"
	send := sespolicy.Send{
		Operation:  sespolicy.SMTP,
		Identity:   "arn:aws:ses:us-east-1:999999999999:identity/sender@example.com",
		Caller:     "arn:aws:iam::333333333333:user/Jane",
		From:       "sender@example.com",
		Recipients: []string{"a@example.com", "b@example.org"},
		Time:       time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC),
	}
	r, err := sespolicy.Evaluate(&sespolicy.Request{
		Send:  send,
		Owner: []sespolicy.IdentityPolicies{{ARN: send.Identity, Policies: []*sespolicy.Policy{policy}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Summary())
	// Output:
	// implicitly denied: ses:SendRawEmail on arn:aws:ses:us-east-1:999999999999:identity/sender@example.com: no statement applies; policy "internal" statement "AuthorizeInternal" #0: condition ForAllValues:StringLike ses:Recipients: "b@example.org" matches none of ["*@example.com"]
}
