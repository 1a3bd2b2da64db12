package xheaders_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/sesraw/sesraw/xheaders"
)

func ExampleParseARN() {
	a, err := xheaders.ParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Partition, a.Region, a.Account, a.Identity)
	fmt.Println(a.Covers("billing@mail.example.com"), a.Covers("billing@example.org"))
	fmt.Println(a.InRegion("us-east-1"), a.InRegion("eu-west-1"))

	_, err = xheaders.ParseARN("arn:aws:ses:us-east-1:1234:identity/example.com")
	fmt.Println(errors.Is(err, xheaders.ErrInvalidARN))
	fmt.Println(err)
	// Output:
	// aws us-east-1 123456789012 example.com
	// true false
	// true false
	// true
	// xheaders: identity ARN: account is not 12 digits ("arn:aws:ses:us-east-1:1234:identity/example.com")
}

func ExampleHeaders_Append() {
	h := xheaders.Headers{
		FromARN:          xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
		ConfigurationSet: "transactional",
		Tags:             []xheaders.Tag{{Name: "campaign", Value: "welcome"}, {Name: "customer", Value: "c-42"}},
	}
	block, err := h.Append(nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(strings.ReplaceAll(string(block), "\r\n", "\n"))
	// Output:
	// X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-CONFIGURATION-SET: transactional
	// X-SES-MESSAGE-TAGS: campaign=welcome, customer=c-42
}

func ExampleRead() {
	raw := []byte("x-ses-from-arn: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"From: Sender <sender@example.com>\r\n" +
		"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/ignored.example\r\n" +
		"X-SES-MESSAGE-TAGS: a=1,\r\n b=2\r\n" +
		"\r\n" +
		"X-SES-TENANT: this is body text\r\n")
	e, err := xheaders.Read(raw)
	if err != nil {
		panic(err)
	}
	from, _ := e.Get(xheaders.FromARN)
	tags, _ := e.Get(xheaders.MessageTags)
	fmt.Println(from, e.Count(xheaders.FromARN))
	fmt.Println(tags)
	fmt.Println(e.Count(xheaders.Tenant))

	// The Scanner shows every instance: which one SES uses and which it ignores.
	var s xheaders.Scanner
	s.Reset(raw)
	for s.Next() {
		f := s.Field()
		fmt.Printf("%d-%d %s\n", f.Offset, f.End, f.Name)
	}
	// Output:
	// arn:aws:ses:us-east-1:123456789012:identity/example.com 2
	// a=1, b=2
	// 0
	// 0-73 x-ses-from-arn
	// 108-185 X-SES-FROM-ARN
	// 185-217 X-SES-MESSAGE-TAGS
}

func ExampleRemove() {
	raw := []byte("X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"From: sender@example.com\r\n" +
		"X-Ses-Configuration-Set: cs\r\n" +
		"Subject: hello\r\n" +
		"\r\n" +
		"X-SES-TENANT: body text is kept\r\n")
	out := xheaders.Remove(nil, raw)
	fmt.Print(strings.ReplaceAll(string(out), "\r\n", "\n"))
	// Output:
	// From: sender@example.com
	// Subject: hello
	//
	// X-SES-TENANT: body text is kept
}

func ExampleApplyTo() {
	h := xheaders.Headers{SourceARN: xheaders.MustParseARN("arn:aws:ses:eu-west-1:123456789012:identity/example.com")}
	msg := strings.NewReader("From: sender@example.com\nSubject: hi\n\nbody\n")
	if _, err := xheaders.ApplyTo(os.Stdout, &h, msg, xheaders.ApplyOptions{}); err != nil {
		panic(err)
	}
	// Output:
	// X-SES-SOURCE-ARN: arn:aws:ses:eu-west-1:123456789012:identity/example.com
	// From: sender@example.com
	// Subject: hi
	//
	// body
}

func ExampleRemoveInPlace() {
	raw := []byte("X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"From: sender@example.com\r\n" +
		"X-SES-CONFIGURATION-SET: transactional\r\n" +
		"Subject: hello\r\n" +
		"\r\n" +
		"body\r\n")
	// out is a suffix of raw: only "From: ..." was moved; the body stays where it was.
	out := xheaders.RemoveInPlace(raw)
	fmt.Printf("%q\n", out)
	fmt.Println(&out[len(out)-1] == &raw[len(raw)-1])
	// Output:
	// "From: sender@example.com\r\nSubject: hello\r\n\r\nbody\r\n"
	// true
}

func ExampleReadInto() {
	var e xheaders.Effective // reused across messages
	for _, msg := range []string{
		"X-SES-CONFIGURATION-SET: transactional\r\nx-ses-configuration-set: second\r\n\r\n",
		"X-SES-TENANT: acme\r\n\r\n",
	} {
		if err := xheaders.ReadInto(&e, []byte(msg)); err != nil {
			panic(err)
		}
		set, _ := e.Get(xheaders.ConfigurationSet)
		tenant, _ := e.Get(xheaders.Tenant)
		fmt.Printf("%q %d %q\n", set, e.Count(xheaders.ConfigurationSet), tenant)
	}
	// Output:
	// "transactional" 2 ""
	// "" 0 "acme"
}
