package builder

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/sesraw/sesraw/multipart"
)

// Errors of the AMP and calendar parts.
var (
	// ErrInvalidAMP: an AMP part without an HTML body, or not valid UTF-8.
	ErrInvalidAMP = errors.New("builder: invalid AMP part")
	// ErrInvalidCalendar: a calendar part whose method is not REQUEST, CANCEL or REPLY, does not
	// match the METHOD inside the iCalendar data, or whose data is not an iCalendar object.
	ErrInvalidCalendar = errors.New("builder: invalid calendar part")
)

// MaxCalendarBytes bounds Calendar content.
const MaxCalendarBytes = 1 << 20

// Calendar is an iCalendar invitation, reply or cancellation (iMIP, RFC 6047). The builder puts
// it where mail clients look for it: a text/calendar; method=METHOD part inside the
// multipart/alternative body (after text/plain and text/html), and the same content as an .ics
// attachment, as nodemailer's icalEvent does.
type Calendar struct {
	// Method is REQUEST, CANCEL or REPLY and must equal the METHOD property of the data
	// (RFC 6047 section 2.4).
	Method string
	// Text or Data holds the iCalendar object (BEGIN:VCALENDAR ... END:VCALENDAR), at most
	// MaxCalendarBytes; Data is used when Text is empty. To take it from an io.Reader, read it
	// with io.ReadAll(io.LimitReader(r, builder.MaxCalendarBytes+1)) first: it is written twice.
	Text string
	Data []byte
	// Filename of the .ics attachment; empty means "invite.ics".
	Filename string
}

func (c *Calendar) content() []byte {
	if c.Text != "" {
		return strBytes(c.Text)
	}
	return c.Data
}

// featureParts are the AMP and calendar parts of an assembly.
type featureParts struct {
	amp, cal, ics multipart.Part
	kids          [4]*multipart.Part
	calParams     [1]multipart.Param
}

// checkParts validates AMP and Calendar.
func (a *assembly) checkParts() error {
	m := a.m
	if m.AMP != "" {
		if m.HTML == "" {
			return fieldErr(fld("AMP"), "an AMP part needs an HTML body: clients without AMP show the HTML (AMP for Email requires it)", ErrInvalidAMP)
		}
		if !utf8.ValidString(m.AMP) {
			return fieldErr(fld("AMP"), "is not valid UTF-8", errors.Join(ErrInvalidAMP, ErrInvalidUTF8))
		}
	}
	c := m.Calendar
	if c == nil {
		return nil
	}
	switch c.Method {
	case "REQUEST", "CANCEL", "REPLY":
	default:
		return fieldErr(fld("Calendar.Method"), quote(c.Method)+" is not REQUEST, CANCEL or REPLY", ErrInvalidCalendar)
	}
	data := c.content()
	f := fld("Calendar.Text")
	if c.Text == "" {
		f = fld("Calendar.Data")
	}
	if len(data) > MaxCalendarBytes {
		return fieldErr(f, "larger than 1 MiB", ErrInvalidCalendar)
	}
	if !utf8.Valid(data) {
		return fieldErr(f, "is not valid UTF-8", errors.Join(ErrInvalidCalendar, ErrInvalidUTF8))
	}
	method, ok := calendarMethod(data)
	switch {
	case !ok:
		return fieldErr(f, "is not an iCalendar object (BEGIN:VCALENDAR ... END:VCALENDAR)", ErrInvalidCalendar)
	case method == "":
		return fieldErr(f, "has no METHOD property; iMIP requires one (RFC 6047)", ErrInvalidCalendar)
	case !strings.EqualFold(method, c.Method):
		return fieldErr(fld("Calendar.Method"), quote(c.Method)+" differs from the METHOD:"+method+" inside the data (RFC 6047 requires them equal)", ErrInvalidCalendar)
	}
	if c.Filename != "" {
		if err := checkValue(fld("Calendar.Filename"), c.Filename); err != nil {
			return err
		}
	}
	return nil
}

// calendarMethod returns the METHOD property of the VCALENDAR object in data (the unfolded value
// of a "METHOD:" line outside every nested component), and whether data is a VCALENDAR object.
func calendarMethod(data []byte) (string, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := bytes.Split(data, []byte("\n"))
	depth, method, begun, ended := 0, "", false, false
	for _, l := range lines {
		l = bytes.TrimRight(l, "\r")
		if len(l) == 0 || l[0] == ' ' || l[0] == '\t' {
			continue // blank or continuation: METHOD values are short tokens
		}
		name, value, _ := bytes.Cut(l, []byte(":"))
		name, _, _ = bytes.Cut(name, []byte(";"))
		switch {
		case bytes.EqualFold(name, []byte("BEGIN")):
			if depth == 0 {
				if begun || !bytes.EqualFold(value, []byte("VCALENDAR")) {
					return "", false
				}
				begun = true
			}
			depth++
		case bytes.EqualFold(name, []byte("END")):
			depth--
			if depth == 0 {
				ended = true
			}
		case bytes.EqualFold(name, []byte("METHOD")) && depth == 1 && method == "":
			method = string(bytes.TrimSpace(value))
		}
		if depth < 0 {
			return "", false
		}
	}
	return method, begun && ended && depth == 0
}

// featureBody returns the body with the AMP and calendar parts in place: multipart/alternative
// of text/plain, text/x-amp-html, text/html and text/calendar (those present, in that order:
// least preferred first, AMP before HTML so clients without AMP show the HTML). body is returned
// unchanged when the message has neither.
func (a *assembly) featureBody(body *multipart.Part) *multipart.Part {
	m := a.m
	if m.AMP == "" && m.Calendar == nil {
		return body
	}
	fp := &a.feat
	kids := fp.kids[:0]
	if m.Text != "" {
		a.text = multipart.Part{ContentType: "text/plain", Data: strBytes(m.Text)}
		kids = append(kids, &a.text)
	}
	if m.AMP != "" {
		fp.amp = multipart.Part{ContentType: "text/x-amp-html", Data: strBytes(m.AMP)}
		kids = append(kids, &fp.amp)
	}
	if m.HTML != "" {
		a.html = multipart.Part{ContentType: "text/html", Data: strBytes(m.HTML)}
		kids = append(kids, &a.html)
	}
	if c := m.Calendar; c != nil {
		fp.calParams[0] = multipart.Param{Name: "method", Value: c.Method}
		fp.cal = multipart.Part{ContentType: "text/calendar", Params: fp.calParams[:], Data: c.content()}
		kids = append(kids, &fp.cal)
		name := c.Filename
		if name == "" {
			name = "invite.ics"
		}
		fp.ics = multipart.Part{ContentType: "application/ics", Filename: name, Disposition: "attachment", Data: c.content()}
	}
	if len(kids) == 1 {
		return kids[0]
	}
	a.alt = multipart.Part{ContentType: "multipart/alternative", Parts: kids}
	return &a.alt
}

// appendICS adds the calendar's .ics attachment to the parts of multipart/mixed (body first).
func (a *assembly) appendICS(mix []*multipart.Part, body *multipart.Part) []*multipart.Part {
	if a.m.Calendar == nil {
		return mix
	}
	if len(mix) == 0 {
		mix = append(mix, body)
	}
	return append(mix, &a.feat.ics)
}
