// Package testutil holds what several packages' tests share.
package testutil

import (
	"os"
	"path/filepath"
)

// CorpusDir returns ../shared/corpus/messages beside the repository: the reference corpus of real
// messages from public projects, read in place and never copied into the repository. It returns ""
// when the folder is absent; callers skip then, and fail under CI=true.
func CorpusDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, "..", "shared", "corpus", "messages")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
