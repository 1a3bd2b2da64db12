package cidref

import (
	"errors"
	"io"
	"strings"

	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/rawheader"
)

// Limits of CheckMessage, which reads untrusted messages.
const (
	MaxHTML  = 8 << 20 // decoded bytes of HTML read per part; the rest is not searched
	MaxParts = 1000    // MIME parts walked
	MaxDepth = 20      // multipart nesting
)

// Problem is one finding of CheckMessage.
type Problem struct {
	Rule    string // RuleMissing or RuleUnreferenced
	Message string
}

// ErrLimit reports a message beyond MaxParts or MaxDepth; the problems found so far are returned
// with it.
var ErrLimit = errors.New("cidref: MIME structure beyond the parts or depth limit")

// CheckMessage reads a raw message and compares the cid: references of its text/html parts with
// the Content-IDs of its parts: a reference no part has is RuleMissing; an inline part (a part
// with a Content-ID and an inline disposition, or no disposition inside multipart/related) that
// no HTML references is RuleUnreferenced. It walks the message with the one MIME walker
// (package mimewalk) in one streaming pass: at most MaxHTML decoded bytes of each HTML part are
// held. A read error or a walk beyond MaxParts or MaxDepth (ErrLimit) is returned with the
// problems found before it.
func CheckMessage(r io.Reader) ([]Problem, error) {
	return check(mimewalk.NewReader(r, walkOptions))
}

// CheckEntity is CheckMessage for a message whose header block hdr (through its empty line) has
// been read already; body yields the rest.
func CheckEntity(hdr []byte, body io.Reader) ([]Problem, error) {
	var mw mimewalk.Reader
	mw.ResetBody(hdr, body, walkOptions)
	return check(&mw)
}

var walkOptions = &mimewalk.Options{MaxParts: MaxParts, MaxDepth: MaxDepth}

func check(mw *mimewalk.Reader) ([]Problem, error) {
	w := &walker{}
	err := w.walk(mw)
	var out []Problem
	for _, ref := range w.refs {
		if !w.has(ref) {
			out = append(out, Problem{RuleMissing, "the HTML references cid:" + ref + ", but no part has Content-ID <" + ref + ">"})
		}
	}
	for _, id := range w.inline {
		if !w.referenced(id) {
			out = append(out, Problem{RuleUnreferenced, "inline part <" + id + "> is not referenced by any HTML part (no cid:" + id + ")"})
		}
	}
	return out, err
}

type walker struct {
	refs   []string // cid references of the HTML parts, each once
	ids    []string // Content-IDs of every part
	inline []string // Content-IDs of inline parts
}

func (w *walker) has(ref string) bool {
	for _, id := range w.ids {
		if strings.EqualFold(id, ref) {
			return true
		}
	}
	return false
}

func (w *walker) referenced(id string) bool {
	for _, ref := range w.refs {
		if strings.EqualFold(id, ref) {
			return true
		}
	}
	return false
}

func (w *walker) walk(mw *mimewalk.Reader) error {
	var types []string // media type of each open entity, lower case
	for {
		ev, err := mw.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, mimewalk.ErrLimit) {
				return errors.Join(ErrLimit, err)
			}
			return err
		}
		p := mw.Part()
		switch ev {
		case mimewalk.EndEvent:
			types = types[:p.Depth]
			continue
		case mimewalk.ProblemEvent:
			continue
		}
		mt := strings.ToLower(string(p.MediaType))
		parent := ""
		if p.Depth > 0 {
			parent = types[p.Depth-1]
		}
		types = append(types[:p.Depth], mt)
		var cid, disp []byte
		var sc rawheader.Scanner
		sc.Reset(p.Header)
		for sc.Next() {
			switch name := sc.Name(); {
			case cid == nil && strings.EqualFold(string(name), "content-id"):
				cid = rawheader.TrimBlanks(sc.Value())
			case disp == nil && strings.EqualFold(string(name), "content-disposition"):
				disp = sc.Value()
			}
		}
		if id := strings.TrimSpace(string(cid)); id != "" {
			id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
			w.ids = append(w.ids, id)
			var ps mimewalk.ParamScanner
			ps.Reset(disp)
			d := strings.ToLower(string(ps.Type()))
			if d == "inline" || d == "" && parent == "multipart/related" {
				w.inline = append(w.inline, id)
			}
		}
		if mt != "text/html" {
			continue
		}
		html, err := io.ReadAll(io.LimitReader(p.Decoded(), MaxHTML))
		for _, ref := range References(string(html)) {
			if !w.referenced(ref) {
				w.refs = append(w.refs, ref)
			}
		}
		if err != nil {
			return err
		}
	}
}
