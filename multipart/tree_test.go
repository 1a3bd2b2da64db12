package multipart_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	gomail "github.com/emersion/go-message/mail"
	"github.com/sesraw/sesraw/multipart"
)

func leafOf(ct string, data string) *multipart.Part {
	return &multipart.Part{ContentType: ct, Data: []byte(data)}
}

func TestNewTreeErrors(t *testing.T) {
	self := &multipart.Part{ContentType: "multipart/mixed"}
	self.Parts = []*multipart.Part{self}
	shared := leafOf("text/plain", "x")
	tests := []struct {
		name string
		root *multipart.Part
		want error
	}{
		{"nil root", nil, multipart.ErrInvalidPart},
		{"leaf with parts", &multipart.Part{ContentType: "text/plain", Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"container without parts", &multipart.Part{ContentType: "multipart/mixed"}, multipart.ErrInvalidPart},
		{"container with data", &multipart.Part{ContentType: "multipart/mixed", Data: []byte("x"), Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"container with reader", &multipart.Part{ContentType: "multipart/mixed", Reader: strings.NewReader("x"), Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"container base64", &multipart.Part{ContentType: "multipart/mixed", Encoding: multipart.Base64, Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"container filename", &multipart.Part{ContentType: "multipart/mixed", Filename: "a", Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"nil child", &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{nil}}, multipart.ErrInvalidPart},
		{"cycle", self, multipart.ErrInvalidPart},
		{"shared part", &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{shared, shared}}, multipart.ErrInvalidPart},
		{"bad media type", leafOf("text", "x"), multipart.ErrInvalidPart},
		{"bad media type 2", leafOf("text/pl ain", "x"), multipart.ErrInvalidPart},
		{"bad media type 3", leafOf("text/plain; charset=x", "x"), multipart.ErrInvalidPart},
		{"bad media type 4", leafOf("text/plain\r\nBcc: x", "x"), multipart.ErrInvalidPart},
		{"bad media type 5", leafOf("/plain", "x"), multipart.ErrInvalidPart},
		{"bad media type 6", leafOf("a/b/c", "x"), multipart.ErrInvalidPart},
		{"cid with space", &multipart.Part{Data: []byte("x"), ContentID: "a b@c"}, multipart.ErrInvalidPart},
		{"cid with CRLF", &multipart.Part{Data: []byte("x"), ContentID: "a\r\nb@c"}, multipart.ErrInvalidPart},
		{"cid with brackets", &multipart.Part{Data: []byte("x"), ContentID: "<a@c>"}, multipart.ErrInvalidPart},
		{"boundary param", &multipart.Part{ContentType: "multipart/mixed", Params: []multipart.Param{{"boundary", "x"}}, Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"boundary param case", &multipart.Part{ContentType: "multipart/mixed", Params: []multipart.Param{{"BOUNDARY", "x"}}, Parts: []*multipart.Part{leafOf("", "x")}}, multipart.ErrInvalidPart},
		{"param name", &multipart.Part{Data: []byte("x"), Params: []multipart.Param{{"a b", "x"}}}, multipart.ErrInvalidPart},
		{"param name star", &multipart.Part{Data: []byte("x"), Params: []multipart.Param{{"name*", "x"}}}, multipart.ErrInvalidPart},
		{"param value CRLF", &multipart.Part{Data: []byte("x"), Params: []multipart.Param{{"a", "x\r\ny"}}}, multipart.ErrInvalidPart},
		{"duplicate param", &multipart.Part{Data: []byte("x"), Params: []multipart.Param{{"a", "1"}, {"A", "2"}}}, multipart.ErrInvalidPart},
		{"name with filename", &multipart.Part{Data: []byte("x"), Filename: "f", Params: []multipart.Param{{"name", "g"}}}, multipart.ErrInvalidPart},
		{"filename CRLF", &multipart.Part{Data: []byte("x"), Filename: "a\r\nb"}, multipart.ErrInvalidHeaderValue},
		{"filename NUL", &multipart.Part{Data: []byte("x"), Filename: "a\x00b"}, multipart.ErrInvalidPart},
		{"filename bad UTF-8", &multipart.Part{Data: []byte("x"), Filename: "a\xffb"}, multipart.ErrInvalidPart},
		{"disposition", &multipart.Part{Data: []byte("x"), Disposition: "form-data"}, multipart.ErrInvalidPart},
		{"extra field name", &multipart.Part{Data: []byte("x"), Header: []multipart.Field{{"X Y", "v"}}}, multipart.ErrInvalidHeaderName},
		{"extra field boundary-like", &multipart.Part{Data: []byte("x"), Header: []multipart.Field{{"--x", "v"}}}, multipart.ErrInvalidHeaderName},
		{"extra field value", &multipart.Part{Data: []byte("x"), Header: []multipart.Field{{"X-Y", "v\r\nBcc: z"}}}, multipart.ErrInvalidHeaderValue},
		{"extra field reserved", &multipart.Part{Data: []byte("x"), Header: []multipart.Field{{"content-type", "text/html"}}}, multipart.ErrInvalidPart},
		{"7bit non-ASCII", &multipart.Part{Data: []byte("é"), Encoding: multipart.SevenBit}, multipart.ErrInvalidPart},
		{"7bit long line", &multipart.Part{Data: bytes.Repeat([]byte("a"), 999), Encoding: multipart.SevenBit}, multipart.ErrLineTooLong},
		{"8bit long line", &multipart.Part{Data: bytes.Repeat([]byte("é"), 500), Encoding: multipart.EightBit}, multipart.ErrLineTooLong},
		{"8bit NUL", &multipart.Part{ContentType: "application/x", Data: []byte("a\x00"), Encoding: multipart.EightBit}, multipart.ErrInvalidPart},
		{"7bit bare CR", &multipart.Part{ContentType: "application/x", Data: []byte("a\rb"), Encoding: multipart.SevenBit}, multipart.ErrInvalidPart},
		{"7bit bare LF non-text", &multipart.Part{ContentType: "application/x", Data: []byte("a\nb"), Encoding: multipart.SevenBit}, multipart.ErrInvalidPart},
		{"unknown encoding", &multipart.Part{Data: []byte("x"), Encoding: 99}, multipart.ErrInvalidPart},
		{"message base64", &multipart.Part{ContentType: "message/rfc822", Data: []byte("x"), Encoding: multipart.Base64}, multipart.ErrInvalidPart},
		{"message not 7bit", &multipart.Part{ContentType: "message/rfc822", Data: []byte("Subject: é\r\n\r\n")}, multipart.ErrInvalidPart},
		{"size differs from data", &multipart.Part{Data: []byte("x"), Size: 2}, multipart.ErrSizeMismatch},
		{"negative size", &multipart.Part{Reader: strings.NewReader("x"), Size: -1}, multipart.ErrInvalidPart},
		{"7bit container with 8bit part", &multipart.Part{ContentType: "multipart/mixed", Encoding: multipart.SevenBit, Parts: []*multipart.Part{{Data: []byte("é"), Encoding: multipart.EightBit}}}, multipart.ErrInvalidPart},
	}
	deep := leafOf("text/plain", "x")
	for range 40 {
		deep = &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{deep}}
	}
	tests = append(tests, struct {
		name string
		root *multipart.Part
		want error
	}{"too deep", deep, multipart.ErrInvalidPart})
	for _, tt := range tests {
		_, err := multipart.NewTree(tt.root, zeroRand{})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: NewTree error = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "multipart: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
}

func TestRandError(t *testing.T) {
	root := &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{leafOf("", "x")}}
	_, err := multipart.NewTree(root, iotest.ErrReader(io.ErrUnexpectedEOF))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("NewTree with a failing rand: %v", err)
	}
}

func TestTextCharset(t *testing.T) {
	hdr, _ := build(t, leafOf("text/html", "<p>x</p>"), nil)
	if want := "Content-Type: text/html; charset=utf-8\r\n"; !strings.HasPrefix(string(hdr), want) {
		t.Errorf("header %q, want prefix %q", hdr, want)
	}
	hdr, _ = build(t, &multipart.Part{ContentType: "text/plain", Params: []multipart.Param{{"Charset", "us-ascii"}}, Data: []byte("x")}, nil)
	if want := "Content-Type: text/plain; Charset=us-ascii\r\n"; !strings.HasPrefix(string(hdr), want) {
		t.Errorf("header %q, want prefix %q", hdr, want)
	}
	hdr, _ = build(t, leafOf("image/png", "x"), nil)
	if strings.Contains(string(hdr), "charset") {
		t.Errorf("non-text part got a charset: %q", hdr)
	}
}

func sampleTree() *multipart.Part {
	return &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{
		{ContentType: "multipart/alternative", Parts: []*multipart.Part{
			leafOf("text/plain", "Hello,\nthis is the text part. Grüße!\n"),
			{ContentType: "multipart/related", Params: []multipart.Param{{"type", "text/html"}}, Parts: []*multipart.Part{
				leafOf("text/html", `<p>Hello, <img src="cid:logo@example.com"></p>`),
				{ContentType: "image/png", Disposition: "inline", ContentID: "logo@example.com", Filename: "logo.png", Data: []byte("\x89PNG\r\n\x1a\nfake")},
			}},
		}},
		{ContentType: "application/pdf", Filename: "Résumé – final \"v2\".pdf", Data: bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 1000)},
		{ContentType: "text/csv", Filename: "data.csv", Reader: strings.NewReader("a,b\r\n1,2\r\n"), Size: 10},
		{ContentType: "text/plain", Header: []multipart.Field{{"X-Note", "Grüße"}}, Data: []byte("=_ looks like a boundary start")},
	}}
}

func TestTreeRoundTrip(t *testing.T) {
	hdr, body := build(t, sampleTree(), &seqRand{})
	checkLines(t, body, 998, false)
	want := []struct {
		ct, body, filename, cid string
	}{
		{"text/plain", "Hello,\r\nthis is the text part. Grüße!\r\n", "", ""},
		{"text/html", `<p>Hello, <img src="cid:logo@example.com"></p>`, "", ""},
		{"image/png", "\x89PNG\r\n\x1a\nfake", "logo.png", "<logo@example.com>"},
		{"application/pdf", strings.Repeat("\xde\xad\xbe\xef", 1000), "Résumé – final \"v2\".pdf", ""},
		{"text/csv", "a,b\r\n1,2\r\n", "data.csv", ""},
		{"text/plain", "=_ looks like a boundary start", "", ""},
	}
	for _, parse := range []func(testing.TB, []byte, []byte) []leaf{parseGoMessage, parseStd} {
		leaves := parse(t, hdr, body)
		if len(leaves) != len(want) {
			t.Fatalf("%d leaves, want %d", len(leaves), len(want))
		}
		for i, w := range want {
			l := leaves[i]
			if l.contentType != w.ct || string(l.body) != w.body || l.dparams["filename"] != w.filename || l.cid != w.cid {
				t.Errorf("leaf %d = %q %q filename %q cid %q\nwant %q %q filename %q cid %q", i, l.contentType, l.body, l.dparams["filename"], l.cid, w.ct, w.body, w.filename, w.cid)
			}
			if strings.HasPrefix(w.ct, "text/") && l.params["charset"] != "utf-8" {
				t.Errorf("leaf %d: charset %q", i, l.params["charset"])
			}
		}
	}
	// go-message reads Content-Type name= (decoded from its encoded words) like the filename.
	leaves := parseGoMessage(t, hdr, body)
	if got := leaves[3].params["name"]; got != want[3].filename {
		t.Errorf("go-message name= %q, want %q", got, want[3].filename)
	}
	// mail.CreateReader sees the attachments with their filenames.
	msg := "From: a@example.com\r\nMIME-Version: 1.0\r\n" + string(hdr) + "\r\n" + string(body)
	mr, err := gomail.CreateReader(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ah, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, err := ah.Filename()
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, name)
		}
	}
	if got := strings.Join(names, "|"); got != "Résumé – final \"v2\".pdf|data.csv" {
		t.Errorf("mail.Reader attachments %q", got)
	}
}

func TestDeterministicAndUniqueBoundaries(t *testing.T) {
	hdr1, body1 := build(t, sampleTree(), zeroRand{})
	hdr2, body2 := build(t, sampleTree(), zeroRand{})
	if !bytes.Equal(hdr1, hdr2) || !bytes.Equal(body1, body2) {
		t.Fatal("output differs with the same fixed rand")
	}
	// Even with an all-zero rand, every boundary of the tree differs.
	seen := map[string]bool{}
	for _, l := range strings.Split(string(hdr1)+string(body1), "\r\n") {
		if i := strings.Index(l, `boundary="`); i >= 0 {
			b := l[i+len(`boundary="`) : len(l)-1]
			if seen[b] {
				t.Fatalf("boundary %q used twice", b)
			}
			seen[b] = true
		}
	}
	if len(seen) != 3 {
		t.Fatalf("found %d boundaries, want 3", len(seen))
	}
	// crypto/rand by default: two trees differ.
	h1, _ := build(t, sampleTree(), nil)
	h2, _ := build(t, sampleTree(), nil)
	if bytes.Equal(h1, h2) {
		t.Fatal("two trees with crypto/rand boundaries are identical")
	}
}

// A 7bit body that holds the exact boundary a fixed rand will produce: the boundary changes.
func TestBoundaryCollision(t *testing.T) {
	probe := &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{leafOf("", "x")}}
	hdr, _ := build(t, probe, zeroRand{})
	b := hdr[strings.Index(string(hdr), `="`)+2 : len(hdr)-3]
	evil := "line\r\n--" + string(b) + "\r\nContent-Type: text/html\r\n\r\nowned\r\n"
	for _, enc := range []multipart.Encoding{multipart.SevenBit, multipart.Auto} {
		root := &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{{Data: []byte(evil), Encoding: enc}}}
		hdr, body := build(t, root, zeroRand{})
		leaves := parseStd(t, hdr, body)
		if len(leaves) != 1 || string(leaves[0].body) != evil {
			t.Fatalf("enc %v: content broke out: %d leaves", enc, len(leaves))
		}
	}
	// Streamed 7bit content cannot be checked in advance: writing it fails instead.
	root := &multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{{Reader: strings.NewReader(evil), Encoding: multipart.SevenBit}}}
	tr, err := multipart.NewTree(root, zeroRand{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.WriteBody(io.Discard); !errors.Is(err, multipart.ErrInvalidPart) {
		t.Fatalf("streamed content with the boundary: error %v", err)
	}
}

func TestFilenames(t *testing.T) {
	names := []string{
		"report.pdf", "my report.pdf", "Résumé.pdf", `a"b.txt`, `back\slash.txt`, "../../etc/passwd", `C:\x\y.txt`,
		"semi;colon.txt", "=?utf-8?q?x?=.txt", "tab\there.txt", strings.Repeat("long-name-", 20) + ".txt",
		strings.Repeat("日本語", 40) + ".txt", "😀.png", "%41.txt", "it's.txt", "star*.txt", " lead.txt", "trail.txt ",
		"a  b.txt", "\x01ctl.bin",
	}
	for n := 1; n < 40; n++ {
		names = append(names, strings.Repeat("a", n)+"é", strings.Repeat("é", n))
	}
	for _, name := range names {
		p := &multipart.Part{ContentType: "application/octet-stream", Filename: name, Data: []byte("x")}
		hdr, body := build(t, p, nil)
		checkLines(t, hdr, 78, false)
		for _, l := range strings.Split(string(hdr), "\r\n") {
			if strings.Contains(l, "=?") && len(l) > 76 {
				t.Errorf("line with an encoded word has %d octets: %q", len(l), l)
			}
		}
		std := parseStd(t, hdr, body)[0]
		if std.dparams["filename"] != name {
			t.Errorf("mime.ParseMediaType filename = %q, want %q\n%s", std.dparams["filename"], name, hdr)
		}
		if std.disposition != "attachment" {
			t.Errorf("disposition %q", std.disposition)
		}
		gm := parseGoMessage(t, hdr, body)[0]
		// go-message also runs RFC 2047 decoding over parameters, so a name that is literally an
		// encoded word cannot survive it; everything else must.
		if name != "=?utf-8?q?x?=.txt" {
			if gm.dparams["filename"] != name || gm.params["name"] != name {
				t.Errorf("go-message filename = %q, name = %q, want %q\n%s", gm.dparams["filename"], gm.params["name"], name, hdr)
			}
		}
	}
}

// TestBodySizeMatches checks BodySize against what WriteBody writes for many random trees.
func TestBodySizeMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		root := randomTree(r, 0)
		build(t, root, zeroRand{})
	}
}

func randomTree(r *rand.Rand, depth int) *multipart.Part {
	if depth < 3 && r.IntN(3) == 0 {
		kinds := []string{"multipart/mixed", "multipart/alternative", "multipart/related"}
		p := &multipart.Part{ContentType: kinds[r.IntN(3)]}
		for n := 1 + r.IntN(3); n > 0; n-- {
			p.Parts = append(p.Parts, randomTree(r, depth+1))
		}
		return p
	}
	alphabet := []string{"a", " ", "\r\n", "\n", "é", "=", "_", "\t", "\x00", "\r", "日本", strings.Repeat("x", 80)}
	var sb strings.Builder
	for n := r.IntN(60); n > 0; n-- {
		sb.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	cts := []string{"text/plain", "text/html", "application/octet-stream", "image/png"}
	p := &multipart.Part{ContentType: cts[r.IntN(len(cts))], Data: []byte(sb.String())}
	switch r.IntN(4) {
	case 1:
		p.Encoding = multipart.QuotedPrintable
	case 2:
		p.Encoding = multipart.Base64
	}
	if r.IntN(3) == 0 {
		p.Filename = "f" + sb.String()[:min(sb.Len(), 5)]
		if checkNameOK(p.Filename) != nil {
			p.Filename = "file.bin"
		}
	}
	if r.IntN(4) == 0 {
		p.Reader = bytes.NewReader(p.Data)
		if r.IntN(2) == 0 {
			p.Size = int64(len(p.Data))
		}
	}
	return p
}

func checkNameOK(s string) error {
	_, err := multipart.AppendTextField(nil, "X", s)
	return err
}

// Large in-memory bodies are encoded in 4 KiB steps: the seams must not show in the output.
func TestLargeBodies(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", " ", "\t", "\r\n", "\n", "\r", "=", "é", "\x00", strings.Repeat("y", 70)}
	for i := 0; i < 20; i++ {
		var sb strings.Builder
		for sb.Len() < 9000+r.IntN(9000) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		data := []byte(sb.String())
		for _, ct := range []string{"text/plain", "application/octet-stream"} {
			for _, enc := range []multipart.Encoding{multipart.QuotedPrintable, multipart.Base64} {
				p := &multipart.Part{ContentType: ct, Data: data, Encoding: enc}
				hdr, body := build(t, p, nil)
				want := data
				if ct == "text/plain" {
					want = canonText(data)
				}
				want = withRootTerm(want, enc.String())
				if got := parseStd(t, hdr, body)[0].body; !bytes.Equal(got, want) {
					t.Fatalf("%s %v: round trip differs", ct, enc)
				}
				checkLines(t, body, 76, false)
				if ct != "text/plain" {
					// The same bytes streamed from a Reader give the same output.
					_, body2 := build(t, &multipart.Part{ContentType: ct, Reader: iotest.HalfReader(bytes.NewReader(data)), Encoding: enc}, nil)
					if !bytes.Equal(body, body2) {
						t.Fatalf("%s %v: streamed output differs from in-memory output", ct, enc)
					}
				}
			}
		}
	}
}

func TestPartHeaderExact(t *testing.T) {
	tests := []struct {
		part *multipart.Part
		want string
	}{
		{&multipart.Part{Data: []byte("hi")},
			"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n"},
		{&multipart.Part{ContentType: "application/pdf", Filename: "report.pdf", Data: []byte{0xff}},
			"Content-Type: application/pdf; name=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n" +
				"Content-Disposition: attachment; filename=\"report.pdf\"\r\n"},
		{&multipart.Part{ContentType: "image/png", Disposition: "INLINE", ContentID: "logo@x", Data: []byte{0xff}},
			"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: inline\r\nContent-ID: <logo@x>\r\n"},
		{&multipart.Part{ContentType: "application/octet-stream", Filename: "Grüße.txt", Data: []byte{0xff}},
			"Content-Type: application/octet-stream; name=\"=?utf-8?b?R3LDvMOfZS50eHQ=?=\"\r\n" +
				"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=utf-8''Gr%C3%BC%C3%9Fe.txt\r\n"},
		{&multipart.Part{ContentType: "text/plain", Params: []multipart.Param{{"format", "flowed"}, {"x-q", "a b"}, {"x-u", "é"}}, Data: []byte("x"),
			Header: []multipart.Field{{"Content-Description", "Grüße"}}},
			"Content-Type: text/plain; charset=utf-8; format=flowed; x-q=\"a b\";\r\n x-u*=utf-8''%C3%A9\r\nContent-Transfer-Encoding: 7bit\r\n" +
				"Content-Description: =?utf-8?b?R3LDvMOfZQ==?=\r\n"},
		{&multipart.Part{ContentType: "message/rfc822", Data: []byte("Subject: x\r\n\r\nbody\r\n")},
			"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n"},
		{&multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{{Data: []byte("é"), Encoding: multipart.EightBit}}},
			"Content-Type: multipart/mixed; boundary=\"=_0_AAAAAAAAAAAAAAAAAAAAAAAA\"\r\nContent-Transfer-Encoding: 8bit\r\n"},
	}
	for _, tt := range tests {
		hdr, _ := build(t, tt.part, zeroRand{})
		if string(hdr) != tt.want {
			t.Errorf("header\n%q\nwant\n%q", hdr, tt.want)
		}
	}
}

func TestLargeTreesAndCycles(t *testing.T) {
	root := &multipart.Part{ContentType: "multipart/mixed"}
	for i := 0; i < 100; i++ {
		root.Parts = append(root.Parts, leafOf("text/plain", strings.Repeat("x", i)))
	}
	build(t, root, nil)
	// A duplicate past the linear-scan threshold is still found.
	root.Parts = append(root.Parts, root.Parts[70])
	if _, err := multipart.NewTree(root, nil); !errors.Is(err, multipart.ErrInvalidPart) {
		t.Fatalf("duplicate part in a large tree: %v", err)
	}
	// A cycle that branches does not blow up before it is reported.
	c := &multipart.Part{ContentType: "multipart/mixed"}
	c.Parts = []*multipart.Part{c, c, c}
	if _, err := multipart.NewTree(c, nil); !errors.Is(err, multipart.ErrInvalidPart) {
		t.Fatalf("branching cycle: %v", err)
	}
}
