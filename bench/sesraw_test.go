package bench

import "testing"

// Placeholders until the sesraw packages compile.

func sesrawLibs(*Fixture) []lib          { return nil }
func sesrawSignLibs(*Fixture, Key) []lib { return nil }
func sesrawLargeLibs(*Fixture) []lib     { return nil }

// refMessage is the built fixture the X-SES and hashing benchmarks work on.
func refMessage(tb testing.TB, f *Fixture) []byte {
	w := SliceWriter{}
	if err := BuildGoMessage(&w, f); err != nil {
		tb.Fatal(err)
	}
	return w.B
}

// signedHeaderList is the h= list every signer is given.
func signedHeaderList(testing.TB, *Fixture, Key) []string {
	return []string{"From", "From", "To", "To", "Cc", "Cc", "Reply-To", "Reply-To", "Subject", "Subject", "MIME-Version", "Content-Type"}
}
