package dkim_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/dkim"
)

// refCanonBody is a deliberately naive, whole-input canonicalization written straight from
// RFC 6376 §3.4.3 (simple) and §3.4.4 (relaxed), with only CRLF ending a line (§2.8).
func refCanonBody(body string, relaxed bool) string {
	lines := strings.Split(body, "\r\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // body ends in CRLF (or is empty): no incomplete last line
	}
	if relaxed {
		wsp := regexp.MustCompile(`[ \t]+`)
		for i, l := range lines {
			lines[i] = strings.TrimRight(wsp.ReplaceAllString(l, " "), " ")
		}
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		if relaxed {
			return ""
		}
		return "\r\n"
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}

func canonName(relaxed bool) string {
	if relaxed {
		return "relaxed"
	}
	return "simple"
}

func bodySigner(t testing.TB, relaxed bool) *dkim.Signer {
	t.Helper()
	c := dkim.Simple
	if relaxed {
		c = dkim.Relaxed
	}
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s", Key: rfc8463Key(), BodyCanonicalization: c})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hashChunks writes the chunks to a fresh BodyHasher and returns the hash.
func hashChunks(s *dkim.Signer, chunks ...string) []byte {
	h := s.NewBodyHasher()
	for _, c := range chunks {
		if n, err := h.Write([]byte(c)); n != len(c) || err != nil {
			panic("short write")
		}
	}
	return h.Sum()
}

var bodyCases = []string{
	"",
	"\r\n",
	"\r\n\r\n\r\n",
	"\r",
	"\n",
	"a",
	"a\r",
	"a\r\n",
	"a \r\n",
	" a\r\n",
	"\ta\t\r\n",
	"a\t \tb  \r\n\r\n",
	"a\r\r\n",          // go-msgauth issue 38: bare CR before CRLF
	"a \r\r\n",         // WSP before a bare CR is not trailing WSP
	"a \r b\r\n",       // bare CR inside a line
	"a\nb \n",          // bare LF is an ordinary byte
	" \r\n \t \r\nx",   // lines of only WSP are empty in relaxed
	"x\r\n \r\n\t\r\n", // ... and trailing
	"\r\n\r\nx\r\n\r\n",
	"a  ",
	"a \r",
	"Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\n",
	strings.Repeat("\r\n", 200) + "x" + strings.Repeat("\r\n", 300),
	strings.Repeat("y", 5000) + " \r\n" + strings.Repeat("z ", 3000) + "\r\n",
	strings.Repeat("a b\tc  \r\n\r\n", 700),
}

// TestBodyHasherReference checks both canonicalizations against the naive reference, whole input.
func TestBodyHasherReference(t *testing.T) {
	for _, relaxed := range []bool{false, true} {
		s := bodySigner(t, relaxed)
		for _, body := range bodyCases {
			want := sha256.Sum256([]byte(refCanonBody(body, relaxed)))
			if got := hashChunks(s, body); !bytes.Equal(got, want[:]) {
				t.Errorf("%s %q: hash differs from reference canonical form %q", canonName(relaxed), trunc(body), trunc(refCanonBody(body, relaxed)))
			}
		}
	}
}

// TestBodyHasherChunked splits every case at every byte (two chunks, which includes splitting inside
// CRLF and inside WSP runs), then feeds it one byte at a time: the hash must not change.
func TestBodyHasherChunked(t *testing.T) {
	for _, relaxed := range []bool{false, true} {
		s := bodySigner(t, relaxed)
		for _, body := range bodyCases {
			if len(body) > 2000 {
				continue // covered by the byte-at-a-time pass below
			}
			want := hashChunks(s, body)
			for i := 0; i <= len(body); i++ {
				if got := hashChunks(s, body[:i], body[i:]); !bytes.Equal(got, want) {
					t.Fatalf("%s %q split at %d: hash differs", canonName(relaxed), trunc(body), i)
				}
			}
			for i := 0; i+2 <= len(body); i++ { // three chunks around every 2-byte window
				if got := hashChunks(s, body[:i], body[i:i+1], "", body[i+1:]); !bytes.Equal(got, want) {
					t.Fatalf("%s %q split at %d,%d: hash differs", canonName(relaxed), trunc(body), i, i+1)
				}
			}
		}
		for _, body := range bodyCases {
			want := hashChunks(s, body)
			h := s.NewBodyHasher()
			for i := 0; i < len(body); i++ {
				h.Write([]byte{body[i]})
			}
			if got := h.Sum(); !bytes.Equal(got, want) {
				t.Errorf("%s %q byte by byte: hash differs", canonName(relaxed), trunc(body))
			}
		}
	}
}

// TestBodyHasherRandom compares random bodies over the interesting alphabet, randomly chunked,
// with the reference.
func TestBodyHasherRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab \t\r\n\r\n")
	for _, relaxed := range []bool{false, true} {
		s := bodySigner(t, relaxed)
		for n := 0; n < 2000; n++ {
			b := make([]byte, rng.Intn(40))
			for i := range b {
				b[i] = alphabet[rng.Intn(len(alphabet))]
			}
			body := string(b)
			var chunks []string
			for rest := body; len(rest) > 0; {
				k := 1 + rng.Intn(len(rest))
				chunks = append(chunks, rest[:k])
				rest = rest[k:]
			}
			want := sha256.Sum256([]byte(refCanonBody(body, relaxed)))
			if got := hashChunks(s, chunks...); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q chunks %q: hash differs from reference %q", canonName(relaxed), body, chunks, refCanonBody(body, relaxed))
			}
		}
	}
}

// TestBodyHasherVectors checks known body hashes: RFC 6376 Appendix A (simple) and RFC 8463
// Appendix A (relaxed), plus the hashes of the empty body (RFC 6376 §3.4.3/§3.4.4).
func TestBodyHasherVectors(t *testing.T) {
	tests := []struct {
		relaxed bool
		body    string
		bh      string
	}{
		{false, rfc6376Body, "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="},
		{true, rfc8463Body, "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="},
		{false, "", "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY="}, // sha256("\r\n")
		{true, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},  // sha256("")
	}
	for _, tt := range tests {
		s := bodySigner(t, tt.relaxed)
		for _, chunk := range []int{1, 2, 3, 7, 1 << 20} {
			h := s.NewBodyHasher()
			for rest := tt.body; len(rest) > 0; {
				k := min(chunk, len(rest))
				h.Write([]byte(rest[:k]))
				rest = rest[k:]
			}
			if got := base64.StdEncoding.EncodeToString(h.Sum()); got != tt.bh {
				t.Errorf("%s %q in chunks of %d: bh=%s, want %s", canonName(tt.relaxed), trunc(tt.body), chunk, got, tt.bh)
			}
		}
	}
}

// TestBodyHasherBufferEdge: a relaxed line to canonicalize is gathered in the hasher's 1024-octet
// buffer when it fits with its CRLF and goes through the state machine when it does not; lines of
// every length around that edge, with the run of WSP, the HTAB or the trailing SP anywhere, whole
// and in chunks, must match the reference.
func TestBodyHasherBufferEdge(t *testing.T) {
	s := bodySigner(t, true)
	for n := 1010; n <= 1030; n++ {
		for _, wsp := range []string{"  ", "\t", " \t"} {
			for _, at := range []int{0, 1, n / 2, n - 3} {
				line := []byte(strings.Repeat("w", n))
				copy(line[at:], wsp)
				for _, body := range []string{
					string(line) + "\r\n" + "next line\r\n",
					"a b\r\n" + string(line[:n-1]) + " \r\n\r\n",
				} {
					want := sha256.Sum256([]byte(refCanonBody(body, true)))
					if got := hashChunks(s, body); !bytes.Equal(got, want[:]) {
						t.Fatalf("line of %d octets, %q at %d: hash differs from reference", n, wsp, at)
					}
					if got := hashChunks(s, body[:n/3], body[n/3:]); !bytes.Equal(got, want[:]) {
						t.Fatalf("line of %d octets, %q at %d, in two chunks: hash differs from reference", n, wsp, at)
					}
				}
			}
		}
	}
}

// TestBodyHasherNoAllocs: Write must not allocate, whatever the chunking.
func TestBodyHasherNoAllocs(t *testing.T) {
	body := []byte(strings.Repeat("line with  some \t spaces \r\n\r\n", 400))
	for _, relaxed := range []bool{false, true} {
		h := bodySigner(t, relaxed).NewBodyHasher()
		allocs := testing.AllocsPerRun(50, func() {
			h.Write(body)
			h.Write(body[:7])
			h.Write(body[7:13])
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per Write round, want 0", canonName(relaxed), allocs)
		}
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// TestBodyHasherSlowLines: bodies whose every line leaves the fast path (bare CRs; lines too long
// for the scratch buffer that need canonicalizing), whole and in 4 KiB chunks, match the reference.
// (Before the fast path learned to take such lines itself, each one restarted its scans: quadratic.)
func TestBodyHasherSlowLines(t *testing.T) {
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString("x\ry z\r\n")
		b.WriteString(strings.Repeat("w ", 700) + " \r\n")
	}
	body := b.String()
	var chunks []string
	for rest := body; len(rest) > 0; {
		n := min(4096, len(rest))
		chunks = append(chunks, rest[:n])
		rest = rest[n:]
	}
	for _, relaxed := range []bool{false, true} {
		s := bodySigner(t, relaxed)
		want := sha256.Sum256([]byte(refCanonBody(body, relaxed)))
		if got := hashChunks(s, body); !bytes.Equal(got, want[:]) {
			t.Errorf("%s whole: hash differs from reference", canonName(relaxed))
		}
		if got := hashChunks(s, chunks...); !bytes.Equal(got, want[:]) {
			t.Errorf("%s in 4 KiB chunks: hash differs from reference", canonName(relaxed))
		}
	}
}

// TestBodyHasherGuessedLines: the relaxed hasher takes runs of lines by guessing each line's end
// from the previous line's length; a guess that lands on a CRLF but passes over a bare CR or over
// another CRLF must not be taken as one canonical line.
func TestBodyHasherGuessedLines(t *testing.T) {
	s := bodySigner(t, true)
	for _, body := range []string{
		"abcdef\r\na \r\nbc\r\nabcdef\r\n", // a CRLF after trailing SP inside the guessed line
		"abcdef\r\n \r\nbcd\r\nabcdef\r\n", // a line of one SP inside the guessed line
		"abcd\r\nab\rd\r\nabcd\r\n",        // a bare CR inside the guessed line
		"abcd\r\na\r\nb\r\nabcd\r\n",       // two lines where one was guessed
		"abcd\r\na\r\n\r\nabcd\r\n",        // a line and an empty one
		"abcd\r\nab \r\nabcd\r\n",          // trailing SP in a guessed line
		"abcd\r\nab\t\r\nabcd\r\n",         // trailing HTAB
		"abcd\r\na  b\r\nabcd\r\nx\r\n",    // SP SP
		strings.Repeat("QUJDRA==\r\n", 50) + "QU\rJD==\r\n" + strings.Repeat("QUJDRA==\r\n", 50),
	} {
		want := sha256.Sum256([]byte(refCanonBody(body, true)))
		if got := hashChunks(s, body); !bytes.Equal(got, want[:]) {
			t.Errorf("%q: hash differs from reference", body)
		}
	}
}

// TestBodyHasherWSPFree: the relaxed hasher takes every complete line before the next SP or HTAB
// at once when a line of at least 40 octets has neither (base64 lines have 76 columns). Random
// bodies of such lines, mixed with empty lines, bare CRs and LFs, lines of WSP only, trailing WSP
// and WSP runs, whole and randomly chunked, must match the reference; so must the stretches'
// edges: a stretch that ends the body with empty lines, one that ends at a line of WSP, at a
// trailing SP, or at a bare CR before the CRLF.
func TestBodyHasherWSPFree(t *testing.T) {
	long := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2", 2)[:76]
	fixed := []string{
		long + "\r\n" + long + "\r\n\r\n\r\n",
		long + "\r\n" + long + "\r\n\r\n \r\n\t\r\n",
		long + "\r\n" + long + "\r\n\r\nx \r\n",
		long + "\r\n" + long + "\r" + "\r\n" + long + "\r\n\r\n a\r\n",
		"a  b\r\n" + long + "\r\n\r" + "\r\n" + long + "\r\n\r\n\r\n" + "c\td \r\n\r\n",
		"\r\n\r\n" + long + "\r\n" + long + "\n\r\n" + long + "\r\r\n \r\n",
		long + "\r\n" + long, // incomplete last line
		long + "\r\n" + long + " ",
	}
	rng := rand.New(rand.NewSource(11))
	lines := []string{long, long[:40], long[:57], "", "", " ", "\t", "a b", "a  b", "ab ", "a\tb", "x\ry", long + "\r", long[:50] + "\n" + long[:30], " " + long}
	var bodies []string
	bodies = append(bodies, fixed...)
	for n := 0; n < 1500; n++ {
		var b strings.Builder
		for k := rng.Intn(12); k >= 0; k-- {
			l := lines[rng.Intn(len(lines))]
			if rng.Intn(3) == 0 {
				l = long // runs of base64 lines
			}
			b.WriteString(l)
			b.WriteString("\r\n")
		}
		if rng.Intn(4) == 0 {
			b.WriteString(lines[rng.Intn(len(lines))]) // an incomplete last line
		}
		bodies = append(bodies, b.String())
	}
	for _, relaxed := range []bool{true, false} {
		s := bodySigner(t, relaxed)
		for _, body := range bodies {
			want := sha256.Sum256([]byte(refCanonBody(body, relaxed)))
			if got := hashChunks(s, body); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q: hash differs from reference", canonName(relaxed), body)
			}
			var chunks []string
			for rest := body; len(rest) > 0; {
				k := 1 + rng.Intn(min(len(rest), 200))
				chunks = append(chunks, rest[:k])
				rest = rest[k:]
			}
			if got := hashChunks(s, chunks...); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q in chunks %q: hash differs from reference", canonName(relaxed), body, chunks)
			}
			// The same chunks, those without WSP through WriteNoWSP (as a MIME writer hands over
			// its base64 lines), the others through Write.
			h := s.NewBodyHasher()
			for _, c := range chunks {
				if strings.ContainsAny(c, " \t") {
					h.Write([]byte(c))
				} else if n, err := h.WriteNoWSP([]byte(c)); n != len(c) || err != nil {
					t.Fatalf("WriteNoWSP(%q) = %d, %v", c, n, err)
				}
			}
			if got := h.Sum(); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q in chunks %q, WriteNoWSP for those without WSP: hash differs from reference", canonName(relaxed), body, chunks)
			}
		}
	}
}

// TestBodyHasherWriteNoWSP: WSP-free bodies written whole through WriteNoWSP (runs of empty lines
// at the end, bare CRs and LFs, an incomplete last line, after pending empty lines or inside a
// line) hash as the reference says.
func TestBodyHasherWriteNoWSP(t *testing.T) {
	long := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2", 2)[:76]
	for _, relaxed := range []bool{true, false} {
		s := bodySigner(t, relaxed)
		for _, tc := range []struct{ before, p, after string }{
			{"", long + "\r\n" + long + "\r\n", ""},
			{"", long + "\r\n\r\n\r\n", ""},
			{"", long + "\r\n\r\n\r\n", "x\r\n"},
			{"", "\r\n\r\n", ""},
			{"", "\r\n\r\n", "a b\r\n"},
			{"a\r\n\r\n", long + "\r\n", ""},
			{"a \t", long + "\r\n", ""},       // inside a line with pending WSP
			{"a\r", "\nb\r\n", "\r\n"},        // the CRLF cut between Write and WriteNoWSP
			{"a", long + "\r\r\n" + long, ""}, // inside a line; a bare CR; an incomplete line
			{"", long + "\nx\ry\r\n", " \r\n"},
			{"", "", ""},
		} {
			body := tc.before + tc.p + tc.after
			want := sha256.Sum256([]byte(refCanonBody(body, relaxed)))
			h := s.NewBodyHasher()
			h.Write([]byte(tc.before))
			if n, err := h.WriteNoWSP([]byte(tc.p)); n != len(tc.p) || err != nil {
				t.Fatalf("WriteNoWSP(%q) = %d, %v", tc.p, n, err)
			}
			h.Write([]byte(tc.after))
			if got := h.Sum(); !bytes.Equal(got, want[:]) {
				t.Errorf("%s %q + WriteNoWSP(%q) + %q: hash differs from reference", canonName(relaxed), tc.before, tc.p, tc.after)
			}
		}
	}
}

// TestBodyHasherWriteNoWSPRace: with the race detector on, WriteNoWSP checks its caller's promise.
func TestBodyHasherWriteNoWSPRace(t *testing.T) {
	if !raceEnabled {
		t.Skip("WriteNoWSP checks its input only in builds with the race detector")
	}
	h := bodySigner(t, true).NewBodyHasher()
	defer func() {
		if recover() == nil {
			t.Error("WriteNoWSP took a SP without panicking")
		}
	}()
	h.WriteNoWSP([]byte("a b\r\n"))
}

// TestResetBodyHasher: a hasher reset for another body gives that body's hash, without
// allocating; one of the other canonicalization (or nil) is replaced by a new one.
func TestResetBodyHasher(t *testing.T) {
	relaxed, simple := bodySigner(t, true), bodySigner(t, false)
	body := []byte("a  b \r\n\r\n")
	h := relaxed.ResetBodyHasher(nil)
	h.Write([]byte("something else\r\nx"))
	h.Sum()
	h2 := relaxed.ResetBodyHasher(h)
	if h2 != h {
		t.Error("ResetBodyHasher did not reuse a hasher of the same canonicalization")
	}
	h2.Write(body)
	if got, want := h2.Sum(), sha256.Sum256([]byte("a b\r\n")); !bytes.Equal(got, want[:]) {
		t.Error("reset relaxed hasher: wrong hash")
	}
	h3 := simple.ResetBodyHasher(h2)
	if h3 == h2 {
		t.Fatal("ResetBodyHasher reused a relaxed hasher for simple canonicalization")
	}
	h3.Write(body)
	if got, want := h3.Sum(), sha256.Sum256([]byte("a  b \r\n")); !bytes.Equal(got, want[:]) {
		t.Error("simple hasher from ResetBodyHasher: wrong hash")
	}
	if n := testing.AllocsPerRun(20, func() {
		h = relaxed.ResetBodyHasher(h)
		h.Write(body)
		h.Sum()
	}); n > 1 { // Sum's result
		t.Errorf("%v allocations per reset and hash, want at most 1 (Sum's result)", n)
	}
}
