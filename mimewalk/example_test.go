package mimewalk_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/sesraw/sesraw/mimewalk"
)

func Example() {
	msg := "From: a@example.com\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n" +
		"\r\n" +
		"--b\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		"Hello\r\n" +
		"--b\r\n" +
		"Content-Type: application/pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"JVBERi0xLjc=\r\n" +
		"--b--\r\n"
	w := mimewalk.NewReader(strings.NewReader(msg), nil)
	for {
		ev, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		p := w.Part()
		switch ev {
		case mimewalk.StartEvent:
			body, _ := io.ReadAll(p.Decoded())
			fmt.Printf("part %v at line %d: %s, %q\n", p.Path, p.Line, p.MediaType, body)
		case mimewalk.EndEvent:
			fmt.Printf("end %v: %d bytes\n", p.Path, p.Size())
		case mimewalk.ProblemEvent:
			fmt.Println("problem:", w.Problem())
		}
	}
	// Output:
	// part [] at line 1: multipart/mixed, ""
	// part [0] at line 5: text/plain, "Hello"
	// end [0]: 5 bytes
	// part [1] at line 9: application/pdf, "%PDF-1.7"
	// end [1]: 12 bytes
	// end []: 149 bytes
}
