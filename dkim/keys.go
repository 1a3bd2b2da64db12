package dkim

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
)

// Key size limits for rsa-sha256 (RFC 8301 §3.2: at least 1024 bits; SES's BYODKIM takes up to 2048,
// manual signing any; 4096 is the largest DNS TXT records comfortably carry).
const (
	minRSABits = 1024
	maxRSABits = 4096
)

// keyAlgorithm returns the DKIM a= value for key, checking RSA sizes.
func keyAlgorithm(key crypto.Signer) (string, error) {
	if key == nil {
		return "", fmt.Errorf("%w: Key is required", ErrInvalidOptions)
	}
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		if pub == nil || pub.N == nil {
			return "", fmt.Errorf("%w: RSA key without a modulus", ErrUnsupportedKey)
		}
		bits := pub.N.BitLen()
		if bits < minRSABits {
			return "", fmt.Errorf("%w (has %d bits)", ErrKeyTooSmall, bits)
		}
		if bits > maxRSABits {
			return "", fmt.Errorf("%w: RSA key of %d bits is larger than %d", ErrUnsupportedKey, bits, maxRSABits)
		}
		return "rsa-sha256", nil
	case ed25519.PublicKey:
		if len(pub) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrUnsupportedKey, len(pub))
		}
		return "ed25519-sha256", nil
	default:
		return "", fmt.Errorf("%w: %T (want RSA or Ed25519)", ErrUnsupportedKey, pub)
	}
}

// ParsePrivateKey parses a PEM private key (PKCS#1 RSA, PKCS#8 RSA or Ed25519).
// The first PEM block is used; RSA keys are checked for size (ErrKeyTooSmall, ErrUnsupportedKey).
func ParsePrivateKey(pemBytes []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrUnsupportedKey)
	}
	var key crypto.Signer
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: PKCS#1: %w", ErrUnsupportedKey, err)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: PKCS#8: %w", ErrUnsupportedKey, err)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			key = k
		case ed25519.PrivateKey:
			key = k
		default:
			return nil, fmt.Errorf("%w: PKCS#8 %T (want RSA or Ed25519)", ErrUnsupportedKey, k)
		}
	default:
		return nil, fmt.Errorf("%w: PEM block %q (want \"RSA PRIVATE KEY\" or \"PRIVATE KEY\")", ErrUnsupportedKey, block.Type)
	}
	if _, err := keyAlgorithm(key); err != nil {
		return nil, err
	}
	return key, nil
}

// TXTRecord returns the DNS TXT record value publishing pub for DKIM (RFC 6376 §3.6.1, RFC 8463 §4):
// "v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo base64>" or "v=DKIM1; k=ed25519; p=<32 raw bytes base64>".
// pub may be an *rsa.PublicKey, ed25519.PublicKey, or a private key / crypto.Signer holding one.
func TXTRecord(pub crypto.PublicKey) (string, error) {
	if s, ok := pub.(crypto.Signer); ok {
		pub = s.Public()
	}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if p == nil || p.N == nil {
			return "", fmt.Errorf("%w: RSA key without a modulus", ErrUnsupportedKey)
		}
		if p.N.BitLen() < minRSABits {
			return "", fmt.Errorf("%w (has %d bits)", ErrKeyTooSmall, p.N.BitLen())
		}
		der, err := x509.MarshalPKIXPublicKey(p)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrUnsupportedKey, len(p))
		}
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(p), nil
	default:
		return "", fmt.Errorf("%w: %T (want RSA or Ed25519)", ErrUnsupportedKey, pub)
	}
}
