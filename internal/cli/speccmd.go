package cli

import (
	"flag"

	"github.com/sesraw/sesraw/internal/spec"
)

type specOpts struct{ schema bool }

func specCmd() *command {
	return &command{
		name:    "spec",
		summary: "describe the JSON spec of build and send (--schema: a JSON Schema)",
		about: `Prints every field of the JSON message spec that 'sesraw build' and 'sesraw send' read, or with
--schema a JSON Schema (draft 2020-12) of it, for editors and validators. Field names are
case-sensitive; null is the same as an absent field; an unknown or repeated field is an error.
'sesraw demo --spec' prints a complete example.

Fields:
` + spec.FieldReference(),
		flags: func(fs *flag.FlagSet) any {
			o := &specOpts{}
			fs.BoolVar(&o.schema, "schema", false, "print the JSON Schema (draft 2020-12) of the spec")
			return o
		},
		run: runSpec,
	}
}

func runSpec(e *env, opts any, args []string) error {
	o := opts.(*specOpts)
	if err := needArgs(args, 0, ""); err != nil {
		return err
	}
	if o.schema {
		_, err := e.stdout.Write(spec.Schema())
		return err
	}
	writeString(e.stdout, "Fields of the JSON message spec (null = absent):\n"+spec.FieldReference())
	return nil
}
