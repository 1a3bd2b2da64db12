package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// check walks the JSON tokens of data against the shape of Spec before anything is decoded: every
// object key must name a field exactly (encoding/json would also accept other cases) and at most
// once (encoding/json would keep the last), and every value must have the field's type or be null.
// It records the line of each value in s.lines so that later errors can cite it.
func check(data []byte, s *Spec) error {
	c := &checker{data: data, dec: json.NewDecoder(bytes.NewReader(data)), s: s}
	c.dec.UseNumber()
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return &Error{File: s.file, Reason: "empty file (want a JSON object)"}
	}
	if bytes.HasPrefix(trimmed, []byte("null")) { // null is an absent field, but the spec itself must be there
		line, col := position(data, int64(len(data)-len(bytes.TrimLeft(data, " \t\r\n"))))
		return &Error{File: s.file, Line: line, Column: col, Reason: "want an object, got null"}
	}
	if err := c.value(reflect.TypeFor[Spec](), ""); err != nil {
		return err
	}
	start := c.next()
	if _, err := c.dec.Token(); err != io.EOF {
		line, col := position(data, start)
		if err != nil {
			return c.syntax(err)
		}
		return &Error{File: s.file, Line: line, Column: col, Reason: "unexpected data after the spec object"}
	}
	return nil
}

type checker struct {
	data []byte
	dec  *json.Decoder
	s    *Spec
}

// next returns the offset where the next token starts: past blanks and the separators , and :.
func (c *checker) next() int64 {
	off := c.dec.InputOffset()
	for off < int64(len(c.data)) {
		switch c.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// token reads the next token and returns it with its 1-based line and column.
func (c *checker) token() (tok json.Token, line, col int, err error) {
	start := c.next()
	tok, err = c.dec.Token()
	if err != nil {
		return nil, 0, 0, c.syntax(err)
	}
	line, col = position(c.data, start)
	return tok, line, col, nil
}

// syntax converts a decoder error to an *Error with a position.
func (c *checker) syntax(err error) error {
	e := &Error{File: c.s.file, Reason: strings.TrimPrefix(err.Error(), "json: "), Err: err}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		e.Line, e.Column = position(c.data, se.Offset)
		e.Reason = "JSON syntax error: " + se.Error()
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		e.Line, e.Column = position(c.data, int64(len(c.data)))
		e.Reason = "JSON syntax error: unexpected end of file"
		e.Err = io.ErrUnexpectedEOF
	}
	return e
}

func (c *checker) mismatch(path string, line, col int, want string, tok json.Token) error {
	field := path
	return &Error{File: c.s.file, Line: line, Column: col, Field: field, Reason: "want " + want + ", got " + describe(tok)}
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(kindName(t.Elem()), "a "), "an ") + "s"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return "an object"
}

// value checks one value of type t at path.
func (c *checker) value(t reflect.Type, path string) error {
	tok, line, col, err := c.token()
	if err != nil {
		return err
	}
	if path != "" {
		c.s.lines[path] = line
	}
	if tok == nil { // null: the field stays absent
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return c.mismatch(path, line, col, "a string", tok)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return c.mismatch(path, line, col, "true or false", tok)
		}
	case reflect.Slice:
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return c.mismatch(path, line, col, kindName(t), tok)
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		if _, _, _, err := c.token(); err != nil { // ]
			return err
		}
	case reflect.Struct:
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return c.mismatch(path, line, col, "an object", tok)
		}
		fields := jsonFields(t)
		seen := map[string]int{}
		for c.dec.More() {
			ktok, kline, kcol, err := c.token()
			if err != nil {
				return err
			}
			key, _ := ktok.(string) // object keys are always strings
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			ft, ok := fields[key]
			if !ok {
				return &Error{File: c.s.file, Line: kline, Column: kcol, Field: sub, Reason: unknownReason(key, t)}
			}
			if first, dup := seen[key]; dup {
				return &Error{File: c.s.file, Line: kline, Column: kcol, Field: sub, Reason: "repeated field (first on line " + strconv.Itoa(first) + ")"}
			}
			seen[key] = kline
			if err := c.value(ft, sub); err != nil {
				return err
			}
		}
		if _, _, _, err := c.token(); err != nil { // }
			return err
		}
	}
	return nil
}

// jsonFields maps the JSON names of t's fields to their types (specFields, which Schema uses too).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, f := range specFields(t) {
		m[f.name] = f.typ
	}
	return m
}

// unknownReason says that key is not a field of t, suggesting the field it differs from only in
// case, else listing the fields.
func unknownReason(key string, t reflect.Type) string {
	var names []string
	for _, f := range specFields(t) {
		name := f.name
		if strings.EqualFold(name, key) {
			return "unknown field (did you mean " + strconv.Quote(name) + "? names are case-sensitive)"
		}
		names = append(names, name)
	}
	return "unknown field (known: " + strings.Join(names, ", ") + ")"
}
