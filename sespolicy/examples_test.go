package sespolicy

import (
	"strings"
	"testing"
	"time"
)

// The example policies of AWS's sending authorization pages, each with sends that must be allowed
// and sends that must be denied, and why:
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-policy-examples.html (and the
// condition fragments of its "Conditions specific to sending authorization" section).

const (
	exDomain  = "arn:aws:ses:us-east-1:888888888888:identity/example.com"
	exAddress = "arn:aws:ses:us-east-1:999999999999:identity/sender@example.com"
)

var awsExamples = map[string]string{
	"AuthorizeMarketer": `{
  "Id":"SampleAuthorizationPolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeMarketer",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "AWS":[
          "123456789012"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "StringLike":{
          "ses:FromAddress":"marketing+.*@example.com"
        }
      }
    }
  ]
}`,
	// The same with the pattern AWS meant (awsdocs/amazon-ses-developer-guide commit aad569b).
	"AuthorizeMarketerFixed": `{"Version":"2012-10-17","Statement":[{"Sid":"AuthorizeMarketer","Effect":"Allow",
  "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com","Principal":{"AWS":["123456789012"]},
  "Action":["ses:SendEmail","ses:SendRawEmail"],"Condition":{"StringLike":{"ses:FromAddress":"marketing+*@example.com"}}}]}`,
	"AuthorizeIAMUser": `{
  "Id":"ExampleAuthorizationPolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeIAMUser",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "AWS":[
          "arn:aws:iam::111122223333:user/John",
          "arn:aws:iam::444455556666:user/Jane"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ]
    }
  ]
}`,
	"AuthorizeService": `{
  "Id":"ExampleAuthorizationPolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeService",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "Service":[
          "cognito-idp.amazonaws.com"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "888888888888",
          "aws:SourceArn": "arn:aws:cognito-idp:us-east-1:888888888888:userpool/your-user-pool-id-goes-here"
        }
      }
    }
  ]
}`,
	"AuthorizeOrg": `{
  "Id":"ExampleAuthorizationPolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeOrg",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":"*",
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "StringEquals":{
          "aws:PrincipalOrgID":"o-xxxxxxxxxxx"
        }
      }
    }
  ]
}`,
	"AuthorizeFromAddress": `{
  "Id":"ExamplePolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeFromAddress",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "AWS":[
          "123456789012"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "StringEquals":{
          "ses:FromAddress":"sender@example.com"
        }
      }
    }
  ]
}`,
	"ControlTimePeriod": `{
  "Id":"ExamplePolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"ControlTimePeriod",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "AWS":[
          "123456789012"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "DateGreaterThan":{
          "aws:CurrentTime":"2021-08-31T12:00Z"
        },
        "DateLessThan":{
          "aws:CurrentTime":"2021-10-01T12:00Z"
        }
      }
    }
  ]
}`,
	"ControlAction": `{
  "Id":"ExamplePolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"ControlAction",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "AWS":[
          "123456789012"
        ]
      },
      "Action":[
        "ses:SendRawEmail"
      ]
    }
  ]
}`,
	"DisplayName": `{
  "Id":"ExamplePolicy",
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeFromAddress",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com",
      "Principal":{
        "AWS":[
          "123456789012"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "StringLike":{
          "ses:FromDisplayName":"Marketing"
        }
      }
    }
  ]
}`,
	"MultipleStatements": `{
  "Version":"2012-10-17",
  "Statement":[
    {
      "Sid":"AuthorizeAWS",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:999999999999:identity/sender@example.com",
      "Principal":{
        "AWS":[
          "111111111111",
          "222222222222"
        ]
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "StringLike":{
          "ses:FromAddress":"*@example.com",
          "ses:FeedbackAddress":"*@example.com"
        }
      }
    },
    {
      "Sid":"AuthorizeInternal",
      "Effect":"Allow",
      "Resource":"arn:aws:ses:us-east-1:999999999999:identity/sender@example.com",
      "Principal":{
        "AWS":"arn:aws:iam::333333333333:user/Jane"
      },
      "Action":[
        "ses:SendEmail",
        "ses:SendRawEmail"
      ],
      "Condition":{
        "ForAllValues:StringLike":{
          "ses:Recipients":"*@example.com"
        }
      }
    }
  ]
}`,
	// The two condition fragments of the page, each in an account-wide Allow statement.
	"Invoicing": `{"Version":"2012-10-17","Statement":[{"Sid":"Invoicing","Effect":"Allow",
  "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com","Principal":{"AWS":"123456789012"},
  "Action":"ses:SendRawEmail","Condition":{"StringLike":{"ses:FromAddress":"invoicing*@example.com"}}}]}`,
	"NotAdmin": `{"Version":"2012-10-17","Statement":[{"Sid":"NotAdmin","Effect":"Allow",
  "Resource":"arn:aws:ses:us-east-1:888888888888:identity/example.com","Principal":{"AWS":"123456789012"},
  "Action":"ses:SendRawEmail","Condition":{"StringNotLike":{"ses:FromAddress":"*admin*example.com"}}}]}`,
}

// exampleCase is one send against one example policy.
type exampleCase struct {
	policy string
	name   string
	send   Send
	want   Decision
	// why must appear in the summary (the reason).
	why string
}

func raw(caller, from string) Send {
	return Send{Operation: V1SendRawEmail, Identity: exDomain, Caller: caller, From: from,
		Recipients: []string{"customer@example.net"}, Time: time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)}
}

func with(s Send, f func(*Send)) Send { f(&s); return s }

var exampleCases = []exampleCase{
	{"AuthorizeMarketer", "literal dot-star matches", raw("123456789012", "marketing+.news@example.com"), Allowed, `allowed by policy "AuthorizeMarketer" statement "AuthorizeMarketer" #0`},
	{"AuthorizeMarketer", "StringLike is no regexp: '.' is literal", raw("123456789012", "marketing+news@example.com"), ImplicitDeny, `"marketing+news@example.com" does not match ["marketing+.*@example.com"]`},
	{"AuthorizeMarketer", "other account", raw("210987654321", "marketing+.x@example.com"), ImplicitDeny, `does not name 210987654321`},
	{"AuthorizeMarketer", "user of the account", raw("arn:aws:iam::123456789012:user/ops", "marketing+.x@example.com"), Allowed, "AuthorizeMarketer"},
	{"AuthorizeMarketer", "SendTemplatedEmail not granted", with(raw("123456789012", "marketing+.x@example.com"), func(s *Send) { s.Operation = V1SendTemplatedEmail }), ImplicitDeny, `does not cover ses:SendTemplatedEmail`},
	{"AuthorizeMarketerFixed", "wildcard after plus", raw("123456789012", "marketing+news@example.com"), Allowed, "AuthorizeMarketer"},
	{"AuthorizeMarketerFixed", "no plus", raw("123456789012", "marketing@example.com"), ImplicitDeny, `"marketing@example.com" does not match`},
	{"AuthorizeIAMUser", "John", raw("arn:aws:iam::111122223333:user/John", "a@example.com"), Allowed, "AuthorizeIAMUser"},
	{"AuthorizeIAMUser", "Jane over SMTP", with(raw("arn:aws:iam::444455556666:user/Jane", "a@example.com"), func(s *Send) { s.Operation = SMTP }), Allowed, "AuthorizeIAMUser"},
	{"AuthorizeIAMUser", "John's account is not John", raw("111122223333", "a@example.com"), ImplicitDeny, "does not name 111122223333"},
	{"AuthorizeIAMUser", "another user of John's account", raw("arn:aws:iam::111122223333:user/Mallory", "a@example.com"), ImplicitDeny, "does not name"},
	{"AuthorizeIAMUser", "user names are case-sensitive in ARNs", raw("arn:aws:iam::111122223333:user/john", "a@example.com"), ImplicitDeny, "does not name"},
	{"AuthorizeService", "Cognito with source account and ARN", with(raw("cognito-idp.amazonaws.com", "a@example.com"), func(s *Send) {
		s.Context = map[string][]string{"aws:SourceAccount": {"888888888888"}, "aws:SourceArn": {"arn:aws:cognito-idp:us-east-1:888888888888:userpool/your-user-pool-id-goes-here"}}
	}), Allowed, "AuthorizeService"},
	{"AuthorizeService", "Cognito for another user pool", with(raw("cognito-idp.amazonaws.com", "a@example.com"), func(s *Send) {
		s.Context = map[string][]string{"aws:SourceAccount": {"888888888888"}, "aws:SourceArn": {"arn:aws:cognito-idp:us-east-1:888888888888:userpool/other"}}
	}), ImplicitDeny, "aws:SourceArn"},
	{"AuthorizeService", "Cognito without source keys", raw("cognito-idp.amazonaws.com", "a@example.com"), ImplicitDeny, "is absent"},
	{"AuthorizeService", "an account is not the service", raw("123456789012", "a@example.com"), ImplicitDeny, "does not name 123456789012"},
	{"AuthorizeOrg", "member of the organization", with(raw("arn:aws:iam::210987654321:role/mailer", "a@example.com"), func(s *Send) { s.PrincipalOrgID = "o-xxxxxxxxxxx" }), Allowed, "AuthorizeOrg"},
	{"AuthorizeOrg", "another organization", with(raw("210987654321", "a@example.com"), func(s *Send) { s.PrincipalOrgID = "o-yyyyyyyyyyy" }), ImplicitDeny, `"o-yyyyyyyyyyy" does not match ["o-xxxxxxxxxxx"]`},
	{"AuthorizeOrg", "no organization", raw("210987654321", "a@example.com"), ImplicitDeny, "aws:PrincipalOrgID: the key is absent"},
	{"AuthorizeFromAddress", "the address", raw("123456789012", "sender@example.com"), Allowed, "AuthorizeFromAddress"},
	{"AuthorizeFromAddress", "StringEquals is case-sensitive", raw("123456789012", "Sender@example.com"), ImplicitDeny, `"Sender@example.com" does not match ["sender@example.com"]`},
	{"AuthorizeFromAddress", "another address of the domain", raw("123456789012", "billing@example.com"), ImplicitDeny, "ses:FromAddress"},
	{"ControlTimePeriod", "in September 2021", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Time = time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC) }), Allowed, "ControlTimePeriod"},
	{"ControlTimePeriod", "a minute before the window", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Time = time.Date(2021, 8, 31, 11, 59, 0, 0, time.UTC) }), ImplicitDeny, "DateGreaterThan aws:CurrentTime"},
	{"ControlTimePeriod", "at the end (LessThan is strict)", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Time = time.Date(2021, 10, 1, 12, 0, 0, 0, time.UTC) }), ImplicitDeny, "DateLessThan aws:CurrentTime"},
	{"ControlTimePeriod", "no time known", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Time = time.Time{} }), ImplicitDeny, "aws:CurrentTime: the key is absent"},
	{"ControlAction", "SendRawEmail", raw("123456789012", "a@example.com"), Allowed, "ControlAction"},
	{"ControlAction", "SMTP is SendRawEmail", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Operation = SMTP }), Allowed, "ControlAction"},
	{"ControlAction", "v2 raw content (assumed SendRawEmail)", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Operation = V2SendEmailRaw }), Allowed, "UNCONFIRMED action"},
	{"ControlAction", "v1 SendEmail", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Operation = V1SendEmail }), ImplicitDeny, `Action ["ses:SendRawEmail"] does not cover ses:SendEmail`},
	{"ControlAction", "v2 simple content", with(raw("123456789012", "a@example.com"), func(s *Send) { s.Operation = V2SendEmailSimple }), ImplicitDeny, "does not cover ses:SendEmail"},
	{"DisplayName", "exactly Marketing", with(raw("123456789012", "a@example.com"), func(s *Send) { s.FromDisplayName = "Marketing" }), Allowed, "AuthorizeFromAddress"},
	{"DisplayName", "StringLike without * is exact: 'includes' needs *Marketing*", with(raw("123456789012", "a@example.com"), func(s *Send) { s.FromDisplayName = "Example Marketing" }), ImplicitDeny, `"Example Marketing" does not match ["Marketing"]`},
	{"DisplayName", "no display name", raw("123456789012", "a@example.com"), ImplicitDeny, "ses:FromDisplayName: the key is absent"},
	{"MultipleStatements", "account, From and feedback in the domain", Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "111111111111", From: "sender@example.com", FeedbackAddress: "bounces@example.com", Recipients: []string{"x@example.org"}}, Allowed, "AuthorizeAWS"},
	{"MultipleStatements", "second account, no feedback address", Send{Operation: V1SendEmail, Identity: exAddress, Caller: "222222222222", From: "sender@example.com", Recipients: []string{"x@example.org"}}, ImplicitDeny, "ses:FeedbackAddress: the key is absent"},
	{"MultipleStatements", "feedback outside the domain", Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "111111111111", From: "sender@example.com", FeedbackAddress: "b@bounce.example.net", Recipients: []string{"x@example.org"}}, ImplicitDeny, `"b@bounce.example.net" does not match ["*@example.com"]`},
	{"MultipleStatements", "Jane to example.com recipients", Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "arn:aws:iam::333333333333:user/Jane", From: "sender@example.com", Recipients: []string{"a@example.com", "b@example.com"}}, Allowed, "AuthorizeInternal"},
	{"MultipleStatements", "Jane with one Cc outside", Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "arn:aws:iam::333333333333:user/Jane", From: "sender@example.com", Recipients: []string{"a@example.com", "c@example.org"}}, ImplicitDeny, `ForAllValues:StringLike ses:Recipients: "c@example.org" matches none of ["*@example.com"]`},
	{"MultipleStatements", "Jane with no recipients at all: ForAllValues on an absent key holds", Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "arn:aws:iam::333333333333:user/Jane", From: "sender@example.com"}, Allowed, "AuthorizeInternal"},
	{"MultipleStatements", "Jane's account", Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "333333333333", From: "sender@example.com", Recipients: []string{"a@example.com"}}, ImplicitDeny, "does not name 333333333333"},
	{"Invoicing", "invoicing address", raw("123456789012", "invoicing-eu@example.com"), Allowed, "Invoicing"},
	{"Invoicing", "subdomain", raw("123456789012", "invoicing@mail.example.com"), ImplicitDeny, "does not match"},
	{"NotAdmin", "sender", raw("123456789012", "sender@example.com"), Allowed, "NotAdmin"},
	{"NotAdmin", "admin@", raw("123456789012", "admin@example.com"), ImplicitDeny, `StringNotLike ses:FromAddress: "admin@example.com" matches ["*admin*example.com"]`},
	{"NotAdmin", "quoted admin", raw("123456789012", `"admin"@example.com`), ImplicitDeny, "matches"},
	{"NotAdmin", "admin+1", raw("123456789012", "admin+1@example.com"), ImplicitDeny, "matches"},
	{"NotAdmin", "admin subdomain", raw("123456789012", "sender@admin.example.com"), ImplicitDeny, "matches"},
}

func mustParse(t testing.TB, name, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p.Name = name
	return p
}

func TestAWSExamples(t *testing.T) {
	for _, tc := range exampleCases {
		t.Run(tc.policy+"/"+tc.name, func(t *testing.T) {
			p := mustParse(t, tc.policy, awsExamples[tc.policy])
			arn := p.Statements[0].Resources[0]
			r, err := Evaluate(&Request{Send: tc.send, Owner: []IdentityPolicies{{ARN: arn, Policies: []*Policy{p}}}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != tc.want {
				t.Errorf("decision %v, want %v\n%s", r.Decision, tc.want, r.Summary())
			}
			if !strings.Contains(r.Summary(), tc.why) {
				t.Errorf("summary lacks %q:\n%s", tc.why, r.Summary())
			}
			if r.Decision == Allowed && !r.OwnerSideOnly {
				t.Errorf("no caller policies given, but OwnerSideOnly is false")
			}
		})
	}
}
