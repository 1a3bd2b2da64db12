package dkim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// TestGoldenMessages signs every golden message the builder produces (../testdata/golden/*.eml)
// with RSA-2048 and Ed25519, relaxed and simple, and checks that go-msgauth, Verify and
// python3-dkim accept the result both as built and after SES removes its X-SES-* headers.
// Messages that are already signed are skipped (SES would reject a second signature).
func TestGoldenMessages(t *testing.T) {
	t.Parallel() // python3-dkim runs in its own process
	files, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no golden messages in ../testdata/golden yet")
	}
	dns := testDNS(t)
	var py []pythonCase
	signed := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if bytes.Contains(bytes.ToLower(raw[:max(0, bytes.Index(raw, []byte("\r\n\r\n")))]), []byte("\ndkim-signature:")) ||
			bytes.HasPrefix(bytes.ToLower(raw), []byte("dkim-signature:")) {
			t.Logf("%s: already signed, skipped", name)
			continue
		}
		for _, k := range testKeys {
			for _, c := range []dkim.Canonicalization{dkim.Relaxed, dkim.Simple} {
				cname := name + "/" + k.name + "/" + string(c)
				out, err := NewSigner(t, k, c).Sign(nil, raw)
				if err != nil {
					t.Errorf("%s: %v", cname, err)
					continue
				}
				signed++
				stripped := xheaders.Remove(nil, out)
				for _, m := range []struct {
					what string
					raw  []byte
				}{{"as built", out}, {"after SES strip", stripped}} {
					if err := msgauthVerify(t, m.raw, dns); err != nil {
						t.Errorf("%s %s: go-msgauth: %v", cname, m.what, err)
					}
					if res, err := dkim.Verify(m.raw, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT}); err != nil || res[0].Err != nil {
						t.Errorf("%s %s: Verify: %v %+v", cname, m.what, err, res)
					}
					py = append(py, pythonCase{name: cname + " " + m.what, raw: m.raw, wantOK: true})
				}
			}
		}
	}
	t.Logf("signed %d golden messages", signed)
	if len(py) > 0 {
		pythonVerify(t, dns, py)
	}
}
