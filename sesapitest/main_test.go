package sesapitest_test

import (
	"os"
	"testing"

	"github.com/sesraw/sesraw/internal/sestest"
)

// emu is the npm SES emulator (aws-ses-v2-local) the conformance test compares with, started on
// first use and stopped after all tests. Without it the conformance test fails in CI (CI=true)
// and skips elsewhere.
var emu sestest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	emu.Close()
	os.Exit(code)
}
