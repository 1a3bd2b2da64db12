package sesapitest

import (
	"net/mail"
	"strings"
)

// addressProblem returns SES's text for an address parameter SES refuses, or "" when it is
// acceptable. SES takes "Name <addr>" or a bare address, 7-bit ASCII only (it does not support
// SMTPUTF8), and answers InvalidParameterValue with texts such as "Missing final '@domain'" and
// "Local address contains control or whitespace"
// (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendEmail.html,
// https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html). Which text SES
// gives for which malformation beyond these two is not documented; anything else here is
// "Illegal address".
func addressProblem(s string) string {
	addr := s
	if a, err := mail.ParseAddress(s); err == nil {
		addr = a.Address
	} else if !strings.Contains(s, "<") {
		addr = strings.TrimSpace(s)
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "Missing final '@domain'"
	}
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if c >= 0x80 {
			return "Illegal address"
		}
		if c <= ' ' || c == 0x7f {
			if i < at {
				return "Local address contains control or whitespace"
			}
			return "Domain contains control or whitespace"
		}
	}
	if _, err := mail.ParseAddress(s); err != nil {
		return "Illegal address"
	}
	return ""
}

// addresses lists every address parameter of p.
func (p *Params) addresses() []string {
	var out []string
	for _, a := range []string{p.Source, p.ReturnPath, p.FromEmailAddress, p.FeedbackForwardingEmailAddress} {
		if a != "" {
			out = append(out, a)
		}
	}
	for _, l := range [][]string{p.Destinations, p.To, p.Cc, p.Bcc, p.ReplyTo} {
		out = append(out, l...)
	}
	return out
}

// tagProblem returns SES's text for a message tag it refuses, or "": names and values of 1 to 256
// ASCII letters, digits, '_' and '-'
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageTag.html).
func tagProblem(t Tag) string {
	for _, f := range []struct{ kind, s string }{{"name", t.Name}, {"value", t.Value}} {
		ok := len(f.s) > 0 && len(f.s) <= 256
		for i := 0; ok && i < len(f.s); i++ {
			c := f.s[i]
			ok = c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		}
		if !ok {
			return "Invalid tag " + f.kind + " <" + f.s + ">: only alphanumeric ASCII characters, '_', and '-' are allowed."
		}
	}
	return ""
}
