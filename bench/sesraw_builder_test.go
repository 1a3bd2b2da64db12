package bench

import (
	"bytes"
	"net/mail"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// sesrawInput is what a sesraw caller holds between messages: the parsed identity ARN, the tag
// list and the Reply-To list. The Message itself is filled in for every message.
type sesrawInput struct {
	f       *Fixture
	ses     xheaders.Headers
	replyTo []mail.Address
}

func newSesrawInput(f *Fixture) *sesrawInput {
	arn := xheaders.MustParseARN(ARN)
	return &sesrawInput{
		f: f,
		ses: xheaders.Headers{
			SourceARN:        arn,
			FromARN:          arn,
			ReturnPathARN:    arn,
			ConfigurationSet: ConfigSet,
			Tags:             []xheaders.Tag{{Name: "campaign", Value: "q3"}, {Name: "tenant", Value: "acme"}},
		},
		replyTo: []mail.Address{f.ReplyTo},
	}
}

// message fills in a builder.Message for the fixture; with stream the attachment comes from an
// io.Reader of known size instead of a byte slice.
func (in *sesrawInput) message(stream bool) builder.Message {
	f := in.f
	att := builder.Attachment{Filename: AttachmentName, ContentType: AttachmentType}
	if stream {
		att.Reader = bytes.NewReader(f.Attachment)
		att.Size = int64(len(f.Attachment))
	} else {
		att.Data = f.Attachment
	}
	return builder.Message{
		From:        f.From,
		To:          f.To,
		Cc:          f.Cc,
		ReplyTo:     in.replyTo,
		Subject:     f.Subject,
		Text:        f.Text,
		HTML:        f.HTML,
		Attachments: []builder.Attachment{att},
		SES:         in.ses,
		Date:        f.Date,
		MessageID:   f.MessageID,
	}
}

func newSesrawBuilder() *builder.Builder {
	return &builder.Builder{Target: builder.TargetV2, Hostname: "example.com"}
}

// sesrawLibs: Builder.AppendTo into a reused buffer, the Message filled in for every message.
func sesrawLibs(f *Fixture) []lib {
	in, b := newSesrawInput(f), newSesrawBuilder()
	return []lib{{"sesraw", func(dst []byte) ([]byte, error) {
		m := in.message(false)
		return b.AppendTo(dst, &m)
	}, nil}}
}

// sesrawLargeLibs: as sesrawLibs, and "sesraw-reader" streaming the attachment from an io.Reader
// through Builder.WriteTo.
func sesrawLargeLibs(f *Fixture) []lib {
	in, b := newSesrawInput(f), newSesrawBuilder()
	return []lib{
		{"sesraw", func(dst []byte) ([]byte, error) {
			m := in.message(false)
			return b.AppendTo(dst, &m)
		}, nil},
		{"sesraw-reader", func(dst []byte) ([]byte, error) {
			m := in.message(true)
			w := SliceWriter{B: dst}
			_, err := b.WriteTo(&w, &m)
			return w.B, err
		}, nil},
	}
}

func newSesrawSigner(tb testing.TB, key Key) *dkim.Signer {
	s, err := dkim.NewSigner(dkim.Options{
		Domain:   Domain,
		Selector: key.Selector,
		Key:      key.Signer,
		Now:      func() time.Time { return Date },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// sesrawSignLibs: Builder with a Signer (SES-safe profile, relaxed/relaxed), AppendTo.
func sesrawSignLibs(tb testing.TB, f *Fixture, key Key) []lib {
	in, b := newSesrawInput(f), newSesrawBuilder()
	b.Signer = newSesrawSigner(tb, key)
	return []lib{{"sesraw", func(dst []byte) ([]byte, error) {
		m := in.message(false)
		return b.AppendTo(dst, &m)
	}, nil}}
}

// refMessage is the built fixture (sesraw's output) the X-SES and hashing benchmarks work on.
func refMessage(tb testing.TB, f *Fixture) []byte {
	out, err := sesrawLibs(f)[0].build(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// signedHeaderList is the h= list sesraw's SES-safe profile signs for f; the peers are given the
// same list so that every signature covers the same fields.
func signedHeaderList(tb testing.TB, f *Fixture, key Key) []string {
	out, err := sesrawSignLibs(tb, f, key)[0].build(nil)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := SignedHeaders(out, key)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
