package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/sesapi"
)

// pythonSMTPPassword is AWS's algorithm written in Python with its hmac module, run in the test:
// an implementation independent of the one under test.
func pythonSMTPPassword(t *testing.T, secret, region string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	sestest.Need(t, "python3 (the independent SMTP password implementation)", err)
	const prog = `import base64, hashlib, hmac, sys
secret, region = sys.stdin.read().split("\n")[:2]
k = hmac.new(("AWS4" + secret).encode(), b"11111111", hashlib.sha256).digest()
for m in (region, "ses", "aws4_request", "SendRawEmail"):
    k = hmac.new(k, m.encode(), hashlib.sha256).digest()
print(base64.b64encode(b"\x04" + k).decode())
`
	cmd := exec.Command(py, "-c", prog)
	cmd.Stdin = strings.NewReader(secret + "\n" + region + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestSMTPPasswordCommand(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	want := pythonSMTPPassword(t, secret, "eu-west-1") + "\n"
	for _, c := range []struct {
		name  string
		stdin string
		env   []string
		args  []string
	}{
		{"environment", "", []string{"AWS_SECRET_ACCESS_KEY=" + secret, "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}, nil},
		{"stdin", secret + "\n", nil, nil},
		{"stdin over the environment", secret + "\r\n", []string{"AWS_SECRET_ACCESS_KEY=other"}, []string{"-"}},
	} {
		r := run(t, strings.NewReader(c.stdin), c.env, append([]string{"smtp-password", "--region", "eu-west-1"}, c.args...)...)
		if r.code != 0 || string(r.stdout) != want || len(r.stderr) != 0 {
			t.Errorf("%s: exit %d, stdout %q (python3 gives %q), stderr %q", c.name, r.code, r.stdout, want, r.stderr)
		}
	}

	// A Region missing from AWS's list: a warning citing the list, and the password anyway.
	r := run(t, strings.NewReader(secret), nil, "smtp-password", "--region", "xx-moon-1")
	if r.code != 0 || string(r.stdout) != pythonSMTPPassword(t, secret, "xx-moon-1")+"\n" ||
		!bytes.Contains(r.stderr, []byte("warning")) || !bytes.Contains(r.stderr, []byte("https://docs.aws.amazon.com/general/latest/gr/ses.html")) {
		t.Errorf("unlisted Region: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// Refusals: exit 2, nothing on stdout.
	for _, c := range []struct {
		name, stdin string
		env         []string
		args        []string
		msg         string
	}{
		{"empty secret", "\n", nil, nil, "empty secret"},
		{"temporary key flag", secret, nil, []string{"--access-key-id", "ASIAIOSFODNN7EXAMPLE"}, "temporary"},
		{"temporary key env", "", []string{"AWS_SECRET_ACCESS_KEY=" + secret, "AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE"}, nil, "temporary"},
		{"session token", "", []string{"AWS_SECRET_ACCESS_KEY=" + secret, "AWS_SESSION_TOKEN=token"}, nil, "temporary"},
		{"secret as argument", "", nil, []string{secret}, "never the command line"},
		{"two lines", secret + "\nmore\n", nil, nil, "one line"},
	} {
		args := append([]string{"smtp-password", "--region", "us-east-1"}, c.args...)
		r := run(t, strings.NewReader(c.stdin), c.env, args...)
		if r.code != 2 || len(r.stdout) != 0 || !bytes.Contains(r.stderr, []byte(c.msg)) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2 and %q", c.name, r.code, r.stdout, r.stderr, c.msg)
		}
	}
	if r := run(t, strings.NewReader(secret), nil, "smtp-password"); r.code != 2 || !bytes.Contains(r.stderr, []byte("--region")) {
		t.Errorf("no --region: exit %d, stderr %q", r.code, r.stderr)
	}
}

// send --api smtp over TLS with --smtp-ca: a spec and a raw message, STARTTLS and implicit TLS,
// credentials from the environment or derived from an AWS access key.
func TestSendSMTPTLS(t *testing.T) {
	cert, err := sestest.NewCertificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, cert.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	const keyID, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	derived, err := sesapi.SMTPPassword(secret, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{"delegate": "secret", keyID: derived}
	want := ok(t, append(append([]string{"build", "--target", "smtp"}, det...), "specs/full.json")...)
	raw := testdata(t, "golden/build-minimal.eml")
	creds := []string{"SESRAW_SMTP_USERNAME=delegate", "SESRAW_SMTP_PASSWORD=secret"}
	awsKey := []string{"AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret}

	for _, mode := range []string{"starttls", "implicit"} {
		t.Run(mode, func(t *testing.T) {
			srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: mode, Certificate: &cert.TLS, RequireAuth: true, Users: users})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			flags := []string{"send", "--api", "smtp", "--smtp", srv.Addr, "--smtp-ca", caFile}
			if mode == "implicit" {
				flags = append(flags, "--smtp-tls", "tls")
			}
			if r := run(t, nil, creds, append(append(flags, det...), "specs/full.json")...); r.code != 0 || len(bytes.TrimSpace(r.stdout)) == 0 {
				t.Fatalf("spec: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
			}
			if r := run(t, nil, awsKey, append(flags, "--region", "us-east-1", "--smtp-derive-credentials", "golden/build-minimal.eml")...); r.code != 0 {
				t.Fatalf("raw, derived credentials: exit %d\n%s", r.code, r.stderr)
			}
			msgs := srv.Messages()
			if len(msgs) != 2 {
				t.Fatalf("server got %d messages, want 2", len(msgs))
			}
			if m := msgs[0]; !m.TLS || m.Username != "delegate" || !bytes.Equal(m.Data, want) {
				t.Errorf("spec: TLS %v, user %q, DATA equal to build: %v", m.TLS, m.Username, bytes.Equal(m.Data, want))
			}
			if m := msgs[1]; !m.TLS || m.Username != keyID || !bytes.Equal(m.Data, raw) {
				t.Errorf("raw: TLS %v, user %q, DATA equal to the file: %v", m.TLS, m.Username, bytes.Equal(m.Data, raw))
			}
			for _, a := range srv.Auths() {
				if !a.TLS || !a.OK {
					t.Errorf("AUTH %+v: want over TLS and accepted", a)
				}
			}
		})
	}

	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// Refused before anything is sent: exit 1 (an untrusted certificate), 2 (unusable input).
	for _, c := range []struct {
		name string
		env  []string
		args []string
		code int
		msg  string
	}{
		{"untrusted certificate", creds, nil, 1, "nothing was sent"},
		{"temporary key", []string{"AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=" + secret}, []string{"--smtp-ca", caFile, "--region", "us-east-1", "--smtp-derive-credentials"}, 2, "temporary"},
		{"derive without region", awsKey, []string{"--smtp-ca", caFile, "--smtp-derive-credentials"}, 2, "--region"},
		{"bad CA file", creds, []string{"--smtp-ca", "golden/build-minimal.eml"}, 2, "no PEM CERTIFICATE"},
		{"wrong password", []string{"SESRAW_SMTP_USERNAME=delegate", "SESRAW_SMTP_PASSWORD=wrong"}, []string{"--smtp-ca", caFile}, 1, "535"},
	} {
		args := append(append([]string{"send", "--api", "smtp", "--smtp", srv.Addr}, c.args...), "golden/build-minimal.eml")
		r := run(t, nil, c.env, args...)
		if r.code != c.code || !bytes.Contains(r.stderr, []byte(c.msg)) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, r.code, r.stderr, c.code, c.msg)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages got through refused sends", n)
	}
	for _, a := range srv.Auths() {
		if a.Username != "delegate" || !a.TLS {
			t.Errorf("AUTH %+v from a refused send", a)
		}
	}

	// The connection lost after the final dot: exit 3.
	drop, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, DropAfterData: true})
	if err != nil {
		t.Fatal(err)
	}
	defer drop.Close()
	if r := run(t, nil, creds, "send", "--api", "smtp", "--smtp", drop.Addr, "--smtp-ca", caFile, "golden/build-minimal.eml"); r.code != 3 || !bytes.Contains(r.stderr, []byte("may have been sent")) {
		t.Errorf("dropped after DATA: exit %d, stderr %q; want 3", r.code, r.stderr)
	}
}
