package builder_test

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
)

var bhTag = regexp.MustCompile(`[; ]bh=([A-Za-z0-9+/=\s]+);`)

// TestSignedBodyHash: a signed message's bh= is the body hash dkim's general canonicalization
// gives for the body as written, whole. Building hashes the base64 lines multipart hands over apart
// without scanning them (BodyHasher.WriteNoWSP) and reuses one body hasher across messages; this
// fails if either gives another hash. Attachment sizes cross multipart's 8 KiB buffer and its
// 64-line base64 chunks, from Data and from Readers, one to three attachments after text with
// WSP runs and trailing WSP; one Builder alternates relaxed and simple body canonicalization.
func TestSignedBodyHash(t *testing.T) {
	signer := func(c dkim.Canonicalization) *dkim.Signer {
		s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "sesraw", Key: testKey,
			BodyCanonicalization: c, Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	relaxed, simple := signer(dkim.Relaxed), signer(dkim.Simple)
	b := testBuilder(3)
	sizes := []int{0, 1, 56, 57, 58, 3648, 8000, 8192, 9000, 40000, 100001}
	n := 0
	for i, size := range sizes {
		for k := 1; k <= 3; k++ {
			for _, reader := range []bool{false, true} {
				m := validMessage()
				m.Delegate(testIdentity)
				m.Text = "Hello  there,\t\n" + strings.Repeat("a line with trailing WSP \t\n\n", i) + "end \n\n\n"
				for j := range k {
					data := pseudoBytes(sizes[(i+j)%len(sizes)], byte(n+j))
					att := builder.Attachment{Filename: "a" + strconv.Itoa(j) + ".bin", ContentType: "application/octet-stream"}
					if reader {
						att.Reader, att.Size = bytes.NewReader(data), int64(len(data))
					} else {
						att.Data = data
					}
					m.Attachments = append(m.Attachments, att)
				}
				b.Signer = relaxed
				if n%2 == 1 {
					b.Signer = simple
				}
				n++
				out, err := b.Bytes(m)
				if err != nil {
					t.Fatal(err)
				}
				body := out[bytes.Index(out, []byte("\r\n\r\n"))+4:]
				h := b.Signer.NewBodyHasher()
				h.Write(body)
				want := base64.StdEncoding.EncodeToString(h.Sum())
				tag := bhTag.FindSubmatch(out)
				if tag == nil {
					t.Fatalf("no bh= in %q", out[:min(len(out), 800)])
				}
				if got := strings.Join(strings.Fields(string(tag[1])), ""); got != want {
					t.Fatalf("size %d, %d attachments, reader %v, message %d: bh=%s, the body's hash is %s", size, k, reader, n, got, want)
				}
				goVerify(t, out)
			}
		}
	}
}
