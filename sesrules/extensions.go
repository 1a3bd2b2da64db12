package sesrules

// refused holds the 90 attachment extensions SES refuses, lower case, without the dot, sorted
// (https://docs.aws.amazon.com/ses/latest/dg/mime-types.html, "Unsupported attachment types").
var refused = [...]string{
	"ade", "adp", "app", "asp", "bas", "bat", "cer", "chm", "cmd", "com", "cpl", "crt", "csh", "der",
	"exe", "fxp", "gadget", "hlp", "hta", "inf", "ins", "isp", "its", "js", "jse", "ksh", "lib", "lnk",
	"mad", "maf", "mag", "mam", "maq", "mar", "mas", "mat", "mau", "mav", "maw", "mda", "mdb", "mde",
	"mdt", "mdw", "mdz", "msc", "msh", "msh1", "msh1xml", "msh2", "msh2xml", "mshxml", "msi", "msp",
	"mst", "ops", "pcd", "pif", "plg", "prf", "prg", "ps1", "ps1xml", "ps2", "ps2xml", "psc1", "psc2",
	"reg", "scf", "scr", "sct", "shb", "shs", "sys", "tmp", "url", "vb", "vbe", "vbs", "vps",
	"vsmacros", "vss", "vst", "vsw", "vxd", "ws", "wsc", "wsf", "wsh", "xnk",
}

// RefusedExtensions returns the 90 attachment extensions SES refuses, lower case, without the dot,
// sorted. The slice is a fresh copy.
func RefusedExtensions() []string { return append([]string(nil), refused[:]...) }

// RefusedExtension returns the extension (lower case, without the dot) for which SES refuses an
// attachment with this file name, or "" if the name has none. The one trimming rule, applied to
// every name by every layer:
//
//  1. Two names are checked: the name as given and, when it contains a colon, the part before the
//     first colon ("evil.exe::$DATA" and "evil.exe:x" name an NTFS stream of evil.exe, which
//     Windows saves as evil.exe).
//  2. Trailing dots, and trailing spaces, TABs and other ASCII control characters, are removed
//     ("evil.exe.", "EVIL.EXE ", "evil.exe\t"): Windows drops trailing dots and spaces when it saves
//     a file, and mail clients trim trailing whitespace from a filename parameter.
//  3. The extension is what follows the last dot, compared ASCII case-insensitively; there is none
//     when that part contains a slash or backslash.
//
// Whether SES itself applies rules 1 and 2 is UNCONFIRMED; they are applied because the file a
// recipient's Windows machine saves has the refused extension either way. It does not allocate.
func RefusedExtension(name string) string {
	if ext := refusedExt(name); ext != "" {
		return ext
	}
	for i := 0; i < len(name); i++ {
		if name[i] == ':' {
			return refusedExt(name[:i])
		}
	}
	return ""
}

func refusedExt(name string) string {
	e := len(name)
	for e > 0 && (name[e-1] == '.' || name[e-1] <= ' ' || name[e-1] == 0x7f) {
		e--
	}
	n := name[:e]
	dot := -1
	for i := len(n) - 1; i >= 0; i-- {
		if c := n[i]; c == '.' {
			dot = i
			break
		} else if c == '/' || c == '\\' {
			return ""
		}
	}
	if dot < 0 {
		return ""
	}
	if k := lookup(refused[:], n[dot+1:]); k >= 0 {
		return refused[k]
	}
	return ""
}

// lookup returns the index of name (any ASCII case) in the sorted lower-case table, or -1.
func lookup[T ~string | ~[]byte](table []string, name T) int {
	var buf [48]byte
	if len(name) == 0 || len(name) > len(buf) {
		return -1
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	key := buf[:len(name)]
	lo, hi := 0, len(table)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if string(key) > table[m] {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(table) && table[lo] == string(key) {
		return lo
	}
	return -1
}
