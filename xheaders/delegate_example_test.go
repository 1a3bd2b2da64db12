package xheaders_test

import (
	"fmt"
	"strings"

	"github.com/sesraw/sesraw/xheaders"
)

func ExampleHeaders_Delegate() {
	var h xheaders.Headers
	h.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
	out, _ := h.Append(nil)
	fmt.Print(strings.ReplaceAll(string(out), "\r\n", "\n"))
	// Output:
	// X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
}
