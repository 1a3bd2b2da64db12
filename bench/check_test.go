package bench

import (
	"bytes"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

// TestOutputsValid checks every library's output once, as the benchmarks do before timing.
func TestOutputsValid(t *testing.T) {
	for _, l := range buildLibs(small) {
		out, err := l.build(nil)
		if err != nil {
			t.Errorf("%s: %v", l.name, err)
			continue
		}
		if err := CheckMessage(out, small, CheckOptions{}); err != nil {
			t.Errorf("%s: %v", l.name, err)
		}
		if testing.Verbose() {
			t.Logf("%s: %d bytes, header:\n%s", l.name, len(out), out[:bytes.Index(out, []byte("\r\n\r\n"))])
		}
	}
}

// TestSignedOutputsValid checks every signer's output verifies, as built and after SES strips X-SES-*.
func TestSignedOutputsValid(t *testing.T) {
	ed, rsaKey := mustKeys(t)
	for _, key := range []Key{ed, rsaKey} {
		headers := signedHeaderList(t, small, key)
		for _, l := range signLibs(t, small, key, headers) {
			out, err := l.build(nil)
			if err != nil {
				t.Errorf("%s/%s: %v", key.Name, l.name, err)
				continue
			}
			if err := CheckMessage(out, small, CheckOptions{DKIM: &key, SignedHeaders: l.signedOr(headers)}); err != nil {
				t.Errorf("%s/%s: %v", key.Name, l.name, err)
			}
		}
	}
}

// TestCheckRejects makes sure the check can fail: a message missing what the fixture demands.
func TestCheckRejects(t *testing.T) {
	w := SliceWriter{}
	if err := BuildGoMessage(&w, small); err != nil {
		t.Fatal(err)
	}
	good := w.B
	for _, c := range []struct {
		name string
		raw  []byte
	}{
		{"no X-SES headers", StripSES(good)},
		{"attachment byte flipped", bytes.Replace(good, []byte("Content-Disposition: attachment"), []byte("Content-Disposition: inline"), 1)},
		{"bare LF", bytes.Replace(good, []byte("\r\n"), []byte("\n"), 1)},
		{"subject changed", bytes.Replace(good, []byte("Subject: "), []byte("Subject: x"), 1)},
	} {
		if err := CheckMessage(c.raw, small, CheckOptions{}); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// TestGoMailOversignBreaks documents why go-mail is not given the oversigned names: with them its
// h= list no longer fits on one line, go-mail folds inside it, and its signature fails.
func TestGoMailOversignBreaks(t *testing.T) {
	ed, _ := mustKeys(t)
	headers := []string{"From", "From", "To", "To", "Cc", "Cc", "Reply-To", "Reply-To", "Subject", "Subject", "MIME-Version", "Content-Type"}
	for _, c := range []struct {
		name   string
		signer func(Key, []string) *gomail.DKIMSigner
		ok     bool
	}{{"SignHeaders only", NewGoMailSigner, true}, {"with OversignHeaders", NewGoMailOversigner, false}} {
		w := SliceWriter{}
		if _, err := BuildGoMail(&w, small, c.signer(ed, headers)); err != nil {
			t.Fatal(err)
		}
		if err := checkDKIM(w.B, ed, nil); (err == nil) != c.ok {
			t.Errorf("%s: verification error %v, want ok=%v", c.name, err, c.ok)
		}
	}
}
