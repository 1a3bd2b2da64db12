package sespolicy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseForms(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"One","Effect":"Deny","NotPrincipal":{"AWS":"123456789012","Service":["a.amazonaws.com"]},
	  "NotAction":"ses:SendEmail","NotResource":["arn:aws:ses:*:*:identity/*"],
	  "Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"ForAllValues:StringLikeIfExists":{"ses:Recipients":["*@a","*@b"]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	st := p.Statements[0]
	if p.ID != "x" || st.Sid != "One" || st.Effect != Deny || st.NotPrincipal == nil || !st.NotAction || !st.NotResource || len(st.NotPrincipal.Service) != 1 {
		t.Errorf("%+v", st)
	}
	if len(st.Conditions) != 3 || st.Conditions[0].Values[0] != "false" || st.Conditions[1].Values[0] != "3600" ||
		st.Conditions[2].Set != ForAllValues || !st.Conditions[2].IfExists || st.Conditions[2].Base != "StringLike" || len(st.Conditions[2].Values) != 2 {
		t.Errorf("conditions %+v %+v %+v", st.Conditions[0], st.Conditions[1], st.Conditions[2])
	}
	if st.Pos.Line != 1 || st.Pos.Column != 46 {
		t.Errorf("statement position %v", st.Pos)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		doc, want string
		line, col int
	}{
		{`{"Version":"2012-10-17"`, "unexpected end", 1, 24},
		{`{"Version":"2012-10-17",}`, "invalid JSON", 1, 25},
		{`[]`, "want an object, found a list", 1, 1},
		{`{"Version":"2012-10-17"}`, "no Statement", 1, 1},
		{`{"Statement":[],"Version":"2012-10-17"}`, "empty list", 1, 14},
		{"{\"Statement\":{\n  \"effect\":\"Allow\"}}", `unknown element "effect" (element names are case-sensitive: "Effect")`, 2, 3},
		{`{"Statement":{"Effect":"allow","Action":"ses:SendEmail"}}`, `want "Allow" or "Deny", found "allow"`, 1, 24},
		{`{"Statement":{"Action":"ses:SendEmail"}}`, "no Effect", 1, 14},
		{`{"Statement":{"Effect":"Allow"}}`, "no Action or NotAction", 1, 14},
		{`{"Statement":{"Effect":"Allow","Action":"a","NotAction":"b"}}`, "not both", 1, 45},
		{`{"Statement":{"Effect":"Allow","Action":[]}}`, "empty list", 1, 41},
		{`{"Statement":{"Effect":"Allow","Action":"a","Principal":"123456789012"}}`, `a string principal must be "*"`, 1, 57},
		{`{"Statement":{"Effect":"Allow","Action":"a","Principal":{"aws":"1"}}}`, `unknown element "aws"`, 1, 58},
		{`{"Statement":{"Effect":"Allow","Action":"a","Condition":{"StringMatches":{"k":"v"}}}}`, `unknown condition operator "StringMatches"`, 1, 58},
		{`{"Statement":{"Effect":"Allow","Action":"a","Condition":{"NullIfExists":{"k":"true"}}}}`, "Null has no IfExists", 1, 58},
		{`{"Statement":{"Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k":{"x":1}}}}}`, "want a string, number or boolean", 1, 78},
		{`{"Statement":{"Effect":"Allow","Action":"a","Condition":{"StringEquals":{}}}}`, "no condition key", 1, 58},
		{`{"Statement":{"Effect":"Allow","Action":"a","Action":"b"}}`, "duplicate element", 1, 45},
		{`{"Statement":{"Effect":"Allow","Action":"a"}} {}`, "data after the policy", 1, 47},
		{`{"Version":1,"Statement":{"Effect":"Allow","Action":"a"}}`, "want a string, found a number", 1, 12},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.doc))
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: %v", tc.doc, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.want) || se.Pos.Line != tc.line || se.Pos.Column != tc.col {
			t.Errorf("%s:\n got %v\nwant %d:%d ...%s", tc.doc, err, tc.line, tc.col, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "sespolicy: ") {
			t.Errorf("no package prefix: %v", err)
		}
	}
	big := make([]byte, MaxPolicyBytes+1)
	if _, err := Parse(big); !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrSyntax) {
		t.Errorf("oversized: %v", err)
	}
}
