package crlf_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/sesraw/sesraw/crlf"
)

func ExampleNewReader() {
	lf := "From: a@example.com\nSubject: hi\n\nbody\n"
	out, _ := io.ReadAll(crlf.NewReader(strings.NewReader(lf)))
	fmt.Printf("%q\n", out)
	// Output: "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
}

func ExampleAppend() {
	fmt.Printf("%q\n", crlf.Append(nil, []byte("a\nb\r\nc\rd\n")))
	// Output: "a\r\nb\r\nc\rd\r\n"
}
