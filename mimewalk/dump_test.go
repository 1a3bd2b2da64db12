package mimewalk_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sesraw/sesraw/mimewalk"
)

// dump walks msg and returns one line per event: "start PATH TYPE body=BODY", "end PATH size=N
// closed=B parts=N", "problem LINE ERR", and the final error.
func dump(w *mimewalk.Reader) string {
	var b strings.Builder
	for {
		ev, err := w.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(&b, "error %v\n", err)
			}
			return b.String()
		}
		p := w.Part()
		switch ev {
		case mimewalk.StartEvent:
			body, _ := io.ReadAll(p.Body())
			fmt.Fprintf(&b, "start %v %s line=%d body=%q\n", p.Path, p.MediaType, p.Line, body)
		case mimewalk.EndEvent:
			fmt.Fprintf(&b, "end %v size=%d closed=%v parts=%d\n", p.Path, p.Size(), p.Closed, p.Parts)
		case mimewalk.ProblemEvent:
			pr := w.Problem()
			fmt.Fprintf(&b, "problem line=%d %v\n", pr.Line, pr.Err)
		}
	}
}
