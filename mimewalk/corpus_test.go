package mimewalk_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/internal/testutil"
)

// TestCorpusAgainstGoMessage walks every message of the reference corpus with mimewalk and with
// go-message. Where go-message reads a message and the walk finds no structural problem and no
// malformed header block (where the readers are entitled to differ), both must see the same
// leaves, in the same order, with the same paths, media types, header fields and decoded bodies.
// The counts per class are logged.
func TestCorpusAgainstGoMessage(t *testing.T) {
	dir := testutil.CorpusDir()
	if dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("../shared/corpus/messages is absent; under CI=true this test must run")
		}
		t.Skip("../shared/corpus/messages is absent: corpus comparison skipped")
	}
	classes := map[string]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(dir, path)
		mine, clean, werr := mimewalkLeaves(raw)
		theirs, gerr := goMessageLeaves(raw)
		switch {
		case werr != nil:
			t.Logf("%s: %v", name, werr)
			classes["mimewalk stops at a limit"]++
		case gerr != nil:
			classes["go-message cannot read it"]++
		case !clean:
			classes["structural problem or malformed header (readers may differ)"]++
		default:
			if err := compareLeaves(mine, theirs); err != nil {
				if crlfAgrees(raw) {
					classes["bare LF before a delimiter in a CRLF message (go-message keeps the first delimiter's line ending)"]++
					return nil
				}
				if errors.Is(err, errBodyDecoding) {
					classes["a body only one reader decodes (invalid base64/QP)"]++
					return nil
				}
				t.Errorf("%s: %v", name, err)
				classes["DIFFERENT"]++
				return nil
			}
			classes["same leaves, headers and bodies"]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	total := 0
	for k, n := range classes {
		keys = append(keys, k)
		total += n
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("\n  ")
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(itoa(classes[k]))
	}
	t.Logf("%d corpus messages:%s", total, b.String())
	if classes["same leaves, headers and bodies"] < total/2 {
		t.Errorf("fewer than half the corpus compared")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// crlfAgrees reports whether the readers agree once every bare LF of raw is made CRLF: the only
// difference was then where a bare LF ends a line. Go's mime/multipart (which go-message forks)
// takes the line ending of the first delimiter for the whole multipart; mimewalk, like the header
// grammar, takes a bare LF for a line break everywhere.
func crlfAgrees(raw []byte) bool {
	out := make([]byte, 0, len(raw)+len(raw)/40)
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	mine, clean, err := mimewalkLeaves(out)
	theirs, gerr := goMessageLeaves(out)
	return err == nil && gerr == nil && clean && compareLeaves(mine, theirs) == nil
}
