package cli

import (
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/rawheader"
)

const (
	maxMIMEDepth = 32
	maxMIMEParts = 1000
)

// inspectWalk is how inspect walks: the walker's limits of depth and parts, and any boundary
// length (a boundary longer than RFC 2046's 70 bytes is still followed: inspect shows what is
// there).
var inspectWalk = &mimewalk.Options{MaxDepth: maxMIMEDepth, MaxParts: maxMIMEParts, MaxBoundary: -1}

// walkMIME describes the MIME tree of a message whose header block hdr (through its empty line)
// has been read; body yields the rest, which walkMIME reads to its end with the one MIME walker
// (package mimewalk). A node's Size is the length of its body; multiparts include their
// delimiters, preamble and epilogue.
func walkMIME(hdr []byte, body io.Reader) *mimeNode {
	var mw mimewalk.Reader
	mw.ResetBody(hdr, body, inspectWalk)
	var (
		root  *mimeNode
		open  []*mimeNode // open entities, outermost first
		at    []int64     // their body offsets
		nodes []*mimeNode // by Part.Index
	)
	for {
		ev, err := mw.Next()
		if err != nil {
			if err == io.EOF {
				return root
			}
			var le *mimewalk.LimitError
			if errors.As(err, &le) && len(open) > 0 {
				var n *mimeNode
				switch {
				case errors.Is(err, mimewalk.ErrTooManyParts):
					n = open[len(open)-1]
					setError(n, "more than "+strconv.Itoa(maxMIMEParts)+" parts: the rest not walked")
				default:
					n = nodes[len(nodes)-1]
					setError(n, "nested deeper than "+strconv.Itoa(maxMIMEDepth)+" levels: not walked")
				}
			}
			// The walk ends here: what is open runs to the end of the input.
			end := mw.Part().BodyAt
			if len(at) > 0 {
				end = at[len(at)-1]
			}
			rest, _ := io.Copy(io.Discard, body)
			end = max(end, int64(len(hdr))) + rest
			for i, n := range open {
				n.Size = end - at[i]
			}
			if root == nil {
				root = &mimeNode{ContentType: "text/plain", Parts: []*mimeNode{}, Error: err.Error()}
			}
			return root
		}
		p := mw.Part()
		switch ev {
		case mimewalk.StartEvent:
			n := describe(p)
			nodes = append(nodes, n)
			if len(open) > 0 {
				parent := open[len(open)-1]
				parent.Parts = append(parent.Parts, n)
			} else {
				root = n
			}
			open, at = append(open, n), append(at, p.BodyAt)
		case mimewalk.EndEvent:
			n := open[len(open)-1]
			n.Size = p.Size()
			open, at = open[:len(open)-1], at[:len(at)-1]
		case mimewalk.ProblemEvent:
			pr := mw.Problem()
			if errors.Is(pr.Err, mimewalk.ErrInvalidBoundary) || pr.Part >= len(nodes) {
				continue // walked all the same
			}
			msg := strings.TrimPrefix(pr.Err.Error(), "mimewalk: ")
			var le *rawheader.LimitError
			if errors.As(pr.Err, &le) {
				msg = "part header larger than " + strconv.Itoa(le.Max) + " bytes: the rest of it not read"
			}
			setError(nodes[pr.Part], msg)
		}
	}
}

func setError(n *mimeNode, msg string) {
	if n.Error == "" {
		n.Error = msg
	}
}

// describe returns the node of an entity from its header block: the first Content-Type,
// Content-Transfer-Encoding, Content-Disposition and Content-ID fields of the grammar's strict
// reading, parameters read with mime.ParseMediaType.
func describe(p *mimewalk.Part) *mimeNode {
	n := &mimeNode{ContentType: "text/plain", Parts: []*mimeNode{}}
	var ct, cte, cd, cid string
	var haveCT, haveCTE, haveCD, haveCID bool
	var sc rawheader.Scanner
	sc.Reset(p.Header)
	for sc.Next() {
		name := sc.Name()
		switch {
		case !haveCT && strings.EqualFold(string(name), "Content-Type"):
			f := sc.Field()
			ct, haveCT = f.Unfolded(), true
		case !haveCTE && strings.EqualFold(string(name), "Content-Transfer-Encoding"):
			f := sc.Field()
			cte, haveCTE = f.Unfolded(), true
		case !haveCD && strings.EqualFold(string(name), "Content-Disposition"):
			f := sc.Field()
			cd, haveCD = f.Unfolded(), true
		case !haveCID && strings.EqualFold(string(name), "Content-Id"):
			f := sc.Field()
			cid, haveCID = f.Unfolded(), true
		}
	}
	if p.Index > 0 && p.HeaderErr != nil {
		n.Error = "part header: " + strings.TrimPrefix(p.HeaderErr.Error(), "rawheader: ")
	}
	n.Encoding = strings.ToLower(strings.TrimSpace(cte))
	var params map[string]string
	if ct != "" {
		mt, ps, err := mime.ParseMediaType(ct)
		if err != nil && mt == "" {
			setError(n, "Content-Type "+quote(ct)+": "+err.Error())
			n.ContentType = "application/octet-stream"
		} else {
			n.ContentType, params = mt, ps
		}
	}
	n.Charset = params["charset"]
	if cd != "" {
		if d, ps, err := mime.ParseMediaType(cd); err == nil {
			n.Disposition = d
			n.Filename = decodeWords(ps["filename"])
		} else {
			setError(n, "Content-Disposition "+quote(cd)+": "+err.Error())
		}
	}
	if n.Filename == "" {
		n.Filename = decodeWords(params["name"])
	}
	n.ContentID = strings.TrimSpace(cid)
	return n
}

// decodeWords decodes RFC 2047 encoded words, keeping the input when it cannot.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}
