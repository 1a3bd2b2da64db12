package bench

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime/quotedprintable"
)

// The floor: the work no library can avoid for the fixture, done with the standard library in the
// plainest way. A library's time over the floor is what its own machinery costs.

// SliceWriter is an io.Writer appending to B; peers that write to an io.Writer write into it, so
// every library's output ends up in a reused, caller-owned buffer.
type SliceWriter struct{ B []byte }

// Write appends p to w.B.
func (w *SliceWriter) Write(p []byte) (int, error) {
	w.B = append(w.B, p...)
	return len(p), nil
}

// AppendBase64Lines appends the base64 encoding of src in 76-column CRLF-terminated lines.
func AppendBase64Lines(dst, src []byte) []byte {
	const raw = 57 // bytes per 76-column line
	for len(src) > 0 {
		n := min(raw, len(src))
		dst = base64.StdEncoding.AppendEncode(dst, src[:n])
		dst = append(dst, '\r', '\n')
		src = src[n:]
	}
	return dst
}

// AppendQP appends the quoted-printable encoding of s (mime/quotedprintable, CRLF line ends).
func AppendQP(dst []byte, s string) []byte {
	w := SliceWriter{B: dst}
	qp := quotedprintable.NewWriter(&w)
	_, _ = qp.Write([]byte(s)) // SliceWriter never fails
	_ = qp.Close()
	return w.B
}

// AppendEncodingFloor appends the encoded bodies of f: text and HTML as quoted-printable, the
// attachment as 76-column base64. Headers and MIME structure are not included.
func AppendEncodingFloor(dst []byte, f *Fixture) []byte {
	dst = AppendQP(dst, f.Text)
	dst = AppendQP(dst, f.HTML)
	return AppendBase64Lines(dst, f.Attachment)
}

// SignFloor returns SHA-256 over msg and one signature with key over that digest: the
// cryptographic work of a DKIM signature (body hash, header hash, one private-key operation)
// with the body hash and header hash merged into one pass over the whole message.
func SignFloor(key crypto.Signer, msg []byte) ([]byte, error) {
	sum := sha256.Sum256(msg)
	switch k := key.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(k, sum[:]), nil
	case *rsa.PrivateKey:
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	}
	return nil, errors.New("bench: unsupported key")
}
