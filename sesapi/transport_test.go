package sesapi_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/sesapi"
)

// Every transport refuses an Item it cannot send before anything else, with the same sentinels:
// Message and Raw both set (ErrConflict), neither set, or a template where the transport or the
// raw message has none (ErrUnsupported).
func TestTransportItemChecks(t *testing.T) {
	v1 := ses.New(ses.Options{Region: "us-east-1"})
	v2 := sesv2.New(sesv2.Options{Region: "us-east-1"})
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: "127.0.0.1:1", TLS: sesapi.SMTPNoTLS})
	if err != nil {
		t.Fatal(err)
	}
	raw := &sesapi.RawMessage{Data: []byte("From: a@example.com\r\nTo: b@example.com\r\n\r\nhi\r\n")}
	tmpl := &sesapi.Template{Name: "t"}
	for _, tc := range []struct {
		name      string
		transport sesapi.Transport
		item      sesapi.Item
		want      error
	}{
		{"V1 both", sesapi.V1{Client: v1}, sesapi.Item{Message: newMessage(), Raw: raw}, sesapi.ErrConflict},
		{"V1 neither", sesapi.V1{Client: v1}, sesapi.Item{}, sesapi.ErrUnsupported},
		{"V1 neither with a template", sesapi.V1{Client: v1}, sesapi.Item{Template: tmpl}, sesapi.ErrUnsupported},
		{"V1 raw with a template", sesapi.V1{Client: v1}, sesapi.Item{Raw: raw, Template: tmpl}, sesapi.ErrUnsupported},
		{"V2 both", sesapi.V2{Client: v2}, sesapi.Item{Message: newMessage(), Raw: raw}, sesapi.ErrConflict},
		{"V2 neither", sesapi.V2{Client: v2}, sesapi.Item{}, sesapi.ErrUnsupported},
		{"V2 template", sesapi.V2{Client: v2}, sesapi.Item{Message: newMessage(), Template: tmpl}, sesapi.ErrUnsupported},
		{"SMTP both", sesapi.SMTP{Sender: ss}, sesapi.Item{Message: newMessage(), Raw: raw}, sesapi.ErrConflict},
		{"SMTP neither", sesapi.SMTP{Sender: ss}, sesapi.Item{}, sesapi.ErrUnsupported},
		{"SMTP template", sesapi.SMTP{Sender: ss}, sesapi.Item{Message: newMessage(), Template: tmpl}, sesapi.ErrUnsupported},
	} {
		p, err := tc.transport.Prepare(&sesapi.Sender{}, &tc.item)
		var ce *sesapi.CheckError
		if p != nil || !errors.Is(err, tc.want) || !errors.As(err, &ce) {
			t.Errorf("%s: %v, %v; want a *CheckError matching %v", tc.name, p, err, tc.want)
		}
	}
	// The checks pass for a valid Item (V1: a built message, a raw one, a templated one).
	for _, it := range []sesapi.Item{{Message: newMessage()}, {Raw: raw}, {Message: templatedMessage(), Template: tmpl}} {
		if p, err := (sesapi.V1{Client: v1}).Prepare(&sesapi.Sender{}, &it); err != nil || p.Recipients == 0 {
			t.Errorf("V1 %+v: %v", it, err)
		}
	}
}
