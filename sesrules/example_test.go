package sesrules_test

import (
	"fmt"

	"github.com/sesraw/sesraw/sesrules"
)

func ExampleRefusedExtension() {
	for _, name := range []string{"report.pdf", "Setup.EXE", "evil.exe\t", "evil.exe::$DATA"} {
		fmt.Printf("%q: %q\n", name, sesrules.RefusedExtension(name))
	}
	// Output:
	// "report.pdf": ""
	// "Setup.EXE": "exe"
	// "evil.exe\t": "exe"
	// "evil.exe::$DATA": "exe"
}

func ExampleTarget_MaxBytes() {
	fmt.Println(sesrules.TargetV1.MaxBytes(), sesrules.TargetV2.MaxBytes(), sesrules.MaxRecipients)
	// Output: 10485760 41943040 50
}

func ExampleNeverSign() {
	fmt.Println(sesrules.NeverSign("Message-ID"))
	fmt.Println(sesrules.NeverSign("Subject") == "")
	// Output:
	// SES replaces Message-ID with its own (and adds one when absent)
	// true
}
