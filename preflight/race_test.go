//go:build race

package preflight_test

const raceEnabled = true
