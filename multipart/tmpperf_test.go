package multipart

import (
	"mime/quotedprintable"
	"os"
	"testing"
)

func TestTmpPerf(t *testing.T) {
	which := os.Getenv("QPWHICH")
	if which == "" {
		t.Skip()
	}
	var data []byte
	switch os.Getenv("QPBODY") {
	case "text":
		data = benchFixtureText()
	case "html":
		data = benchFixtureHTML()
	default:
		data = benchLatin1Text(1 << 20)
	}
	rounds := (4 << 20) / len(data)
	sw := sliceWriter{b: make([]byte, 0, 4*len(data))}
	dst := make([]byte, 0, 4*len(data))
	for range rounds {
		switch which {
		case "std":
			sw.b = sw.b[:0]
			w := quotedprintable.NewWriter(&sw)
			_, _ = w.Write(data)
			_ = w.Close()
		case "encode":
			q := qpEncoder{crlf: true}
			dst, _ = q.encode(dst[:0], data, true)
		case "scan":
			_ = scan(data, true)
		case "none":
		}
	}
}
