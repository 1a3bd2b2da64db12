package rawheader_test

import (
	"strings"
	"testing"

	"github.com/sesraw/sesraw/rawheader"
)

// benchHeader is a built message's header block as sesraw writes it: five X-SES fields at the top,
// ten ordinary fields (one folded), the empty line, then a body long enough that a reader which
// looks past the header block pays for it.
var benchHeader = []byte("X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-CONFIGURATION-SET: transactional\r\n" +
	"X-SES-MESSAGE-TAGS: campaign=q3, tenant=acme\r\n" +
	"From: =?utf-8?q?B=C3=BCro_Example?= <sender@example.com>\r\n" +
	"Reply-To: support@example.com\r\n" +
	"To: recipient@example.com, =?utf-8?b?w4RyZ2VyIE3DvGxsZXI=?= <r2@example.org>\r\n" +
	"Cc: cc@example.net\r\n" +
	"Subject: Quarterly report =?utf-8?b?4oCU?= Q3 =?utf-8?b?csOpc3Vtw6k=?= and\r\n" +
	" next steps for the team\r\n" +
	"Date: Wed, 01 Oct 2025 09:30:00 +0000\r\n" +
	"Message-ID: <q3-report-2025-0001@example.com>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"=_0_HKHPHU6KNY7L7YOLLYRRBREQ\"\r\n" +
	"\r\n" + strings.Repeat("body line of a message, seventy-six bytes long, to be skipped by readers.\r\n", 64))

var sinkInt int

// BenchmarkScanner reads benchHeader the ways sesraw's packages do: every field (Next: dkim,
// preflight, the CLI), the X-SES fields (NextPrefix, NextPrefixBatch: xheaders.Read), and where
// the X-SES fields are (PrefixSpans: xheaders.Remove).
func BenchmarkScanner(b *testing.B) {
	run := func(name string, read func(s *rawheader.Scanner) int, want int) {
		b.Run(name, func(b *testing.B) {
			var s rawheader.Scanner
			if n := read(&s); n != want || s.Err() != nil {
				b.Fatalf("read %d fields (error %v), want %d", n, s.Err(), want)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkInt += read(&s)
			}
		})
	}
	run("Next", func(s *rawheader.Scanner) int {
		s.Reset(benchHeader)
		n := 0
		for s.Next() {
			n += len(s.Value())
		}
		return n
	}, 585)
	run("NextPrefix", func(s *rawheader.Scanner) int {
		s.Reset(benchHeader)
		n := 0
		for s.NextPrefix("X-SES-") {
			n++
		}
		return n
	}, 5)
	run("NextPrefixBatch", func(s *rawheader.Scanner) int {
		s.Reset(benchHeader)
		n := 0
		for s.NextPrefixBatch("X-SES-") {
			n++
		}
		return n
	}, 5)
	run("PrefixSpans", func(s *rawheader.Scanner) int {
		var spans [16]rawheader.Span
		s.Reset(benchHeader)
		return s.PrefixSpans("X-SES-", spans[:])
	}, 5)
}
