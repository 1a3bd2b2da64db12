package builder_test

import (
	"bytes"
	"encoding/base64"
	"io"
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
// WSP runs and trailing WSP; one Builder alternates relaxed and simple body canonicalization;
// each message is built by Bytes, by WriteTo (twice through the hash for Data and seekable
// Readers) and by WriteTo with Readers that can be read once (kept in memory or spilled to a file).
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
	b.SpillThreshold = 20000
	sizes := []int{0, 1, 56, 57, 58, 3648, 8000, 8192, 9000, 40000, 100001}
	n := 0
	for i, size := range sizes {
		for k := 1; k <= 3; k++ {
			for _, how := range []string{"Bytes/Data", "Bytes/Reader", "WriteTo/Data", "WriteTo/Seeker", "WriteTo/once"} {
				m := validMessage()
				m.Delegate(testIdentity)
				m.Text = "Hello  there,\t\n" + strings.Repeat("a line with trailing WSP \t\n\n", i) + "end \n\n\n"
				for j := range k {
					data := pseudoBytes(sizes[(i+j)%len(sizes)], byte(n+j))
					att := builder.Attachment{Filename: "a" + strconv.Itoa(j) + ".bin", ContentType: "application/octet-stream"}
					switch how {
					case "Bytes/Data", "WriteTo/Data":
						att.Data = data
					case "WriteTo/once":
						att.Reader, att.Size = struct{ io.Reader }{bytes.NewReader(data)}, int64(len(data))
					default:
						att.Reader, att.Size = bytes.NewReader(data), int64(len(data))
					}
					m.Attachments = append(m.Attachments, att)
				}
				b.Signer = relaxed
				if n%2 == 1 {
					b.Signer = simple
				}
				n++
				var out []byte
				if strings.HasPrefix(how, "Bytes") {
					var err error
					if out, err = b.Bytes(m); err != nil {
						t.Fatal(err)
					}
				} else {
					var buf bytes.Buffer
					if _, err := b.WriteTo(&buf, m); err != nil {
						t.Fatal(err)
					}
					out = buf.Bytes()
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
					t.Fatalf("%s, size %d, %d attachments, message %d: bh=%s, the body's hash is %s", how, size, k, n, got, want)
				}
				goVerify(t, out)
			}
		}
	}
}
