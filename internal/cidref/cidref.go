// Package cidref finds the cid: references of an HTML body (RFC 2392), the one reading the builder
// and the command line share when they compare them with a message's inline parts.
package cidref

import (
	"net/url"
	"strings"
)

// MaxRefs bounds the references References returns; the rest are ignored.
const MaxRefs = 1000

// References returns the Content-IDs that html references as cid:ID (in src="cid:ID",
// url(cid:ID), href='cid:ID' and the like), in order of first appearance, each once, with %XX
// escapes decoded (RFC 2392). "cid:" is matched ASCII-case-insensitively. Time is linear in
// len(html); at most MaxRefs are returned.
func References(html string) []string {
	var refs []string
	seen := map[string]bool{}
	for i := 0; i+4 <= len(html) && len(refs) < MaxRefs; {
		k := indexFold(html[i:], "cid:")
		if k < 0 {
			break
		}
		pos := i + k
		start := pos + 4
		end := start
		for end < len(html) && !stop(html[end]) {
			end++
		}
		i = end
		// A word ending in "cid:" (e.g. "acid:") is not a URL scheme.
		if end == start || pos > 0 && isSchemeChar(html[pos-1]) {
			continue
		}
		id := html[start:end]
		if dec, err := url.PathUnescape(id); err == nil {
			id = dec
		}
		if key := strings.ToLower(id); !seen[key] {
			seen[key] = true
			refs = append(refs, id)
		}
	}
	return refs
}

// stop reports whether c ends a cid URL inside HTML or CSS.
func stop(c byte) bool {
	switch c {
	case '"', '\'', '>', '<', ')', ' ', '\t', '\r', '\n', '\f', '&', '#', '?':
		return true
	}
	return false
}

func isSchemeChar(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// indexFold is strings.Index for an ASCII lower-case needle, matching its letters
// case-insensitively and every other byte exactly (folding with |0x20 alone would let 0x1A match
// ':').
func indexFold(s, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for j < len(lower) && (s[i+j] == lower[j] || 'a' <= lower[j] && lower[j] <= 'z' && s[i+j]|0x20 == lower[j]) {
			j++
		}
		if j == len(lower) {
			return i
		}
	}
	return -1
}
