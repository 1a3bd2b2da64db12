package multipart_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/sesraw/sesraw/multipart"
)

func ExampleAppendTextField() {
	var dst []byte
	dst, _ = multipart.AppendTextField(dst, "Subject", "Quarterly report")
	dst, _ = multipart.AppendTextField(dst, "Subject", "Grüße aus Köln")
	dst, _ = multipart.AppendTextField(dst, "Subject", "A long subject line that does not fit on one line of seventy-eight octets is folded at spaces")
	_, err := multipart.AppendTextField(dst, "Subject", "injected\r\nBcc: victim@example.com")
	os.Stdout.Write(bytes.ReplaceAll(dst, []byte("\r\n"), []byte("⏎\n")))
	fmt.Println(err)
	// Output:
	// Subject: Quarterly report⏎
	// Subject: =?utf-8?b?R3LDvMOfZQ==?= aus =?utf-8?b?S8O2bG4=?=⏎
	// Subject: A long subject line that does not fit on one line of seventy-eight⏎
	//  octets is folded at spaces⏎
	// multipart: invalid header field value: CR, LF or NUL in "injected\r\nBcc: victim@example.com"
}

func ExampleAppendAddressField() {
	dst, err := multipart.AppendAddressField(nil, "To", []multipart.Address{
		{Name: "Jane Doe", Addr: "jane@example.com"},
		{Name: "Doe, John", Addr: "john@example.com"},
		{Name: "Jörg Müller", Addr: "joerg@example.de"},
		{Addr: "ops@example.org"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(bytes.ReplaceAll(dst, []byte("\r\n"), []byte("⏎\n")))
	// Output:
	// To: Jane Doe <jane@example.com>, "Doe, John" <john@example.com>,⏎
	//  =?utf-8?b?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>, ops@example.org⏎
}

// A text body with an attachment. The fixed random source makes the boundary (and so the whole
// output) the same on every run; pass nil to use crypto/rand.
func ExampleNewTree() {
	root := &multipart.Part{
		ContentType: "multipart/mixed",
		Parts: []*multipart.Part{
			{ContentType: "text/plain", Data: []byte("Hello,\nthe report is attached.\n")},
			{ContentType: "text/csv", Filename: "Q3 report.csv", Reader: strings.NewReader("a,b\r\n1,2\r\n"), Size: 10},
		},
	}
	tree, err := multipart.NewTree(root, bytes.NewReader(make([]byte, 15)))
	if err != nil {
		fmt.Println(err)
		return
	}
	var msg bytes.Buffer
	hdr, _ := tree.AppendHeader(nil)
	msg.Write(hdr)
	msg.WriteString("\r\n")
	size, _ := tree.BodySize()
	n, err := tree.WriteBody(&msg)
	fmt.Println(size == n, err)
	os.Stdout.Write(bytes.ReplaceAll(msg.Bytes(), []byte("\r\n"), []byte("⏎\n")))
	// Output:
	// true <nil>
	// Content-Type: multipart/mixed; boundary="=_0_AAAAAAAAAAAAAAAAAAAAAAAA"⏎
	// ⏎
	// --=_0_AAAAAAAAAAAAAAAAAAAAAAAA⏎
	// Content-Type: text/plain; charset=utf-8⏎
	// Content-Transfer-Encoding: 7bit⏎
	// ⏎
	// Hello,⏎
	// the report is attached.⏎
	// ⏎
	// --=_0_AAAAAAAAAAAAAAAAAAAAAAAA⏎
	// Content-Type: text/csv; charset=utf-8; name="Q3 report.csv"⏎
	// Content-Transfer-Encoding: base64⏎
	// Content-Disposition: attachment; filename="Q3 report.csv"⏎
	// ⏎
	// YSxiDQoxLDINCg==⏎
	// ⏎
	// --=_0_AAAAAAAAAAAAAAAAAAAAAAAA--⏎
}
