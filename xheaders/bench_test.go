package xheaders_test

import (
	"bufio"
	"bytes"
	"io"
	"testing"

	"github.com/emersion/go-message/textproto"
	"github.com/sesraw/sesraw/xheaders"
)

// benchMessage is a realistic built message: the seven X-SES headers at the top, eight ordinary
// header fields (one folded), a blank line and a 4 KiB multipart body.
var benchMessage = func() []byte {
	h := fullHeaders()
	block, err := h.Append(nil)
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	b.Write(block)
	b.WriteString("From: \"Example Sender\" <sender@example.com>\r\n" +
		"To: \"Recipient Name\" <recipient@example.net>\r\n" +
		"Subject: =?utf-8?q?Your_order_has_shipped_=E2=80=94_tracking_inside?=\r\n" +
		"Date: Mon, 02 Mar 2026 10:15:00 +0000\r\n" +
		"Message-ID: <20260302101500.4f2a9c@mail.example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"List-Unsubscribe: <https://example.com/unsubscribe?u=42&list=newsletter>,\r\n <mailto:unsubscribe@example.com?subject=unsubscribe>\r\n" +
		"Content-Type: multipart/alternative; boundary=\"b1_4f2a9c\"\r\n" +
		"\r\n")
	line := "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incid.\r\n"
	b.WriteString("--b1_4f2a9c\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	for range 24 {
		b.WriteString(line)
	}
	b.WriteString("--b1_4f2a9c\r\nContent-Type: text/html; charset=utf-8\r\n\r\n")
	for range 24 {
		b.WriteString("<p>" + line[:len(line)-2] + "</p>\r\n")
	}
	b.WriteString("--b1_4f2a9c--\r\n")
	return b.Bytes()
}()

var sinkEffective xheaders.Effective

func BenchmarkRead(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	for b.Loop() {
		e, err := xheaders.Read(benchMessage)
		if err != nil {
			b.Fatal(err)
		}
		sinkEffective = e
	}
	if sinkEffective.Count(xheaders.Tenant) != 1 {
		b.Fatal("wrong result")
	}
}

var sesNames = []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant}

// BenchmarkReadGoMessage does Read's job with go-message: parse the header, fetch each value.
func BenchmarkReadGoMessage(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	var got [7]string
	br := bufio.NewReader(nil)
	for b.Loop() {
		br.Reset(bytes.NewReader(benchMessage))
		h, err := textproto.ReadHeader(br)
		if err != nil {
			b.Fatal(err)
		}
		for i, k := range sesNames {
			got[i] = h.Get(k)
		}
	}
	if got[6] != "acme-corp" {
		b.Fatal("wrong result")
	}
}

func BenchmarkRemove(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	dst := make([]byte, 0, len(benchMessage))
	for b.Loop() {
		dst = xheaders.Remove(dst[:0], benchMessage)
	}
	if len(dst) >= len(benchMessage) {
		b.Fatal("nothing removed")
	}
}

// BenchmarkRemoveGoMessage does Remove's job with go-message: parse the header, delete the X-SES
// fields, write the header back and copy the body.
func BenchmarkRemoveGoMessage(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	var out bytes.Buffer
	out.Grow(len(benchMessage))
	br := bufio.NewReader(nil)
	for b.Loop() {
		out.Reset()
		br.Reset(bytes.NewReader(benchMessage))
		h, err := textproto.ReadHeader(br)
		if err != nil {
			b.Fatal(err)
		}
		fields := h.Fields()
		for fields.Next() {
			if xheaders.IsSESName([]byte(fields.Key())) {
				fields.Del()
			}
		}
		if err := textproto.WriteHeader(&out, h); err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(&out, br); err != nil {
			b.Fatal(err)
		}
	}
	if bytes.Contains(out.Bytes(), []byte("X-SES-")) {
		b.Fatal("not removed")
	}
}

func BenchmarkRemoveTo(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	r := bytes.NewReader(benchMessage)
	for b.Loop() {
		r.Reset(benchMessage)
		if _, err := xheaders.RemoveTo(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	b.ReportAllocs()
	h := fullHeaders()
	dst, _ := h.Append(nil)
	b.SetBytes(int64(len(dst)))
	for b.Loop() {
		var err error
		dst, err = h.Append(dst[:0])
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseARN(b *testing.B) {
	b.ReportAllocs()
	s := fromARN.String()
	for b.Loop() {
		if _, err := xheaders.ParseARN(s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestZeroAllocs pins the allocation-free hot paths.
func TestZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	h := fullHeaders()
	dst := make([]byte, 0, 2*len(benchMessage))
	e, _ := xheaders.Read(benchMessage)
	tags, _ := e.First(xheaders.MessageTags)
	var s xheaders.Scanner
	inPlace := make([]byte, 0, len(benchMessage))
	checks := map[string]func(){
		"Read": func() { sinkEffective, _ = xheaders.Read(benchMessage) },
		"Scanner": func() {
			s.Reset(benchMessage)
			for s.Next() {
			}
		},
		"Remove": func() { dst = xheaders.Remove(dst[:0], benchMessage) },
		"RemoveInPlace": func() {
			inPlace = append(inPlace[:0], benchMessage...)
			_ = xheaders.RemoveInPlace(inPlace)
		},
		"ReadInto": func() { _ = xheaders.ReadInto(&sinkEffective, benchMessage) },
		"Lookups": func() {
			for _, k := range lookupNames {
				f, _ := e.First(k)
				_ = e.Count(k)
				dst = f.AppendUnfolded(dst[:0])
			}
		},
		"Append":          func() { dst, _ = h.Append(dst[:0]) },
		"Validate":        func() { _ = h.Validate() },
		"AppendUnfolded":  func() { dst = tags.AppendUnfolded(dst[:0]) },
		"Apply (Replace)": func() { dst, _ = xheaders.Apply(dst[:0], &h, benchMessage, xheaders.ApplyOptions{Replace: true}) },
		"ParseARN":        func() { _, _ = xheaders.ParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com") },
		"Covers":          func() { _ = fromARN.Covers("sender@EXAMPLE.com") },
	}
	for name, fn := range checks {
		if n := testing.AllocsPerRun(50, fn); n != 0 {
			t.Errorf("%s: %v allocs per run, want 0", name, n)
		}
	}
}

// lookupNames are the five headers the bench module's fixture carries; BenchmarkReadLookup reads them
// as a sender-side check would: Read, then First + AppendUnfolded for each.
var lookupNames = []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags}

func BenchmarkReadLookup(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	dst := make([]byte, 0, 512)
	for b.Loop() {
		e, err := xheaders.Read(benchMessage)
		if err != nil {
			b.Fatal(err)
		}
		dst = dst[:0]
		for _, k := range lookupNames {
			f, _ := e.First(k)
			dst = append(f.AppendUnfolded(dst), '\n')
		}
	}
	if len(dst) < 100 {
		b.Fatal("wrong result")
	}
}

// BenchmarkReadIntoLookup is BenchmarkReadLookup filling a reused Effective with ReadInto.
func BenchmarkReadIntoLookup(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	dst := make([]byte, 0, 512)
	var e xheaders.Effective
	for b.Loop() {
		if err := xheaders.ReadInto(&e, benchMessage); err != nil {
			b.Fatal(err)
		}
		dst = dst[:0]
		for _, k := range lookupNames {
			f, _ := e.First(k)
			dst = append(f.AppendUnfolded(dst), '\n')
		}
	}
	if len(dst) < 100 {
		b.Fatal("wrong result")
	}
}

// BenchmarkRemoveInPlace restores the header block (the only bytes RemoveInPlace writes) before each
// call; that copy of about 1 KB is included in the time.
func BenchmarkRemoveInPlace(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessage)))
	buf := bytes.Clone(benchMessage)
	hdr := bytes.Index(benchMessage, []byte("\r\n\r\n")) + 4
	var out []byte
	for b.Loop() {
		copy(buf[:hdr], benchMessage[:hdr])
		out = xheaders.RemoveInPlace(buf)
	}
	if !bytes.Equal(out, xheaders.Remove(nil, benchMessage)) {
		b.Fatal("wrong result")
	}
}
