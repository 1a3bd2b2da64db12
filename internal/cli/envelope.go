package cli

import (
	"mime"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/rawheader"
)

// headerEnvelope is what a raw message's header block says about its envelope, as inspect
// shows it: package rawenvelope's reading, formatted.
type headerEnvelope struct {
	ReturnPath string   `json:"returnPath"` // bare address, "" if absent
	From       []string `json:"from"`
	ReplyTo    []string `json:"replyTo"`
	To         []string `json:"to"`
	Cc         []string `json:"cc"`
	Bcc        []string `json:"bcc"`
	// Recipients are the To, Cc and Bcc addresses, deduplicated case-insensitively: the
	// destinations SES uses when a raw message is sent without explicit ones.
	Recipients []string `json:"recipients"`
	// Problems lists header fields that could not be parsed.
	Problems []string `json:"problems"`
}

// wordDecoder decodes RFC 2047 encoded words in MIME parameters and file names (any charset
// mime knows: UTF-8, US-ASCII, ISO-8859-1).
var wordDecoder = &mime.WordDecoder{}

// headerBlock reads raw's header block with the one header grammar (package rawheader) into a
// header map for the MIME walk: the fields of its strict reading, the offset of the body, and what
// the grammar said. sc.Err() is a *rawheader.SyntaxError for a malformed block (the fields before
// the bad line are returned) or a *rawheader.LimitError.
func headerBlock(raw []byte) (mail.Header, int, *rawheader.Scanner) {
	h := mail.Header{}
	sc := new(rawheader.Scanner)
	sc.Reset(raw)
	for sc.Next() {
		f := sc.Field()
		k := textproto.CanonicalMIMEHeaderKey(string(f.Name))
		h[k] = append(h[k], f.Unfolded())
	}
	return h, sc.BodyOffset(), sc
}

// readEnvelope reads the envelope of raw (package rawenvelope). A malformed header block, and a
// leading mbox From line, is the grammar's error (a *rawheader.SyntaxError or *rawheader.LimitError).
func readEnvelope(raw []byte) (*headerEnvelope, *rawenvelope.Envelope, error) {
	env, err := rawenvelope.Read(raw)
	if err != nil {
		return nil, nil, err
	}
	return showEnvelope(env), env, nil
}

// showEnvelope formats env for inspect.
func showEnvelope(env *rawenvelope.Envelope) *headerEnvelope {
	he := &headerEnvelope{
		ReturnPath: env.ReturnPath,
		From:       formatAddrs(env.From), ReplyTo: formatAddrs(env.ReplyTo),
		To: formatAddrs(env.To), Cc: formatAddrs(env.Cc), Bcc: formatAddrs(env.Bcc),
		Recipients: append([]string{}, env.Recipients...),
		Problems:   []string{},
	}
	for _, p := range env.Problems {
		he.Problems = append(he.Problems, p.Field+": "+p.Reason+": "+quote(p.Value))
	}
	return he
}

// formatAddrs formats each address of list (never nil, for JSON).
func formatAddrs(list []*mail.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, formatAddr(a))
	}
	return out
}

// formatAddr shows an address with its (decoded) display name, quoted when it holds characters
// that would make the list ambiguous (a comma, for one).
func formatAddr(a *mail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	name := a.Name
	if strings.ContainsAny(name, "\",;:<>@()[]\\") {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + a.Address + ">"
}
