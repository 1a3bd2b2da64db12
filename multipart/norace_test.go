//go:build !race

package multipart

const raceEnabled = false
