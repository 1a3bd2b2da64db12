//go:build race

package dkim

// checkNoWSP makes BodyHasher.WriteNoWSP verify its caller's promise in builds with the race
// detector (the test suite's), and panic when it is broken.
const checkNoWSP = true
