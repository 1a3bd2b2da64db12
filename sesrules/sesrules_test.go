package sesrules_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/sesrules"
)

func TestTargets(t *testing.T) {
	for _, c := range []struct {
		t    sesrules.Target
		want int64
	}{
		{sesrules.TargetNone, 0}, {sesrules.TargetV1, 10485760}, {sesrules.TargetV2, 41943040},
		{sesrules.TargetSMTP, 41943040}, {sesrules.Target(99), 0},
	} {
		if got := c.t.MaxBytes(); got != c.want {
			t.Errorf("%v.MaxBytes() = %d, want %d", c.t, got, c.want)
		}
	}
	if sesrules.MaxRecipients != 50 || sesrules.MaxLineOctets != 998 {
		t.Error("recipient or line limit changed")
	}
}

func TestRefusedExtension(t *testing.T) {
	for name, want := range map[string]string{
		"evil.exe":                      "exe",
		"EVIL.EXE":                      "exe",
		"evil.exe.":                     "exe",
		"evil.exe . .":                  "exe",
		"evil.exe\t":                    "exe",
		"evil.exe\r\n":                  "exe",
		"evil.exe::$DATA":               "exe",
		"evil.exe:x.txt":                "exe",
		"a:b.vbs":                       "vbs",
		"x.Msh1XML":                     "msh1xml",
		"report.pdf":                    "",
		"exe":                           "",
		".exe":                          "exe",
		"dir.exe/file":                  "",
		`dir.exe\file`:                  "",
		"":                              "",
		"a.exe.txt":                     "",
		"a." + strings.Repeat("x", 100): "",
	} {
		if got := sesrules.RefusedExtension(name); got != want {
			t.Errorf("RefusedExtension(%q) = %q, want %q", name, got, want)
		}
	}
	// The list as https://docs.aws.amazon.com/ses/latest/dg/mime-types.html prints it, in its order.
	const aws = `.ade .adp .app .asp .bas .bat .cer .chm .cmd .com .cpl .crt .csh .der .exe .fxp .gadget .hlp
.hta .inf .ins .isp .its .js .jse .ksh .lib .lnk .mad .maf .mag .mam .maq .mar .mas .mat
.mau .mav .maw .mda .mdb .mde .mdt .mdw .mdz .msc .msh .msh1 .msh2 .mshxml .msh1xml .msh2xml .msi .msp
.mst .ops .pcd .pif .plg .prf .prg .reg .scf .scr .sct .shb .shs .sys .ps1 .ps1xml .ps2 .ps2xml
.psc1 .psc2 .tmp .url .vb .vbe .vbs .vps .vsmacros .vss .vst .vsw .vxd .ws .wsc .wsf .wsh .xnk`
	var want []string
	for _, e := range strings.Fields(aws) {
		want = append(want, e[1:])
	}
	sort.Strings(want)
	exts := sesrules.RefusedExtensions()
	if strings.Join(exts, " ") != strings.Join(want, " ") {
		t.Errorf("RefusedExtensions differs from the AWS page:\n got %v\nwant %v", exts, want)
	}
	if len(exts) != 90 || !sort.StringsAreSorted(exts) {
		t.Fatalf("RefusedExtensions: %d entries, sorted %v; want 90 sorted", len(exts), sort.StringsAreSorted(exts))
	}
	for _, e := range exts {
		if sesrules.RefusedExtension("f."+strings.ToUpper(e)) != e {
			t.Errorf("%s not refused", e)
		}
	}
	exts[0] = "changed"
	if sesrules.RefusedExtensions()[0] != "ade" {
		t.Error("RefusedExtensions shares its table with the caller")
	}
}

func TestHeaderNames(t *testing.T) {
	for _, n := range sesrules.KnownSESNames() {
		if !sesrules.IsSESName(n) || !sesrules.IsSESName([]byte(strings.ToLower(n))) {
			t.Errorf("IsSESName(%q) = false", n)
		}
		if sesrules.NeverSign(n) == "" {
			t.Errorf("NeverSign(%q) = \"\"", n)
		}
	}
	for _, n := range []string{"X-SES", "X-SESX", "X_SES-A", "From", ""} {
		if sesrules.IsSESName(n) {
			t.Errorf("IsSESName(%q) = true", n)
		}
	}
	for _, n := range []string{"message-id", "DATE", "Return-Path", "bounces-to", "DKIM-Signature", "x-ses-other"} {
		if sesrules.NeverSign(n) == "" {
			t.Errorf("NeverSign(%q) = \"\"", n)
		}
	}
	for _, n := range []string{"From", "Subject", "X-Mailer", "Dates"} {
		if r := sesrules.NeverSign([]byte(n)); r != "" {
			t.Errorf("NeverSign(%q) = %q", n, r)
		}
	}
	s := sesrules.Singletons()
	if len(s) != sesrules.NumSingletons || !sort.StringsAreSorted(s) {
		t.Fatal("Singletons not sorted or NumSingletons wrong")
	}
	for i, n := range s {
		if sesrules.SingletonIndex(strings.ToUpper(n)) != i {
			t.Errorf("SingletonIndex(%q) != %d", n, i)
		}
	}
	for _, n := range []string{"To", "Cc", "Received", "X-SES-FROM-ARN", "Resent-From"} {
		if sesrules.IsSingleton(n) {
			t.Errorf("IsSingleton(%q) = true", n)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	name := []byte("Content-Transfer-Encoding")
	if n := testing.AllocsPerRun(100, func() {
		_ = sesrules.RefusedExtension("evil.exe::$DATA")
		_ = sesrules.IsSingleton(name)
		_ = sesrules.NeverSign(name)
	}); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// One-click unsubscribe: the List-Unsubscribe-Post value, the https URI it needs, and the
// conflict with SES subscription management.
func TestUnsubscribe(t *testing.T) {
	for v, want := range map[string]bool{
		"List-Unsubscribe=One-Click":      true,
		" list-unsubscribe=one-click\r\n": true,
		"List-Unsubscribe=One-Click;x":    false,
		"List-Unsubscribe":                false,
		"":                                false,
	} {
		if got := sesrules.IsOneClickPost(v); got != want {
			t.Errorf("IsOneClickPost(%q) = %v", v, got)
		}
	}
	for v, want := range map[string]bool{
		"<https://example.com/u?x=1>":                             true,
		"<mailto:u@example.com>,\r\n <HTTPS://example.com/u>":     true,
		"<mailto:u@example.com>":                                  false,
		"<http://example.com/u>":                                  false,
		"https://example.com/u":                                   false, // not in angle brackets
		"<https://>":                                              false,
		"<https:///path>":                                         false,
		"<mailto:u@example.com>, <https://example.com/u":          false, // unterminated
		"<mailto:https://example.com/u@example.com>, <ftp://x/y>": false,
	} {
		if got := sesrules.ListUnsubscribeHTTPS(v); got != want {
			t.Errorf("ListUnsubscribeHTTPS(%q) = %v", v, got)
		}
		if got := sesrules.ListUnsubscribeHTTPS([]byte(v)); got != want {
			t.Errorf("ListUnsubscribeHTTPS([]byte(%q)) = %v", v, got)
		}
	}
	if sesrules.UnsubscribeConflict(true, false) != "" || sesrules.UnsubscribeConflict(false, true) != "" || sesrules.UnsubscribeConflict(false, false) != "" {
		t.Error("UnsubscribeConflict reports a conflict without both")
	}
	if r := sesrules.UnsubscribeConflict(true, true); !strings.Contains(r, sesrules.HeaderListManagement) {
		t.Errorf("UnsubscribeConflict(true, true) = %q", r)
	}
}
