package sesapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/xheaders"
)

// A message built elsewhere, delegated by its own X-SES headers, with a Bcc kept outside it.
const rawOther = "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
	"X-SES-FROM-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
	"From: News <news@example.com>\r\nTo: a@example.net, b@example.net\r\nCc: c@example.org\r\n" +
	"Subject: From another library\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n"

// Raw messages through v1 and v2 to the in-process SES: the envelope is the header fields plus
// the explicit Bcc, the delegation is the message's X-SES headers, and the bytes are sent as they
// are.
func TestRawMessageSend(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	v1, v2, _ := sesClients(srv)
	s := &sesapi.Sender{}
	ctx := context.Background()
	r := &sesapi.RawMessage{Data: []byte(rawOther), Bcc: []string{"archive@example.com"}}
	want := []string{"a@example.net", "b@example.net", "c@example.org", "archive@example.com"}
	res1, err := s.SendRawMessage(ctx, v1, r)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := s.SendRawMessageV2(ctx, v2, &sesapi.RawMessage{Reader: strings.NewReader(rawOther), Bcc: []string{"archive@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range []*sesapi.Result{res1, res2} {
		rec, ok := srv.Record(res.MessageID)
		if !ok || res.RequestID == "" {
			t.Fatalf("%+v not recorded", res)
		}
		if !bytes.Equal(rec.Raw, []byte(rawOther)) || !slices.Equal(rec.Envelope.To, want) ||
			rec.Effective.SourceArn != arnOwner.String() || rec.Envelope.From != "news@example.com" {
			t.Errorf("%s: envelope %+v, effective %+v, raw equal %v", rec.Operation, rec.Envelope, rec.Effective, bytes.Equal(rec.Raw, []byte(rawOther)))
		}
	}
	// Parameters win over nothing in the message: the ARNs go as SourceArn/FromArn (v1).
	plain := strings.Join(strings.SplitN(rawOther, "\r\n", 3)[2:], "")
	res, err := s.SendRawMessage(ctx, v1, &sesapi.RawMessage{Data: []byte(plain), SES: xheaders.Headers{SourceARN: arnOwner, FromARN: arnOwner}})
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := srv.Record(res.MessageID); rec.Params.SourceArn != arnOwner.String() || rec.Params.FromArn != arnOwner.String() {
		t.Errorf("params %+v", rec.Params)
	}
}

// The checks a built message gets, on raw messages: nothing is sent when one fails.
func TestRawMessageChecks(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	v1, v2, ct := sesClients(srv)
	s := &sesapi.Sender{}
	ctx := context.Background()
	eu := strings.Replace(rawOther, "us-east-1", "eu-west-1", 1)
	other := strings.Replace(rawOther, "From: News <news@example.com>", "From: news@other.example", 1)
	var xs []string
	for i := range 47 {
		xs = append(xs, "x"+strconv.Itoa(i)+"@example.net")
	}
	// 47 + a, b, c = 50 in the header fields (as preflight counts them), the Bcc is the 51st.
	many := strings.Replace(rawOther, "To: a@example.net", "To: "+strings.Join(xs, ", ")+", a@example.net", 1)
	dup := "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=a; h=from; bh=x; b=y\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=b; h=from; bh=x; b=y\r\n" + rawOther
	for _, c := range []struct {
		name string
		r    *sesapi.RawMessage
		want error
	}{
		{"wrong Region", &sesapi.RawMessage{Data: []byte(eu)}, sesapi.ErrRegionMismatch},
		{"From not covered", &sesapi.RawMessage{Data: []byte(other)}, sesapi.ErrNotCovered},
		{"51 recipients", &sesapi.RawMessage{Data: []byte(many), Bcc: []string{"y@example.net"}}, sesapi.ErrTooManyRecipients},
		{"conflicting parameter", &sesapi.RawMessage{Data: []byte(rawOther), SES: xheaders.Headers{SourceARN: xheaders.MustParseARN("arn:aws:ses:us-east-1:111111111111:identity/other.example")}}, sesapi.ErrConflict},
		{"preflight: two DKIM-Signatures", &sesapi.RawMessage{Data: []byte(dup)}, sesapi.ErrPreflight},
		{"too large", &sesapi.RawMessage{Data: append([]byte(rawOther), bytes.Repeat([]byte("x"), 10<<20)...)}, sesapi.ErrTooLarge},
		{"no message", &sesapi.RawMessage{}, sesapi.ErrUnsupported},
	} {
		_, err := s.SendRawMessage(ctx, v1, c.r)
		var ce *sesapi.CheckError
		if !errors.Is(err, c.want) || !errors.As(err, &ce) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := s.SendRawMessageV2(ctx, v2, &sesapi.RawMessage{Data: []byte(eu)}); !errors.Is(err, sesapi.ErrRegionMismatch) {
		t.Errorf("v2 wrong Region: %v", err)
	}
	if ct.n.Load() != 0 {
		t.Errorf("%d requests made", ct.n.Load())
	}
	// Over SMTP the SES values given go into the message as X-SES headers, on top.
	plain := strings.Join(strings.SplitN(rawOther, "\r\n", 3)[2:], "")
	sm, err := s.RawSMTPMail("us-east-1", &sesapi.RawMessage{Data: []byte(plain), SES: xheaders.Headers{SourceARN: arnOwner}})
	if err != nil || !strings.HasPrefix(string(sm.Data), "X-SES-SOURCE-ARN: "+arnOwner.String()+"\r\nFrom:") || sm.From != "news@example.com" || len(sm.To) != 3 {
		t.Errorf("SMTP: %v %+v", err, sm)
	}
}

// One Sender signs each customer's mail with that customer's key, built and raw messages alike;
// the signatures verify (go-msgauth) after SES removes its headers.
func TestMultiTenantSigning(t *testing.T) {
	srv := newSES(t, sesapitest.Options{Identities: []sesapitest.Identity{{Account: ownerAccount, Region: "us-east-1", Name: "customer-b.example"}}})
	v1, _, _ := sesClients(srv)
	keys := map[string]ed25519.PrivateKey{}
	signers := sesapi.Signers{}
	txt := map[string][]string{}
	for i, d := range []string{"example.com", "customer-b.example"} {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = byte(i + 1)
		keys[d] = ed25519.NewKeyFromSeed(seed)
		sg, err := dkim.NewSigner(dkim.Options{Domain: d, Selector: "s1", Key: keys[d]})
		if err != nil {
			t.Fatal(err)
		}
		signers[d] = sg
		rec, err := dkim.TXTRecord(keys[d].Public())
		if err != nil {
			t.Fatal(err)
		}
		txt["s1._domainkey."+d] = []string{rec}
	}
	s := &sesapi.Sender{SignerFor: signers.For}
	b := scaleMessage(1, 2)
	b.From.Address = "news@customer-b.example"
	b.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:111111111111:identity/customer-b.example"))
	out, _ := (&sesapi.Batch{Sender: s, Transport: sesapi.V1{Client: v1}}).SendAll(context.Background(), []sesapi.Item{
		{Message: scaleMessage(0, 2)},
		{Message: b},
		{Raw: &sesapi.RawMessage{Data: []byte(rawOther)}},
	})
	wantDomain := []string{"example.com", "customer-b.example", "example.com"}
	for i, o := range out {
		if o.Err != nil {
			t.Fatalf("%d: %v", i, o.Err)
		}
		rec, _ := srv.Record(o.Result.MessageID)
		res, err := dkim.Verify(rec.Delivered, &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) { return txt[name], nil }})
		if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Domain != wantDomain[i] {
			t.Errorf("%d: %v %+v", i, err, res)
		}
	}
	// A signer that cannot be chosen stops the send.
	s.SignerFor = func(string) (*dkim.Signer, error) { return nil, errors.New("no key for this customer") }
	if _, err := s.SendRawEmail(context.Background(), v1, scaleMessage(3, 1)); !errors.Is(err, sesapi.ErrNoSigner) {
		t.Errorf("no signer: %v", err)
	}
	_ = builder.Message{}
}
