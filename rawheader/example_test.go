package rawheader_test

import (
	"errors"
	"fmt"

	"github.com/sesraw/sesraw/rawheader"
)

func ExampleScanner() {
	msg := []byte("From: a@example.com\r\nSubject: folded\r\n line\r\n\r\nbody\r\n")
	var s rawheader.Scanner
	s.Reset(msg)
	for s.Next() {
		f := s.Field()
		fmt.Printf("line %d: %s = %q\n", f.Line, f.Name, f.Unfolded())
	}
	fmt.Println(s.Err(), string(msg[s.BodyOffset():]))
	// Output:
	// line 1: From = "a@example.com"
	// line 2: Subject = "folded line"
	// <nil> body
}

func ExampleLenientFields() {
	msg := []byte("From: a@example.com\r\ngarbage line\r\nX-SES-CONFIGURATION-SET: cs\r\n\r\n")
	var s rawheader.Scanner
	s.Reset(msg)
	for s.Next() {
	}
	var se *rawheader.SyntaxError
	if errors.As(s.Err(), &se) {
		fmt.Println(se.Reason)
		for f := range rawheader.LenientFields(msg, se.Offset, se.Line) {
			fmt.Printf("ambiguous: line %d: %s\n", f.Line, f.Name)
		}
	}
	// Output:
	// the line is not a header field (no colon after the field name)
	// ambiguous: line 3: X-SES-CONFIGURATION-SET
}
