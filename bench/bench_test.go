package bench

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// lib is one library's way to produce the fixture as bytes, appending to dst where its API allows.
type lib struct {
	name  string
	build func(dst []byte) ([]byte, error)
	// signed, if set, is the h= list this library signs when it differs from the group's.
	signed []string
}

var (
	small = NewFixture(SmallAttachment)
	large = NewFixture(LargeAttachment)
)

// buildLibs returns every library building f without a signature.
func buildLibs(f *Fixture) []lib {
	libs := sesrawLibs(f)
	return append(libs,
		lib{"go-mail", func(dst []byte) ([]byte, error) {
			w := SliceWriter{B: dst}
			_, err := BuildGoMail(&w, f, nil)
			return w.B, err
		}, nil},
		lib{"go-message", func(dst []byte) ([]byte, error) {
			w := SliceWriter{B: dst}
			err := BuildGoMessage(&w, f)
			return w.B, err
		}, nil},
		lib{"gomail", func(dst []byte) ([]byte, error) {
			w := SliceWriter{B: dst}
			_, err := BuildGomailV2(&w, f)
			return w.B, err
		}, nil},
		lib{"jordan-wright", func([]byte) ([]byte, error) { return BuildJordanWright(f) }, nil},
	)
}

// signLibs returns every library building and DKIM-signing f with key, signing headers.
func signLibs(tb testing.TB, f *Fixture, key Key, headers []string) []lib {
	libs := sesrawSignLibs(tb, f, key)
	opts := NewMsgauthOptions(key, headers)
	var scratch bytes.Buffer
	gm := NewGoMailSigner(key, headers)
	return append(libs,
		lib{"go-message+msgauth", func(dst []byte) ([]byte, error) {
			w := SliceWriter{B: dst}
			err := BuildGoMessageSigned(&w, &scratch, f, opts)
			return w.B, err
		}, nil},
		lib{"go-mail", func(dst []byte) ([]byte, error) {
			w := SliceWriter{B: dst}
			_, err := BuildGoMail(&w, f, gm)
			return w.B, err
		}, UniqueNames(headers)},
	)
}

// runBuild checks l's output once, then times it; b.SetBytes is the length of l's own output.
func runBuild(b *testing.B, l lib, check func(lib, []byte) error) {
	b.Run("lib="+l.name, func(b *testing.B) {
		out, err := l.build(nil)
		if err != nil {
			b.Fatal(err)
		}
		if check != nil {
			if err := check(l, out); err != nil {
				b.Fatalf("%s: invalid output: %v", l.name, err)
			}
		}
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		buf := out
		for b.Loop() {
			if buf, err = l.build(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func mustKeys(tb testing.TB) (Key, Key) {
	ed, rsaKey, err := Keys()
	if err != nil {
		tb.Fatal(err)
	}
	return ed, rsaKey
}

func BenchmarkBuild(b *testing.B) {
	check := func(_ lib, out []byte) error { return CheckMessage(out, small, CheckOptions{}) }
	for _, l := range buildLibs(small) {
		runBuild(b, l, check)
	}
	runBuild(b, lib{"floor-encode", func(dst []byte) ([]byte, error) {
		return AppendEncodingFloor(dst, small), nil
	}, nil}, nil)
	msg := refMessage(b, small)
	b.Run("lib=floor-sha256", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		for b.Loop() {
			sha256Sink = sha256.Sum256(msg)
		}
	})
}

func BenchmarkBuildSign(b *testing.B) {
	ed, rsaKey := mustKeys(b)
	msg := refMessage(b, small)
	for _, key := range []Key{ed, rsaKey} {
		b.Run("key="+key.Name, func(b *testing.B) {
			headers := signedHeaderList(b, small, key)
			check := func(l lib, out []byte) error {
				return CheckMessage(out, small, CheckOptions{DKIM: &key, SignedHeaders: l.signedOr(headers)})
			}
			for _, l := range signLibs(b, small, key, headers) {
				runBuild(b, l, check)
			}
			b.Run("lib=floor", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := SignFloor(key.Signer, msg); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// wantSESValues is what every reader must produce: the five values, each followed by '\n'.
func wantSESValues() []byte {
	var want []byte
	for _, s := range SESHeaders {
		want = append(append(want, s.Value...), '\n')
	}
	return want
}

func BenchmarkXSESRead(b *testing.B) {
	raw := refMessage(b, small)
	want := wantSESValues()
	for _, l := range sesReaders() {
		b.Run("lib="+l.name, func(b *testing.B) {
			out, err := l.read(nil, raw)
			if err != nil {
				b.Fatal(err)
			}
			if !bytes.Equal(out, want) {
				b.Fatalf("%s read %q, want %q", l.name, out, want)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if out, err = l.read(out[:0], raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkXSESRemove(b *testing.B) {
	raw := refMessage(b, small)
	want := StripSES(raw)
	for _, l := range sesRemovers() {
		b.Run("lib="+l.name, func(b *testing.B) {
			out, err := l.remove(nil, raw)
			if err != nil {
				b.Fatal(err)
			}
			if !bytes.Equal(out, want) {
				b.Fatalf("%s: output differs from the reference removal", l.name)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if out, err = l.remove(out[:0], raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The floor: every remover has to copy the body, so copying the message once is the least work.
	b.Run("lib=floor-copy", func(b *testing.B) {
		out := make([]byte, 0, len(raw))
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			out = append(out[:0], raw...)
		}
	})
}

func BenchmarkBuildLarge(b *testing.B) {
	check := func(_ lib, out []byte) error { return CheckMessage(out, large, CheckOptions{}) }
	for _, l := range sesrawLargeLibs(large) {
		runBuild(b, l, check)
	}
	runBuild(b, lib{"floor-base64", func(dst []byte) ([]byte, error) {
		return AppendBase64Lines(dst, large.Attachment), nil
	}, nil}, nil)
}

// sesReader reads the fixture's five X-SES values (SESHeaders order) from a raw message, appending
// each, unfolded, and a '\n' to dst.
type sesReader struct {
	name string
	read func(dst, raw []byte) ([]byte, error)
}

// sesRemover removes every X-SES-* field from a raw message, appending to dst.
type sesRemover struct {
	name   string
	remove func(dst, raw []byte) ([]byte, error)
}

func sesReaders() []sesReader {
	g := NewGoMessageSES()
	var vals [5]string
	return append(sesrawReaders(), sesReader{"go-message", func(dst, raw []byte) ([]byte, error) {
		if err := g.Read(raw, &vals); err != nil {
			return dst, err
		}
		for _, v := range vals {
			dst = append(append(dst, v...), '\n')
		}
		return dst, nil
	}})
}

func sesRemovers() []sesRemover {
	g := NewGoMessageSES()
	return append(sesrawRemovers(), sesRemover{"go-message", func(dst, raw []byte) ([]byte, error) {
		w := SliceWriter{B: dst}
		err := g.Remove(&w, raw)
		return w.B, err
	}})
}

var sha256Sink [32]byte

// signedOr returns l.signed, or headers when l signs the group's list.
func (l lib) signedOr(headers []string) []string {
	if l.signed != nil {
		return l.signed
	}
	return headers
}
