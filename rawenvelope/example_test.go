package rawenvelope_test

import (
	"fmt"

	"github.com/sesraw/sesraw/rawenvelope"
)

func ExampleRead() {
	msg := []byte("From: =?UTF-8?Q?J=C3=BCrgen?= <jm@example.org>\r\n" +
		"To: a@example.com, b@example.com\r\nCc: A@example.com\r\nBcc: c@example.com\r\n\r\nHello\r\n")
	env, err := rawenvelope.Read(msg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.FirstFrom().Name, env.Source())
	fmt.Println(env.Recipients)
	// Output:
	// Jürgen jm@example.org
	// [a@example.com b@example.com c@example.com]
}
