package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	// A JSON Schema validator this project did not write, for tests only: the schema is checked
	// by an independent reading of draft 2020-12, not by our own idea of it.
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles Schema() with the independent validator (which also checks it against
// the draft 2020-12 meta-schema).
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("Schema() is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("Schema() does not compile as draft 2020-12: %v", err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// repoRoot is the module root (this package is internal/spec).
const repoRoot = "../.."

// TestSchemaValidatesRepoSpecs: every spec in the repository (the CLI's test specs, the demo,
// the README's examples) parses and validates against the schema.
func TestSchemaValidatesRepoSpecs(t *testing.T) {
	sch := compileSchema(t)
	var files []string
	for _, glob := range []string{"cmd/sesraw/testdata/specs/*.json", "internal/cli/demo/*.json"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, glob))
		if err != nil || len(m) == 0 {
			t.Fatalf("no spec matches %s (%v)", glob, err)
		}
		files = append(files, m...)
	}
	type spec struct {
		name string
		data []byte
	}
	var specs []spec
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, spec{f, data})
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```json spec block")
	}
	for i, b := range blocks {
		specs = append(specs, spec{"README.md json block " + string(rune('1'+i)), b[1]})
	}
	for _, s := range specs {
		if _, err := Parse(s.data, s.name, filepath.Dir(s.name)); err != nil {
			t.Errorf("%s: the parser refuses it: %v", s.name, err)
		}
		if err := validate(t, sch, s.data); err != nil {
			t.Errorf("%s: does not validate against the schema: %v", s.name, err)
		}
	}
}

// TestSchemaAgreesWithParser: for every field of the spec, at every level, a value of each JSON
// kind is accepted by the parser exactly when the independent validator accepts it under the
// schema; so are unknown names and names in another case. The error specs of the CLI tests get
// the same verdict from both.
func TestSchemaAgreesWithParser(t *testing.T) {
	sch := compileSchema(t)
	kinds := []string{`"s"`, `1`, `true`, `null`, `[]`, `["s"]`, `[1]`, `{}`, `[{}]`, `[null]`}
	var docs []string
	// wrap puts value at path (a list of field names; a slice of objects becomes [ {...} ]).
	var walk func(tp reflect.Type, wrap func(string) string)
	walk = func(tp reflect.Type, wrap func(string) string) {
		if tp.Kind() == reflect.Pointer {
			tp = tp.Elem()
		}
		for _, f := range specFields(tp) {
			name := f.name
			for _, k := range kinds {
				docs = append(docs, wrap(`"`+name+`": `+k))
			}
			docs = append(docs, wrap(`"`+strings.ToUpper(name[:1])+name[1:]+`": "s"`))
			ft := f.typ
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.Struct:
				walk(ft, func(inner string) string { return wrap(`"` + name + `": {` + inner + `}`) })
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				walk(ft.Elem(), func(inner string) string { return wrap(`"` + name + `": [{` + inner + `}]`) })
			}
		}
		docs = append(docs, wrap(`"noSuchField": "s"`))
	}
	walk(reflect.TypeFor[Spec](), func(inner string) string { return `{` + inner + `}` })
	docs = append(docs, `null`, `[]`, `"s"`, `{}`, `{"from": "a@example.com", "from": "b@example.com"}`)
	if len(docs) < 300 {
		t.Fatalf("only %d documents generated", len(docs))
	}
	for _, d := range docs {
		agree(t, sch, d, []byte(d))
	}
	errs, _ := filepath.Glob(filepath.Join(repoRoot, "cmd/sesraw/testdata/errors/*.json"))
	if len(errs) == 0 {
		t.Fatal("no error specs found")
	}
	for _, f := range errs {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		agree(t, sch, f, data)
	}
}

// agree checks that the parser and the schema give data the same verdict. A repeated name is
// the one thing JSON Schema cannot see (the validator's JSON reader keeps one of them); the
// parser refuses it, and so the schema's verdict is not compared there.
func agree(t *testing.T, sch *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	_, perr := Parse(data, "x.json", ".")
	serr := validate(t, sch, data)
	var se *Error
	if errors.As(perr, &se) && strings.HasPrefix(se.Reason, "repeated field") {
		return
	}
	if (perr == nil) != (serr == nil) {
		t.Errorf("%s: parser says %v, schema says %v", name, perr, serr)
	}
}

// TestSchemaDocumentsEveryField: every field has a description (the schema, build --help and
// the README's reference all show it), and the schema is what 'sesraw spec --schema' prints
// (valid JSON, one object).
func TestSchemaDocumentsEveryField(t *testing.T) {
	var walk func(tp reflect.Type, path string)
	n := 0
	walk = func(tp reflect.Type, path string) {
		if tp.Kind() == reflect.Pointer {
			tp = tp.Elem()
		}
		if tp.Kind() == reflect.Slice {
			tp = tp.Elem()
		}
		if tp.Kind() != reflect.Struct {
			return
		}
		for _, f := range specFields(tp) {
			n++
			if f.doc == "" {
				t.Errorf("%s%s has no doc tag", path, f.name)
			}
			if !strings.Contains(FieldReference(), " "+f.name+" ") {
				t.Errorf("FieldReference lacks %s%s", path, f.name)
			}
			walk(f.typ, path+f.name+".")
		}
	}
	walk(reflect.TypeFor[Spec](), "")
	if n < 30 {
		t.Errorf("only %d fields", n)
	}
	var v map[string]any
	if err := json.Unmarshal(Schema(), &v); err != nil || v["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("Schema(): %v, $schema %v", err, v["$schema"])
	}
}
