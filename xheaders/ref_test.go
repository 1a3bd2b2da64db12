package xheaders_test

import (
	"strings"
)

// This file holds a slow, obviously-correct reference implementation of the header-block rules the
// package documents. It works on whole lines with the strings package and shares no code with the
// package under test.

type refField struct {
	name       string // as written, blanks before the colon excluded
	value      string // raw value after the colon, final line break excluded
	start, end int
}

type refHeader struct {
	fields    []refField // every field, X-SES or not
	bodyAt    int
	malformed bool
	mbox      bool // the message starts with an mbox From line (skipped)
}

// refLines splits raw into lines that keep their LF; the last line may lack one.
func refLines(raw string) []string {
	var out []string
	for raw != "" {
		i := strings.IndexByte(raw, '\n')
		if i < 0 {
			out = append(out, raw)
			break
		}
		out = append(out, raw[:i+1])
		raw = raw[i+1:]
	}
	return out
}

// refBareCR reports whether line holds a CR that is not part of its final CRLF.
func refBareCR(line string) bool {
	return strings.Contains(strings.TrimSuffix(line, "\r\n"), "\r")
}

func refParse(raw string) refHeader {
	var h refHeader
	off := 0
	cur := -1 // index of the field the next continuation line belongs to
	lines := refLines(raw)
	// A first line "From " that is not a From field in obsolete syntax is an mbox From line: skipped.
	if len(lines) > 0 && strings.HasPrefix(lines[0], "From ") && !strings.HasPrefix(strings.TrimLeft(lines[0][5:], " \t"), ":") {
		off = len(lines[0])
		lines = lines[1:]
		h.mbox = true
	}
	for _, line := range lines {
		if cur >= 0 && (line[0] == ' ' || line[0] == '\t') && refBareCR(line) {
			// A bare CR in a continuation line: the whole field is where the block ends.
			h.malformed = true
			h.bodyAt = h.fields[cur].start
			h.fields = h.fields[:cur]
			return h
		}
		switch {
		case line == "\n" || line == "\r\n":
			h.bodyAt = off + len(line)
			return h
		case line[0] == ' ' || line[0] == '\t':
			if cur < 0 {
				h.malformed = true
				h.bodyAt = off
				return h
			}
			h.fields[cur].end = off + len(line)
		default:
			colon := strings.IndexByte(line, ':')
			if colon < 0 {
				h.malformed = true
				h.bodyAt = off
				return h
			}
			name := strings.TrimRight(line[:colon], " \t")
			ok := name != ""
			for i := 0; i < len(name); i++ {
				if name[i] < 33 || name[i] > 126 {
					ok = false
				}
			}
			if !ok {
				h.malformed = true
				h.bodyAt = off
				return h
			}
			if refBareCR(line) {
				h.malformed = true
				h.bodyAt = off
				return h
			}
			h.fields = append(h.fields, refField{name: name, start: off, end: off + len(line)})
			cur = len(h.fields) - 1
		}
		off += len(line)
	}
	h.bodyAt = len(raw)
	return h
}

// refParseFull is refParse with every field's value filled in.
func refParseFull(raw string) refHeader {
	h := refParse(raw)
	for i := range h.fields {
		f := &h.fields[i]
		text := raw[f.start:f.end]
		v := text[strings.IndexByte(text, ':')+1:]
		if strings.HasSuffix(v, "\n") {
			v = strings.TrimSuffix(strings.TrimSuffix(v, "\n"), "\r")
		}
		f.value = v
	}
	return h
}

func refIsSES(name string) bool { return strings.HasPrefix(strings.ToUpper(name), "X-SES-") }

// refRemove drops every X-SES-* field of the header block and keeps every other byte, until a
// reading of the result finds no X-SES-* field (removing the top fields can expose a leading mbox
// From line, after which the reading goes on past the bad line that ended it before).
func refRemove(raw string) string {
	for {
		r := refRemoveOnce(raw)
		if r == raw {
			return r
		}
		raw = r
	}
}

func refRemoveOnce(raw string) string {
	h := refParseFull(raw)
	var b strings.Builder
	last := 0
	for _, f := range h.fields {
		if refIsSES(f.name) {
			b.WriteString(raw[last:f.start])
			last = f.end
		}
	}
	b.WriteString(raw[last:])
	return b.String()
}

func refUnfold(v string) string {
	v = strings.ReplaceAll(v, "\r\n", "")
	v = strings.ReplaceAll(v, "\n", "")
	return strings.Trim(v, " \t")
}

// refSESFields returns the X-SES-* fields in order.
func refSESFields(raw string) []refField {
	var out []refField
	for _, f := range refParseFull(raw).fields {
		if refIsSES(f.name) {
			out = append(out, f)
		}
	}
	return out
}

// refRead returns, per upper-cased name, the unfolded first value and the instance count.
func refRead(raw string) (first map[string]string, count map[string]int) {
	first, count = map[string]string{}, map[string]int{}
	for _, f := range refSESFields(raw) {
		k := strings.ToUpper(f.name)
		if count[k] == 0 {
			first[k] = refUnfold(f.value)
		}
		count[k]++
	}
	return first, count
}
