package preflight_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/sesraw/sesraw/sesrules"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/sespolicy"
)

const (
	arnExample = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
	arnOther   = "arn:aws:ses:us-east-1:123456789012:identity/other.com"
	arnWest    = "arn:aws:ses:us-west-2:123456789012:identity/example.com"
)

// msg joins header lines and a body into a CRLF message.
func msg(body string, headers ...string) string {
	return strings.Join(headers, "\r\n") + "\r\n\r\n" + body
}

// Header lines of a message that passes every rule.
var (
	hFrom    = "From: Ann Example <ann@example.com>"
	hTo      = "To: Bob <bob@example.org>"
	hSubject = "Subject: Hello"
	hMIME    = "MIME-Version: 1.0"
	hText    = "Content-Type: text/plain; charset=us-ascii"
	hDKIM    = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;\r\n" +
		"\th=From:To:Subject:MIME-Version:Content-Type; bh=AAAA; b=BBBB"
	base = []string{hFrom, hTo, hSubject, hMIME, hText}
)

func with(extra ...string) []string { return append(slices.Clone(extra), base...) }

func baseWithout(drop string) []string {
	var out []string
	for _, h := range base {
		if h != drop {
			out = append(out, h)
		}
	}
	return out
}

// mixed builds a multipart/mixed message with a text part and one attachment part.
func mixed(attHeaders ...string) string {
	return msg("--b1\r\n"+hText+"\r\n\r\nHello\r\n--b1\r\n"+strings.Join(attHeaders, "\r\n")+
		"\r\n\r\nAAAA\r\n--b1--\r\n",
		hFrom, hTo, hSubject, hMIME, `Content-Type: multipart/mixed; boundary="b1"`)
}

func nested(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString("--n" + strconv.Itoa(i) + "\r\nContent-Type: multipart/mixed; boundary=n" +
			strconv.Itoa(i+1) + "\r\n\r\n")
	}
	b.WriteString("--n" + strconv.Itoa(depth) + "\r\n" + hText + "\r\n\r\nx\r\n")
	for i := depth; i >= 0; i-- {
		b.WriteString("--n" + strconv.Itoa(i) + "--\r\n")
	}
	return msg(b.String(), hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=n0")
}

func manyParts(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString("--p\r\n" + hText + "\r\n\r\nx\r\n")
	}
	b.WriteString("--p--\r\n")
	return msg(b.String(), hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=p")
}

func addrs(n int) string {
	var s []string
	for i := range n {
		s = append(s, "u"+strconv.Itoa(i)+"@example.org")
	}
	return strings.Join(s, ",\r\n ")
}

func bigHeader() []string {
	h := slices.Clone(base)
	line := "X-Filler: " + strings.Repeat("a", 900)
	for range preflight.MaxHeaderBytes/len(line) + 1 {
		h = append(h, line)
	}
	return h
}

func sizedBody(n int) string {
	line := strings.Repeat("a", 76) + "\r\n"
	return strings.Repeat(line, n/len(line)+1)
}

type ruleTest struct {
	rule      string
	opts      *preflight.Options
	bad, good string
}

// ruleTests has, for every rule of the catalogue, a message that trips it and one that does not.
var ruleTests = []ruleTest{
	{preflight.RuleSize, &preflight.Options{Target: preflight.TargetV1},
		msg(sizedBody(sesrules.MaxBytesV1), base...), msg(sizedBody(sesrules.MaxBytesV1-1000), base...)},
	{preflight.RuleInputTruncated, &preflight.Options{MaxBytes: 1000},
		msg(sizedBody(1000), base...), msg(sizedBody(600), base...)},
	{preflight.RuleHeaderTooLarge, nil, msg("x\r\n", bigHeader()...), msg("x\r\n", base...)},
	{preflight.RuleNoHeaderBodySeparator, nil,
		strings.Join(base, "\r\n") + "\r\n", msg("", base...)},
	{preflight.RuleHeaderSyntax, nil,
		msg("x\r\n", append(slices.Clone(base), "This line is no header")...),
		msg("x\r\n", append(slices.Clone(base), "X-Long: a\r\n\tfolded value")...)},
	{preflight.RuleXSESAmbiguous, nil,
		msg("x\r\n", append(slices.Clone(base), "garbage line", "X-SES-CONFIGURATION-SET: cs")...),
		msg("x\r\n", append(slices.Clone(base), "garbage line", "X-Other: cs")...)},
	{preflight.RuleLineLength, nil,
		msg(strings.Repeat("a", 999)+"\r\n", base...), msg(strings.Repeat("a", 998)+"\r\n", base...)},
	{preflight.RuleBareLF, nil, msg("one\ntwo\r\n", base...), msg("one\r\ntwo\r\n", base...)},
	{preflight.RuleBareCR, nil, msg("one\rtwo\r\n", base...), msg("one\r\ntwo\r\n", base...)},
	{preflight.RuleHeader8bit, nil, msg("x\r\n", with("Comments: Grüße")...),
		msg("x\r\n", with("Comments: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=")...)},
	{preflight.RuleBody8bit, nil, msg("Grüße\r\n", base...), msg("Gr=C3=BC=C3=9Fe\r\n", base...)},
	{preflight.RuleMissingFrom, nil, msg("x\r\n", baseWithout(hFrom)...), msg("x\r\n", base...)},
	{preflight.RuleDuplicateHeader, nil,
		msg("x\r\n", with("Message-ID: <a@example.com>", "message-id: <b@example.com>")...),
		msg("x\r\n", with("Received: from a", "Received: from b", "X-Custom: 1", "X-Custom: 2")...)},
	{preflight.RuleRecipients, nil, msg("x\r\n", with("Cc: "+addrs(30), "Bcc: "+addrs(21))...),
		msg("x\r\n", with("Cc: "+addrs(29), "Bcc: undisclosed-recipients:;", "Bcc: "+addrs(20))...)},
	{preflight.RuleAddressNonASCII, nil, msg("x\r\n", with("Cc: <jürgen@example.org>")...),
		msg("x\r\n", with("Cc: =?UTF-8?Q?J=C3=BCrgen?= <juergen@xn--mnchen-3ya.de>")...)},
	{preflight.RuleAddressSyntax, nil, msg("x\r\n", with("Cc: \"Bob <bob@example.org>")...),
		msg("x\r\n", with("Cc: \"Bob, Jr.\" <bob@example.org> (the boss), Team: a@example.org, b@example.org;")...)},
	{preflight.RuleXSESDuplicate, nil,
		msg("x\r\n", with("X-SES-CONFIGURATION-SET: one", "x-ses-configuration-set: two")...),
		msg("x\r\n", with("X-SES-CONFIGURATION-SET: one", "X-SES-TENANT: two")...)},
	{preflight.RuleXSESMalformed, nil, msg("x\r\n", with("X-SES-FROM-ARN: arn:aws:ses:example.com")...),
		msg("x\r\n", with("X-SES-FROM-ARN: "+arnExample)...)},
	{preflight.RuleXSESUnknown, nil, msg("x\r\n", with("X-SES-FROM-ARNS: "+arnExample)...),
		msg("x\r\n", with("X-SES-FROM-ARN: "+arnExample)...)},
	{preflight.RuleXSESTarget, &preflight.Options{Target: preflight.TargetV2},
		msg("x\r\n", with("X-SES-CONFIGURATION-SET: cs")...), msg("x\r\n", base...)},
	{preflight.RuleTagSyntax, nil, msg("x\r\n", with("X-SES-MESSAGE-TAGS: campaign=spring sale")...),
		msg("x\r\n", with("X-SES-MESSAGE-TAGS: campaign=spring_sale, kind=news")...)},
	{preflight.RuleConfigurationSetSyntax, nil, msg("x\r\n", with("X-SES-CONFIGURATION-SET: my set")...),
		msg("x\r\n", with("X-SES-CONFIGURATION-SET: my-set_1")...)},
	{preflight.RuleARNNotCoveringFrom, nil, msg("x\r\n", with("X-SES-FROM-ARN: "+arnOther)...),
		msg("x\r\n", with("X-SES-FROM-ARN: "+arnExample)...)},
	{preflight.RuleSourceARNWithoutFromARN, nil, msg("x\r\n", with("X-SES-SOURCE-ARN: "+arnExample)...),
		msg("x\r\n", with("X-SES-SOURCE-ARN: "+arnExample, "X-SES-FROM-ARN: "+arnExample)...)},
	{preflight.RuleARNRegion, &preflight.Options{Region: "us-west-2"},
		msg("x\r\n", with("X-SES-FROM-ARN: "+arnExample)...), msg("x\r\n", with("X-SES-FROM-ARN: "+arnWest)...)},
	{preflight.RuleDKIMMultiple, nil, msg("x\r\n", with(hDKIM, hDKIM)...), msg("x\r\n", with(hDKIM)...)},
	{preflight.RuleDKIMSignsStripped, nil,
		msg("x\r\n", with("X-SES-FROM-ARN: "+arnExample,
			"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=x-ses-from-arn:From:To; bh=A; b=B")...),
		msg("x\r\n", with("X-SES-FROM-ARN: "+arnExample, hDKIM)...)},
	{preflight.RuleDKIMSignsRewritten, nil,
		msg("x\r\n", with("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=From : Message-ID; bh=A; b=B")...),
		msg("x\r\n", with(hDKIM)...)},
	{preflight.RuleDKIMSyntax, nil,
		msg("x\r\n", with("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=From; b=B")...),
		msg("x\r\n", with(hDKIM)...)},
	{preflight.RuleListManagementSigned, nil,
		msg("x\r\n", with("X-SES-LIST-MANAGEMENT-OPTIONS: list; topic=news", hDKIM)...),
		msg("x\r\n", with("X-SES-LIST-MANAGEMENT-OPTIONS: list; topic=news")...)},
	{preflight.RuleUnsubscribeConflict, nil,
		msg("x\r\n", with("List-Unsubscribe: <https://example.com/u>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
			"X-SES-LIST-MANAGEMENT-OPTIONS: list; topic=news")...),
		msg("x\r\n", with("List-Unsubscribe: <https://example.com/u>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click")...)},
	{preflight.RuleUnsubscribeOneClick, nil,
		msg("x\r\n", with("List-Unsubscribe: <mailto:u@example.com>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click")...),
		msg("x\r\n", with("List-Unsubscribe: <mailto:u@example.com>,\r\n <https://example.com/u>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click")...)},
	{preflight.RuleAttachmentExtension, nil,
		mixed(`Content-Type: application/octet-stream`, `Content-Disposition: attachment; filename="setup.exe"`,
			"Content-Transfer-Encoding: base64"),
		mixed(`Content-Type: application/pdf`, `Content-Disposition: attachment; filename="setup.pdf"`,
			"Content-Transfer-Encoding: base64")},
	{preflight.RuleAttachmentEncoding, nil,
		mixed(`Content-Type: text/csv`, `Content-Disposition: attachment; filename="a.csv"`,
			"Content-Transfer-Encoding: quoted-printable"),
		mixed(`Content-Type: text/csv`, `Content-Disposition: attachment; filename="a.csv"`,
			"Content-Transfer-Encoding: BASE64")},
	{preflight.RuleMIMEStructure, nil,
		msg("--b1\r\n\r\nx\r\n--b1--\r\n", hFrom, hTo, hMIME, "Content-Type: multipart/mixed"),
		mixed("Content-Type: text/plain")},
	{preflight.RuleMIMEParams, nil,
		msg("--b1\r\n\r\nx\r\n--b1--\r\n", hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=b1 charset=x"),
		msg("--b1\r\n\r\nx\r\n--b1--\r\n", hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=b1;")},
	{preflight.RuleMIMEUnterminated, nil,
		msg("--b1\r\n\r\nx\r\n", hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=b1"),
		msg("--b1\r\n\r\nx\r\n--b1--  \r\n", hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=b1")},
	{preflight.RuleMIMELimit, nil, nested(preflight.MaxMIMEDepth), nested(preflight.MaxMIMEDepth - 1)},
	{preflight.RulePolicyDenied, &preflight.Options{Policy: policyCheck()},
		msg("x\r\n", with(xsesSource, "Cc: Carol <carol@example.com>")...), msg("x\r\n", with(xsesSource)...)},
}

// xsesSource delegates to example.com, owned by 123456789012.
const xsesSource = "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com"

// policyCheck: the owner lets account 210987654321 send to example.org recipients only.
func policyCheck() *preflight.PolicyCheck {
	p, err := sespolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Allow",
	  "Principal":{"AWS":"210987654321"},"Action":"ses:SendRawEmail","Resource":"arn:aws:ses:us-east-1:123456789012:identity/example.com",
	  "Condition":{"ForAllValues:StringLike":{"ses:Recipients":"*@example.org"},"Null":{"ses:Recipients":"false"}}}]}`))
	if err != nil {
		panic(err)
	}
	return &preflight.PolicyCheck{Caller: "210987654321", Owner: []sespolicy.IdentityPolicies{
		{ARN: "arn:aws:ses:us-east-1:123456789012:identity/example.com", Policies: []*sespolicy.Policy{p}}}}
}

func rulesOf(fs []preflight.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.Rule]++
	}
	return m
}

// check runs Check, or CheckReader when the test bounds MaxBytes (Check ignores it).
func check(t *testing.T, raw string, opts *preflight.Options) []preflight.Finding {
	t.Helper()
	if opts != nil && opts.MaxBytes > 0 {
		fs, err := preflight.CheckReader(strings.NewReader(raw), opts)
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	return preflight.Check([]byte(raw), opts)
}

func TestRules(t *testing.T) {
	for _, tt := range ruleTests {
		t.Run(tt.rule, func(t *testing.T) {
			bad := check(t, tt.bad, tt.opts)
			if rulesOf(bad)[tt.rule] == 0 {
				t.Errorf("bad message: no %s finding; got %v", tt.rule, bad)
			}
			good := check(t, tt.good, tt.opts)
			if rulesOf(good)[tt.rule] != 0 {
				t.Errorf("good message: unexpected %s finding; got %v", tt.rule, good)
			}
		})
	}
}

// TestCatalogue checks that the catalogue, the exported ids and the rule tests agree.
func TestCatalogue(t *testing.T) {
	rules := preflight.Rules()
	ids := map[string]bool{}
	for _, r := range rules {
		if ids[r.ID] {
			t.Errorf("duplicate rule id %q", r.ID)
		}
		ids[r.ID] = true
		if r.Summary == "" || r.Severity < preflight.Info || r.Severity > preflight.Error {
			t.Errorf("rule %q: bad summary or severity", r.ID)
		}
		for _, c := range r.ID {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				t.Errorf("rule id %q: want lower-case letters, digits and '-'", r.ID)
			}
		}
	}
	tested := map[string]bool{}
	for _, tt := range ruleTests {
		if !ids[tt.rule] {
			t.Errorf("rule test for %q, which is not in the catalogue", tt.rule)
		}
		tested[tt.rule] = true
	}
	for id := range ids {
		if !tested[id] {
			t.Errorf("rule %q has no rule test", id)
		}
	}
	// Every finding of every test message names a catalogued rule, with at most its severity.
	sev := map[string]preflight.Severity{}
	for _, r := range rules {
		sev[r.ID] = r.Severity
	}
	for _, tt := range ruleTests {
		for _, raw := range []string{tt.bad, tt.good} {
			if len(raw) > 1<<20 {
				continue // the size and header-too-large messages: checked by TestRules
			}
			for _, f := range check(t, raw, tt.opts) {
				if s, ok := sev[f.Rule]; !ok || f.Severity > s {
					t.Errorf("finding %v: rule not catalogued or severity above %v", f, s)
				}
			}
		}
	}
	// Rules returns a copy.
	rules[0].ID = "changed"
	if preflight.Rules()[0].ID == "changed" {
		t.Error("Rules returned the catalogue itself")
	}
}

func TestCleanMessages(t *testing.T) {
	for name, raw := range map[string]string{
		"plain": msg("Hello\r\n", base...),
		"signed delegate": msg("Hello\r\n", with("X-SES-SOURCE-ARN: "+arnExample, "X-SES-FROM-ARN: "+arnExample,
			"X-SES-RETURN-PATH-ARN: "+arnExample, "X-SES-CONFIGURATION-SET: cs",
			"X-SES-MESSAGE-TAGS: a=b, c=d", hDKIM)...),
		"attachment": mixed(`Content-Type: application/pdf; name="r.pdf"`,
			`Content-Disposition: attachment; filename="r.pdf"`, "Content-Transfer-Encoding: base64"),
		"nested": nested(3),
	} {
		for _, target := range []preflight.Target{preflight.TargetAny, preflight.TargetV1, preflight.TargetSMTP} {
			if fs := preflight.Check([]byte(raw), &preflight.Options{Target: target, Region: "us-east-1"}); len(fs) != 0 {
				t.Errorf("%s (%v): want no findings, got %v", name, target, fs)
			}
		}
	}
}

func TestExactFindings(t *testing.T) {
	raw := "X-SES-FROM-ARN: " + arnExample + "\r\n" + // 1
		"X-SES-FROM-ARN: " + arnOther + "\r\n" + // 2
		"From: ann@example.com\r\n" + // 3
		"x-ses-from-arn: " + arnOther + "\r\n" + // 4
		"Subject: a\r\n" + // 5
		"SUBJECT: b\r\n" + // 6
		"Content-Type: multipart/mixed; boundary=x\r\n" + // 7
		"\r\n" + // 8
		"--x\r\n" + // 9
		"Content-Type: multipart/alternative; boundary=y\r\n" + // 10
		"\r\n" + // 11
		"--y\r\n" + // 12
		"\r\n" + // 13
		"text\r\n" + // 14
		"--x\r\n" + // 15: closes y implicitly
		"Content-Disposition: attachment;\r\n" + // 16
		" filename*0*=iso-8859-1''run%2E;\r\n" + // 17
		" filename*1=\"BAT. \"\r\n" + // 18
		"Content-Transfer-Encoding: base64\r\n" + // 19
		"\r\n" + // 20
		"AAAA\r\n" + // 21
		"--x--\r\n" // 22
	want := []preflight.Finding{
		{Rule: "xses-duplicate", Severity: preflight.Warning, Line: 2,
			Message: "X-SES-FROM-ARN appears 3 times: SES uses the first (line 1) and ignores lines 2, 4"},
		{Rule: "duplicate-header", Severity: preflight.Error, Line: 6,
			Message: "Subject appears 2 times (first at line 5); SES rejects the message: Duplicate header 'Subject'"},
		{Rule: "mime-unterminated", Severity: preflight.Warning, Line: 10,
			Message: `multipart with boundary "y" has no closing delimiter`},
		{Rule: "attachment-extension", Severity: preflight.Error, Line: 16,
			Message: `attachment "run.BAT. " has the extension .bat, which SES does not accept`},
	}
	got := preflight.Check([]byte(raw), nil)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
}

func TestAttachmentNames(t *testing.T) {
	for _, tt := range []struct {
		headers []string
		bad     bool
	}{
		{[]string{`Content-Type: application/x-msdownload; name=setup.EXE`}, true},
		{[]string{`Content-Type: application/octet-stream; name="a.js"`}, true},
		{[]string{`Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC.vbs`}, true},
		{[]string{`Content-Disposition: attachment; filename*=windows-1252'en'a.ps1xml`}, true},
		{[]string{`Content-Disposition: attachment; filename="=?UTF-8?B?cnVuLmNtZA==?="`}, true},
		{[]string{`Content-Disposition: attachment; filename="=?x-unknown?Q?run.cmd?="`}, true},
		{[]string{`Content-Disposition: attachment; filename="setup.exe..."`}, true},
		{[]string{`Content-Disposition: attachment; filename=ok.pdf`, `Content-Type: application/pdf; name=x.scr`}, true},
		{[]string{`Content-Disposition: attachment; filename="a.exe" ; filename*=UTF-8''a.pdf`}, true},
		{[]string{`Content-Disposition: attachment; filename="a.pdf" ; filename*=UTF-8''a.pdf`}, false},
		{[]string{`Content-Disposition: inline; filename="a.exe.pdf"`}, false},
		{[]string{`Content-Disposition: attachment; filename="evil.exe::$DATA"`}, true},
		{[]string{`Content-Disposition: attachment; filename="report.pdf:x"`}, false},
		{[]string{`Content-Disposition: attachment; filename="exe"`}, false},
		{[]string{`Content-Disposition: attachment; filename="a.exe2"`}, false},
		{[]string{`Content-Type: text/plain; filename=a.exe`}, false}, // filename is not a Content-Type parameter
	} {
		hs := append(slices.Clone(tt.headers), "Content-Transfer-Encoding: base64")
		fs := preflight.Check([]byte(mixed(hs...)), nil)
		if got := rulesOf(fs)[preflight.RuleAttachmentExtension] > 0; got != tt.bad {
			t.Errorf("%q: attachment-extension = %v, want %v (%v)", tt.headers, got, tt.bad, fs)
		}
	}
	// A single-part message that is itself an attachment.
	fs := preflight.Check([]byte(msg("AAAA\r\n", hFrom, hTo, "Content-Type: application/octet-stream; name=a.lnk",
		"Content-Transfer-Encoding: base64")), nil)
	if rulesOf(fs)[preflight.RuleAttachmentExtension] != 1 {
		t.Errorf("single-part attachment: %v", fs)
	}
}

// lines is a reader of n bytes of 76-character CRLF lines, without allocating per read.
type lines struct {
	n     int64
	off   int
	block []byte
}

func (l *lines) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if l.block == nil {
		l.block = bytes.Repeat([]byte(strings.Repeat("a", 76)+"\r\n"), 512)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n := 0
	for n < len(p) {
		m := copy(p[n:], l.block[l.off:])
		n += m
		l.off = (l.off + m) % len(l.block)
	}
	l.n -= int64(n)
	return n, nil
}

// TestStreamingEqualsCheck checks that CheckReader gives Check's findings however the input is
// split into reads.
func TestStreamingEqualsCheck(t *testing.T) {
	for _, tt := range ruleTests {
		for _, raw := range []string{tt.bad, tt.good} {
			if len(raw) > 1<<20 || tt.opts != nil && tt.opts.MaxBytes > 0 {
				continue
			}
			want := preflight.Check([]byte(raw), tt.opts)
			readers := map[string]io.Reader{
				"one byte": iotest.OneByteReader(strings.NewReader(raw)),
				"half":     iotest.HalfReader(strings.NewReader(raw)),
				"data+EOF": iotest.DataErrReader(strings.NewReader(raw)),
			}
			for name, r := range readers {
				got, err := preflight.CheckReader(r, tt.opts)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s, %s reader: CheckReader differs from Check (-Check +CheckReader):\n%s", tt.rule, name, d)
				}
			}
		}
	}
}

func TestCheckReaderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := preflight.CheckReader(iotest.ErrReader(boom), nil)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "preflight: ") {
		t.Errorf("err = %v, want a preflight: error wrapping boom", err)
	}
}

func TestTruncated(t *testing.T) {
	raw := msg("--b1\r\n"+sizedBody(5000), hFrom, hTo, hMIME, "Content-Type: multipart/mixed; boundary=b1")
	fs, err := preflight.CheckReader(strings.NewReader(raw), &preflight.Options{MaxBytes: 2000})
	if err != nil {
		t.Fatal(err)
	}
	// The missing close delimiter is not reported: the input was cut, not the message.
	if got := rulesOf(fs); got[preflight.RuleInputTruncated] != 1 || got[preflight.RuleMIMEUnterminated] != 0 || len(fs) != 1 {
		t.Errorf("findings = %v", fs)
	}
}

func TestPerRuleCap(t *testing.T) {
	body := strings.Repeat(strings.Repeat("a", 1000)+"\n", 500)
	fs := preflight.Check([]byte(msg(body, base...)), nil)
	want := []preflight.Finding{
		{Rule: "bare-lf", Severity: preflight.Warning, Line: 7, Message: "line ends in a bare LF; mail lines end in CRLF"},
		{Rule: "line-length", Severity: preflight.Error, Line: 7, Message: "line is 1000 octets long; SES allows at most 998 before CRLF"},
		{Rule: "bare-lf", Severity: preflight.Warning, Line: 8, Message: "499 more bare-lf findings, the first at line 8"},
		{Rule: "line-length", Severity: preflight.Error, Line: 8, Message: "499 more line-length findings, the first at line 8"},
	}
	if d := cmp.Diff(want, fs); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// Rules capped at 20: 30 unknown X-SES headers give 20 findings and a summary.
	var hs []string
	for i := range 30 {
		hs = append(hs, "X-SES-NOPE"+strconv.Itoa(i)+": x")
	}
	fs = preflight.Check([]byte(msg("x\r\n", with(hs...)...)), nil)
	if n := rulesOf(fs)[preflight.RuleXSESUnknown]; n != 21 {
		t.Errorf("xses-unknown findings = %d, want 21", n)
	}
}

func TestMIMEWalk(t *testing.T) {
	ct := "Content-Type: multipart/mixed; boundary=b"
	for _, tt := range []struct {
		name string
		raw  string
		want map[string]int
	}{
		{"boundary never occurs", msg("hello\r\n", hFrom, hTo, ct),
			map[string]int{preflight.RuleMIMEStructure: 1}},
		{"no parts", msg("--b--\r\n", hFrom, hTo, ct), map[string]int{preflight.RuleMIMEStructure: 1}},
		{"reused boundary", msg("--b\r\n"+ct+"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--b--\r\n", hFrom, hTo, ct),
			map[string]int{preflight.RuleMIMEStructure: 1}},
		{"bad part header", msg("--b\r\nnot a header\r\n\r\nx\r\n--b--\r\n", hFrom, hTo, ct),
			map[string]int{preflight.RuleMIMEStructure: 1}},
		{"empty part", msg("--b\r\n--b\r\n\r\nx\r\n--b--\r\n", hFrom, hTo, ct), map[string]int{}},
		{"padding and epilogue", msg("preamble\r\n--b \t\r\n\r\nx\r\n--b-- \r\nepilogue\r\n--c\r\n", hFrom, hTo, ct),
			map[string]int{}},
		{"delimiter prefix is not a delimiter", msg("--b\r\n\r\n--bx\r\n--b--\r\n", hFrom, hTo, ct), map[string]int{}},
		{"too many parts", manyParts(preflight.MaxMIMEParts + 1), map[string]int{preflight.RuleMIMELimit: 1}},
		{"max parts", manyParts(preflight.MaxMIMEParts), map[string]int{}},
		{"part header too large", msg("--b\r\nX-A: "+strings.Repeat("a", 900)+"\r\n"+
			strings.Repeat(" "+strings.Repeat("a", 900)+"\r\n", preflight.MaxPartHeaderBytes/900)+"\r\nx\r\n--b--\r\n",
			hFrom, hTo, ct), map[string]int{preflight.RuleMIMELimit: 1}},
		{"boundary too long", msg("x\r\n", hFrom, hTo, "Content-Type: multipart/mixed; boundary="+strings.Repeat("b", 71)),
			map[string]int{preflight.RuleMIMEParams: 1, preflight.RuleMIMEStructure: 1}},
	} {
		got := rulesOf(preflight.Check([]byte(tt.raw), nil))
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s: rules (-want +got):\n%s", tt.name, d)
		}
	}
}

func TestOrderIsSorted(t *testing.T) {
	for _, tt := range ruleTests {
		if len(tt.bad) > 1<<20 {
			continue
		}
		fs := check(t, tt.bad, tt.opts)
		if !slices.IsSortedFunc(fs, func(a, b preflight.Finding) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			if a.Rule != b.Rule {
				return strings.Compare(a.Rule, b.Rule)
			}
			return strings.Compare(a.Message, b.Message)
		}) {
			t.Errorf("%s: findings not sorted: %v", tt.rule, fs)
		}
	}
}

func TestTextAndJSON(t *testing.T) {
	f := preflight.Finding{Rule: "size", Severity: preflight.Warning, Line: 0, Message: "m"}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"rule":"size","severity":"warning","line":0,"message":"m"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back preflight.Finding
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip = %v, %v", back, err)
	}
	if s := f.String(); s != "0: warning [size] m" {
		t.Errorf("String = %q", s)
	}
	if _, err := preflight.Severity(7).MarshalText(); err == nil {
		t.Error("invalid severity marshalled")
	}
	for _, s := range []string{"any", "v1", "v2", "smtp", "none"} {
		tg, err := preflight.ParseTarget(s)
		if err != nil || tg.String() != s {
			t.Errorf("ParseTarget(%q) = %v, %v", s, tg, err)
		}
	}
	if _, err := preflight.ParseTarget("v3"); err == nil {
		t.Error("ParseTarget(v3) succeeded")
	}
	if !preflight.HasErrors([]preflight.Finding{{Severity: preflight.Error}}) || preflight.HasErrors([]preflight.Finding{f}) {
		t.Error("HasErrors")
	}
}

// TestSESTables checks preflight against the lists of https://docs.aws.amazon.com/ses/latest/dg/header-fields.html
// and https://docs.aws.amazon.com/ses/latest/dg/mime-types.html.
func TestSESTables(t *testing.T) {
	const exts = `.ade .adp .app .asp .bas .bat .cer .chm .cmd .com .cpl .crt .csh .der .exe .fxp .gadget .hlp
.hta .inf .ins .isp .its .js .jse .ksh .lib .lnk .mad .maf .mag .mam .maq .mar .mas .mat
.mau .mav .maw .mda .mdb .mde .mdt .mdw .mdz .msc .msh .msh1 .msh2 .mshxml .msh1xml .msh2xml .msi .msp
.mst .ops .pcd .pif .plg .prf .prg .reg .scf .scr .sct .shb .shs .sys .ps1 .ps1xml .ps2 .ps2xml
.psc1 .psc2 .tmp .url .vb .vbe .vbs .vps .vsmacros .vss .vst .vsw .vxd .ws .wsc .wsf .wsh .xnk`
	list := strings.Fields(exts)
	if len(list) != 90 {
		t.Fatalf("%d extensions in the fact sheet list", len(list))
	}
	for _, e := range list {
		for _, name := range []string{"a" + e, "A" + strings.ToUpper(e) + ". "} {
			fs := preflight.Check([]byte(mixed("Content-Type: application/octet-stream; name=\""+name+"\"",
				"Content-Transfer-Encoding: base64")), nil)
			if rulesOf(fs)[preflight.RuleAttachmentExtension] != 1 {
				t.Errorf("%q not rejected: %v", name, fs)
			}
		}
	}
	const singles = `Accept-Language, acceptLanguage, Archived-At, Auto-Submitted, Bounces-to, Comments, Content-Alternative, Content-Base, Content-Class, Content-Description, Content-Disposition, Content-Duration, Content-ID, Content-Language, Content-Length, Content-Location, Content-MD5, Content-Transfer-Encoding, Content-Type, Date, Delivered-To, Disposition-Notification-Options, Disposition-Notification-To, DKIM-Signature, DomainKey-Signature, Errors-To, From, Importance, In-Reply-To, Keywords, List-Archive, List-Help, List-Id, List-Owner, List-Post, List-Subscribe, List-Unsubscribe, List-Unsubscribe-Post, Message-Context, Message-ID, MIME-Version, Organization, Original-From, Original-Message-ID, Original-Recipient, Original-Subject, Precedence, Priority, References, Reply-To, Return-Path, Return-Receipt-To, Sender, Solicitation, Sensitivity, Subject, Thread-Index, Thread-Topic, User-Agent, VBR-Info`
	for _, name := range strings.Split(singles, ", ") {
		raw := msg("x\r\n", with(name+": a@example.com", strings.ToUpper(name)+": b@example.com")...)
		want := preflight.RuleDuplicateHeader
		if name == "DKIM-Signature" {
			want = preflight.RuleDKIMMultiple
		}
		if rulesOf(preflight.Check([]byte(raw), nil))[want] == 0 {
			t.Errorf("%s twice: no %s finding", name, want)
		}
	}
}

func TestNeverPanicsOnOddInput(t *testing.T) {
	for _, raw := range []string{
		"", "\n", "\r", "\r\n", "\r\n\r\n", ":", " x\r\n\r\n", "From:\r\n\r\n",
		"Content-Type: multipart/mixed; boundary=\"\r\n\r\n",
		"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n",
		"Content-Disposition: attachment; filename*0*=''%;filename*0=x;filename*=\r\n\r\n",
		"DKIM-Signature: ;;=;h=;v\r\n\r\n",
		"To: (((\r\nCc: \"\\\r\nBcc: <<>>\r\n\r\n",
		"X-SES-MESSAGE-TAGS: \r\n \r\n\r\n",
	} {
		for _, target := range []preflight.Target{preflight.TargetAny, preflight.TargetV2} {
			fs := preflight.Check([]byte(raw), &preflight.Options{Target: target, Region: "eu-west-1"})
			got, err := preflight.CheckReader(iotest.OneByteReader(bytes.NewReader([]byte(raw))),
				&preflight.Options{Target: target, Region: "eu-west-1"})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(fs, got); d != "" {
				t.Errorf("%q: CheckReader differs: %s", raw, d)
			}
		}
	}
}
