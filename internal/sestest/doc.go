// Package sestest is the end-to-end test harness of sesraw: it starts the SES emulator
// (aws-ses-v2-local, pinned in testdata/emulator) and an SMTP server on loopback, both real
// processes or servers, and reads back what they received.
//
// The emulator is a Node.js program. It is installed by scripts/test.sh ("npm ci" in
// testdata/emulator); without it, or without node on PATH, [StartEmulator] returns an error and
// [Need] turns that error into a test failure when the environment variable CI is "true" and into a
// skip with a clear message otherwise.
package sestest
