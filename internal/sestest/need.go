package sestest

import (
	"os"
	"testing"
)

// InCI reports whether the tests run in continuous integration (environment variable CI=true),
// where a missing external component must fail a test rather than skip it.
func InCI() bool { return os.Getenv("CI") == "true" }

// Need fails (in CI) or skips (elsewhere) the test when err, the error from starting an external
// component named what, is not nil.
func Need(tb testing.TB, what string, err error) {
	tb.Helper()
	if err == nil {
		return
	}
	if InCI() {
		tb.Fatalf("sestest: %s is required in CI (CI=true) but could not start: %v", what, err)
		return
	}
	tb.Skipf("sestest: skipping: %s not available: %v (run scripts/test.sh to install it; with CI=true this fails)", what, err)
}
