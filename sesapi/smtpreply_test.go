package sesapi_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"maps"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sesraw/sesraw/sesapi"
)

// scriptedSMTP is a loopback SMTP server in plain text that accepts everything, and answers the
// commands named in long ("EHLO", "RSET", ..., "." for the final dot of DATA) with a multi-line
// reply of about that many bytes before its last line. It counts the commands it receives, and
// refuses a command with 554 the time refuse names (1 for the first time it is received).
type scriptedSMTP struct {
	l       net.Listener
	long    map[string]int
	refuse  map[string]int
	written atomic.Int64 // bytes written to clients
	conns   atomic.Int32 // connections accepted

	mu   sync.Mutex
	cmds map[string]int
}

// count records cmd and returns the refusal to send instead of the usual reply, if any.
func (s *scriptedSMTP) count(cmd string) (refusal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmds == nil {
		s.cmds = map[string]int{}
	}
	s.cmds[cmd]++
	if s.refuse[cmd] == s.cmds[cmd] {
		return "554 5.0.0 refused\r\n"
	}
	return ""
}

func (s *scriptedSMTP) commands() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.cmds)
}

func newScriptedSMTP(t *testing.T, long, refuse map[string]int) *scriptedSMTP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scriptedSMTP{l: l, long: long, refuse: refuse}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go s.serve(c)
		}
	}()
	return s
}

func (s *scriptedSMTP) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	write := func(b []byte) bool {
		n, err := c.Write(b)
		s.written.Add(int64(n))
		return err == nil
	}
	chunk := bytes.Repeat([]byte("250-"+strings.Repeat("x", 60)+"\r\n"), 1000) // 66,000 bytes
	reply := func(cmd, last string) bool {
		for sent := 0; sent < s.long[cmd]; sent += len(chunk) {
			if !write(chunk) {
				return false
			}
		}
		return write([]byte(last))
	}
	if !write([]byte("220 scripted\r\n")) {
		return
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		cmd, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		cmd = strings.ToUpper(cmd)
		if r := s.count(cmd); r != "" {
			if !write([]byte(r)) {
				return
			}
			continue
		}
		ok := true
		switch cmd {
		case "QUIT":
			write([]byte("221 bye\r\n"))
			return
		case "DATA":
			if !write([]byte("354 go on\r\n")) {
				return
			}
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			if r := s.count("."); r != "" {
				ok = write([]byte(r))
				break
			}
			ok = reply(".", "250 Ok 0100019a-scripted\r\n")
		default:
			ok = reply(cmd, "250 ok\r\n")
		}
		if !ok {
			return
		}
	}
}

// sendEach sends n messages one after another through one SMTPSender with a single connection to
// s, and returns each Send's error.
func (s *scriptedSMTP) sendEach(t *testing.T, n int) []error {
	t.Helper()
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: s.l.Addr().String(), TLS: sesapi.SMTPNoTLS, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, n)
	errs := make([]error, n)
	for i, m := range sms {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, errs[i] = ss.Send(ctx, m, nil)
		cancel()
	}
	return errs
}

// A server's reply is bounded as a whole, not only line by line: an endless multi-line reply
// ends the exchange after MaxSMTPReadBytes with ErrSMTPReplyTooLarge, in the category of where it
// came (before the final dot nothing was accepted; after it, the outcome is unknown), and the
// connection is closed rather than read on.
func TestSMTPReplyTooLarge(t *testing.T) {
	const endless = 64 << 20
	_, sms := smtpMessages(t, 1)
	for _, tc := range []struct {
		cmd  string
		want error
	}{
		{"EHLO", sesapi.ErrTemporary},
		{"MAIL", sesapi.ErrTemporary},
		{".", sesapi.ErrUnknownOutcome},
	} {
		srv := newScriptedSMTP(t, map[string]int{tc.cmd: endless}, nil)
		ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.l.Addr().String(), TLS: sesapi.SMTPNoTLS})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err = ss.Send(ctx, sms[0], nil)
		cancel()
		ss.Close()
		if !errors.Is(err, sesapi.ErrSMTPReplyTooLarge) || sesapi.Classify(err) != tc.want {
			t.Errorf("endless reply to %s: %v (category %v), want ErrSMTPReplyTooLarge and %v", tc.cmd, err, sesapi.Classify(err), tc.want)
		}
		// What the server could write is the allowance plus what the sockets buffer.
		if w := srv.written.Load(); w >= endless/2 {
			t.Errorf("endless reply to %s: the server wrote %d bytes before the client stopped reading", tc.cmd, w)
		}
	}
}

// The allowance is per exchange: replies of 0.6 MiB to every final dot, on one connection, stay
// under it, although the connection reads 1.9 MiB in all.
func TestSMTPReadAllowanceRenews(t *testing.T) {
	const big = 600 << 10
	srv := newScriptedSMTP(t, map[string]int{".": big}, nil)
	for i, err := range srv.sendEach(t, 3) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	if w := srv.written.Load(); w < 3*big {
		t.Errorf("the server wrote %d bytes, want at least %d", w, 3*big)
	}
}

// Between messages on one connection: NOOP after an accepted message, RSET (and the EHLO go-smtp
// sends after it) only after a refusal. Four messages of four recipients each; the second is
// refused at DATA.
func TestSMTPBetweenMessages(t *testing.T) {
	srv := newScriptedSMTP(t, nil, map[string]int{"DATA": 2}) // the second message's DATA
	for i, err := range srv.sendEach(t, 4) {
		if (err != nil) != (i == 1) {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	got := srv.commands()
	want := map[string]int{"EHLO": 2, "NOOP": 2, "RSET": 1, "MAIL": 4, "RCPT": 16, "DATA": 4, ".": 3}
	for cmd, n := range want {
		if got[cmd] != n {
			t.Errorf("%s sent %d times, want %d (all: %v)", cmd, got[cmd], n, got)
		}
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// A server that refuses NOOP (with 554 here) keeps its connection: RSET takes NOOP's place.
func TestSMTPNoopRefused(t *testing.T) {
	srv := newScriptedSMTP(t, nil, map[string]int{"NOOP": 1})
	for i, err := range srv.sendEach(t, 3) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	got := srv.commands()
	if got["NOOP"] != 2 || got["RSET"] != 1 || got["MAIL"] != 3 || srv.conns.Load() != 1 {
		t.Errorf("commands %v on %d connections, want NOOP 2, RSET 1, MAIL 3 on 1", got, srv.conns.Load())
	}
}
