package sespolicy

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestOracleOperators cross-checks the operator and set-operator table (operatorCases) against an
// independent IAM policy simulator, npm's @cloud-copilot/iam-simulate (pinned in
// testdata/iamsim/package-lock.json, installed by scripts/test.sh). Each row becomes a cross-account
// request: the owner's resource policy allows the caller's account under the row's condition,
// the caller's IAM policy allows everything, so the simulator's decision is the condition's
// value. Every disagreement must be listed, with its reason, in testdata/iamsim/differences.txt;
// a listed row that agrees fails too (the list stays exact).
func TestOracleOperators(t *testing.T) {
	node, dir := oracle(t)
	type sim map[string]any
	var cases []sim
	for _, tc := range operatorCases {
		ctx := map[string]any{}
		for k, v := range variableContext {
			ctx[k] = v[0]
		}
		if tc.ctx != nil {
			if _, multi := sesKeys[strings.ToLower(tc.key)]; (multi && sesKeys[strings.ToLower(tc.key)].multi) || len(tc.ctx) != 1 {
				ctx[tc.key] = tc.ctx
			} else {
				ctx[tc.key] = tc.ctx[0]
			}
		}
		cond := map[string]any{tc.op: map[string]any{tc.key: tc.vals}}
		cases = append(cases, sim{"name": tc.name, "simulation": sim{
			"identityPolicies": []any{sim{"name": "caller", "policy": sim{"Version": "2012-10-17", "Statement": []any{
				sim{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}}}}},
			"serviceControlPolicies":  []any{},
			"resourceControlPolicies": []any{},
			"resourcePolicy": sim{"Version": "2012-10-17", "Statement": []any{sim{
				"Sid": "S", "Effect": "Allow", "Principal": sim{"AWS": "123456789012"}, "Action": "ses:SendRawEmail",
				"Resource": exDomain, "Condition": cond}}},
			"request": sim{
				"action": "ses:SendRawEmail", "principal": "arn:aws:iam::123456789012:user/jane",
				"resource":         sim{"accountId": "888888888888", "resource": exDomain},
				"contextVariables": ctx,
			},
		}})
	}
	results := runOracle(t, node, dir, cases)
	known := readDifferences(t, filepath.Join(dir, "differences.txt"))
	for i, tc := range operatorCases {
		r := results[i]
		var oracle bool
		switch r {
		case "Allowed":
			oracle = true
		case "ImplicitlyDenied", "ExplicitlyDenied":
		default:
			if _, ok := known[tc.name]; !ok {
				t.Errorf("%s: the oracle refused the case: %s", tc.name, r)
			}
			delete(known, tc.name)
			continue
		}
		_, listed := known[tc.name]
		delete(known, tc.name)
		switch {
		case oracle != tc.want && !listed:
			t.Errorf("%s: %s %s %q against %q: we say %v, the oracle %v (list it in differences.txt with the reason, or fix it)", tc.name, tc.op, tc.key, tc.vals, tc.ctx, tc.want, oracle)
		case oracle == tc.want && listed:
			t.Errorf("%s: listed as a difference, but the oracle agrees now: drop it from differences.txt", tc.name)
		}
	}
	for name := range known {
		if !strings.HasPrefix(name, "example/") {
			t.Errorf("differences.txt lists %q, which is no row of the table", name)
		}
	}
}

// oracle returns node and the oracle's directory, skipping (failing under CI=true) when the
// simulator is not installed.
func oracle(t *testing.T) (string, string) {
	dir := filepath.Join("testdata", "iamsim")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "@cloud-copilot", "iam-simulate"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the IAM simulator oracle is not installed (run scripts/test.sh): %v", err)
		}
		t.Skipf("the IAM simulator oracle is not installed (scripts/test.sh installs it): %v", err)
	}
	return node, dir
}

// runOracle runs the simulations and returns each one's overallResult (or "error: ...").
func runOracle(t *testing.T, node, dir string, cases any) []string {
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(f, in, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "run.mjs", f)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node run.mjs: %v\n%s", err, out)
	}
	var results []struct{ Name, Result string }
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("oracle output (%v): %.500s", err, out)
	}
	rs := make([]string, len(results))
	allowed := 0
	for i, r := range results {
		rs[i] = r.Result
		if r.Result == "Allowed" {
			allowed++
		}
	}
	if len(rs) != reflect.ValueOf(cases).Len() {
		t.Fatalf("the oracle answered %d of %d cases", len(rs), reflect.ValueOf(cases).Len())
	}
	t.Logf("the oracle judged %d cases, %d allowed", len(rs), allowed)
	return rs
}

// readDifferences reads "name: reason" lines (# comments, blank lines ignored).
func readDifferences(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, reason, ok := strings.Cut(line, ": ")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("differences.txt: %q has no reason", line)
		}
		m[name] = reason
	}
	return m
}

// TestOracleExamples runs the AWS example policies and their sends (exampleCases) through the
// simulator too, with the request context sespolicy built for each send. The caller's IAM policy
// allows everything, so the decision is the owner's policy's. Same differences list.
func TestOracleExamples(t *testing.T) {
	node, dir := oracle(t)
	type sim map[string]any
	var cases []sim
	var names []string
	for _, tc := range exampleCases {
		p := mustParse(t, tc.policy, awsExamples[tc.policy])
		arn := p.Statements[0].Resources[0]
		r, err := Evaluate(&Request{Send: tc.send, Owner: []IdentityPolicies{{ARN: arn, Policies: []*Policy{p}}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := map[string]any{}
		for k, v := range r.Context {
			switch strings.ToLower(k) {
			case "aws:principaltype", "aws:username", "aws:principalarn", "aws:principalaccount":
				continue // the simulator derives these from the principal
			}
			if kt, _ := lookupKey(k); kt.multi {
				ctx[k] = v
			} else if len(v) == 1 {
				ctx[k] = v[0]
			}
		}
		principal := tc.send.Caller
		if isAccountID(principal) {
			principal = "arn:aws:iam::" + principal + ":root"
		}
		var doc any
		if err := json.Unmarshal([]byte(awsExamples[tc.policy]), &doc); err != nil {
			t.Fatal(err)
		}
		id := strings.SplitN(arn, ":", 6)
		names = append(names, "example/"+tc.policy+"/"+tc.name)
		cases = append(cases, sim{"name": names[len(names)-1], "simulation": sim{
			"identityPolicies": []any{sim{"name": "caller", "policy": sim{"Version": "2012-10-17", "Statement": []any{
				sim{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}}}}},
			"serviceControlPolicies":  []any{},
			"resourceControlPolicies": []any{},
			"resourcePolicy":          doc,
			"request": sim{
				"action": r.Action, "principal": principal,
				"resource":         sim{"accountId": id[4], "resource": arn},
				"contextVariables": ctx,
			},
		}})
	}
	results := runOracle(t, node, dir, cases)
	known := readDifferences(t, filepath.Join(dir, "differences.txt"))
	for i, tc := range exampleCases {
		name := names[i]
		want := tc.want == Allowed
		oracle, refused := results[i] == "Allowed", !strings.HasSuffix(results[i], "Denied") && results[i] != "Allowed"
		_, listed := known[name]
		switch {
		case refused && !listed:
			t.Errorf("%s: the oracle refused the case: %s", name, results[i])
		case !refused && oracle != want && !listed:
			t.Errorf("%s: we say %v, the oracle %s (list it in differences.txt with the reason, or fix it)", name, tc.want, results[i])
		case !refused && oracle == want && listed:
			t.Errorf("%s: listed as a difference, but the oracle agrees now", name)
		}
	}
}
