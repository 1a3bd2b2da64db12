package sesapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/xheaders"
)

// An email-address identity with a Return-Path it does not cover: Delegate's default is refused
// before sending, DelegateFrom refuses to guess, and each explicit choice is accepted by the
// in-process SES.
func TestDelegateFromEmailIdentity(t *testing.T) {
	alice := xheaders.MustParseARN("arn:aws:ses:us-east-1:111111111111:identity/alice@example.com")
	srv := newSES(t, sesapitest.Options{Identities: []sesapitest.Identity{
		{Account: ownerAccount, Region: "us-east-1", Name: "alice@example.com"},
	}})
	v1, _, _ := sesClients(srv)
	ctx := context.Background()
	s := &sesapi.Sender{}
	msg := func(rp string) *sesapi.Item {
		m := scaleMessage(0, 1)
		m.From.Address = "alice@example.com"
		m.ReturnPath = rp
		return &sesapi.Item{Message: m}
	}

	it := msg("bounces@example.com")
	it.Message.Delegate(alice)
	if _, err := s.SendRawEmail(ctx, v1, it.Message); !errors.Is(err, sesapi.ErrNotCovered) {
		t.Errorf("Delegate with an uncovered Return-Path: %v, want ErrNotCovered", err)
	}

	for _, c := range []struct {
		name   string
		rp     string
		auth   sesapi.ReturnPathAuth
		source string // the SourceArn SES gets
	}{
		{"owner's domain identity", "bounces@example.com", sesapi.ReturnPathAuth{ARN: arnOwner}, arnOwner.String()},
		{"Return-Path dropped", "bounces@example.com", sesapi.ReturnPathAuth{DropReturnPath: true}, alice.String()},
		{"no Return-Path", "", sesapi.ReturnPathAuth{}, alice.String()},
		{"covered Return-Path", "alice@example.com", sesapi.ReturnPathAuth{}, alice.String()},
	} {
		it := msg(c.rp)
		if err := sesapi.DelegateFrom(it.Message, alice, c.auth); err != nil {
			t.Fatal(err)
		}
		res, err := s.SendRawEmail(ctx, v1, it.Message)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		rec, _ := srv.Record(res.MessageID)
		if rec.Params.FromArn != alice.String() || rec.Params.SourceArn != c.source {
			t.Errorf("%s: params %+v", c.name, rec.Params)
		}
	}
	if err := sesapi.DelegateFrom(msg("x@example.com").Message, alice, sesapi.ReturnPathAuth{DropReturnPath: true, ARN: arnOwner}); !errors.Is(err, sesapi.ErrConflict) {
		t.Errorf("both: %v", err)
	}
	m := msg("bounces@example.com").Message
	if err := sesapi.DelegateFrom(m, alice, sesapi.ReturnPathAuth{}); !errors.Is(err, sesapi.ErrNotCovered) || m.SES.SourceARN != arnOwner { // unchanged
		t.Errorf("no choice: %v, %+v", err, m.SES)
	}
	other := xheaders.MustParseARN("arn:aws:ses:us-east-1:111111111111:identity/other.example")
	if err := sesapi.DelegateFrom(m, alice, sesapi.ReturnPathAuth{ARN: other}); !errors.Is(err, sesapi.ErrNotCovered) {
		t.Errorf("ARN not covering: %v", err)
	}
}
