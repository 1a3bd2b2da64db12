package sesapitest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configure the SMTP listener.
type SMTPOptions struct {
	// TLSConfig, when not nil, makes the server offer STARTTLS with this configuration.
	TLSConfig *tls.Config
	// Auth makes the server offer AUTH PLAIN and require it before MAIL FROM, as SES does. The
	// user name is an access key ID, mapped to an account by Options.AccessKeys. AUTH is offered
	// only after STARTTLS when TLSConfig is set, and on the plain connection otherwise.
	Auth bool
	// Passwords maps user names to their SMTP passwords; nil accepts any password.
	Passwords map[string]string
	// AccessKey is the access key a session without AUTH acts as.
	AccessKey string
}

// maxSMTPRecipients bounds RCPT TO commands per message (SES refuses more than 50 at DATA).
const maxSMTPRecipients = 1000

type smtpListener struct {
	srv  *smtp.Server
	done chan struct{}
}

func (l *smtpListener) close() error {
	err := l.srv.Close()
	<-l.done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// StartSMTP starts the server's SMTP listener on 127.0.0.1 and a free port and returns its
// address. Messages go through the same checks as the API (with the SMTP size limit, the action
// ses:SendRawEmail and ses:ApiVersion "2") and are recorded as Operation SMTPData, with MAIL FROM as
// Params.Source and the RCPT TO addresses as Params.Destinations. Refusals are SES's SMTP replies
// (454 throttling, 554 Message rejected, 554 Transaction failed: ..., 552 Message is too long.).
// Close stops the listener with the server. StartSMTP may be called once.
func (s *Server) StartSMTP(o SMTPOptions) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sesapitest: SMTP listen: %w", err)
	}
	l := &smtpListener{done: make(chan struct{})}
	l.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s, o: &o, conn: c}, nil
	}))
	l.srv.Domain = "localhost"
	l.srv.TLSConfig = o.TLSConfig
	l.srv.AllowInsecureAuth = o.TLSConfig == nil
	l.srv.MaxMessageBytes = MaxSizeSMTP
	l.srv.MaxRecipients = maxSMTPRecipients
	l.srv.ReadTimeout = 30 * time.Second
	l.srv.WriteTimeout = 30 * time.Second
	s.mu.Lock()
	if s.smtp != nil {
		s.mu.Unlock()
		ln.Close()
		return "", errors.New("sesapitest: the SMTP listener is already started")
	}
	s.smtp = l
	s.mu.Unlock()
	go func() {
		_ = l.srv.Serve(ln)
		close(l.done)
	}()
	return ln.Addr().String(), nil
}

type smtpSession struct {
	s    *Server
	o    *SMTPOptions
	conn *smtp.Conn
	user string
	from string
	to   []string
	drop bool
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (ss *smtpSession) AuthMechanisms() []string {
	if !ss.o.Auth {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if !ss.o.Auth || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if ss.o.Passwords != nil && ss.o.Passwords[username] != password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication Credentials Invalid"}
		}
		ss.user = username
		return nil
	}), nil
}

func smtpErr(code int, text string) *smtp.SMTPError {
	ec := smtp.EnhancedCode{code / 100, 0, 0}
	return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: text}
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.o.Auth && ss.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	ss.from, ss.to, ss.drop = from, nil, false
	f, ok := ss.s.takeFault(SMTPData)
	if !ok {
		return nil
	}
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	ss.drop = f.Drop
	code, text := f.SMTPCode, f.SMTPText
	if code == 0 && f.Status >= 500 {
		code, text = 451, "Temporary service failure"
	}
	if code == 0 {
		return nil
	}
	if text == "" {
		text = map[int]string{421: "Too many concurrent SMTP connections", 451: "Temporary service failure",
			454: "Throttling failure: Maximum sending rate exceeded"}[code]
	}
	if code == 421 { // the server closes the connection after a 421
		c := ss.conn.Conn()
		_, _ = io.WriteString(c, "421 "+text+"\r\n")
		c.Close()
	}
	return smtpErr(code, text)
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	region := s.opts.Region
	keys := s.opts.AccessKeys
	user := ss.user
	if user == "" {
		user = ss.o.AccessKey
	}
	acct, known := keys[user]
	checkCreds := s.on(CheckCredentials)
	s.mu.Unlock()
	if region == "" {
		region = DefaultRegion
	}
	if keys == nil {
		acct = DefaultAccount
	} else if !known && checkCreds {
		return smtpErr(535, "Authentication Credentials Invalid")
	}
	c := caller{region: region, accessKey: user, account: acct}
	if host, _, err := net.SplitHostPort(ss.conn.Conn().RemoteAddr().String()); err == nil {
		c.sourceIP = host
	}
	_, c.tls = ss.conn.TLSConnectionState()
	p := Params{Source: ss.from, Destinations: append([]string(nil), ss.to...)}
	sub := &submission{op: SMTPData, content: ContentRaw, action: "ses:SendRawEmail", api: "2", caller: c, params: p, raw: buf.Bytes(), limit: s.sizeLimit(SMTPData)}
	sub.readRaw()
	x := sub.xses
	sub.eff = Effective{SourceArn: x.SourceArn, FromArn: x.FromArn, ReturnPathArn: x.ReturnPathArn, ConfigurationSet: x.ConfigurationSet,
		Tags: parseTags(x.MessageTags), ListManagement: parseListManagement(x.ListManagementOptions), Tenant: x.Tenant}
	sub.envelope = Envelope{From: ss.from, To: p.Destinations}
	sub.recipients = len(ss.to)
	if ss.from != "" {
		sub.sender = append(sub.sender, addrCheck{text: ss.from, addr: ss.from, arn: sourceARN(sub.eff)})
	}
	rec, e := s.accept(sub)
	if e != nil {
		code, text := e.smtp()
		return smtpErr(code, text)
	}
	if ss.drop {
		ss.conn.Conn().Close()
		return nil
	}
	return smtpErr(250, "Ok "+rec.MessageID)
}

func (ss *smtpSession) Reset() { ss.from, ss.to = "", nil }

func (ss *smtpSession) Logout() error { return nil }

// smtp returns the SMTP reply code and text of e.
func (e *Error) smtp() (int, string) {
	if e.SMTPCode == 0 {
		return 554, "Transaction failed: " + e.Message
	}
	return e.SMTPCode, e.SMTPText
}
