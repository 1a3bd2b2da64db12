package sestest

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// NodeSMTPPackage is the npm package of the independent SMTP server; its version is pinned in
// testdata/smtpserver/package.json and package-lock.json.
const NodeSMTPPackage = "smtp-server"

// ErrNodeSMTPMissing reports that nodemailer's smtp-server is not installed (no node on PATH, or
// no node_modules in testdata/smtpserver).
var ErrNodeSMTPMissing = errors.New("sestest: nodemailer smtp-server not installed")

// NodeSMTPOptions configures [StartNodeSMTP].
type NodeSMTPOptions struct {
	// TLS is "starttls", "implicit" or "none" (no STARTTLS; AUTH offered in plain text).
	TLS string
	// Certificate is the server's certificate (starttls, implicit).
	Certificate *Certificate
	// User and Password are the only credentials accepted. AUTH is always required before MAIL.
	User, Password string
	// Size is the SIZE limit the server announces and enforces; 0 means 64 MiB.
	Size int
	// AuthMethods are the AUTH mechanisms offered; nil means PLAIN and LOGIN.
	AuthMethods []string
}

// NodeSMTPServer is nodemailer's smtp-server (testdata/smtpserver/server.js) running in a node
// process on 127.0.0.1: an SMTP implementation this project did not write.
type NodeSMTPServer struct {
	Addr string // 127.0.0.1:port

	cmd    *exec.Cmd
	done   chan struct{}
	stderr *syncBuffer
	close  sync.Once

	mu    sync.Mutex
	msgs  []SMTPMessage
	auths []SMTPAuth
}

// NodeSMTPDir returns the directory of server.js: testdata/smtpserver at the root of this module.
func NodeSMTPDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("sestest: cannot locate the module root")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "smtpserver"), nil
}

// StartNodeSMTP starts the server and waits until it listens. Close stops it.
func StartNodeSMTP(o NodeSMTPOptions) (*NodeSMTPServer, error) {
	dir, err := NodeSMTPDir()
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%w: node is not on PATH: %v", ErrNodeSMTPMissing, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", NodeSMTPPackage, "package.json")); err != nil {
		return nil, fmt.Errorf("%w: %v (run \"npm ci\" in %s)", ErrNodeSMTPMissing, err, dir)
	}
	env := append(os.Environ(), "SMTP_TLS="+o.TLS, "SMTP_USER="+o.User, "SMTP_PASS="+o.Password)
	if o.Size > 0 {
		env = append(env, "SMTP_SIZE="+strconv.Itoa(o.Size))
	}
	if len(o.AuthMethods) > 0 {
		env = append(env, "SMTP_AUTH_METHODS="+strings.Join(o.AuthMethods, ","))
	}
	var tmp string
	if o.TLS != "none" {
		if o.Certificate == nil {
			return nil, errors.New("sestest: nodemailer smtp-server with TLS needs a certificate")
		}
		if tmp, err = os.MkdirTemp("", "sesraw-smtpserver-"); err != nil {
			return nil, err
		}
		keyFile, certFile := filepath.Join(tmp, "key.pem"), filepath.Join(tmp, "cert.pem")
		if err := os.WriteFile(keyFile, o.Certificate.KeyPEM, 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(certFile, o.Certificate.CertPEM, 0o600); err != nil {
			return nil, err
		}
		env = append(env, "SMTP_KEY="+keyFile, "SMTP_CERT="+certFile)
	}
	s := &NodeSMTPServer{done: make(chan struct{}), stderr: new(syncBuffer)}
	s.cmd = exec.Command(node, "server.js")
	s.cmd.Dir = dir
	s.cmd.Env = env
	s.cmd.Stderr = s.stderr
	setProcessGroup(s.cmd)
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("sestest: starting nodemailer smtp-server: %w", err)
	}
	listening := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 256<<20)
		for sc.Scan() {
			s.event(sc.Bytes(), listening)
		}
		_ = s.cmd.Wait()
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
		close(s.done)
	}()
	select {
	case port := <-listening:
		s.Addr = "127.0.0.1:" + strconv.Itoa(port)
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("sestest: nodemailer smtp-server exited during start-up: %s", s.stderr.String())
	case <-time.After(startTimeout):
		s.Close()
		return nil, fmt.Errorf("sestest: nodemailer smtp-server did not start within %v: %s", startTimeout, s.stderr.String())
	}
}

// event records one line of server.js's output.
func (s *NodeSMTPServer) event(line []byte, listening chan<- int) {
	var ev struct {
		Event  string   `json:"event"`
		Method string   `json:"method"`
		Port   int      `json:"port"`
		User   string   `json:"user"`
		TLS    bool     `json:"tls"`
		OK     bool     `json:"ok"`
		From   string   `json:"from"`
		To     []string `json:"to"`
		Data   string   `json:"data"`
	}
	if err := json.Unmarshal(line, &ev); err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch ev.Event {
	case "listening":
		listening <- ev.Port
	case "auth":
		s.auths = append(s.auths, SMTPAuth{Mechanism: ev.Method, Username: ev.User, TLS: ev.TLS, OK: ev.OK})
	case "message":
		data, _ := base64.StdEncoding.DecodeString(ev.Data)
		s.msgs = append(s.msgs, SMTPMessage{Username: ev.User, From: ev.From, To: ev.To, Data: data, TLS: ev.TLS})
	}
}

// Messages returns the messages accepted so far, oldest first. server.js prints a message before
// it replies to the final dot, so a message the sender saw accepted is here.
func (s *NodeSMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.msgs...)
}

// WaitMessages waits up to timeout until n messages were accepted (server.js reports them through
// a pipe that may lag its reply to the client) and returns the messages accepted by then.
func (s *NodeSMTPServer) WaitMessages(n int, timeout time.Duration) []SMTPMessage {
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n || time.Now().After(deadline) {
			return msgs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Auths returns the AUTH exchanges seen so far, oldest first.
func (s *NodeSMTPServer) Auths() []SMTPAuth {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPAuth(nil), s.auths...)
}

// Close stops the server (SIGTERM, then SIGKILL after two seconds) and waits for it to exit. It is
// safe to call more than once and on a nil *NodeSMTPServer.
func (s *NodeSMTPServer) Close() error {
	if s == nil {
		return nil
	}
	s.close.Do(func() {
		signalGroup(s.cmd, false)
		select {
		case <-s.done:
		case <-time.After(2 * time.Second):
			signalGroup(s.cmd, true)
			<-s.done
		}
	})
	return nil
}
