package rawheader

import (
	"bytes"
	"testing"
)

// unfoldThenTrim is AppendUnfolded as its documentation defines it: every line break before a
// continuation line deleted (an LF, and a CR right before it), then leading and trailing blanks
// trimmed.
func unfoldThenTrim(dst, v []byte) []byte {
	start := len(dst)
	for {
		i := bytes.IndexByte(v, '\n')
		if i < 0 {
			dst = append(dst, v...)
			break
		}
		j := i
		if j > 0 && v[j-1] == '\r' {
			j--
		}
		dst = append(dst, v[:j]...)
		v = v[i+1:]
	}
	out := dst[start:]
	k, e := 0, len(out)
	for k < e && isWSP(out[k]) {
		k++
	}
	for e > k && isWSP(out[e-1]) {
		e--
	}
	n := copy(out, out[k:e])
	return dst[:start+n]
}

// TestAppendUnfoldedIsUnfoldThenTrim checks AppendUnfolded, which trims before it unfolds, against
// the definition on every value of up to eight bytes from blanks, CR, LF and a letter.
func TestAppendUnfoldedIsUnfoldThenTrim(t *testing.T) {
	alpha := []byte{' ', '\t', '\r', '\n', 'a'}
	var rec func(v []byte)
	rec = func(v []byte) {
		if got, want := AppendUnfolded([]byte("p"), v), unfoldThenTrim([]byte("p"), v); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q want %q", v, got, want)
		}
		if len(v) == 8 {
			return
		}
		for _, c := range alpha {
			rec(append(v, c))
		}
	}
	rec(nil)
}
