package sesapitest

import (
	"time"
)

// Operation names the SES operation (or SMTP transaction) a request was.
type Operation string

// The operations the server implements.
const (
	V1SendRawEmail        Operation = "v1.SendRawEmail"
	V1SendEmail           Operation = "v1.SendEmail"
	V1SendTemplatedEmail  Operation = "v1.SendTemplatedEmail"
	V1GetSendQuota        Operation = "v1.GetSendQuota"
	V1CreateTemplate      Operation = "v1.CreateTemplate"
	V2SendEmail           Operation = "v2.SendEmail"
	V2SendBulkEmail       Operation = "v2.SendBulkEmail"
	V2GetAccount          Operation = "v2.GetAccount"
	V2CreateEmailTemplate Operation = "v2.CreateEmailTemplate"
	SMTPData              Operation = "smtp.DATA"
)

// Content says what kind of content a send carried.
type Content string

// The kinds of content.
const (
	ContentRaw      Content = "Raw"      // raw MIME: v1 SendRawEmail, v2 Content.Raw, SMTP DATA
	ContentSimple   Content = "Simple"   // v1 SendEmail, v2 Content.Simple: SES composes the MIME
	ContentTemplate Content = "Template" // v1 SendTemplatedEmail, v2 Content.Template, v2 SendBulkEmail
)

// Tag is a message tag (a name=value pair).
type Tag struct{ Name, Value string }

// ListManagement is the SES v2 ListManagementOptions value.
type ListManagement struct{ ContactListName, TopicName string }

// Params are the request parameters as received; a parameter not sent is "" or nil. Only the
// members of the operation that was called are filled.
type Params struct {
	// v1
	Source        string   // v1 Source
	Destinations  []string // v1 SendRawEmail Destinations
	SourceArn     string   // v1 SourceArn
	FromArn       string   // v1 SendRawEmail FromArn
	ReturnPathArn string   // v1 ReturnPathArn
	ReturnPath    string   // v1 SendEmail / SendTemplatedEmail ReturnPath

	// v2
	FromEmailAddress                          string
	FromEmailAddressIdentityArn               string
	FeedbackForwardingEmailAddress            string
	FeedbackForwardingEmailAddressIdentityArn string
	ListManagementOptions                     *ListManagement
	TenantName                                string
	EndpointId                                string

	// both
	To, Cc, Bcc          []string // v1 Destination.*Addresses, v2 Destination.*Addresses
	ReplyTo              []string // ReplyToAddresses
	ConfigurationSetName string
	Tags                 []Tag // v1 Tags, v2 EmailTags (v2 SendBulkEmail: DefaultEmailTags, then the entry's ReplacementTags)

	// Simple and template content
	Subject, Text, HTML string   // v1 Message / v2 Content.Simple
	Headers             []Header // v2 Content.Simple.Headers / Template.Headers
	Template            string   // template name
	TemplateArn         string
	TemplateData        string // JSON
}

// Header is one v2 MessageHeader.
type Header struct{ Name, Value string }

// Effective are the SES control values SES acts on after its precedence rules: for v1
// SendRawEmail a parameter beats its X-SES header (SourceArn beats X-SES-SOURCE-ARN, and so on;
// Tags replace X-SES-MESSAGE-TAGS entirely); for v2 raw content FromEmailAddressIdentityArn
// overrides both X-SES-SOURCE-ARN and X-SES-FROM-ARN; SMTP has only the headers; v1 SendEmail and
// SendTemplatedEmail have only the parameters. See
// https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html and
// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html.
//
// Where AWS documents no precedence, a parameter beats its header here too: ConfigurationSetName
// over X-SES-CONFIGURATION-SET; v2 FeedbackForwardingEmailAddressIdentityArn over
// X-SES-RETURN-PATH-ARN; v2 ListManagementOptions and TenantName over their headers. That v2 raw
// content honours X-SES-RETURN-PATH-ARN, X-SES-CONFIGURATION-SET, X-SES-MESSAGE-TAGS,
// X-SES-LIST-MANAGEMENT-OPTIONS and X-SES-TENANT at all is not documented; this package assumes it
// does.
type Effective struct {
	SourceArn, FromArn, ReturnPathArn string
	ConfigurationSet                  string
	Tags                              []Tag
	ListManagement                    *ListManagement
	Tenant                            string
}

// Envelope is the SMTP envelope SES uses for a message: the MAIL FROM address and the recipients.
type Envelope struct {
	From string   // the address only, without display name
	To   []string // every recipient (To, Cc and Bcc), addresses only
}

// Record is one message the server accepted. A v2 SendBulkEmail request makes one Record per
// successful entry.
type Record struct {
	MessageID string
	Operation Operation
	Content   Content
	Time      time.Time // by the server's clock

	// Caller, from the request's SigV4 credential scope (SMTP: the AUTH user name and the server's region).
	Region    string
	AccessKey string
	Account   string // the caller's account, from Options.AccessKeys

	Params Params
	// Raw is the message as received (raw content and SMTP DATA); nil for simple and template
	// content, which SES composes itself.
	Raw []byte
	// XSES holds the first instance of each X-SES header in Raw.
	XSES XSES
	// Effective are the values SES acts on after its precedence rules.
	Effective Effective
	// Envelope is the SMTP envelope of the delivery.
	Envelope Envelope
	// Delivered is the message as SES would deliver it: for raw content Raw without any X-SES-*
	// header (SES also rewrites Date and Message-ID and adds its own headers; this package does
	// not); for simple and template content a MIME message composed by this package from the
	// parameters (templates rendered).
	Delivered []byte
}

// clone returns a deep copy of r, so that callers cannot change the server's records.
func (r Record) clone() Record {
	c := r
	c.Raw = append([]byte(nil), r.Raw...)
	if r.Raw == nil {
		c.Raw = nil
	}
	c.Delivered = append([]byte(nil), r.Delivered...)
	c.Params.Destinations = append([]string(nil), r.Params.Destinations...)
	c.Params.To = append([]string(nil), r.Params.To...)
	c.Params.Cc = append([]string(nil), r.Params.Cc...)
	c.Params.Bcc = append([]string(nil), r.Params.Bcc...)
	c.Params.ReplyTo = append([]string(nil), r.Params.ReplyTo...)
	c.Params.Tags = append([]Tag(nil), r.Params.Tags...)
	c.Params.Headers = append([]Header(nil), r.Params.Headers...)
	if r.Params.ListManagementOptions != nil {
		lm := *r.Params.ListManagementOptions
		c.Params.ListManagementOptions = &lm
	}
	c.Effective.Tags = append([]Tag(nil), r.Effective.Tags...)
	if r.Effective.ListManagement != nil {
		lm := *r.Effective.ListManagement
		c.Effective.ListManagement = &lm
	}
	c.Envelope.To = append([]string(nil), r.Envelope.To...)
	return c
}
