//go:build !race

package dkim_test

const raceEnabled = false
