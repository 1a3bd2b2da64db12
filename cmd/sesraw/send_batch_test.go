package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/sesapitest"
)

// sesraw send with many inputs against the in-process SES: specs and raw files as arguments,
// more specs from --specs-jsonl, one result line per message, and the batch exit statuses.
func TestSendBatch(t *testing.T) {
	srv, err := sesapitest.NewServer(sesapitest.Options{
		MaxSendRate: 100,
		Identities: []sesapitest.Identity{
			{Account: sesapitest.DefaultAccount, Region: "us-east-1", Name: "example.com"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	var jsonl bytes.Buffer
	for _, to := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		jsonl.WriteString(`{"from":"news@example.com","to":["` + to + `"],"subject":"Hi","text":"Hello.\n"}` + "\n")
	}
	specs := filepath.Join(dir, "specs.jsonl")
	if err := os.WriteFile(specs, jsonl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	results := filepath.Join(dir, "results.jsonl")
	base := []string{"send", "--endpoint", srv.URL, "--region", "us-east-1", "--api"}

	for _, api := range []string{"v1", "v2"} {
		srv.Reset()
		// Three specs from the JSON lines and one delegated spec: all sent, paced by the quota
		// the command reads (100 recipients/s).
		args := append(slices.Clone(base), api, "--concurrency", "3", "--specs-jsonl", specs, "--results", results, "specs/delegated.json")
		r := run(t, nil, awsEnv, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", api, r.code, r.stderr)
		}
		lines := readResults(t, results)
		if len(lines) != 4 || len(srv.Records()) != 4 {
			t.Fatalf("%s: %d result lines, %d records\n%s", api, len(lines), len(srv.Records()), r.stderr)
		}
		for _, l := range lines {
			if l["outcome"] != "sent" || l["messageId"] == "" {
				t.Errorf("%s: %v", api, l)
			}
			if _, ok := srv.Record(l["messageId"].(string)); !ok {
				t.Errorf("%s: %v not in the server's records", api, l["messageId"])
			}
			// The Message-ID recipients see, for threading replies (the endpoint is in us-east-1).
			if id, _ := l["messageId"].(string); l["recipientMessageId"] != id+"@email.amazonses.com" {
				t.Errorf("%s: recipientMessageId %v for messageId %q", api, l["recipientMessageId"], id)
			}
		}
		if strings.Count(string(r.stdout), "\n") != 4 {
			t.Errorf("%s: stdout %q", api, r.stdout)
		}
	}

	// A message refused before sending (a raw message lint refuses) beside one sent: exit 1.
	srv.Reset()
	r := run(t, nil, awsEnv, append(slices.Clone(base), "v1", "--results", results, "golden/build-minimal.eml", "msgs/naive.eml")...)
	lines := readResults(t, results)
	if r.code != 1 || len(lines) != 2 || len(srv.Records()) != 1 || !bytes.Contains(r.stderr, []byte("msgs/naive.eml: lint finds errors; nothing was sent")) {
		t.Errorf("refused: exit %d (want 1), %v, %d records\n%s", r.code, lines, len(srv.Records()), r.stderr)
	}
	// The server drops the connection after accepting the first request: exit 3.
	srv.Reset()
	srv.AddFault(sesapitest.Fault{Operation: sesapitest.V2SendEmail, Drop: true})
	r = run(t, nil, awsEnv, append(slices.Clone(base), "v2", "--results", results, "--concurrency", "1", "--specs-jsonl", specs)...)
	lines = readResults(t, results)
	if r.code != 3 || len(lines) != 3 || lines[0]["outcome"] != "unknown" || len(srv.Records()) != 3 {
		t.Errorf("dropped: exit %d, %v, %d records\n%s", r.code, lines, len(srv.Records()), r.stderr)
	}
	// Nothing could start: exit 2.
	if r := run(t, nil, awsEnv, append(slices.Clone(base), "v1", "nope.json", "errors/bad-json.json")...); r.code != 2 {
		t.Errorf("unreadable inputs: exit %d\n%s", r.code, r.stderr)
	}
}

func readResults(t *testing.T, name string) []map[string]any {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v: %s", name, err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}
