package sespolicy

import (
	"bytes"
	"encoding/json"
)

// Format writes a policy as indented JSON (two spaces), statements in order with their elements
// as Sid, Effect, Principal / NotPrincipal, Action / NotAction, Resource / NotResource,
// Condition; operators and keys within Condition in sorted order. Parse(Format(p)) gives p back
// (without positions and Name).
func Format(p *Policy) []byte {
	doc := fmtPolicy{Version: p.Version, ID: p.ID}
	for _, st := range p.Statements {
		fs := fmtStatement{Sid: st.Sid, Effect: st.Effect}
		if st.Principal != nil {
			fs.Principal = fmtPrincipalOf(st.Principal)
		}
		if st.NotPrincipal != nil {
			fs.NotPrincipal = fmtPrincipalOf(st.NotPrincipal)
		}
		if st.NotAction {
			fs.NotAction = listOrOne(st.Actions)
		} else {
			fs.Action = listOrOne(st.Actions)
		}
		if st.Resources != nil {
			if st.NotResource {
				fs.NotResource = listOrOne(st.Resources)
			} else {
				fs.Resource = listOrOne(st.Resources)
			}
		}
		if len(st.Conditions) > 0 {
			fs.Condition = map[string]map[string]any{}
			for _, c := range st.Conditions {
				m := fs.Condition[c.Operator]
				if m == nil {
					m = map[string]any{}
					fs.Condition[c.Operator] = m
				}
				m[c.Key] = listOrOne(c.Values)
			}
		}
		doc.Statement = append(doc.Statement, fs)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(doc) // only strings, lists and maps of them: cannot fail
	return b.Bytes()
}

type fmtPolicy struct {
	Version   string         `json:"Version,omitempty"`
	ID        string         `json:"Id,omitempty"`
	Statement []fmtStatement `json:"Statement"`
}

type fmtStatement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       Effect                    `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

type fmtPrincipal struct {
	AWS           any `json:"AWS,omitempty"`
	Service       any `json:"Service,omitempty"`
	Federated     any `json:"Federated,omitempty"`
	CanonicalUser any `json:"CanonicalUser,omitempty"`
}

func fmtPrincipalOf(p *Principal) any {
	if p.Any {
		return "*"
	}
	out := fmtPrincipal{}
	if p.AWS != nil {
		out.AWS = listOrOne(p.AWS)
	}
	if p.Service != nil {
		out.Service = listOrOne(p.Service)
	}
	if p.Federated != nil {
		out.Federated = listOrOne(p.Federated)
	}
	if p.CanonicalUser != nil {
		out.CanonicalUser = listOrOne(p.CanonicalUser)
	}
	return out
}

func listOrOne(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}
