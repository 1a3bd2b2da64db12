package builder

import "strings"

// unsupportedExt holds the 90 attachment extensions SES refuses (SES developer guide "mime-types",
// ses-facts 3.4), lower case, without the dot.
var unsupportedExt = func() map[string]bool {
	m := make(map[string]bool, 90)
	for e := range strings.FieldsSeq(`
ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp
hta inf ins isp its js jse ksh lib lnk mad maf mag mam maq mar mas mat
mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml msh1xml msh2xml msi msp
mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ps2xml
psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw vxd ws wsc wsf wsh xnk`) {
		m[e] = true
	}
	return m
}()

// extension returns the lower-cased extension of a file name (without the dot) after stripping
// trailing dots and spaces, which Windows ignores ("evil.exe." and "EVIL.EXE " are .exe files). It
// writes into buf and returns nil when there is no extension.
func extension(buf []byte, name string) []byte {
	name = strings.TrimRight(name, ". ")
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return nil
	}
	ext := name[dot+1:]
	if strings.ContainsAny(ext, "/\\") {
		return nil
	}
	return lowerName(buf, ext)
}

// unsupportedExtension reports whether SES refuses an attachment with this file name.
func unsupportedExtension(name string) bool {
	if refusedExtension(name) {
		return true
	}
	// "evil.exe::$DATA", "evil.exe:x": Windows saves such a name as the file before the first colon
	// (the rest names an NTFS alternate data stream), so that file's extension counts too.
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return refusedExtension(name[:i])
	}
	return false
}

func refusedExtension(name string) bool {
	var buf [16]byte
	ext := extension(buf[:], name)
	return len(ext) > 0 && len(ext) <= len(buf) && unsupportedExt[string(ext)]
}

// mediaTypes maps common file extensions to media types. It is a fixed table (not the system's
// mime.types, which differs from machine to machine) so that output is reproducible.
var mediaTypes = map[string]string{
	"7z":   "application/x-7z-compressed",
	"avif": "image/avif",
	"bmp":  "image/bmp",
	"csv":  "text/csv",
	"doc":  "application/msword",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"gif":  "image/gif",
	"gz":   "application/gzip",
	"heic": "image/heic",
	"htm":  "text/html",
	"html": "text/html",
	"ics":  "text/calendar",
	"jpeg": "image/jpeg",
	"jpg":  "image/jpeg",
	"json": "application/json",
	"md":   "text/markdown",
	"mov":  "video/quicktime",
	"mp3":  "audio/mpeg",
	"mp4":  "video/mp4",
	"odp":  "application/vnd.oasis.opendocument.presentation",
	"ods":  "application/vnd.oasis.opendocument.spreadsheet",
	"odt":  "application/vnd.oasis.opendocument.text",
	"ogg":  "audio/ogg",
	"pdf":  "application/pdf",
	"png":  "image/png",
	"ppt":  "application/vnd.ms-powerpoint",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"rtf":  "application/rtf",
	"svg":  "image/svg+xml",
	"tar":  "application/x-tar",
	"tif":  "image/tiff",
	"tiff": "image/tiff",
	"txt":  "text/plain",
	"vcf":  "text/vcard",
	"wav":  "audio/wav",
	"webm": "video/webm",
	"webp": "image/webp",
	"xls":  "application/vnd.ms-excel",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"xml":  "application/xml",
	"zip":  "application/zip",
}

// guessType returns the media type for a file name, application/octet-stream when unknown.
func guessType(name string) string {
	var buf [16]byte
	ext := extension(buf[:], name)
	if len(ext) > 0 && len(ext) <= len(buf) {
		if t, ok := mediaTypes[string(ext)]; ok {
			return t
		}
	}
	return "application/octet-stream"
}
