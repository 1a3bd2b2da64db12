package multipart_test

import (
	"errors"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"
	"github.com/sesraw/sesraw/multipart"
)

var textFieldTests = []struct {
	name, value string
	want        string
}{
	{"Subject", "Hello, world", "Subject: Hello, world\r\n"},
	{"Subject", "", "Subject:\r\n"},
	{"Subject", "Grüße", "Subject: =?utf-8?b?R3LDvMOfZQ==?=\r\n"},
	{"Subject", "café au lait", "Subject: =?utf-8?b?Y2Fmw6k=?= au lait\r\n"},                                // B is shorter
	{"Subject", "Straßenverkehrsordnung gilt", "Subject: =?utf-8?q?Stra=C3=9Fenverkehrsordnung?= gilt\r\n"}, // Q is as short: Q wins ties
	// Whitespace between two encoded chunks is carried inside the encoded word.
	{"Subject", "é é", "Subject: =?utf-8?b?w6kgw6k=?=\r\n"},
	{"Subject", "ab é", "Subject: ab =?utf-8?b?w6k=?=\r\n"},
	// Leading and trailing whitespace would be trimmed by parsers: encoded.
	{"Subject", " x", "Subject: =?utf-8?q?_x?=\r\n"},
	{"Subject", "x ", "Subject: =?utf-8?q?x_?=\r\n"},
	// Something a decoder could take for an encoded word is encoded itself.
	{"Subject", "a =?utf-8?q?x?= b", "Subject: a =?utf-8?b?PT91dGYtOD9xP3g/PQ==?= b\r\n"},
	// Control characters other than TAB are encoded, not rejected.
	{"Subject", "a\x01b", "Subject: =?utf-8?b?YQFi?=\r\n"},
	{"Subject", "a\tb", "Subject: a\tb\r\n"},
	// Folding at spaces, 78 columns.
	{"Subject", strings.Repeat("word ", 20) + "end",
		"Subject: word word word word word word word word word word word word word word\r\n word word word word word word end\r\n"},
	// A word too long for a line goes on its own line, unbroken.
	{"Subject", "short " + strings.Repeat("x", 90) + " tail",
		"Subject: short\r\n " + strings.Repeat("x", 90) + "\r\n tail\r\n"},
	// After "Subject:" a fold is used only when it makes the first word fit.
	{"Subject", strings.Repeat("y", 75), "Subject:\r\n " + strings.Repeat("y", 75) + "\r\n"},
	{"Subject", strings.Repeat("y", 80), "Subject: " + strings.Repeat("y", 80) + "\r\n"},
}

func TestAppendTextField(t *testing.T) {
	for _, tt := range textFieldTests {
		got, err := multipart.AppendTextField([]byte("X"), tt.name, tt.value)
		if err != nil {
			t.Errorf("AppendTextField(%q, %q): %v", tt.name, tt.value, err)
			continue
		}
		if string(got[1:]) != tt.want {
			t.Errorf("AppendTextField(%q, %q) =\n%q\nwant\n%q", tt.name, tt.value, got[1:], tt.want)
		}
		checkTextField(t, got[1:], tt.name, tt.value)
	}
}

// checkTextField checks the invariants of FuzzTextField on one output.
func checkTextField(t testing.TB, out []byte, name, value string) {
	t.Helper()
	check7bit(t, out)
	checkLines(t, out, 998, false)
	lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
	for i, l := range lines {
		if i > 0 && (l == "" || (l[0] != ' ' && l[0] != '\t')) {
			t.Fatalf("line %d is not a continuation: %q", i, l)
		}
		if strings.TrimLeft(l, " \t") == "" && i > 0 {
			t.Fatalf("whitespace-only continuation line in %q", out)
		}
		limit := 78
		if strings.Contains(l, "=?") {
			limit = 76
		}
		if len(l) > limit {
			// Only a single long unencoded word may exceed the soft limit.
			rest := strings.TrimPrefix(l, " ")
			if i == 0 {
				rest = strings.TrimPrefix(l, name+": ")
			}
			if strings.ContainsAny(rest, " \t") || strings.Contains(rest, "=?") || len(rest) < 60 {
				t.Fatalf("line %d of %d octets is avoidably long: %q", i, len(l), l)
			}
		}
		checkEncodedWords(t, l)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(fieldValue(t, out, name))
	if err != nil {
		t.Fatalf("DecodeHeader(%q): %v", out, err)
	}
	if got != value {
		t.Fatalf("decoded %q\nwant    %q\nfrom    %q", got, value, out)
	}
}

// checkEncodedWords checks that every encoded word in line is at most 75 octets and decodes to
// valid UTF-8 on its own (so no character was split between words).
func checkEncodedWords(t testing.TB, line string) {
	t.Helper()
	for {
		i := strings.Index(line, "=?utf-8?")
		if i < 0 {
			return
		}
		j := strings.Index(line[i+10:], "?=")
		if j < 0 {
			t.Fatalf("unterminated encoded word in %q", line)
		}
		w := line[i : i+10+j+2]
		if len(w) > 75 {
			t.Fatalf("encoded word of %d octets: %q", len(w), w)
		}
		d, err := new(mime.WordDecoder).Decode(w)
		if err != nil {
			t.Fatalf("Decode(%q): %v", w, err)
		}
		if !utf8.ValidString(d) {
			t.Fatalf("encoded word %q splits a character", w)
		}
		line = line[i+len(w):]
	}
}

func TestAppendTextFieldLong(t *testing.T) {
	values := []string{
		strings.Repeat("Ünïcödé ", 40),
		strings.Repeat("日本語のテキスト", 30),
		strings.Repeat("x", 997),
		strings.Repeat("x", 998),  // cannot fit after a fold: encoded
		strings.Repeat("x", 5000), // idem
		"a " + strings.Repeat("z", 996) + " b",
		strings.Repeat("a\tb ", 40), // tabs are not fold points; long chunk with whitespace is encoded
		strings.Repeat("a  b ", 40),
		strings.Repeat("😀", 100),
		strings.Repeat(" ", 200),
		"\t",
		strings.Repeat("=?", 100),
		strings.Repeat("ab ", 26) + "é" + strings.Repeat(" cd", 30),
	}
	// An encoded word starting late on a line must still keep that line within 76 octets.
	for n := 40; n < 75; n++ {
		values = append(values, strings.Repeat("a", n)+" ab=?", strings.Repeat("a", n)+" é", strings.Repeat("a", n)+" x\x01")
	}
	for _, v := range values {
		out, err := multipart.AppendTextField(nil, "Subject", v)
		if err != nil {
			t.Fatalf("AppendTextField(%q): %v", v, err)
		}
		checkTextField(t, out, "Subject", v)
		// go-message reads it back too (it collapses whitespace at folds, so folds must fall on
		// single spaces only).
		h := gomail.Header{}
		h.AddRaw(out)
		if got, err := h.Subject(); err != nil || got != v {
			t.Fatalf("go-message Subject() = %q, %v; want %q\nfrom %q", got, err, v, out)
		}
	}
}

func TestAppendTextFieldErrors(t *testing.T) {
	tests := []struct {
		name, value string
		want        error
	}{
		{"Subject", "a\r\nBcc: x@y", multipart.ErrInvalidHeaderValue},
		{"Subject", "a\nb", multipart.ErrInvalidHeaderValue},
		{"Subject", "a\rb", multipart.ErrInvalidHeaderValue},
		{"Subject", "a\x00b", multipart.ErrInvalidHeaderValue},
		{"Subject", "a\xffb", multipart.ErrInvalidHeaderValue},
		{"Subject", "é\xc3", multipart.ErrInvalidHeaderValue},
		{"Sub ject", "x", multipart.ErrInvalidHeaderName},
		{"Sub:ject", "x", multipart.ErrInvalidHeaderName},
		{"", "x", multipart.ErrInvalidHeaderName},
		{"Süb", "x", multipart.ErrInvalidHeaderName},
		{strings.Repeat("X", 77), "x", multipart.ErrInvalidHeaderName},
	}
	for _, tt := range tests {
		dst := []byte("keep")
		out, err := multipart.AppendTextField(dst, tt.name, tt.value)
		if !errors.Is(err, tt.want) {
			t.Errorf("AppendTextField(%q, %q) error = %v, want %v", tt.name, tt.value, err, tt.want)
		}
		if string(out) != "keep" {
			t.Errorf("AppendTextField(%q, %q) changed dst on error: %q", tt.name, tt.value, out)
		}
		var me *multipart.Error
		if !errors.As(err, &me) || !strings.HasPrefix(err.Error(), "multipart: ") {
			t.Errorf("error %v is not a *multipart.Error with the package prefix", err)
		}
	}
}

func TestAppendTextFieldNoAlloc(t *testing.T) {
	dst := make([]byte, 0, 1024)
	for _, v := range []string{"Your invoice for March is ready", strings.Repeat("word ", 60) + "end"} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := multipart.AppendTextField(dst[:0], "Subject", v); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("AppendTextField(%q) allocates %v times", v, allocs)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		multipart.AppendTextField(dst[:0], "Subject", "Grüße aus Köln und überall, 日本語")
	})
	if allocs != 0 {
		t.Errorf("AppendTextField(non-ASCII) allocates %v times", allocs)
	}
}

func TestValidFieldName(t *testing.T) {
	for name, want := range map[string]bool{
		"Subject": true, "X-SES-SOURCE-ARN": true, "a!#$%&'*+-.^_`|~": true,
		"": false, "a b": false, "a:b": false, "a\tb": false, "ä": false, "a\x7f": false,
	} {
		if got := multipart.ValidFieldName(name); got != want {
			t.Errorf("ValidFieldName(%q) = %v, want %v", name, got, want)
		}
	}
}

var addressTests = []struct {
	addrs []multipart.Address
	want  string
}{
	{[]multipart.Address{{"", "a@example.com"}}, "To: a@example.com\r\n"},
	{[]multipart.Address{{"John Smith", "john@example.com"}}, "To: John Smith <john@example.com>\r\n"},
	{[]multipart.Address{{"Smith, John", "john@example.com"}}, "To: \"Smith, John\" <john@example.com>\r\n"},
	{[]multipart.Address{{`a "b" \c`, "x@example.com"}}, `To: "a \"b\" \\c" <x@example.com>` + "\r\n"},
	{[]multipart.Address{{"John Q. Public", "jqp@example.com"}}, "To: \"John Q. Public\" <jqp@example.com>\r\n"},
	{[]multipart.Address{{"Jörg", "j@example.de"}}, "To: =?utf-8?b?SsO2cmc=?= <j@example.de>\r\n"},
	{[]multipart.Address{{"=?utf-8?q?evil?=", "e@example.com"}}, "To: =?utf-8?b?PT91dGYtOD9xP2V2aWw/PQ==?= <e@example.com>\r\n"},
	{[]multipart.Address{{"A", "a@example.com"}, {"", "b@example.com"}, {"C D", "c@example.com"}},
		"To: A <a@example.com>, b@example.com, C D <c@example.com>\r\n"},
	{[]multipart.Address{
		{"Alice Anderson", "alice.anderson@example.com"},
		{"Bob Brown", "bob.brown@example.com"},
		{"Carol Clark", "carol.clark@example.com"},
	}, "To: Alice Anderson <alice.anderson@example.com>, Bob Brown\r\n <bob.brown@example.com>, Carol Clark <carol.clark@example.com>\r\n"},
}

func TestAppendAddressField(t *testing.T) {
	for _, tt := range addressTests {
		got, err := multipart.AppendAddressField(nil, "To", tt.addrs)
		if err != nil {
			t.Errorf("AppendAddressField(%v): %v", tt.addrs, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("AppendAddressField(%v) =\n%q\nwant\n%q", tt.addrs, got, tt.want)
		}
		checkAddressField(t, got, tt.addrs)
	}
}

// checkAddressField checks the FuzzAddressField invariants on one output.
func checkAddressField(t testing.TB, out []byte, addrs []multipart.Address) {
	t.Helper()
	check7bit(t, out)
	checkLines(t, out, 998, false)
	for i, l := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
		limit := 78
		if strings.Contains(l, "=?") {
			limit = 76
		}
		if len(l) > limit {
			// Only an unbreakable token may make a line long: a long address.
			rest := strings.TrimPrefix(l, " ")
			if i == 0 {
				rest = strings.TrimPrefix(l, "To: ")
			}
			if strings.ContainsAny(rest, " \t") || strings.Contains(rest, "=?") {
				t.Fatalf("line %d of %d octets is avoidably long: %q", i, len(l), l)
			}
		}
		checkEncodedWords(t, l)
	}
	v := fieldValue(t, out, "To")
	list, err := mail.ParseAddressList(v)
	if err != nil {
		t.Fatalf("net/mail.ParseAddressList(%q): %v", v, err)
	}
	list2, err := gomail.ParseAddressList(v)
	if err != nil {
		t.Fatalf("go-message mail.ParseAddressList(%q): %v", v, err)
	}
	if len(list) != len(addrs) || len(list2) != len(addrs) {
		t.Fatalf("parsed %d/%d addresses from %q, want %d", len(list), len(list2), v, len(addrs))
	}
	for i := range addrs {
		if list[i].Name != addrs[i].Name || list[i].Address != addrs[i].Addr {
			t.Fatalf("net/mail address %d = %q <%s>, want %q <%s>\nfrom %q", i, list[i].Name, list[i].Address, addrs[i].Name, addrs[i].Addr, out)
		}
		if list2[i].Name != addrs[i].Name || list2[i].Address != addrs[i].Addr {
			t.Fatalf("go-message address %d = %q <%s>, want %q <%s>", i, list2[i].Name, list2[i].Address, addrs[i].Name, addrs[i].Addr)
		}
	}
}

func TestAppendAddressFieldRoundTrip(t *testing.T) {
	names := []string{
		"Smith, John", "a;b", "<x@y>", "a@b", `say "hi"`, `back\slash`, "(comment)", "[lit]", "a:b",
		" lead", "trail ", "two  spaces", "tab\there", "Zoë Ångström", "日本 太郎", strings.Repeat("long name ", 20),
		strings.Repeat("Ünïcödé ", 20), strings.Repeat("x", 100), "=?", "?=", "a=?b", "\x01ctl", ".", "...",
		strings.Repeat("y", 76), strings.Repeat("y", 77), strings.Repeat("q ", 38) + "q", `"` + strings.Repeat("z", 74) + `"`,
	}
	for _, n := range names {
		addrs := []multipart.Address{{n, "user@example.com"}, {"Second " + n, "second@example.org"}, {n, strings.Repeat("l", 64) + "@" + strings.Repeat("d", 150) + ".example"}}
		out, err := multipart.AppendAddressField(nil, "To", addrs)
		if err != nil {
			t.Fatalf("AppendAddressField(%q): %v", n, err)
		}
		checkAddressField(t, out, addrs)
	}
}

func TestAppendAddressFieldErrors(t *testing.T) {
	tests := []struct {
		addrs []multipart.Address
		want  error
	}{
		{nil, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", ""}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "no-at"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a@b@c"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a b@c"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a@b\r\nBcc: x@y"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "<a@b>"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a,b@c"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "jörg@example.de"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "j@exämple.de"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", ".a@b"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a..b@c"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a@"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", `"quoted"@example.com`}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", strings.Repeat("a", 65) + "@b"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"", "a@" + strings.Repeat("b", 253)}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"x\r\ny", "a@b"}}, multipart.ErrInvalidAddress},
		{[]multipart.Address{{"x\xff", "a@b"}}, multipart.ErrInvalidAddress},
	}
	for _, tt := range tests {
		out, err := multipart.AppendAddressField([]byte("keep"), "To", tt.addrs)
		if !errors.Is(err, tt.want) {
			t.Errorf("AppendAddressField(%q) error = %v, want %v", tt.addrs, err, tt.want)
		}
		if string(out) != "keep" {
			t.Errorf("AppendAddressField(%q) changed dst on error", tt.addrs)
		}
	}
	if _, err := multipart.AppendAddressField(nil, "T o", []multipart.Address{{"", "a@b"}}); !errors.Is(err, multipart.ErrInvalidHeaderName) {
		t.Errorf("bad field name: error = %v", err)
	}
}

func TestAppendAddressFieldNoAlloc(t *testing.T) {
	dst := make([]byte, 0, 1024)
	addrs := []multipart.Address{{"John Smith", "john@example.com"}, {"Jörg Müller", "j@example.de"}, {"", "x@example.org"}}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := multipart.AppendAddressField(dst[:0], "To", addrs); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("AppendAddressField allocates %v times", allocs)
	}
}
