package sesapitest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP answers one SES API request: v1 Query (POST / with Action=...) or v2 REST/JSON
// (/v2/email/...). Request bodies over 64 MiB are refused.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		e := &Error{Code: "InvalidParameterValue", Message: "Could not read the request: " + err.Error(), V2Code: "BadRequestException"}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e.Message, e.Status, e.V2Status = "Request body too large.", 413, 413
		}
		if strings.HasPrefix(r.URL.Path, "/v2/") {
			s.v2Error(w, e)
		} else {
			s.v1Error(w, e)
		}
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, body))
	if r.URL.Path == "/" || r.URL.Path == "" {
		s.serveV1(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		s.serveV2(w, r)
		return
	}
	http.NotFound(w, r)
}

// callerOf reads the caller from the request's SigV4 Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20250301/us-east-1/ses/aws4_request, SignedHeaders=..., Signature=...".
// A SigV4a request (a v2 send with an EndpointId, for a global endpoint) names no Region in its
// scope but a region set ("*"); the server then acts as Options.Region. A SigV4 signature is
// verified when Options.Secrets has the access key's secret; a SigV4a signature is not.
func (s *Server) callerOf(r *http.Request) (caller, *Error) {
	c := caller{tls: r.TLS != nil}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.sourceIP = host
	}
	auth := r.Header.Get("Authorization")
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return c, errNoAuth()
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(parts) == 5 && parts[0] != "" && parts[2] != "": // SigV4: KEY/DATE/REGION/SERVICE/aws4_request
		c.accessKey, c.region = parts[0], parts[2]
	case len(parts) == 4 && parts[0] != "": // SigV4a (global endpoints): KEY/DATE/SERVICE/aws4_request
		c.accessKey = parts[0]
		c.region = r.Header.Get("X-Amz-Region-Set")
		if c.region == "" || c.region == "*" || strings.Contains(c.region, ",") {
			c.region = cmp.Or(s.opts.Region, DefaultRegion)
		}
	default:
		return c, errNoAuth()
	}
	if secret, ok := s.opts.Secrets[c.accessKey]; ok && s.on(CheckSignature) && strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		body, _ := r.Context().Value(bodyKey{}).([]byte)
		if !verifySigV4(r, body, secret) {
			return c, errSignature()
		}
	}
	if s.opts.AccessKeys == nil {
		c.account = DefaultAccount
		return c, nil
	}
	acct, ok := s.opts.AccessKeys[c.accessKey]
	if !ok && s.on(CheckCredentials) {
		return c, errBadToken()
	}
	c.account = acct
	return c, nil
}

// fault applies the latency and status of a queued fault for op. It reports whether the request
// was answered (a status fault) and returns the fault for the caller's Drop handling.
func (s *Server) fault(ctx context.Context, op Operation) (Fault, *Error) {
	f, ok := s.takeFault(op)
	if !ok {
		return Fault{}, nil
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if f.Status >= 500 {
		return f, errInternal(f.Status)
	}
	return f, nil
}

// bodyKey is the context key of the request body as read by ServeHTTP.
type bodyKey struct{}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

const v1NS = "http://ses.amazonaws.com/doc/2010-12-01/"

func (s *Server) requestID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return "5e5a0000-0000-4000-8000-" + leftPad(strconv.Itoa(n), 12)
}

func leftPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

func (s *Server) v1Error(w http.ResponseWriter, e *Error) {
	type xmlErr struct {
		Type    string
		Code    string
		Message string
	}
	body := struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		NS        string   `xml:"xmlns,attr"`
		Error     xmlErr
		RequestID string `xml:"RequestId"`
	}{NS: v1NS, Error: xmlErr{Type: "Sender", Code: e.Code, Message: e.Message}, RequestID: s.requestID()}
	if e.v1Status() >= 500 {
		body.Error.Type = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", body.RequestID) // SES sends the request id in both places
	w.WriteHeader(e.v1Status())
	_ = xml.NewEncoder(w).Encode(body)
}

// v1Result writes <ActionResponse><ActionResult>inner</ActionResult><ResponseMetadata>...</ActionResponse>.
func (s *Server) v1Result(w http.ResponseWriter, action string, inner string) {
	id := s.requestID()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", id) // SES sends the request id in both places; the SDK reads the header
	io.WriteString(w, `<`+action+`Response xmlns="`+v1NS+`"><`+action+`Result>`+inner+`</`+action+`Result><ResponseMetadata><RequestId>`+
		id+`</RequestId></ResponseMetadata></`+action+`Response>`)
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (s *Server) serveV1(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.v1Error(w, errInvalid("Could not read the request: "+err.Error()))
		return
	}
	action := r.PostForm.Get("Action")
	op := Operation("v1." + action)
	c, e := s.callerOf(r)
	if e != nil {
		s.v1Error(w, e)
		return
	}
	f, e := s.fault(r.Context(), op)
	if e != nil {
		s.v1Error(w, e)
		return
	}
	var rec Record
	switch op {
	case V1SendRawEmail:
		rec, e = s.v1SendRaw(c, r.PostForm)
	case V1SendEmail:
		rec, e = s.v1SendEmail(c, r.PostForm, false)
	case V1SendTemplatedEmail:
		rec, e = s.v1SendEmail(c, r.PostForm, true)
	case V1GetSendQuota:
		max24, rate, sent := s.Quota()
		s.v1Result(w, action, "<Max24HourSend>"+fmtFloat(max24)+"</Max24HourSend><MaxSendRate>"+fmtFloat(rate)+
			"</MaxSendRate><SentLast24Hours>"+fmtFloat(sent)+"</SentLast24Hours>")
		return
	case V1CreateTemplate:
		t := Template{Name: r.PostForm.Get("Template.TemplateName"), Subject: r.PostForm.Get("Template.SubjectPart"),
			Text: r.PostForm.Get("Template.TextPart"), HTML: r.PostForm.Get("Template.HtmlPart")}
		if t.Name == "" {
			s.v1Error(w, errMissing("template.templateName"))
			return
		}
		s.AddTemplate(t)
		s.v1Result(w, action, "")
		return
	default:
		s.v1Error(w, &Error{Code: "InvalidAction", Message: "The action " + action + " is not valid for this web service."})
		return
	}
	if e != nil {
		s.v1Error(w, e)
		return
	}
	if f.Drop {
		drop(w)
		return
	}
	s.v1Result(w, action, "<MessageId>"+xmlText(rec.MessageID)+"</MessageId>")
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// formList reads a Query protocol list: prefix.member.1, prefix.member.2, ...
func formList(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+".member."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

func formTags(form url.Values) []Tag {
	var out []Tag
	for i := 1; ; i++ {
		p := "Tags.member." + strconv.Itoa(i)
		name, ok := form[p+".Name"]
		if !ok {
			return out
		}
		out = append(out, Tag{Name: name[0], Value: form.Get(p + ".Value")})
	}
}

func (s *Server) v1SendRaw(c caller, form url.Values) (Record, *Error) {
	data, ok := form["RawMessage.Data"]
	if !ok {
		return Record{}, errMissing("rawMessage.data")
	}
	raw, err := base64.StdEncoding.DecodeString(data[0])
	if err != nil {
		return Record{}, errInvalid("RawMessage.Data is not valid base64.")
	}
	p := Params{
		Source: form.Get("Source"), Destinations: formList(form, "Destinations"),
		SourceArn: form.Get("SourceArn"), FromArn: form.Get("FromArn"), ReturnPathArn: form.Get("ReturnPathArn"),
		ConfigurationSetName: form.Get("ConfigurationSetName"), Tags: formTags(form),
	}
	sub := &submission{op: V1SendRawEmail, content: ContentRaw, action: "ses:SendRawEmail", api: "1", caller: c, params: p, raw: raw, limit: s.sizeLimit(V1SendRawEmail)}
	sub.readRaw()
	x := sub.xses
	sub.eff = Effective{
		SourceArn: or(p.SourceArn, x.SourceArn), FromArn: or(p.FromArn, x.FromArn), ReturnPathArn: or(p.ReturnPathArn, x.ReturnPathArn),
		ConfigurationSet: or(p.ConfigurationSetName, x.ConfigurationSet), Tags: p.Tags,
		ListManagement: parseListManagement(x.ListManagementOptions), Tenant: x.Tenant,
	}
	if len(p.Tags) == 0 {
		sub.eff.Tags = parseTags(x.MessageTags)
	}
	// Envelope: Source, else the From address; Destinations, else the header's To, Cc and Bcc.
	sub.envelope.To = addrsOnly(p.Destinations)
	if len(p.Destinations) == 0 {
		sub.envelope.To = sub.headerRecipients()
	}
	sub.recipients = len(sub.envelope.To)
	sub.returnPathHeader()
	if p.Source != "" {
		// Source "takes precedence over any Return-Path header".
		sub.envelope.From = addrOnly(p.Source)
		sub.sender = append(sub.sender, addrCheck{text: p.Source, addr: sub.envelope.From, arn: sourceARN(sub.eff)})
	}
	return s.accept(sub)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// addrOnly returns the address of "Name <addr>" or addr; a value it cannot parse is returned as it is.
func addrOnly(s string) string {
	if a, err := parseAddress(s); err == nil {
		return a
	}
	return s
}

func addrsOnly(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = addrOnly(s)
	}
	return out
}

// v2 ---------------------------------------------------------------------------------------------

func (s *Server) v2Error(w http.ResponseWriter, e *Error) {
	code, status := e.v2()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", s.requestID())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": e.Message})
}

func (s *Server) v2Result(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", s.requestID())
	_ = json.NewEncoder(w).Encode(v)
}

type v2Destination struct {
	ToAddresses, CcAddresses, BccAddresses []string
}

type v2Tag struct{ Name, Value string }

type v2Content struct {
	Simple *struct {
		Subject struct{ Data, Charset string }
		Body    struct {
			Text, Html *struct{ Data, Charset string }
		}
		Headers     []Header
		Attachments []v2Attachment
	}
	Raw      *struct{ Data []byte }
	Template *v2Template
}

type v2Template struct {
	TemplateName, TemplateArn, TemplateData string
	TemplateContent                         *struct{ Subject, Text, Html string }
	Headers                                 []Header
	Attachments                             []v2Attachment
}

type v2Attachment struct {
	FileName, ContentType, ContentDisposition, ContentId, ContentDescription, ContentTransferEncoding string
	RawContent                                                                                        []byte
}

type v2SendEmail struct {
	FromEmailAddress, FromEmailAddressIdentityArn                             string
	FeedbackForwardingEmailAddress, FeedbackForwardingEmailAddressIdentityArn string
	Destination                                                               *v2Destination
	ReplyToAddresses                                                          []string
	Content                                                                   *v2Content
	EmailTags                                                                 []v2Tag
	ConfigurationSetName, EndpointId, TenantName                              string
	ListManagementOptions                                                     *ListManagement
}

func (s *Server) serveV2(w http.ResponseWriter, r *http.Request) {
	var op Operation
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/email/outbound-emails":
		op = V2SendEmail
	case r.Method == http.MethodPost && r.URL.Path == "/v2/email/outbound-bulk-emails":
		op = V2SendBulkEmail
	case r.Method == http.MethodGet && r.URL.Path == "/v2/email/account":
		op = V2GetAccount
	case r.Method == http.MethodPost && r.URL.Path == "/v2/email/templates":
		op = V2CreateEmailTemplate
	default:
		s.v2Error(w, &Error{Code: "UnknownOperationException", Message: r.Method + " " + r.URL.Path + " is not implemented by sesapitest", Status: 404, V2Status: 404})
		return
	}
	c, e := s.callerOf(r)
	if e != nil {
		s.v2Error(w, e)
		return
	}
	f, e := s.fault(r.Context(), op)
	if e != nil {
		s.v2Error(w, e)
		return
	}
	body, _ := r.Context().Value(bodyKey{}).([]byte)
	switch op {
	case V2GetAccount:
		max24, rate, sent := s.Quota()
		s.v2Result(w, map[string]any{
			"DedicatedIpAutoWarmupEnabled": false, "EnforcementStatus": "HEALTHY", "ProductionAccessEnabled": true, "SendingEnabled": true,
			"SendQuota": map[string]float64{"Max24HourSend": max24, "MaxSendRate": rate, "SentLast24Hours": sent},
		})
		return
	case V2CreateEmailTemplate:
		var in struct {
			TemplateName    string
			TemplateContent struct{ Subject, Text, Html string }
		}
		if err := json.Unmarshal(body, &in); err != nil || in.TemplateName == "" {
			s.v2Error(w, &Error{Code: "BadRequestException", Message: "Invalid template."})
			return
		}
		s.AddTemplate(Template{Name: in.TemplateName, Subject: in.TemplateContent.Subject, Text: in.TemplateContent.Text, HTML: in.TemplateContent.Html})
		s.v2Result(w, struct{}{})
		return
	case V2SendEmail:
		var in v2SendEmail
		if err := json.Unmarshal(body, &in); err != nil {
			s.v2Error(w, &Error{Code: "BadRequestException", Message: "Could not read the request: " + err.Error()})
			return
		}
		rec, e := s.v2SendEmail(c, &in)
		if e != nil {
			s.v2Error(w, e)
			return
		}
		if f.Drop {
			drop(w)
			return
		}
		s.v2Result(w, map[string]string{"MessageId": rec.MessageID})
	case V2SendBulkEmail:
		s.v2SendBulk(w, c, body, f)
	}
}

func (in *v2SendEmail) params() Params {
	p := Params{
		FromEmailAddress: in.FromEmailAddress, FromEmailAddressIdentityArn: in.FromEmailAddressIdentityArn,
		FeedbackForwardingEmailAddress: in.FeedbackForwardingEmailAddress, FeedbackForwardingEmailAddressIdentityArn: in.FeedbackForwardingEmailAddressIdentityArn,
		ReplyTo: in.ReplyToAddresses, ConfigurationSetName: in.ConfigurationSetName, EndpointId: in.EndpointId, TenantName: in.TenantName,
		ListManagementOptions: in.ListManagementOptions,
	}
	if d := in.Destination; d != nil {
		p.To, p.Cc, p.Bcc = d.ToAddresses, d.CcAddresses, d.BccAddresses
	}
	for _, t := range in.EmailTags {
		p.Tags = append(p.Tags, Tag(t))
	}
	return p
}

func (s *Server) v2SendEmail(c caller, in *v2SendEmail) (Record, *Error) {
	if in.Content == nil {
		return Record{}, errMissing("content")
	}
	p := in.params()
	switch {
	case in.Content.Raw != nil:
		return s.v2SendRaw(c, p, in.Content.Raw.Data)
	case in.Content.Simple != nil:
		return s.v2SendSimple(c, p, in.Content)
	case in.Content.Template != nil:
		return s.v2SendTemplate(c, p, in.Content.Template, V2SendEmail, "ses:SendTemplatedEmail")
	}
	return Record{}, &Error{Code: "BadRequestException", Message: "Content must contain Simple, Raw or Template."}
}

func (s *Server) v2SendRaw(c caller, p Params, raw []byte) (Record, *Error) {
	if raw == nil {
		raw = []byte{}
	}
	sub := &submission{op: V2SendEmail, content: ContentRaw, action: "ses:SendRawEmail", api: "2", caller: c, params: p, raw: raw, limit: s.sizeLimit(V2SendEmail)}
	sub.readRaw()
	x := sub.xses
	sub.eff = Effective{
		SourceArn: or(p.FromEmailAddressIdentityArn, x.SourceArn), FromArn: or(p.FromEmailAddressIdentityArn, x.FromArn),
		ReturnPathArn:    or(p.FeedbackForwardingEmailAddressIdentityArn, x.ReturnPathArn),
		ConfigurationSet: or(p.ConfigurationSetName, x.ConfigurationSet), Tags: p.Tags,
		ListManagement: p.ListManagementOptions, Tenant: or(p.TenantName, x.Tenant),
	}
	if len(p.Tags) == 0 {
		sub.eff.Tags = parseTags(x.MessageTags)
	}
	if sub.eff.ListManagement == nil {
		sub.eff.ListManagement = parseListManagement(x.ListManagementOptions)
	}
	all := append(append(append([]string(nil), p.To...), p.Cc...), p.Bcc...)
	sub.envelope.To = addrsOnly(all)
	if len(all) == 0 {
		sub.envelope.To = sub.headerRecipients()
	}
	sub.recipients = len(sub.envelope.To)
	sub.returnPathHeader()
	if p.FromEmailAddress != "" {
		sub.sender = append(sub.sender, addrCheck{text: p.FromEmailAddress, addr: addrOnly(p.FromEmailAddress), arn: sub.eff.FromArn})
	}
	if p.FeedbackForwardingEmailAddress != "" {
		sub.envelope.From = addrOnly(p.FeedbackForwardingEmailAddress)
		sub.sender = append(sub.sender, addrCheck{text: p.FeedbackForwardingEmailAddress, addr: sub.envelope.From, arn: or(sub.eff.ReturnPathArn, sub.eff.SourceArn)})
	}
	return s.accept(sub)
}
