package bench

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
)

// Domain is the DKIM signing domain (d=) of every benchmark signature.
const Domain = "example.com"

// Key is a DKIM signing key with its selector and the TXT record a verifier looks up.
type Key struct {
	Name     string // "ed25519" or "rsa2048"
	Selector string
	Signer   crypto.Signer
	TXT      string // the DNS TXT record at Selector._domainkey.Domain
}

// rsa2048PEM is a throwaway RSA-2048 test key (PKCS#8), committed so every run signs with the same key.
//
//go:embed testdata/rsa2048.pem
var rsa2048PEM []byte

// Keys returns the two benchmark keys: Ed25519 from a fixed seed and the committed RSA-2048 key.
func Keys() (ed, rsaKey Key, err error) {
	seed := sha256.Sum256([]byte("sesraw bench ed25519"))
	edPriv := ed25519.NewKeyFromSeed(seed[:])
	ed = Key{
		Name:     "ed25519",
		Selector: "ed",
		Signer:   edPriv,
		TXT:      "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edPriv.Public().(ed25519.PublicKey)),
	}
	block, _ := pem.Decode(rsa2048PEM)
	if block == nil {
		return ed, rsaKey, errors.New("bench: testdata/rsa2048.pem: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return ed, rsaKey, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return ed, rsaKey, errors.New("bench: testdata/rsa2048.pem: not a signing key")
	}
	der, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return ed, rsaKey, err
	}
	rsaKey = Key{
		Name:     "rsa2048",
		Selector: "rsa",
		Signer:   signer,
		TXT:      "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der),
	}
	return ed, rsaKey, nil
}

// LookupTXT answers DKIM key queries for keys, for go-msgauth's VerifyOptions.
func LookupTXT(keys ...Key) func(domain string) ([]string, error) {
	return func(domain string) ([]string, error) {
		for _, k := range keys {
			if strings.EqualFold(domain, k.Selector+"._domainkey."+Domain) {
				return []string{k.TXT}, nil
			}
		}
		return nil, errors.New("bench: no TXT record for " + domain)
	}
}
