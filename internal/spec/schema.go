package spec

import (
	"encoding/json"
	"reflect"
	"strings"
)

// SchemaID is the $id of the JSON Schema Schema returns.
const SchemaID = "https://github.com/sesraw/sesraw/internal/spec/spec.schema.json"

// Schema returns a JSON Schema (draft 2020-12) of the spec, indented, ending in a newline.
//
// It is generated from the Spec type by the same reflection the parser's checker walks (the json
// tag names and the Go types), with each field's description from its doc tag, so the schema and
// the parser cannot drift: every field the parser accepts is in the schema with the same type,
// every other name is refused (additionalProperties false), and null is allowed wherever the
// parser treats it as an absent field. The schema describes the shape; the values themselves
// (addresses, ARNs, base64, exactly one of path and contentBase64, ...) are checked by Message and
// the builder, which say why.
func Schema() []byte {
	root := schemaOf(reflect.TypeFor[Spec]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "sesraw message spec"
	root["description"] = "The JSON message specification of 'sesraw build' and 'sesraw send'. Field names are case-sensitive; null is the same as an absent field."
	root["type"] = "object" // the spec itself cannot be null
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic("spec: marshaling the schema: " + err.Error()) // maps of strings, bools and slices only
	}
	return append(out, '\n')
}

// schemaOf returns the schema of a value of type t: strings, booleans, arrays and objects, each
// also null.
func schemaOf(t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": []string{"string", "null"}}
	case reflect.Bool:
		return map[string]any{"type": []string{"boolean", "null"}}
	case reflect.Slice:
		return map[string]any{"type": []string{"array", "null"}, "items": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		for _, f := range specFields(t) {
			p := schemaOf(f.typ)
			p["description"] = f.doc
			props[f.name] = p
		}
		return map[string]any{"type": []string{"object", "null"}, "properties": props, "additionalProperties": false}
	}
	panic("spec: no schema for " + t.String())
}

// field is one JSON field of a spec type.
type field struct {
	name, doc string
	typ       reflect.Type
}

// specFields lists the JSON fields of t in declaration order: the fields check accepts.
func specFields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out = append(out, field{name: name, doc: f.Tag.Get("doc"), typ: f.Type})
	}
	return out
}

// FieldReference is the list of every spec field, one per line with its type and description,
// nested fields indented under their parent: the reference 'sesraw build --help' and 'sesraw spec'
// print. It is generated like Schema.
func FieldReference() string {
	var b strings.Builder
	writeFields(&b, reflect.TypeFor[Spec](), "  ")
	return b.String()
}

func writeFields(b *strings.Builder, t reflect.Type, indent string) {
	for _, f := range specFields(t) {
		ft := f.typ
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		typ := typeName(ft)
		name := indent + f.name
		b.WriteString(name)
		pad := 22 - len(name)
		if pad < 1 {
			pad = 1
		}
		b.WriteString(strings.Repeat(" ", pad))
		b.WriteString(typ)
		b.WriteString(strings.Repeat(" ", max(1, 10-len(typ))))
		b.WriteString(f.doc)
		b.WriteString("\n")
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			writeFields(b, ft, indent+"  ")
		}
	}
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct {
			return "[{...}]"
		}
		return "[" + typeName(t.Elem()) + "]"
	}
	return "{...}"
}
