package sesapitest

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"net/url"
)

// simpleSub prepares a submission whose message SES composes from parameters.
func simpleSub(sub *submission, from, returnPath, sourceArn, returnPathArn string) {
	p := &sub.params
	sub.fromText = from
	if a, err := mail.ParseAddress(from); err == nil {
		sub.from = a
	}
	all := append(append(append([]string(nil), p.To...), p.Cc...), p.Bcc...)
	sub.envelope.To = addrsOnly(all)
	sub.recipients = len(all)
	sub.envelope.From = addrOnly(from)
	if returnPath != "" {
		sub.envelope.From = addrOnly(returnPath)
		sub.sender = append(sub.sender, addrCheck{text: returnPath, addr: sub.envelope.From, arn: or(returnPathArn, sourceArn)})
	}
}

func (s *Server) template(name string) (Template, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.templates[name]
	return t, ok
}

// v1SendEmail handles v1 SendEmail and SendTemplatedEmail: parameters only (no FromArn, no X-SES
// headers).
func (s *Server) v1SendEmail(c caller, form url.Values, templated bool) (Record, *Error) {
	p := Params{
		Source: form.Get("Source"), ReturnPath: form.Get("ReturnPath"),
		SourceArn: form.Get("SourceArn"), ReturnPathArn: form.Get("ReturnPathArn"),
		To: formList(form, "Destination.ToAddresses"), Cc: formList(form, "Destination.CcAddresses"), Bcc: formList(form, "Destination.BccAddresses"),
		ReplyTo: formList(form, "ReplyToAddresses"), ConfigurationSetName: form.Get("ConfigurationSetName"), Tags: formTags(form),
	}
	if p.Source == "" {
		return Record{}, errMissing("source")
	}
	sub := &submission{op: V1SendEmail, content: ContentSimple, action: "ses:SendEmail", api: "1", caller: c}
	if templated {
		sub.op, sub.content, sub.action = V1SendTemplatedEmail, ContentTemplate, "ses:SendTemplatedEmail"
		p.Template, p.TemplateArn, p.TemplateData = form.Get("Template"), form.Get("TemplateArn"), form.Get("TemplateData")
		t, ok := s.template(p.Template)
		if !ok {
			return Record{}, errTemplateMissing(p.Template)
		}
		p.Subject, p.Text, p.HTML = render(t.Subject, p.TemplateData), render(t.Text, p.TemplateData), render(t.HTML, p.TemplateData)
	} else {
		p.Subject, p.Text, p.HTML = form.Get("Message.Subject.Data"), form.Get("Message.Body.Text.Data"), form.Get("Message.Body.Html.Data")
	}
	sub.params = p
	sub.eff = Effective{SourceArn: p.SourceArn, ReturnPathArn: p.ReturnPathArn, ConfigurationSet: p.ConfigurationSetName, Tags: p.Tags}
	simpleSub(sub, p.Source, p.ReturnPath, p.SourceArn, p.ReturnPathArn)
	sub.delivered = (&composed{from: p.Source, to: p.To, cc: p.Cc, replyTo: p.ReplyTo, subject: p.Subject, text: p.Text, html: p.HTML}).bytes()
	return s.accept(sub)
}

// v2Sub prepares a v2 submission with simple or template content.
func v2Sub(c caller, p Params, op Operation, content Content, action string) *submission {
	sub := &submission{op: op, content: content, action: action, api: "2", caller: c, params: p}
	sub.eff = Effective{
		SourceArn: p.FromEmailAddressIdentityArn, FromArn: p.FromEmailAddressIdentityArn, ReturnPathArn: p.FeedbackForwardingEmailAddressIdentityArn,
		ConfigurationSet: p.ConfigurationSetName, Tags: p.Tags, ListManagement: p.ListManagementOptions, Tenant: p.TenantName,
	}
	simpleSub(sub, p.FromEmailAddress, p.FeedbackForwardingEmailAddress, p.FromEmailAddressIdentityArn, p.FeedbackForwardingEmailAddressIdentityArn)
	return sub
}

func (s *Server) v2SendSimple(c caller, p Params, content *v2Content) (Record, *Error) {
	if p.FromEmailAddress == "" {
		return Record{}, &Error{Code: "BadRequestException", Message: "Missing FromEmailAddress."}
	}
	m := content.Simple
	p.Subject, p.Headers = m.Subject.Data, m.Headers
	if m.Body.Text != nil {
		p.Text = m.Body.Text.Data
	}
	if m.Body.Html != nil {
		p.HTML = m.Body.Html.Data
	}
	sub := v2Sub(c, p, V2SendEmail, ContentSimple, "ses:SendEmail")
	sub.delivered = (&composed{from: p.FromEmailAddress, to: p.To, cc: p.Cc, replyTo: p.ReplyTo, subject: p.Subject, text: p.Text, html: p.HTML,
		headers: p.Headers, attachments: m.Attachments}).bytes()
	return s.accept(sub)
}

// resolveTemplate returns the template a v2 Template content names or carries.
func (s *Server) resolveTemplate(t *v2Template) (Template, *Error) {
	if t.TemplateContent != nil {
		return Template{Name: t.TemplateName, Subject: t.TemplateContent.Subject, Text: t.TemplateContent.Text, HTML: t.TemplateContent.Html}, nil
	}
	name := t.TemplateName
	if name == "" && t.TemplateArn != "" {
		if i := lastSlash(t.TemplateArn); i >= 0 {
			name = t.TemplateArn[i+1:]
		}
	}
	tt, ok := s.template(name)
	if !ok {
		return Template{}, errTemplateMissing(name)
	}
	return tt, nil
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func (s *Server) v2SendTemplate(c caller, p Params, t *v2Template, op Operation, action string) (Record, *Error) {
	if p.FromEmailAddress == "" {
		return Record{}, &Error{Code: "BadRequestException", Message: "Missing FromEmailAddress."}
	}
	tt, e := s.resolveTemplate(t)
	if e != nil {
		return Record{}, e
	}
	p.Template, p.TemplateArn, p.TemplateData, p.Headers = t.TemplateName, t.TemplateArn, t.TemplateData, t.Headers
	p.Subject, p.Text, p.HTML = render(tt.Subject, p.TemplateData), render(tt.Text, p.TemplateData), render(tt.HTML, p.TemplateData)
	sub := v2Sub(c, p, op, ContentTemplate, action)
	sub.delivered = (&composed{from: p.FromEmailAddress, to: p.To, cc: p.Cc, replyTo: p.ReplyTo, subject: p.Subject, text: p.Text, html: p.HTML,
		headers: p.Headers, attachments: t.Attachments}).bytes()
	return s.accept(sub)
}

type v2Bulk struct {
	v2SendEmail
	DefaultEmailTags []v2Tag
	DefaultContent   *struct{ Template *v2Template }
	BulkEmailEntries []struct {
		Destination             *v2Destination
		ReplacementTags         []v2Tag
		ReplacementEmailContent *struct {
			ReplacementTemplate *struct{ ReplacementTemplateData string }
		}
		ReplacementHeaders []Header
	}
}

// bulkStatus maps a refusal to a BulkEmailStatus
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_BulkEmailEntryResult.html).
func bulkStatus(e *Error) string {
	switch {
	case e.Message == MsgDailyQuota:
		return "ACCOUNT_DAILY_QUOTA_EXCEEDED"
	case e.Code == "Throttling":
		return "ACCOUNT_THROTTLED"
	case e.Code == "MessageRejected":
		return "MESSAGE_REJECTED"
	case e.Code == "TemplateDoesNotExist":
		return "TEMPLATE_NOT_FOUND"
	case e.Code == "InvalidParameterValue":
		return "INVALID_PARAMETER"
	}
	return "FAILED"
}

// v2SendBulk handles v2 SendBulkEmail: each entry is a send of its own, answered with a status.
func (s *Server) v2SendBulk(w http.ResponseWriter, c caller, body []byte, f Fault) {
	var in v2Bulk
	if err := json.Unmarshal(body, &in); err != nil {
		s.v2Error(w, &Error{Code: "BadRequestException", Message: "Could not read the request: " + err.Error()})
		return
	}
	if in.DefaultContent == nil || in.DefaultContent.Template == nil {
		s.v2Error(w, errMissing("defaultContent"))
		return
	}
	if len(in.BulkEmailEntries) == 0 || len(in.BulkEmailEntries) > MaxRecipients {
		s.v2Error(w, &Error{Code: "BadRequestException", Message: "BulkEmailEntries must have between 1 and 50 entries."})
		return
	}
	type result struct {
		Status    string
		Error     string `json:",omitempty"`
		MessageId string `json:",omitempty"`
	}
	results := make([]result, 0, len(in.BulkEmailEntries))
	for _, entry := range in.BulkEmailEntries {
		one := in.v2SendEmail
		one.Destination = entry.Destination
		one.EmailTags = append(append([]v2Tag(nil), in.DefaultEmailTags...), entry.ReplacementTags...)
		p := one.params()
		t := *in.DefaultContent.Template
		if rc := entry.ReplacementEmailContent; rc != nil && rc.ReplacementTemplate != nil {
			t.TemplateData = rc.ReplacementTemplate.ReplacementTemplateData
		}
		t.Headers = append(append([]Header(nil), t.Headers...), entry.ReplacementHeaders...)
		rec, e := s.v2SendTemplate(c, p, &t, V2SendBulkEmail, "ses:SendBulkEmail")
		if e != nil {
			results = append(results, result{Status: bulkStatus(e), Error: e.Message})
			continue
		}
		results = append(results, result{Status: "SUCCESS", MessageId: rec.MessageID})
	}
	if f.Drop {
		drop(w)
		return
	}
	s.v2Result(w, map[string]any{"BulkEmailEntryResults": results})
}
