package builder

import (
	"strings"

	"github.com/sesraw/sesraw/sesrules"
)

// unsupportedExtension reports whether SES refuses an attachment with this file name: the rulebook's
// table and trimming rule (sesrules.RefusedExtension).
func unsupportedExtension(name string) bool { return sesrules.RefusedExtension(name) != "" }

// extension returns the lower-cased extension of a file name (without the dot) after stripping
// trailing dots and spaces, for guessing its media type. It writes into buf and returns nil when
// there is no extension.
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
