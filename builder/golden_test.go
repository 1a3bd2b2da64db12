package builder_test

import (
	"bytes"
	"flag"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const goldenDir = "../testdata/golden"

// pseudoBytes returns n deterministic bytes (attachment content).
func pseudoBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(seededRand(seed), b); err != nil {
		panic(err)
	}
	return b
}

// A tiny valid PNG (1x1 transparent pixel).
var pixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

type goldenCase struct {
	name   string
	signed bool
	// msg returns a fresh message (attachment readers are consumed by writing) and the bytes of
	// each attachment.
	msg func() (*builder.Message, [][]byte)
}

func basicMessage() *builder.Message {
	return &builder.Message{
		From:    mail.Address{Name: "Example Sender", Address: "sender@example.com"},
		To:      []mail.Address{{Name: "Recipient", Address: "recipient@example.org"}},
		Subject: "Your order has shipped",
	}
}

const sampleText = "Hello,\n\nyour order 1234 has shipped and should arrive on Monday.\n\nRegards,\nExample Shop\n"
const sampleHTML = "<!DOCTYPE html>\n<html><body>\n<p>Hello,</p>\n<p>your order <b>1234</b> has shipped and should arrive on Monday.</p>\n<p>Regards,<br>Example Shop</p>\n</body></html>\n"

func goldenCases() []goldenCase {
	return []goldenCase{
		{name: "text-only", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.Text = sampleText
			return m, nil
		}},
		{name: "html-only", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.HTML = sampleHTML
			return m, nil
		}},
		{name: "alternative", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.Text, m.HTML = sampleText, sampleHTML
			m.ReplyTo = []mail.Address{{Address: "support@example.com"}}
			m.Cc = []mail.Address{{Name: "Billing", Address: "billing@example.org"}}
			m.Bcc = []mail.Address{{Address: "archive@example.net"}}
			return m, nil
		}},
		{name: "alternative-attachment", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.Text, m.HTML = sampleText, sampleHTML
			pdf := pseudoBytes(3000, 1)
			csv := []byte("id,item,qty\r\n1234,widget,2\r\n")
			m.Attachments = []builder.Attachment{
				{Filename: "invoice-1234.pdf", Data: pdf},
				// A reader of unknown size: streamed, base64.
				{Filename: "items.csv", ContentType: "text/csv; charset=utf-8", Reader: bytes.NewReader(csv)},
			}
			m.Headers = []builder.Header{{Name: "X-Order-ID", Value: "1234"}}
			return m, [][]byte{pdf, csv}
		}},
		{name: "related-inline", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.Text = sampleText
			m.HTML = "<html><body><img src=\"cid:logo@example.com\" alt=\"Logo\"><p>Your order has shipped.</p></body></html>"
			report := pseudoBytes(1200, 2)
			m.Attachments = []builder.Attachment{
				{Filename: "logo.png", Inline: true, ContentID: "logo@example.com", Data: pixelPNG},
				{Filename: "report.pdf", Reader: bytes.NewReader(report), Size: int64(len(report))},
			}
			return m, [][]byte{pixelPNG, report}
		}},
		{name: "non-ascii", msg: func() (*builder.Message, [][]byte) {
			doc := pseudoBytes(900, 3)
			return &builder.Message{
				From:    mail.Address{Name: "Jürgen Müller-Lüdenscheidt", Address: "juergen@bücher.example"},
				To:      []mail.Address{{Name: "Zoë Ångström", Address: "zoe@例え.テスト"}, {Name: "李小龍", Address: "li@example.cn"}},
				Cc:      []mail.Address{{Name: "Ærøskøbing Kommune", Address: "post@ærø.dk"}},
				Subject: "Grüße aus Köln — 日本語のテスト ✓ und eine Übersicht für März",
				Text:    "Grüß Gott! Ünïcödé everywhere: 日本語, Ελληνικά, русский, emoji 🎉.\nZweite Zeile — mit Gedankenstrich.\n",
				HTML:    "<p>Grüß Gott! <b>Ünïcödé</b> everywhere: 日本語, Ελληνικά, русский, emoji 🎉.</p>\n",
				Attachments: []builder.Attachment{
					{Filename: "Übersicht März 2025 — 報告.pdf", Data: doc},
				},
			}, [][]byte{doc}
		}},
		{name: "long-subject-many-recipients", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.Subject = strings.Repeat("This subject is deliberately long so that it must be folded across several lines. ", 6) +
				"And it ends with a few non-ASCII words: Übergröße, naïve café."
			m.To = nil
			for i := range 30 {
				m.To = append(m.To, mail.Address{Name: "Recipient Number " + strconv.Itoa(i), Address: "recipient" + strconv.Itoa(i) + "@example.org"})
			}
			for i := range 15 {
				m.Cc = append(m.Cc, mail.Address{Name: "Cópia " + strconv.Itoa(i), Address: "cc" + strconv.Itoa(i) + "@example.net"})
			}
			for i := range 5 {
				m.Bcc = append(m.Bcc, mail.Address{Address: "hidden" + strconv.Itoa(i) + "@example.com"})
			}
			m.Text = sampleText
			return m, nil
		}},
		{name: "x-ses-all", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.ReturnPath = "bounces@example.com"
			m.Delegate(testIdentity)
			m.SES.ConfigurationSet = "transactional"
			m.SES.Tags = []xheaders.Tag{{Name: "campaign", Value: "q3"}, {Name: "tenant", Value: "acme"}}
			m.SES.ListManagement = &xheaders.ListOptions{ContactList: "newsletter", Topic: "weekly"}
			m.SES.Tenant = "acme"
			m.Bcc = []mail.Address{{Address: "audit@example.com"}}
			m.Text = sampleText
			return m, nil
		}},
		{name: "attachment-only", msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.Subject = "Scan"
			scan := pseudoBytes(500, 4)
			m.Attachments = []builder.Attachment{{Filename: "scan.pdf", Data: scan}}
			return m, [][]byte{scan}
		}},
		{name: "dkim-ed25519", signed: true, msg: func() (*builder.Message, [][]byte) {
			m := basicMessage()
			m.From = mail.Address{Name: "Büro Example", Address: "sender@example.com"}
			m.ReturnPath = "bounces@example.com"
			m.Delegate(testIdentity)
			m.SES.ConfigurationSet = "transactional"
			m.Text, m.HTML = sampleText, sampleHTML
			att := pseudoBytes(2000, 5)
			m.Attachments = []builder.Attachment{{Filename: "report.pdf", Reader: bytes.NewReader(att)}}
			return m, [][]byte{att}
		}},
	}
}

func goldenBuilder(t *testing.T, c goldenCase) *builder.Builder {
	b := testBuilder(42)
	if c.signed {
		b.Signer = testSigner(t)
	}
	return b
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			m, data := c.msg()
			got, err := goldenBuilder(t, c).Bytes(m)
			if err != nil {
				t.Fatalf("Bytes: %v", err)
			}
			path := filepath.Join(goldenDir, c.name+".eml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wantRaw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./builder -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(wantRaw), string(got)); diff != "" {
				t.Errorf("%s differs from the golden file (-want +got):\n%s", path, diff)
			}
			checkInvariants(t, got, m)
			checkRoundTrip(t, got, m, data)

			// The other outputs give the same bytes.
			m2, _ := c.msg()
			var buf bytes.Buffer
			n, err := goldenBuilder(t, c).WriteTo(&buf, m2)
			if err != nil {
				t.Fatalf("WriteTo: %v", err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("WriteTo returned %d, wrote %d bytes", n, buf.Len())
			}
			if diff := cmp.Diff(string(got), buf.String()); diff != "" {
				t.Errorf("WriteTo differs from Bytes (-Bytes +WriteTo):\n%s", diff)
			}
			m3, _ := c.msg()
			prefix := []byte("prefix")
			app, err := goldenBuilder(t, c).AppendTo(prefix, m3)
			if err != nil {
				t.Fatalf("AppendTo: %v", err)
			}
			if !bytes.HasPrefix(app, prefix) || !bytes.Equal(app[len(prefix):], got) {
				t.Errorf("AppendTo differs from Bytes")
			}

			// Size is exact when every size is known.
			m4, _ := c.msg()
			size, known, err := goldenBuilder(t, c).Size(m4)
			if err != nil {
				t.Fatalf("Size: %v", err)
			}
			if known && size != int64(len(got)) {
				t.Errorf("Size = %d, built %d bytes", size, len(got))
			}
			if !known && !hasUnknownSize(m4) {
				t.Errorf("Size reports unknown, but every attachment size is known")
			}

			if c.signed {
				checkSignature(t, got)
			}
		})
	}
}

func hasUnknownSize(m *builder.Message) bool {
	for _, a := range m.Attachments {
		if a.Reader != nil && a.Size == 0 {
			return true
		}
	}
	return false
}

// checkSignature verifies the DKIM signature with go-msgauth (through the dkim package) as built
// and after SES removes its X-SES headers, and with Debian's python3-dkim.
func checkSignature(t *testing.T, raw []byte) {
	t.Helper()
	goVerify(t, raw)
	pythonVerify(t, testTXT(t), raw, xheaders.Remove(nil, raw))
}

// goVerify is checkSignature without python3-dkim (which refuses a t= in the future).
func goVerify(t *testing.T, raw []byte) {
	t.Helper()
	txt := testTXT(t)
	opts := &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) {
		if v, ok := txt[name]; ok {
			return []string{v}, nil
		}
		return nil, os.ErrNotExist
	}}
	for _, verify := range []func([]byte, *dkim.VerifyOptions) ([]dkim.Result, error){dkim.Verify, dkim.VerifyAfterSESStrip} {
		res, err := verify(raw, opts)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if len(res) != 1 || res[0].Err != nil {
			t.Fatalf("verify: %+v", res)
		}
		for _, k := range res[0].HeaderKeys {
			switch strings.ToLower(k) {
			case "message-id", "date", "return-path", "bounces-to":
				t.Errorf("h= signs %s", k)
			}
			if strings.HasPrefix(strings.ToUpper(k), "X-SES-") {
				t.Errorf("h= signs %s", k)
			}
		}
	}
	if !bytes.HasPrefix(raw, []byte("X-SES-")) {
		t.Errorf("the X-SES block is not at the top")
	}
	if stripped := xheaders.Remove(nil, raw); !bytes.HasPrefix(stripped, []byte("DKIM-Signature:")) {
		t.Errorf("after SES's strip the DKIM-Signature is not the first field")
	}
}

// pythonVerify checks messages with Debian's python3-dkim (dkimpy) through the dkim package's script.
func pythonVerify(t *testing.T, txt map[string]string, raws ...[]byte) {
	t.Helper()
	const py = "/usr/bin/python3"
	script, _ := filepath.Abs("../dkim/testdata/dkimverify.py")
	if _, err := os.Stat(py); err != nil {
		if inCI() {
			t.Fatalf("%s missing in CI: %v", py, err)
		}
		t.Skipf("%s missing: %v", py, err)
	}
	dir := t.TempDir()
	var js strings.Builder
	js.WriteString("{")
	first := true
	for k, v := range txt {
		if !first {
			js.WriteString(",")
		}
		first = false
		js.WriteString(strconv.Quote(k) + ":" + strconv.Quote(v))
	}
	js.WriteString("}")
	dns := filepath.Join(dir, "dns.json")
	if err := os.WriteFile(dns, []byte(js.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{script, dns}
	for i, raw := range raws {
		msg := filepath.Join(dir, "msg"+strconv.Itoa(i)+".eml")
		if err := os.WriteFile(msg, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, msg)
	}
	out, err := exec.Command(py, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 {
		if inCI() {
			t.Fatalf("python3-dkim unavailable in CI: %s", out)
		}
		t.Skipf("python3-dkim unavailable: %s", out)
	}
	if err != nil || bytes.Count(out, []byte("PASS ")) != len(raws) {
		t.Errorf("python3-dkim: %v\n%s", err, out)
	}
}
