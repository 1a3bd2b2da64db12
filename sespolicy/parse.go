package sespolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// MaxPolicyBytes is the largest document Parse reads (64 KiB). SES itself takes at most 4 KB
// per policy (Lint reports that); the parser's bound is wider so that an oversized policy can
// still be read, evaluated and linted, and narrow enough that hostile input stays cheap.
const MaxPolicyBytes = 64 << 10

// Limits of the parser beyond MaxPolicyBytes: statements per policy and values per element.
// A policy within SES's 4 KB cannot reach them.
const (
	maxStatements = 1000
	maxValues     = 1000
)

// Effect is the Effect of a statement.
type Effect string

// Effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed IAM JSON policy document: an SES sending authorization policy (attached to
// an identity; its statements name a Principal) or a caller's IAM identity policy (no Principal).
type Policy struct {
	// Name is the policy's name (SES policy names: at most 64 of [A-Za-z0-9_-]). Parse leaves
	// it empty; callers set it for reports and Lint.
	Name string
	// Version is the policy language version ("2012-10-17"; policy variables are substituted only
	// under it). Empty when the document has none.
	Version string
	// ID is the optional Id element.
	ID string
	// Statements in document order.
	Statements []*Statement
	// Size is the length of the document in bytes.
	Size int
}

// Statement is one statement of a policy.
type Statement struct {
	// Index is the statement's position in the policy (0-based).
	Index int
	// Sid is the optional statement id.
	Sid    string
	Effect Effect
	// Principal and NotPrincipal: at most one is set; nil when absent.
	Principal    *Principal
	NotPrincipal *Principal
	// Action, or NotAction when NotAction is true.
	Actions   []string
	NotAction bool
	// Resource, or NotResource when NotResource is true. Nil when the statement has neither.
	Resources   []string
	NotResource bool
	// Conditions in document order (operator by operator, key by key).
	Conditions []*Condition
	// Pos is where the statement's object starts in the document.
	Pos Position
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	// Any is true for "Principal": "*".
	Any bool
	// AWS accounts and IAM ARNs ("123456789012", "arn:aws:iam::123456789012:root",
	// "arn:aws:iam::123456789012:user/Jane", a role, an assumed-role session, or "*").
	AWS []string
	// Service principals ("cognito-idp.amazonaws.com").
	Service []string
	// Federated and CanonicalUser principals (never an SES delegate; kept for completeness).
	Federated     []string
	CanonicalUser []string
	// Pos is where the element's value starts.
	Pos Position
}

// SetOperator is a condition's set qualifier.
type SetOperator int

// Set qualifiers.
const (
	NoSet        SetOperator = iota
	ForAllValues             // every value of the request's key must match
	ForAnyValue              // at least one value must match
)

// Condition is one key under one operator of a statement's Condition element.
type Condition struct {
	// Operator as written, e.g. "ForAllValues:StringLike".
	Operator string
	// Set, Base and IfExists are the operator's parts: "ForAllValues", "StringLike", false.
	Set      SetOperator
	Base     string
	IfExists bool
	// Key as written ("ses:FromAddress"); keys are matched case-insensitively.
	Key string
	// Values: strings, or numbers and booleans in their JSON spelling. Several values are ORed.
	Values []string
	// Pos is where the key starts in the document.
	Pos Position
}

// Position is a place in a policy document.
type Position struct {
	Offset int // byte offset, 0-based
	Line   int // 1-based
	Column int // 1-based, in bytes
}

func (p Position) String() string { return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column) }

// ErrSyntax is matched (errors.Is) by every *SyntaxError.
var ErrSyntax = errors.New("sespolicy: invalid policy")

// ErrTooLarge is returned (wrapped in a *SyntaxError) for a document over MaxPolicyBytes.
var ErrTooLarge = errors.New("sespolicy: policy larger than 64 KiB")

// SyntaxError is a policy that is not valid JSON or not valid IAM policy grammar: an unknown or
// misplaced element, a wrong type, a missing Effect, an unknown condition operator.
type SyntaxError struct {
	Pos Position
	// Path names the element, e.g. "Statement[1].Condition.StringLike".
	Path string
	Msg  string
	err  error
}

func (e *SyntaxError) Error() string {
	s := "sespolicy: " + e.Pos.String() + ": "
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + e.Msg
}

// Is makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Unwrap returns the underlying error (a *json.SyntaxError, ErrTooLarge), if any.
func (e *SyntaxError) Unwrap() error { return e.err }

// Parse parses an IAM JSON policy document. Statement may be one object or a list; Principal,
// Action, Resource and condition values may be a single value or a list. Unknown elements,
// elements in the wrong place, duplicates, wrong types and unknown condition operators are
// *SyntaxError values carrying their position. Documents over MaxPolicyBytes are refused.
func Parse(data []byte) (*Policy, error) {
	if len(data) > MaxPolicyBytes {
		return nil, &SyntaxError{Pos: position(data, MaxPolicyBytes), Msg: "larger than " + strconv.Itoa(MaxPolicyBytes) + " bytes", err: ErrTooLarge}
	}
	p := &parser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	pol, err := p.policy()
	if err != nil {
		return nil, err
	}
	pol.Size = len(data)
	return pol, nil
}

type parser struct {
	data []byte
	dec  *json.Decoder
}

// pos is the position of the next token.
func (p *parser) pos() Position {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return position(p.data, off)
}

func position(data []byte, off int) Position {
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off + 1
	if i := bytes.LastIndexByte(data[:off], '\n'); i >= 0 {
		col = off - i
	}
	return Position{Offset: off, Line: line, Column: col}
}

func (p *parser) errAt(pos Position, path, msg string) error {
	return &SyntaxError{Pos: pos, Path: path, Msg: msg}
}

// token reads the next token, turning JSON errors into *SyntaxError.
func (p *parser) token(path string) (json.Token, Position, error) {
	pos := p.pos()
	t, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, position(p.data, int(se.Offset)), &SyntaxError{Pos: position(p.data, int(se.Offset)), Path: path, Msg: "invalid JSON: " + strings.TrimPrefix(se.Error(), "json: "), err: err}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, pos, &SyntaxError{Pos: position(p.data, len(p.data)), Path: path, Msg: "unexpected end of document", err: err}
		}
		return nil, pos, &SyntaxError{Pos: pos, Path: path, Msg: err.Error(), err: err}
	}
	return t, pos, nil
}

func typeName(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "a list"
		}
		return "'" + v.String() + "'"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a value"
}

// object reads an object's members, calling member for each key (with the key's position).
// Duplicate keys are errors.
func (p *parser) object(path string, member func(key string, pos Position) error) (Position, error) {
	t, pos, err := p.token(path)
	if err != nil {
		return pos, err
	}
	if t != json.Delim('{') {
		return pos, p.errAt(pos, path, "want an object, found "+typeName(t))
	}
	seen := map[string]bool{}
	for {
		t, kpos, err := p.token(path)
		if err != nil {
			return pos, err
		}
		if t == json.Delim('}') {
			return pos, nil
		}
		key := t.(string) // the decoder only returns string keys inside an object
		if seen[key] {
			return pos, p.errAt(kpos, path, "duplicate element "+strconv.Quote(key))
		}
		seen[key] = true
		if err := member(key, kpos); err != nil {
			return pos, err
		}
	}
}

// str reads a string value.
func (p *parser) str(path string) (string, Position, error) {
	t, pos, err := p.token(path)
	if err != nil {
		return "", pos, err
	}
	s, ok := t.(string)
	if !ok {
		if d, isDelim := t.(json.Delim); isDelim && (d == '{' || d == '[') {
			return "", pos, p.errAt(pos, path, "want a string, found "+typeName(t))
		}
		return "", pos, p.errAt(pos, path, "want a string, found "+typeName(t))
	}
	return s, pos, nil
}

// scalar reads a string, number or boolean as its string form (conditions accept all three).
func scalar(t json.Token) (string, bool) {
	switch v := t.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// list reads a single value or a non-empty list of values; conv turns a token into a value.
func (p *parser) list(path string, conv func(json.Token) (string, bool), want string) ([]string, Position, error) {
	t, pos, err := p.token(path)
	if err != nil {
		return nil, pos, err
	}
	if v, ok := conv(t); ok {
		return []string{v}, pos, nil
	}
	if t != json.Delim('[') {
		return nil, pos, p.errAt(pos, path, "want "+want+" or a list of them, found "+typeName(t))
	}
	var out []string
	for {
		t, vpos, err := p.token(path)
		if err != nil {
			return nil, pos, err
		}
		if t == json.Delim(']') {
			break
		}
		v, ok := conv(t)
		if !ok {
			return nil, pos, p.errAt(vpos, path, "want "+want+" in the list, found "+typeName(t))
		}
		if len(out) >= maxValues {
			return nil, pos, p.errAt(vpos, path, "more than "+strconv.Itoa(maxValues)+" values")
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, pos, p.errAt(pos, path, "empty list")
	}
	return out, pos, nil
}

func onlyString(t json.Token) (string, bool) {
	s, ok := t.(string)
	return s, ok
}

func (p *parser) policy() (*Policy, error) {
	pol := &Policy{}
	sawStatement := false
	docPos, err := p.object("", func(key string, kpos Position) error {
		switch key {
		case "Version":
			v, _, err := p.str("Version")
			pol.Version = v
			return err
		case "Id":
			v, _, err := p.str("Id")
			pol.ID = v
			return err
		case "Statement":
			sawStatement = true
			return p.statements(pol)
		}
		return p.errAt(kpos, "", unknownElement(key, []string{"Version", "Id", "Statement"}))
	})
	if err != nil {
		return nil, err
	}
	if t, pos, err := p.token(""); err == nil || !errors.Is(err, io.EOF) {
		if err == nil {
			return nil, p.errAt(pos, "", "data after the policy object: "+typeName(t))
		}
		var se *SyntaxError
		if errors.As(err, &se) && !errors.Is(se.err, io.EOF) {
			return nil, err
		}
	}
	if !sawStatement {
		return nil, p.errAt(docPos, "", "no Statement element")
	}
	return pol, nil
}

// unknownElement says an element is unknown, suggesting the right spelling for a case mistake.
func unknownElement(key string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return "unknown element " + strconv.Quote(key) + " (element names are case-sensitive: " + strconv.Quote(k) + ")"
		}
	}
	return "unknown element " + strconv.Quote(key) + " (want one of " + strings.Join(known, ", ") + ")"
}

func (p *parser) statements(pol *Policy) error {
	pos := p.pos()
	// One object or a list of objects: peek at the first byte.
	if pos.Offset < len(p.data) && p.data[pos.Offset] == '{' {
		st, err := p.statement(0)
		if err != nil {
			return err
		}
		pol.Statements = append(pol.Statements, st)
		return nil
	}
	t, pos, err := p.token("Statement")
	if err != nil {
		return err
	}
	if t != json.Delim('[') {
		return p.errAt(pos, "Statement", "want an object or a list of objects, found "+typeName(t))
	}
	for {
		npos := p.pos()
		if npos.Offset < len(p.data) && p.data[npos.Offset] == ']' {
			if _, _, err := p.token("Statement"); err != nil {
				return err
			}
			break
		}
		if len(pol.Statements) >= maxStatements {
			return p.errAt(npos, "Statement", "more than "+strconv.Itoa(maxStatements)+" statements")
		}
		st, err := p.statement(len(pol.Statements))
		if err != nil {
			return err
		}
		pol.Statements = append(pol.Statements, st)
	}
	if len(pol.Statements) == 0 {
		return p.errAt(pos, "Statement", "empty list: a policy needs at least one statement")
	}
	return nil
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (p *parser) statement(i int) (*Statement, error) {
	path := "Statement[" + strconv.Itoa(i) + "]"
	st := &Statement{Index: i}
	var sawAction, sawResource, sawEffect bool
	pos, err := p.object(path, func(key string, kpos Position) error {
		ep := path + "." + key
		switch key {
		case "Sid":
			v, _, err := p.str(ep)
			st.Sid = v
			return err
		case "Effect":
			v, vpos, err := p.str(ep)
			if err != nil {
				return err
			}
			switch v {
			case "Allow", "Deny":
				st.Effect = Effect(v)
			default:
				return p.errAt(vpos, ep, "want \"Allow\" or \"Deny\", found "+strconv.Quote(v))
			}
			sawEffect = true
			return nil
		case "Principal", "NotPrincipal":
			if st.Principal != nil || st.NotPrincipal != nil {
				return p.errAt(kpos, ep, "a statement has Principal or NotPrincipal, not both")
			}
			pr, err := p.principal(ep)
			if err != nil {
				return err
			}
			if key == "Principal" {
				st.Principal = pr
			} else {
				st.NotPrincipal = pr
			}
			return nil
		case "Action", "NotAction":
			if sawAction {
				return p.errAt(kpos, ep, "a statement has Action or NotAction, not both")
			}
			sawAction = true
			v, _, err := p.list(ep, onlyString, "a string")
			st.Actions, st.NotAction = v, key == "NotAction"
			return err
		case "Resource", "NotResource":
			if sawResource {
				return p.errAt(kpos, ep, "a statement has Resource or NotResource, not both")
			}
			sawResource = true
			v, _, err := p.list(ep, onlyString, "a string")
			st.Resources, st.NotResource = v, key == "NotResource"
			return err
		case "Condition":
			return p.conditions(st, ep)
		}
		return p.errAt(kpos, path, unknownElement(key, statementElements))
	})
	st.Pos = pos
	if err != nil {
		return nil, err
	}
	if !sawEffect {
		return nil, p.errAt(pos, path, "no Effect element")
	}
	if !sawAction {
		return nil, p.errAt(pos, path, "no Action or NotAction element")
	}
	return st, nil
}

func (p *parser) principal(path string) (*Principal, error) {
	pos := p.pos()
	if pos.Offset < len(p.data) && p.data[pos.Offset] == '"' {
		v, vpos, err := p.str(path)
		if err != nil {
			return nil, err
		}
		if v != "*" {
			return nil, p.errAt(vpos, path, "a string principal must be \"*\"; name accounts and ARNs as {\"AWS\": ...}")
		}
		return &Principal{Any: true, Pos: vpos}, nil
	}
	pr := &Principal{}
	opos, err := p.object(path, func(key string, kpos Position) error {
		var dst *[]string
		switch key {
		case "AWS":
			dst = &pr.AWS
		case "Service":
			dst = &pr.Service
		case "Federated":
			dst = &pr.Federated
		case "CanonicalUser":
			dst = &pr.CanonicalUser
		default:
			return p.errAt(kpos, path, unknownElement(key, []string{"AWS", "Service", "Federated", "CanonicalUser"}))
		}
		v, _, err := p.list(path+"."+key, onlyString, "a string")
		*dst = v
		return err
	})
	pr.Pos = opos
	if err != nil {
		return nil, err
	}
	if pr.AWS == nil && pr.Service == nil && pr.Federated == nil && pr.CanonicalUser == nil {
		return nil, p.errAt(opos, path, "empty principal object")
	}
	return pr, nil
}

func (p *parser) conditions(st *Statement, path string) error {
	_, err := p.object(path, func(op string, opos Position) error {
		set, base, ifExists, ok := splitOperator(op)
		if !ok {
			return p.errAt(opos, path, "unknown condition operator "+strconv.Quote(op))
		}
		if base == "Null" && ifExists {
			return p.errAt(opos, path, "Null has no IfExists form")
		}
		opPath := path + "." + op
		n := 0
		_, err := p.object(opPath, func(key string, kpos Position) error {
			vals, _, err := p.list(opPath+"."+key, scalar, "a string, number or boolean")
			if err != nil {
				return err
			}
			n++
			st.Conditions = append(st.Conditions, &Condition{Operator: op, Set: set, Base: base, IfExists: ifExists, Key: key, Values: vals, Pos: kpos})
			return nil
		})
		if err == nil && n == 0 {
			return p.errAt(opos, opPath, "no condition key under the operator")
		}
		return err
	})
	return err
}

// baseOperators are IAM's condition operators without set qualifier or IfExists.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
var baseOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true, "NotIpAddress": true,
	"ArnEquals": true, "ArnLike": true, "ArnNotEquals": true, "ArnNotLike": true,
	"Null": true,
}

// splitOperator splits "ForAllValues:StringLikeIfExists" into its parts. Operator names are
// case-sensitive, as IAM's are.
func splitOperator(op string) (set SetOperator, base string, ifExists bool, ok bool) {
	base = op
	switch {
	case strings.HasPrefix(base, "ForAllValues:"):
		set, base = ForAllValues, base[len("ForAllValues:"):]
	case strings.HasPrefix(base, "ForAnyValue:"):
		set, base = ForAnyValue, base[len("ForAnyValue:"):]
	}
	if strings.HasSuffix(base, "IfExists") {
		ifExists, base = true, strings.TrimSuffix(base, "IfExists")
	}
	return set, base, ifExists, baseOperators[base]
}
