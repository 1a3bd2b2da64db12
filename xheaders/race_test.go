//go:build race

package xheaders_test

const raceEnabled = true
