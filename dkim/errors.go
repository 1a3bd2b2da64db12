package dkim

import "errors"

// Sentinel errors; errors from this package wrap one of them and are prefixed "dkim: ".
var (
	ErrForbiddenHeader  = errors.New("dkim: header must not be signed for SES") // X-SES-*, Message-ID, Date, Return-Path, Bounces-To, DKIM-Signature
	ErrAlreadySigned    = errors.New("dkim: message already carries a DKIM-Signature")
	ErrKeyTooSmall      = errors.New("dkim: RSA key smaller than 1024 bits")
	ErrUnsupportedKey   = errors.New("dkim: unsupported key type")
	ErrInvalidOptions   = errors.New("dkim: invalid options")
	ErrMalformedMessage = errors.New("dkim: malformed message")
	ErrNoFrom           = errors.New("dkim: message has no From header")
)
