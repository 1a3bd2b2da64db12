//go:build !race

package dkim

// checkNoWSP: see check_race.go.
const checkNoWSP = false
