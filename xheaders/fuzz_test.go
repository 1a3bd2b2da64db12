package xheaders_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/xheaders"
)

// FuzzParseARN checks, for any string s:
//   - ParseARN(s) either succeeds, and then String() == s, ParseARN(String()) gives the same ARN, and
//     the ARN survives Append -> Read -> Headers() unchanged in each of the three ARN headers; or it
//     fails with a *HeaderError wrapping ErrInvalidARN whose message is one line.
//   - The same holds for every other X-SES value type parsed from s: ParseTags (FormatTags and the
//     folded Append output read back give the same tags, every line <= 998 octets), ParseListOptions
//     (String round trip), and s as a configuration set or tenant name (valid exactly when Validate
//     says so; valid values round-trip through Append and Read, invalid ones give the right sentinel).
func FuzzParseARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:ses:us-east-1:123456789012:identity/example.com",
		"arn:aws:ses:*:123456789012:identity/user@example.com",
		"arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/a.b",
		"arn:aws-eusc:ses:eusc-de-east-1:123456789012:identity/xn--bcher-kva.example",
		"a=b, c=d", "a=", "L; topic=T", "my-config_set",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := xheaders.ParseARN(s)
		if err != nil {
			checkTypedError(t, err, xheaders.ErrInvalidARN)
		} else {
			if a.String() != s {
				t.Fatalf("String() = %q, want %q", a.String(), s)
			}
			if b, err := xheaders.ParseARN(a.String()); err != nil || b != a {
				t.Fatalf("reparse: %+v, %v", b, err)
			}
			roundTrip(t, xheaders.Headers{SourceARN: a, FromARN: a, ReturnPathARN: a})
			if a.IsEmail() && !a.Covers(a.Identity) {
				t.Fatalf("email identity does not cover itself")
			}
			if !a.IsEmail() && !a.Covers("x@"+a.Identity) {
				t.Fatalf("domain identity does not cover x@domain")
			}
		}

		if tags, err := xheaders.ParseTags(s); err != nil {
			checkTypedError(t, err, xheaders.ErrInvalidTag)
		} else {
			again, err := xheaders.ParseTags(xheaders.FormatTags(tags))
			if err != nil || !cmp.Equal(tags, again) {
				t.Fatalf("tags reparse: %v, %v", again, err)
			}
			roundTrip(t, xheaders.Headers{Tags: tags})
		}

		if l, err := xheaders.ParseListOptions(s); err != nil {
			checkTypedError(t, err, xheaders.ErrInvalidListManagement)
		} else {
			if again, err := xheaders.ParseListOptions(l.String()); err != nil || again != l {
				t.Fatalf("list reparse: %+v, %v", again, err)
			}
			roundTrip(t, xheaders.Headers{ListManagement: &l})
		}

		if s != "" {
			h := xheaders.Headers{ConfigurationSet: s, Tenant: s}
			if err := h.Validate(); err != nil {
				if !errors.Is(err, xheaders.ErrInvalidConfigSet) || !errors.Is(err, xheaders.ErrInvalidTenant) {
					t.Fatalf("config set / tenant error %v", err)
				}
				if len(s) <= 64 && !strings.ContainsFunc(s, func(r rune) bool {
					return !(r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
				}) {
					t.Fatalf("valid name %q rejected: %v", s, err)
				}
			} else {
				roundTrip(t, h)
			}
		}
	})
}

func checkTypedError(t *testing.T, err, sentinel error) {
	t.Helper()
	var he *xheaders.HeaderError
	if !errors.Is(err, sentinel) || !errors.As(err, &he) {
		t.Fatalf("error %v: not a *HeaderError wrapping %v", err, sentinel)
	}
	if len(he.Value) > 80 || strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("bad error %q", err.Error())
	}
}

// roundTrip checks that h survives Append -> Read -> Headers() and that every line is valid.
func roundTrip(t *testing.T, h xheaders.Headers) {
	t.Helper()
	block, err := h.Append(nil)
	if err != nil {
		t.Fatalf("Append(%+v): %v", h, err)
	}
	checkLines(t, block)
	e, err := xheaders.Read(block)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	got, err := e.Headers()
	if err != nil {
		t.Fatalf("Headers: %v", err)
	}
	if diff := cmp.Diff(h, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
}

// FuzzReadRemove checks, for arbitrary bytes raw:
//   - nothing panics;
//   - Remove(raw) equals the reference removal (every non-X-SES byte kept in place, every X-SES-*
//     field of the header block gone with its continuation lines), and RemoveTo over a one-byte reader
//     produces the same bytes and count;
//   - RemoveInPlace on a copy of raw returns the same bytes as Remove, as a suffix of that copy;
//   - Read on Remove's output finds no X-SES field, and Remove is idempotent;
//   - ReadInto into a reused Effective agrees with Read;
//   - Read agrees with the reference (first instance per header, counts, malformed or not) and the
//     Scanner yields exactly the reference's X-SES fields with the same offsets and values;
//   - Apply with Replace gives the appended block followed by Remove(raw), and ApplyTo agrees; on a
//     malformed header block or a leading mbox From line both refuse with ErrMalformedHeader.
func FuzzReadRemove(f *testing.F) {
	for _, m := range messages {
		f.Add([]byte(m))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg := string(raw)
		removed := xheaders.Remove(nil, raw)
		if want := refRemove(msg); string(removed) != want {
			t.Fatalf("Remove =\n%q\nwant\n%q", removed, want)
		}
		var buf bytes.Buffer
		n, err := xheaders.RemoveTo(&buf, iotest.OneByteReader(bytes.NewReader(raw)))
		if err != nil || !bytes.Equal(buf.Bytes(), removed) || n != int64(len(removed)) {
			t.Fatalf("RemoveTo = %q, %d, %v", buf.Bytes(), n, err)
		}
		inPlace := xheaders.RemoveInPlace(bytes.Clone(raw))
		if !bytes.Equal(inPlace, removed) {
			t.Fatalf("RemoveInPlace =\n%q\nwant\n%q", inPlace, removed)
		}
		if e, _ := xheaders.Read(removed); e.Total() != 0 {
			t.Fatalf("Read after Remove found %d fields", e.Total())
		}
		if again := xheaders.Remove(nil, removed); !bytes.Equal(again, removed) {
			t.Fatalf("Remove not idempotent")
		}

		e, err := xheaders.Read(raw)
		ref := refParseFull(msg)
		if (err != nil) != ref.malformed || (err != nil && !errors.Is(err, xheaders.ErrMalformedHeader)) {
			t.Fatalf("Read error %v, reference malformed %v", err, ref.malformed)
		}
		first, count := refRead(msg)
		total := 0
		for _, c := range count {
			total += c
		}
		if e.Total() != total {
			t.Fatalf("Total = %d, want %d", e.Total(), total)
		}
		for _, h := range []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant} {
			v, ok := e.Get(h)
			if v != first[h] || ok != (count[h] > 0) || e.Count(h) != count[h] {
				t.Fatalf("%s: %q %v %d, want %q %d", h, v, ok, e.Count(h), first[h], count[h])
			}
		}
		_, _ = e.Headers() // must not panic
		var into xheaders.Effective
		_ = xheaders.ReadInto(&into, removed) // leave state from another input behind
		if err2 := xheaders.ReadInto(&into, raw); (err2 == nil) != (err == nil) || into.Total() != e.Total() {
			t.Fatalf("ReadInto = %v, %d fields; Read = %v, %d", err2, into.Total(), err, e.Total())
		}
		for _, h := range []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant} {
			a, _ := into.First(h)
			b, _ := e.First(h)
			if a.Offset != b.Offset || a.End != b.End || !bytes.Equal(a.Value, b.Value) || into.Count(h) != e.Count(h) {
				t.Fatalf("ReadInto %s = %+v, Read %+v", h, a, b)
			}
		}

		want := refSESFields(msg)
		var s xheaders.Scanner
		s.Reset(raw)
		i := 0
		for s.Next() {
			fl := s.Field()
			if i >= len(want) {
				t.Fatalf("extra field %q", fl.Name)
			}
			w := want[i]
			if string(fl.Name) != w.name || string(fl.Value) != w.value || fl.Offset != w.start || fl.End != w.end {
				t.Fatalf("field %d = {%q %q %d %d}, want %+v", i, fl.Name, fl.Value, fl.Offset, fl.End, w)
			}
			i++
		}
		if i != len(want) || s.BodyOffset() != ref.bodyAt {
			t.Fatalf("%d fields, body at %d; want %d, %d", i, s.BodyOffset(), len(want), ref.bodyAt)
		}

		h := xheaders.Headers{Tenant: "t", FromARN: fromARN}
		opts := xheaders.ApplyOptions{Replace: true}
		applied, err := xheaders.Apply(nil, &h, raw, opts)
		buf.Reset()
		n, err2 := xheaders.ApplyTo(&buf, &h, iotest.HalfReader(bytes.NewReader(raw)), opts)
		if ref.malformed || ref.mbox {
			// The one verdict on a malformed header block (a line that is not a field, a bare CR, a
			// leading continuation line or BOM) and on a leading mbox From line: Apply refuses.
			if !errors.Is(err, xheaders.ErrMalformedHeader) || !errors.Is(err2, xheaders.ErrMalformedHeader) || n != 0 {
				t.Fatalf("malformed: Apply %v, ApplyTo %d %v", err, n, err2)
			}
			return
		}
		if err != nil || err2 != nil {
			t.Fatalf("Apply: %v / %v", err, err2)
		}
		if !bytes.Equal(buf.Bytes(), applied) || n != int64(len(applied)) {
			t.Fatalf("ApplyTo = %q, Apply = %q", buf.Bytes(), applied)
		}
		if !bytes.HasSuffix(applied, removed) {
			t.Fatalf("Apply output does not end with Remove's output")
		}
		if e, _ := xheaders.Read(applied); e.Count(xheaders.Tenant) != 1 || e.Total() != 2 {
			t.Fatalf("Apply output has %d fields", e.Total())
		}
	})
}
