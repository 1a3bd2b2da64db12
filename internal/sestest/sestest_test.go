package sestest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/smtp"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/internal/sestest"
)

var emu sestest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	emu.Close()
	os.Exit(code)
}

// raw is a hand-written message with the X-SES headers at the top and one attachment.
const raw = "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"From: Alice <alice@example.com>\r\n" +
	"To: bob@example.net, Carol <carol@example.org>\r\n" +
	"Subject: harness check\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"hello\r\n" +
	"--b1\r\n" +
	"Content-Type: application/octet-stream\r\n" +
	"Content-Disposition: attachment; filename=\"data.bin\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"AAECAwQ=\r\n" +
	"--b1--\r\n"

func TestEmulatorSendRawEmailV1(t *testing.T) {
	e := emu.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec := new(sestest.Recorder)
	client := ses.NewFromConfig(e.Config(rec))
	out, err := client.SendRawEmail(ctx, &ses.SendRawEmailInput{
		RawMessage:   &sestypes.RawMessage{Data: []byte(raw)},
		Source:       aws.String("alice@example.com"),
		Destinations: []string{"bob@example.net", "carol@example.org", "dave@example.com"},
		SourceArn:    aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
	})
	if err != nil {
		t.Fatalf("SendRawEmail: %v\nemulator output:\n%s", err, e.Output())
	}
	id := aws.ToString(out.MessageId)
	if id == "" {
		t.Fatal("empty message id")
	}
	got, err := e.Email(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "harness check" || !strings.Contains(got.From, "alice@example.com") {
		t.Errorf("stored subject %q from %q", got.Subject, got.From)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].Filename != "data.bin" || !bytes.Equal(got.Attachments[0].Content, []byte{0, 1, 2, 3, 4}) {
		t.Errorf("stored attachments %+v", got.Attachments)
	}
	r, ok := rec.Last()
	if !ok {
		t.Fatal("recorder saw no request")
	}
	form, err := r.Form()
	if err != nil {
		t.Fatal(err)
	}
	data, err := base64.StdEncoding.DecodeString(form.Get("RawMessage.Data"))
	if err != nil || string(data) != raw {
		t.Errorf("RawMessage.Data on the wire differs (err %v)", err)
	}
	if form.Get("Action") != "SendRawEmail" || form.Get("Destinations.member.3") != "dave@example.com" ||
		form.Get("SourceArn") != "arn:aws:ses:us-east-1:123456789012:identity/example.com" {
		t.Errorf("form %v", form)
	}
	if _, err := e.Email(ctx, "ses-0"); !errors.Is(err, sestest.ErrNotStored) {
		t.Errorf("Email(unknown) = %v, want ErrNotStored", err)
	}
}

func TestEmulatorSendEmailV2Raw(t *testing.T) {
	e := emu.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := sesv2.NewFromConfig(e.Config(nil))
	out, err := client.SendEmail(ctx, &sesv2.SendEmailInput{
		Content:                     &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(raw)}},
		FromEmailAddressIdentityArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
	})
	if err != nil {
		t.Fatalf("sesv2 SendEmail: %v", err)
	}
	got, err := e.Email(ctx, aws.ToString(out.MessageId))
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "harness check" {
		t.Errorf("stored subject %q", got.Subject)
	}
}

func TestSMTPServerByteIdentical(t *testing.T) {
	srv, err := sestest.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	auth := smtp.PlainAuth("", "AKIDSMTPUSER", "secret", "127.0.0.1")
	to := []string{"bob@example.net", "carol@example.org"}
	// A body line starting with "." must survive dot-stuffing.
	msg := strings.Replace(raw, "hello\r\n", "hello\r\n.dot line\r\n", 1)
	if err := smtp.SendMail(srv.Addr, auth, "alice@example.com", to, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if string(m.Data) != msg {
		t.Errorf("DATA differs:\n got %q\nwant %q", m.Data, msg)
	}
	if m.From != "alice@example.com" || strings.Join(m.To, ",") != "bob@example.net,carol@example.org" || m.Username != "AKIDSMTPUSER" {
		t.Errorf("envelope %q %q user %q", m.From, m.To, m.Username)
	}
}

// fakeTB records whether Need failed or skipped.
type fakeTB struct {
	testing.TB
	fatal, skip bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Fatalf(string, ...any) { f.fatal = true }
func (f *fakeTB) Skipf(string, ...any)  { f.skip = true }

func TestNeedFailsInCIAndSkipsElsewhere(t *testing.T) {
	for _, tc := range []struct {
		ci          string
		err         error
		fatal, skip bool
	}{
		{"true", errors.New("no node"), true, false},
		{"", errors.New("no node"), false, true},
		{"false", errors.New("no node"), false, true},
		{"true", nil, false, false},
		{"", nil, false, false},
	} {
		t.Setenv("CI", tc.ci)
		f := &fakeTB{TB: t}
		sestest.Need(f, "thing", tc.err)
		if f.fatal != tc.fatal || f.skip != tc.skip {
			t.Errorf("CI=%q err=%v: fatal=%v skip=%v, want %v %v", tc.ci, tc.err, f.fatal, f.skip, tc.fatal, tc.skip)
		}
	}
}

func TestStartEmulatorMissing(t *testing.T) {
	t.Setenv("SESRAW_EMULATOR_DIR", t.TempDir())
	e, err := sestest.StartEmulator()
	if !errors.Is(err, sestest.ErrEmulatorMissing) {
		e.Close()
		t.Fatalf("StartEmulator in an empty dir: %v, want ErrEmulatorMissing", err)
	}
}
