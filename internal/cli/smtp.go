package cli

import (
	"crypto/x509"
	"encoding/pem"
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
// conns is the number of connections the sender may open at once.
func smtpSenderFor(o *sendOpts, region, addr string, conns int) (*sesapi.SMTPSender, error) {
	mode, err := sesapi.ParseSMTPTLS(o.smtpTLS)
	if err != nil {
		return nil, usageErr("--smtp-tls " + quote(o.smtpTLS) + ": want auto, starttls, tls or none")
	}
	cfg := sesapi.SMTPConfig{Addr: addr, Region: region, TLS: mode, MaxConns: conns}
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
