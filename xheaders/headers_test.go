package xheaders_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/xheaders"
)

var (
	srcARN  = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")
	fromARN = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/sender@example.com")
	rpARN   = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/bounces.example.com")
)

func fullHeaders() xheaders.Headers {
	return xheaders.Headers{
		SourceARN:        srcARN,
		FromARN:          fromARN,
		ReturnPathARN:    rpARN,
		ConfigurationSet: "my-config_set1",
		Tags:             []xheaders.Tag{{Name: "campaign", Value: "spring-2026"}, {Name: "tenant_id", Value: "42"}},
		ListManagement:   &xheaders.ListOptions{ContactList: "Newsletter", Topic: "Weekly"},
		Tenant:           "acme-corp",
	}
}

func TestAppendFull(t *testing.T) {
	h := fullHeaders()
	got, err := h.Append([]byte("prefix:"))
	if err != nil {
		t.Fatal(err)
	}
	want := "prefix:" +
		"X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/sender@example.com\r\n" +
		"X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:123456789012:identity/bounces.example.com\r\n" +
		"X-SES-CONFIGURATION-SET: my-config_set1\r\n" +
		"X-SES-MESSAGE-TAGS: campaign=spring-2026, tenant_id=42\r\n" +
		"X-SES-LIST-MANAGEMENT-OPTIONS: Newsletter; topic=Weekly\r\n" +
		"X-SES-TENANT: acme-corp\r\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("Append mismatch (-want +got):\n%s", diff)
	}
}

func TestAppendPartial(t *testing.T) {
	tests := []struct {
		h    xheaders.Headers
		want string
	}{
		{xheaders.Headers{}, ""},
		{xheaders.Headers{FromARN: fromARN}, "X-SES-FROM-ARN: " + fromARN.String() + "\r\n"},
		{xheaders.Headers{Tenant: "t", ConfigurationSet: "c"}, "X-SES-CONFIGURATION-SET: c\r\nX-SES-TENANT: t\r\n"},
		{xheaders.Headers{ListManagement: &xheaders.ListOptions{ContactList: "L"}}, "X-SES-LIST-MANAGEMENT-OPTIONS: L\r\n"},
		{xheaders.Headers{Tags: []xheaders.Tag{{Name: "a", Value: ""}}}, "X-SES-MESSAGE-TAGS: a=\r\n"},
		{xheaders.Headers{Tags: []xheaders.Tag{}}, ""},
	}
	for _, tt := range tests {
		got, err := tt.h.Append(nil)
		if err != nil {
			t.Errorf("%+v: %v", tt.h, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("Append(%+v) = %q, want %q", tt.h, got, tt.want)
		}
		if tt.h.IsZero() != (tt.want == "") {
			t.Errorf("IsZero(%+v) = %v", tt.h, tt.h.IsZero())
		}
	}
}

func TestValidateErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name   string
		h      xheaders.Headers
		header string
		err    error
		reason string
	}{
		{"partial ARN", xheaders.Headers{SourceARN: xheaders.ARN{Partition: "aws"}}, xheaders.SourceARN, xheaders.ErrInvalidARN, "region"},
		{"bad from ARN account", xheaders.Headers{FromARN: xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "1", Identity: "example.com"}}, xheaders.FromARN, xheaders.ErrInvalidARN, "account"},
		{"ARN injection", xheaders.Headers{ReturnPathARN: xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "123456789012", Identity: "example.com\r\nBcc: x@example.com"}}, xheaders.ReturnPathARN, xheaders.ErrInvalidARN, "atext"},
		{"config set char", xheaders.Headers{ConfigurationSet: "my set"}, xheaders.ConfigurationSet, xheaders.ErrInvalidConfigSet, "character"},
		{"config set CRLF", xheaders.Headers{ConfigurationSet: "a\r\nBcc: x"}, xheaders.ConfigurationSet, xheaders.ErrInvalidConfigSet, "character"},
		{"config set long", xheaders.Headers{ConfigurationSet: long(65)}, xheaders.ConfigurationSet, xheaders.ErrInvalidConfigSet, "longer than 64"},
		{"config set dot", xheaders.Headers{ConfigurationSet: "a.b"}, xheaders.ConfigurationSet, xheaders.ErrInvalidConfigSet, "character"},
		{"tag empty name", xheaders.Headers{Tags: []xheaders.Tag{{Name: "", Value: "v"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "tag name is empty"},
		{"tag name char", xheaders.Headers{Tags: []xheaders.Tag{{Name: "a=b", Value: "v"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "tag name has"},
		{"tag value comma", xheaders.Headers{Tags: []xheaders.Tag{{Name: "a", Value: "v,w"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "tag value has"},
		{"tag value space", xheaders.Headers{Tags: []xheaders.Tag{{Name: "a", Value: "v w"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "tag value has"},
		{"tag value colon", xheaders.Headers{Tags: []xheaders.Tag{{Name: "event", Value: "event:id:abc1234"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "tag value has"},
		{"tag name long", xheaders.Headers{Tags: []xheaders.Tag{{Name: long(257), Value: "v"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "longer than 256"},
		{"tag value long", xheaders.Headers{Tags: []xheaders.Tag{{Name: "a", Value: long(257)}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "longer than 256"},
		{"tag duplicate", xheaders.Headers{Tags: []xheaders.Tag{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}, {Name: "a", Value: "3"}}}, xheaders.MessageTags, xheaders.ErrInvalidTag, "duplicate"},
		{"list empty", xheaders.Headers{ListManagement: &xheaders.ListOptions{}}, xheaders.ListManagement, xheaders.ErrInvalidListManagement, "contact list name is empty"},
		{"list char", xheaders.Headers{ListManagement: &xheaders.ListOptions{ContactList: "a;b"}}, xheaders.ListManagement, xheaders.ErrInvalidListManagement, "contact list name has"},
		{"list long", xheaders.Headers{ListManagement: &xheaders.ListOptions{ContactList: long(65)}}, xheaders.ListManagement, xheaders.ErrInvalidListManagement, "longer than 64"},
		{"topic char", xheaders.Headers{ListManagement: &xheaders.ListOptions{ContactList: "L", Topic: "t=x"}}, xheaders.ListManagement, xheaders.ErrInvalidListManagement, "topic name has"},
		{"tenant char", xheaders.Headers{Tenant: "acme corp"}, xheaders.Tenant, xheaders.ErrInvalidTenant, "character"},
		{"tenant long", xheaders.Headers{Tenant: long(65)}, xheaders.Tenant, xheaders.ErrInvalidTenant, "longer than 64"},
		{"tenant non-ASCII", xheaders.Headers{Tenant: "acmé"}, xheaders.Tenant, xheaders.ErrInvalidTenant, "character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.h.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want error")
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v does not wrap %v", err, tt.err)
			}
			var he *xheaders.HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("error %T is not *HeaderError", err)
			}
			if he.Header != tt.header {
				t.Errorf("Header = %q, want %q", he.Header, tt.header)
			}
			if !strings.Contains(he.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", he.Reason, tt.reason)
			}
			if len(he.Value) > 80 {
				t.Errorf("Value not truncated: %d bytes", len(he.Value))
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "xheaders: "+tt.header+": ") || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("message %q", msg)
			}
			dst := []byte("keep")
			out, aerr := tt.h.Append(dst)
			if aerr == nil || string(out) != "keep" {
				t.Errorf("Append = %q, %v; want dst unchanged and an error", out, aerr)
			}
		})
	}
}

func TestValidateJoinsErrors(t *testing.T) {
	h := xheaders.Headers{ConfigurationSet: "bad set", Tenant: "bad tenant", Tags: []xheaders.Tag{{Name: "x"}, {Name: "x"}}}
	err := h.Validate()
	for _, s := range []error{xheaders.ErrInvalidConfigSet, xheaders.ErrInvalidTenant, xheaders.ErrInvalidTag} {
		if !errors.Is(err, s) {
			t.Errorf("joined error %v does not wrap %v", err, s)
		}
	}
	if errors.Is(err, xheaders.ErrInvalidARN) {
		t.Errorf("joined error wraps ErrInvalidARN")
	}
}

func TestValidateManyTagsDuplicate(t *testing.T) {
	var tags []xheaders.Tag
	for i := range 100 {
		tags = append(tags, xheaders.Tag{Name: "t" + strings.Repeat("x", i%50) + string(rune('a'+i/50)), Value: "v"})
	}
	h := xheaders.Headers{Tags: tags}
	if err := h.Validate(); err != nil {
		t.Fatalf("unique tags: %v", err)
	}
	h.Tags = append(tags, tags[70])
	if err := h.Validate(); !errors.Is(err, xheaders.ErrInvalidTag) {
		t.Fatalf("duplicate among 101 tags: %v", err)
	}
}

func TestAppendFoldsLongTagLists(t *testing.T) {
	var tags []xheaders.Tag
	for i := range 40 {
		tags = append(tags, xheaders.Tag{Name: "tag" + strings.Repeat("n", 40) + string(rune('A'+i%26)) + string(rune('a'+i/26)), Value: strings.Repeat("v", 60+i)})
	}
	h := xheaders.Headers{Tags: tags}
	out, err := h.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, out)
	if n := strings.Count(string(out), "\r\n"); n < 3 {
		t.Fatalf("expected folding, got %d lines", n)
	}
	e, err := xheaders.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := e.Get(xheaders.MessageTags)
	if v != xheaders.FormatTags(tags) {
		t.Errorf("unfolded tags differ:\n got %q\nwant %q", v, xheaders.FormatTags(tags))
	}
	got, err := e.Headers()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tags, got.Tags); diff != "" {
		t.Errorf("tags round trip (-want +got):\n%s", diff)
	}
}

// TestAppendMaxTags puts maximal tags on lines exactly at the limit.
func TestAppendMaxTags(t *testing.T) {
	for extra := range 8 {
		var tags []xheaders.Tag
		for i := range 10 {
			tags = append(tags, xheaders.Tag{Name: strings.Repeat("n", 255-extra) + string(rune('a'+i)), Value: strings.Repeat("v", 256-i)})
		}
		h := xheaders.Headers{Tags: tags}
		out, err := h.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, out)
	}
}

// checkLines asserts CRLF line endings, lines <= 998 octets and 7-bit ASCII.
func checkLines(t *testing.T, b []byte) {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end in CRLF: %q", s)
	}
	for i, line := range strings.SplitAfter(s, "\r\n") {
		if line == "" {
			continue
		}
		body := strings.TrimSuffix(line, "\r\n")
		if strings.ContainsAny(body, "\r\n") {
			t.Errorf("line %d has a bare CR or LF", i)
		}
		if len(body) > 998 {
			t.Errorf("line %d is %d octets", i, len(body))
		}
		for j := 0; j < len(body); j++ {
			if body[j] >= 0x80 {
				t.Errorf("line %d has a non-ASCII byte", i)
				break
			}
		}
	}
}

func TestHeadersRoundTrip(t *testing.T) {
	cases := []xheaders.Headers{
		fullHeaders(),
		{FromARN: fromARN},
		{SourceARN: xheaders.MustParseARN("arn:aws:ses:*:123456789012:identity/user@example.com"), Tags: []xheaders.Tag{{Name: "a", Value: ""}}},
		{ListManagement: &xheaders.ListOptions{ContactList: "L"}, Tenant: "T"},
	}
	for _, h := range cases {
		block, err := h.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		msg := string(block) + "From: a@example.com\r\n\r\nbody\r\n"
		e, err := xheaders.Read([]byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Headers()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(h, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		if e.Total() == 0 && !h.IsZero() {
			t.Errorf("Total() = 0")
		}
	}
}

func TestParseTags(t *testing.T) {
	good := []struct {
		in   string
		want []xheaders.Tag
	}{
		{"a=b", []xheaders.Tag{{Name: "a", Value: "b"}}},
		{"a=b, c=d", []xheaders.Tag{{Name: "a", Value: "b"}, {Name: "c", Value: "d"}}},
		{" a=b ,c=d\t", []xheaders.Tag{{Name: "a", Value: "b"}, {Name: "c", Value: "d"}}},
		{"a=", []xheaders.Tag{{Name: "a", Value: ""}}},
	}
	for _, tt := range good {
		got, err := xheaders.ParseTags(tt.in)
		if err != nil {
			t.Errorf("ParseTags(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseTags(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	bad := []struct{ in, reason string }{
		{"", "no tags"},
		{"  ", "no tags"},
		{"a=b,", "empty item"},
		{"a=b,,c=d", "empty item"},
		{"a", "no '='"},
		{"=b", "tag name is empty"},
		{"a = b", "tag name has"},
		{"a=b=c", "tag value has"},
		{"a=1, a=2", "duplicate"},
		{"a=b; c=d", "tag value has"},
	}
	for _, tt := range bad {
		_, err := xheaders.ParseTags(tt.in)
		var he *xheaders.HeaderError
		if !errors.Is(err, xheaders.ErrInvalidTag) || !errors.As(err, &he) {
			t.Errorf("ParseTags(%q) = %v, want *HeaderError wrapping ErrInvalidTag", tt.in, err)
			continue
		}
		if he.Header != xheaders.MessageTags || !strings.Contains(he.Reason, tt.reason) {
			t.Errorf("ParseTags(%q): %q / %q, want reason containing %q", tt.in, he.Header, he.Reason, tt.reason)
		}
	}
}

func TestParseListOptions(t *testing.T) {
	good := []struct {
		in   string
		want xheaders.ListOptions
	}{
		{"contactListName; topic=topic", xheaders.ListOptions{ContactList: "contactListName", Topic: "topic"}},
		{"L;topic=T", xheaders.ListOptions{ContactList: "L", Topic: "T"}},
		{" L ; Topic = T ", xheaders.ListOptions{ContactList: "L", Topic: "T"}},
		{"L", xheaders.ListOptions{ContactList: "L"}},
	}
	for _, tt := range good {
		got, err := xheaders.ParseListOptions(tt.in)
		if err != nil {
			t.Errorf("ParseListOptions(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseListOptions(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	bad := []struct{ in, reason string }{
		{"", "contact list name is empty"},
		{"; topic=T", "contact list name is empty"},
		{"L; topic=", "topic name is empty"},
		{"L;", `not "topic=NAME"`},
		{"L; topicName=T", `not "topic=NAME"`},
		{"contactListName=MyContactList;topicName=MyTopic", `not "topic=NAME"`},
		{"contactListName=L", "contact list name has"},
		{"L; topic=T; x=y", "topic name has"},
		{"L L; topic=T", "contact list name has"},
	}
	for _, tt := range bad {
		_, err := xheaders.ParseListOptions(tt.in)
		var he *xheaders.HeaderError
		if !errors.Is(err, xheaders.ErrInvalidListManagement) || !errors.As(err, &he) {
			t.Errorf("ParseListOptions(%q) = %v, want *HeaderError wrapping ErrInvalidListManagement", tt.in, err)
			continue
		}
		if !strings.Contains(he.Reason, tt.reason) {
			t.Errorf("ParseListOptions(%q): reason %q, want %q", tt.in, he.Reason, tt.reason)
		}
	}
	if s := (xheaders.ListOptions{ContactList: "L", Topic: "T"}).String(); s != "L; topic=T" {
		t.Errorf("String() = %q", s)
	}
}

func TestEffectiveHeadersErrors(t *testing.T) {
	msg := "X-SES-FROM-ARN: arn:aws:ses:us-east-1:123:identity/example.com\r\n" +
		"X-SES-CONFIGURATION-SET: bad set\r\n" +
		"X-SES-TENANT: ok\r\n\r\n"
	e, err := xheaders.Read([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.Headers()
	if !errors.Is(err, xheaders.ErrInvalidARN) || !errors.Is(err, xheaders.ErrInvalidConfigSet) {
		t.Fatalf("Headers() error = %v", err)
	}
	var he *xheaders.HeaderError
	if !errors.As(err, &he) || he.Header != xheaders.FromARN {
		t.Errorf("first error %+v, want Header %s", he, xheaders.FromARN)
	}
	if h.Tenant != "ok" || !h.FromARN.IsZero() || h.ConfigurationSet != "" {
		t.Errorf("partial Headers = %+v", h)
	}
}
