package multipart_test

import (
	"bufio"
	"io"
	"mime/quotedprintable"
	"strings"
)

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

func qpReader(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }
