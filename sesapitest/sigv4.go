package sesapitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// verifySigV4 checks a request's AWS Signature Version 4 (HMAC-SHA256) with the caller's secret
// access key, the way AWS does (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
// canonical request, string to sign, signing key derived from the secret, date, Region and
// service. It reports whether the signature matches. body is the request body as received.
func verifySigV4(r *http.Request, body []byte, secret string) bool {
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return false
	}
	var cred, signed, sig string
	for _, part := range strings.Split(auth[len(algo):], ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	scope := strings.SplitN(cred, "/", 2)
	if len(scope) != 2 || signed == "" || sig == "" {
		return false
	}
	scopeParts := strings.Split(scope[1], "/")
	if len(scopeParts) != 4 {
		return false
	}
	date := r.Header.Get("X-Amz-Date")

	var cr strings.Builder
	cr.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	cr.WriteString(path + "\n")
	cr.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, name := range strings.Split(signed, ";") {
		var v string
		switch name {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		default:
			v = strings.Join(r.Header.Values(name), ",")
		}
		cr.WriteString(name + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	cr.WriteString("\n" + signed + "\n")
	sum := sha256.Sum256(body)
	cr.WriteString(hex.EncodeToString(sum[:]))

	crSum := sha256.Sum256([]byte(cr.String()))
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope[1] + "\n" + hex.EncodeToString(crSum[:])
	key := hmacSHA256([]byte("AWS4"+secret), scopeParts[0])
	for _, p := range scopeParts[1:] {
		key = hmacSHA256(key, p)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	return hmac.Equal([]byte(want), []byte(sig))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// canonicalQuery sorts and encodes query parameters as SigV4 wants (RFC 3986, %20 for space).
func canonicalQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, sigEscape(k)+"="+sigEscape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func sigEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func errSignature() *Error {
	msg := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	return &Error{Code: "SignatureDoesNotMatch", Message: msg, Status: 403, V2Code: "InvalidSignatureException", V2Status: 403}
}
