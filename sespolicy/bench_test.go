package sespolicy

import "testing"

// BenchmarkEvaluate judges one send against AWS's two-statement example policy (the cost a
// sesapi.Sender with a Policy adds to each delegated send), and BenchmarkParse reads it.
func BenchmarkEvaluate(b *testing.B) {
	p := mustParse(b, "MultipleStatements", awsExamples["MultipleStatements"])
	req := &Request{
		Send:  Send{Operation: V1SendRawEmail, Identity: exAddress, Caller: "arn:aws:iam::333333333333:user/Jane", From: "sender@example.com", Recipients: []string{"a@example.com", "b@example.com", "c@example.com"}},
		Owner: []IdentityPolicies{{ARN: exAddress, Policies: []*Policy{p}}},
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := Evaluate(req)
		if err != nil || !r.Allowed() {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	doc := []byte(awsExamples["MultipleStatements"])
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
