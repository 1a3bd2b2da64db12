// Package bench compares sesraw with peer Go mail libraries on one fixed fixture.
// It lives in its own module so the peers never enter the library's module graph.
package bench
