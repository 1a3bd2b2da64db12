package cli

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"

	"github.com/sesraw/sesraw/sesapi"
)

// Environment variables holding SES SMTP credentials (which are not AWS access keys), and the AWS
// access key --smtp-derive-credentials derives them from.
const (
	envSMTPUser     = "SESRAW_SMTP_USERNAME"
	envSMTPPassword = "SESRAW_SMTP_PASSWORD"
	envAccessKeyID  = "AWS_ACCESS_KEY_ID"
	envSecretKey    = "AWS_SECRET_ACCESS_KEY"
	envSessionToken = "AWS_SESSION_TOKEN"
)

// smtpSenderFor makes the library's SMTP sender for send --api smtp: TLS mode, extra CA,
// credentials from $SESRAW_SMTP_USERNAME/$SESRAW_SMTP_PASSWORD or derived from the AWS access key
// in the environment for region. Its errors are usage (2) or input (2) errors: nothing was sent.
func smtpSenderFor(o *sendOpts, region, addr string) (*sesapi.SMTPSender, error) {
	mode, err := sesapi.ParseSMTPTLS(o.smtpTLS)
	if err != nil {
		return nil, usageErr("--smtp-tls " + quote(o.smtpTLS) + ": want auto, starttls, tls or none")
	}
	cfg := sesapi.SMTPConfig{Addr: addr, TLS: mode, MaxConns: 1}
	if o.smtpCA != "" {
		if cfg.RootCAs, err = readCertificates(o.smtpCA); err != nil {
			return nil, err
		}
	}
	user, pass := os.Getenv(envSMTPUser), os.Getenv(envSMTPPassword)
	if o.smtpDerive {
		if user != "" {
			return nil, usageErr("--smtp-derive-credentials and $" + envSMTPUser + " both name SMTP credentials; use one")
		}
		if region == "" {
			return nil, usageErr("--smtp-derive-credentials needs the Region of the SMTP endpoint: give --region")
		}
		if user, pass, err = deriveSMTPCredentials(region); err != nil {
			return nil, err
		}
	}
	cfg.Username, cfg.Password = user, pass
	ss, err := sesapi.NewSMTPSender(cfg)
	if err != nil {
		return nil, inputErr(err.Error()+" (nothing was sent)", err)
	}
	return ss, nil
}

// deriveSMTPCredentials derives SES SMTP credentials for region from $AWS_ACCESS_KEY_ID and
// $AWS_SECRET_ACCESS_KEY, refusing temporary (STS) credentials, which SES SMTP does not accept.
func deriveSMTPCredentials(region string) (user, pass string, err error) {
	id, secret := os.Getenv(envAccessKeyID), os.Getenv(envSecretKey)
	if id == "" || secret == "" {
		return "", "", inputErr("--smtp-derive-credentials: $"+envAccessKeyID+" and $"+envSecretKey+" must both be set", nil)
	}
	if sesapi.IsTemporaryAccessKeyID(id) || os.Getenv(envSessionToken) != "" {
		return "", "", inputErr("--smtp-derive-credentials: the access key in the environment is temporary (STS): SES SMTP credentials need an IAM user's long-term key (AKIA...)", sesapi.ErrTemporaryCredentials)
	}
	pass, err = sesapi.SMTPPassword(secret, region)
	if err != nil {
		return "", "", inputErr("--smtp-derive-credentials: "+err.Error(), err)
	}
	return id, pass, nil
}

// readCertificates reads the PEM certificates of file (one CA or several).
func readCertificates(file string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, inputErr("--smtp-ca: "+err.Error(), err)
	}
	var certs []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, inputErr("--smtp-ca "+displayName(file)+": "+err.Error(), err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, inputErr("--smtp-ca "+displayName(file)+": no PEM CERTIFICATE block", nil)
	}
	return certs, nil
}

// smtpSend sends m with ss and returns SES's message id (the reply to DATA without "Ok ").
func smtpSend(ctx context.Context, ss *sesapi.SMTPSender, m *sesapi.SMTPMail) (string, error) {
	res, err := ss.Send(ctx, m, nil)
	if err != nil {
		return "", err
	}
	return res.MessageID, nil
}

// smtpFailure maps an error of the SMTP sender to an exit status: a failed pre-send check, a
// refusal or a failure before the final dot 1 ("nothing was sent" where that is known), a
// connection lost after it 3 (the outcome is unknown).
// The library's errors name the server.
func smtpFailure(err error) error {
	var ce *sesapi.CheckError
	if errors.As(err, &ce) || errors.Is(err, sesapi.ErrNotSent) {
		return failure(err.Error()+" (nothing was sent)", err)
	}
	return sendFailure(err.Error(), err)
}
