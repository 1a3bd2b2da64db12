package fuzz_test

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sesraw/sesraw/builder"
)

// FuzzAddressList checks builder-level address lists end to end. The input is an address list in
// RFC 5322 syntax (parsed with net/mail, as a caller would) plus one display name and one address
// given raw (not parsed), each put into To, Cc, Reply-To or Bcc as the input chooses.
//
// Invariant: Validate, Envelope and Bytes agree, and either all fail with the same typed error (a
// *builder.FieldError wrapping a builder sentinel, errors.Is), never a panic; or the message is built
// and
//   - every line is CRLF-terminated, at most 998 octets, the header block 7-bit;
//   - To, Cc and Reply-To parse back, through net/mail's Header.AddressList and go-message's
//     mail.Header.AddressList, to exactly the names and addresses given, the domain of an
//     internationalized address as its Punycode ("xn--") form (checked by decoding it here, with an
//     RFC 3492 decoder independent of the library), everything else unchanged;
//   - there is no Bcc field and no Bcc-only address anywhere in the header block;
//   - the envelope is To + Cc + Bcc, in that order, deduplicated case-insensitively, at most 50.
func FuzzAddressList(f *testing.F) {
	f.Add("Alice <alice@example.com>, bob@example.org", "Carol", "carol@example.net", uint8(0x10))
	f.Add(`"Müller, Jürgen" <j@bücher.example>, =?utf-8?q?Z=C3=B6e?= <zoe@example.com>`, "Zoë", "zoe@ÉXAMPLE.com", uint8(0x21))
	f.Add(`"a b"@example.com, <x@[127.0.0.1]>`, "", `"quoted local"@example.com`, uint8(0x32))
	f.Add("undisclosed-recipients:;", "Eve\r\nBcc: eve@evil.example", "eve@evil.example", uint8(0x03))
	f.Add("a@b.c, A@B.C, a@b.c", "a", "a@b.c\r\nBcc: x@y.z", uint8(0x13))
	f.Add(strings.Repeat("x@example.com, ", 25)+strings.Repeat("y@example.com, ", 26)+"z@example.com", "n", "n@example.com", uint8(0x04))
	f.Add("Grp: a@example.com, b@example.com;", "=?utf-8?q?fake?=", "tricky.name+tag@sub.domain.example", uint8(0x25))
	f.Add(`"\"quoted\" \\ name" <q@example.com>`, "   padded   ", "münchen@example.com", uint8(0x0a))
	f.Add("日本語 <user@日本語.jp>", "名前", "user@xn--wgv71a119e.jp", uint8(0x18))
	f.Add("a@-bad-.example, b@.example", "x", "@example.com", uint8(0x00))
	f.Fuzz(func(t *testing.T, list, name, addr string, where uint8) {
		var parsed []mail.Address
		if l, err := mail.ParseAddressList(list); err == nil {
			for _, a := range l {
				parsed = append(parsed, *a)
			}
		}
		m := &builder.Message{
			From:    mail.Address{Name: "Sender", Address: "sender@example.com"},
			Subject: "addresses",
			Text:    "hello\r\n",
		}
		slots := [4]*[]mail.Address{&m.To, &m.Cc, &m.ReplyTo, &m.Bcc}
		*slots[where&3] = append(*slots[where&3], parsed...)
		*slots[where>>2&3] = append(*slots[where>>2&3], mail.Address{Name: name, Address: addr})
		if where&0x40 != 0 {
			m.Bcc = append(m.Bcc, mail.Address{Address: "hidden@example.net"})
		}

		b := newBuilder(builder.TargetV1, 1)
		verr := b.Validate(m)
		env, eerr := b.Envelope(m)
		raw, err := b.Bytes(m)
		if err != nil || verr != nil || eerr != nil {
			for _, e := range []error{err, verr, eerr} {
				if e == nil || !isTypedBuildError(e) || builderSentinel(e) == nil {
					t.Fatalf("Bytes, Validate and Envelope disagree or fail untyped:\nBytes: %v\nValidate: %v\nEnvelope: %v", err, verr, eerr)
				}
			}
			if builderSentinel(err) != builderSentinel(verr) || builderSentinel(err) != builderSentinel(eerr) {
				t.Fatalf("different sentinels: Bytes %v, Validate %v, Envelope %v", err, verr, eerr)
			}
			if raw != nil {
				t.Fatalf("Bytes returned %d bytes with an error", len(raw))
			}
			return
		}

		checkLines(t, raw)
		fields, _ := headerBlock(t, raw)
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("net/mail: %v", err)
		}
		gh, _ := readGoMessage(t, raw)
		for _, fl := range []struct {
			key  string
			list []mail.Address
		}{{"To", m.To}, {"Cc", m.Cc}, {"Reply-To", m.ReplyTo}} {
			n := 0
			for _, f := range fields {
				if strings.EqualFold(f.name, fl.key) {
					n++
				}
			}
			if want := min(len(fl.list), 1); n != want {
				t.Fatalf("%d %s fields, want %d", n, fl.key, want)
			}
			if len(fl.list) == 0 {
				continue
			}
			std, err := msg.Header.AddressList(fl.key)
			if err != nil {
				t.Fatalf("net/mail %s: %v", fl.key, err)
			}
			gm, err := gh.AddressList(fl.key)
			if err != nil {
				t.Fatalf("go-message %s: %v", fl.key, err)
			}
			if len(std) != len(fl.list) || len(gm) != len(fl.list) {
				t.Fatalf("%s: %d addresses given, net/mail reads %d, go-message %d", fl.key, len(fl.list), len(std), len(gm))
			}
			for i, want := range fl.list {
				for _, got := range []struct {
					who        string
					name, addr string
				}{{"net/mail", std[i].Name, std[i].Address}, {"go-message", gm[i].Name, gm[i].Address}} {
					if got.name != want.Name {
						t.Errorf("%s[%d]: %s reads name %q, want %q", fl.key, i, got.who, got.name, want.Name)
					}
					if !sameAddress(got.addr, want.Address) {
						t.Errorf("%s[%d]: %s reads address %q, want %q (IDN domain as Punycode)", fl.key, i, got.who, got.addr, want.Address)
					}
				}
			}
		}
		for _, f := range fields {
			if strings.EqualFold(f.name, "Bcc") {
				t.Fatalf("the header block has a Bcc field")
			}
		}
		shown := map[string]bool{}
		for _, l := range [][]mail.Address{m.To, m.Cc, m.ReplyTo, {m.From}} {
			for _, a := range l {
				shown[strings.ToLower(asciiAddr(a.Address))] = true
			}
		}
		hdr := strings.ToLower(string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))]))
		for _, a := range m.Bcc {
			if ad := strings.ToLower(asciiAddr(a.Address)); !shown[ad] && containsWord(hdr, ad) {
				t.Fatalf("Bcc-only address %q appears in the header block", a.Address)
			}
		}

		// Envelope: To + Cc + Bcc, deduplicated case-insensitively, in order of first appearance.
		var want []string
		for _, l := range [][]mail.Address{m.To, m.Cc, m.Bcc} {
			for _, a := range l {
				want = append(want, a.Address)
			}
		}
		var dedup []string
		for _, w := range want {
			dup := false
			for _, d := range dedup {
				if strings.EqualFold(asciiAddr(d), asciiAddr(w)) {
					dup = true
					break
				}
			}
			if !dup {
				dedup = append(dedup, w)
			}
		}
		if len(dedup) != len(env.To) || len(env.To) > 50 {
			t.Fatalf("envelope has %d recipients, want %d: %q", len(env.To), len(dedup), env.To)
		}
		for i := range dedup {
			if !sameAddress(env.To[i], dedup[i]) {
				t.Fatalf("envelope recipient %d is %q, want %q", i, env.To[i], dedup[i])
			}
		}
		if env.From != "sender@example.com" {
			t.Fatalf("envelope From %q", env.From)
		}
	})
}

// containsWord reports whether w occurs in s not preceded or followed by an address character
// (letters, digits, atext specials, '.', '@'), i.e. as a whole address.
func containsWord(s, w string) bool {
	isAddrChar := func(c byte) bool {
		return c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~.@", c) >= 0
	}
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		if (i == 0 || !isAddrChar(s[i-1])) && (i+len(w) == len(s) || !isAddrChar(s[i+len(w)])) {
			return true
		}
		off = i + 1
	}
}

// asciiAddr is a key for comparing addresses: the local part and the domain lower-cased, an
// internationalized domain replaced by a marker of its Unicode form (so two spellings of one
// address compare equal without running the library's Punycode encoder).
func asciiAddr(a string) string {
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return a
	}
	local, domain := a[:at], a[at+1:]
	labels := strings.Split(domain, ".")
	for i, l := range labels {
		if strings.HasPrefix(strings.ToLower(l), "xn--") {
			if d, ok := punyDecode(strings.ToLower(l[4:])); ok {
				labels[i] = d
			}
		}
		labels[i] = asciiLower(labels[i])
	}
	return local + "@" + strings.Join(labels, ".")
}

// sameAddress reports whether got is the address given as want, written as the builder must: want
// unchanged when its domain is ASCII; otherwise the same local part and an ASCII domain whose labels
// are want's labels with ASCII letters lower-cased, the non-ASCII ones Punycode-encoded with "xn--".
func sameAddress(got, want string) bool {
	if isASCII(want) {
		return got == want
	}
	gat, wat := strings.LastIndexByte(got, '@'), strings.LastIndexByte(want, '@')
	if gat < 0 || wat < 0 || got[:gat] != want[:wat] || !isASCII(got) {
		return false
	}
	gl, wl := strings.Split(got[gat+1:], "."), strings.Split(want[wat+1:], ".")
	if len(gl) != len(wl) {
		return false
	}
	for i := range gl {
		w := asciiLower(wl[i])
		if isASCII(w) {
			if gl[i] != w {
				return false
			}
			continue
		}
		if !strings.HasPrefix(gl[i], "xn--") {
			return false
		}
		d, ok := punyDecode(gl[i][4:])
		if !ok || d != w {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// punyDecode decodes Punycode (RFC 3492 section 6.2, without the "xn--" prefix). It is written
// from the RFC, independently of the library's encoder, so that a round trip checks both.
func punyDecode(s string) (string, bool) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	var out []rune
	rest := s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		for _, c := range s[:i] {
			if c >= 0x80 {
				return "", false
			}
			out = append(out, c)
		}
		rest = s[i+1:]
	}
	n, bias, i := initialN, initialBias, 0
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	for p := 0; p < len(rest); {
		oldi, w := i, 1
		for k := base; ; k += base {
			if p >= len(rest) {
				return "", false
			}
			c := rest[p]
			p++
			var digit int
			switch {
			case 'a' <= c && c <= 'z':
				digit = int(c - 'a')
			case 'A' <= c && c <= 'Z':
				digit = int(c - 'A')
			case '0' <= c && c <= '9':
				digit = int(c-'0') + 26
			default:
				return "", false
			}
			if digit > (1<<31-1-i)/w {
				return "", false
			}
			i += digit * w
			t := k - bias
			if t < tmin {
				t = tmin
			} else if t > tmax {
				t = tmax
			}
			if digit < t {
				break
			}
			if w > (1<<31-1)/(base-t) {
				return "", false
			}
			w *= base - t
		}
		bias = adapt(i-oldi, len(out)+1, oldi == 0)
		if i/(len(out)+1) > 1<<31-1-n {
			return "", false
		}
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > utf8.MaxRune {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), true
}

// TestPunyDecode checks the test's own Punycode decoder on RFC 3492 section 7.1 samples.
func TestPunyDecode(t *testing.T) {
	for enc, want := range map[string]string{
		"bcher-kva":                "bücher",
		"wgv71a119e":               "日本語",
		"egbpdaj6bu4bxfgehfvwxn":   "ليهمابتكلموشعربي؟",
		"ihqwcrb4cv8a8dqg056pqjye": "他们为什么不说中文",
		"":                         "",
	} {
		got, ok := punyDecode(enc)
		if !ok || got != want {
			t.Errorf("punyDecode(%q) = %q, %v; want %q", enc, got, ok, want)
		}
	}
}
