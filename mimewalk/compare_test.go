package mimewalk_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"github.com/emersion/go-message"
	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/rawheader"
)

// leafInfo is a leaf as a reader sees it: its path, its header fields (name and value with line
// breaks removed and white space collapsed), its media type and its decoded body.
type leafInfo struct {
	path      string
	fields    []string
	mediaType string // "" when the part has no Content-Type
	body      []byte
	bodyErr   bool // decoding failed
}

func (l leafInfo) String() string {
	return fmt.Sprintf("%s %s %q body=%d bytes err=%v", l.path, l.mediaType, l.fields, len(l.body), l.bodyErr)
}

func normValue(v string) string { return strings.Join(strings.Fields(v), " ") }

// mimewalkLeaves walks raw and returns its leaves; clean reports that the walk met no problem and
// every header block was well formed, so that another reader has no room to read it otherwise.
func mimewalkLeaves(raw []byte) (leaves []leafInfo, clean bool, err error) {
	var w mimewalk.Reader
	w.ResetBytes(raw, nil)
	clean = true
	for {
		ev, err := w.Next()
		if err == io.EOF {
			return leaves, clean, nil
		}
		if err != nil {
			return leaves, false, err
		}
		p := w.Part()
		switch {
		case ev == mimewalk.ProblemEvent:
			clean = false
		case ev == mimewalk.StartEvent:
			if p.HeaderErr != nil || p.Header != nil && bytes.HasPrefix(p.Header, []byte("From ")) {
				clean = false
			}
			if p.Multipart {
				continue
			}
			l := leafInfo{path: fmt.Sprint(p.Path)}
			var sc rawheader.Scanner
			sc.Reset(p.Header)
			for sc.Next() {
				f := sc.Field()
				l.fields = append(l.fields, textproto.CanonicalMIMEHeaderKey(string(f.Name))+": "+normValue(string(f.Value)))
			}
			if p.ContentType != nil {
				l.mediaType = strings.ToLower(string(p.MediaType))
			}
			l.body, err = io.ReadAll(p.Decoded())
			l.bodyErr = err != nil
			leaves = append(leaves, l)
		}
	}
}

// goMessageLeaves reads raw with go-message (a reader this project did not write).
func goMessageLeaves(raw []byte) ([]leafInfo, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, err
	}
	var leaves []leafInfo
	err = e.Walk(func(path []int, e *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) {
			return err
		}
		mt, params, cterr := e.Header.ContentType()
		if strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
			return nil
		}
		if path == nil {
			path = []int{}
		}
		l := leafInfo{path: fmt.Sprint(path)}
		for f := e.Header.Fields(); f.Next(); {
			l.fields = append(l.fields, textproto.CanonicalMIMEHeaderKey(f.Key())+": "+normValue(f.Value()))
		}
		if e.Header.Get("Content-Type") != "" {
			l.mediaType = mt
			if cterr != nil {
				l.mediaType = "?" // go-message's reading failed: nothing to compare
			}
		}
		var rerr error
		l.body, rerr = io.ReadAll(e.Body)
		l.bodyErr = rerr != nil
		leaves = append(leaves, l)
		return nil
	})
	return leaves, err
}

// compareLeaves returns the first difference between two readings, or nil.
func compareLeaves(mine, theirs []leafInfo) error {
	if len(mine) != len(theirs) {
		return fmt.Errorf("%d leaves, go-message %d:\n%v\n%v", len(mine), len(theirs), mine, theirs)
	}
	for i := range mine {
		a, b := mine[i], theirs[i]
		if a.path != b.path || a.mediaType != b.mediaType && b.mediaType != "?" {
			return fmt.Errorf("leaf %d: %s %s, go-message %s %s", i, a.path, a.mediaType, b.path, b.mediaType)
		}
		if strings.Join(a.fields, "\n") != strings.Join(b.fields, "\n") {
			return fmt.Errorf("leaf %d header:\n%q\ngo-message:\n%q", i, a.fields, b.fields)
		}
		if a.bodyErr || b.bodyErr {
			if a.bodyErr != b.bodyErr {
				return errBodyDecoding
			}
			continue
		}
		if !bytes.Equal(a.body, b.body) {
			return fmt.Errorf("leaf %d body differs: %q\ngo-message: %q", i, clip(a.body), clip(b.body))
		}
	}
	return nil
}

var errBodyDecoding = errors.New("one reader fails to decode a body the other decodes")

func clip(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}
