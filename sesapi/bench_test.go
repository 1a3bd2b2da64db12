package sesapi_test

import (
	"testing"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
)

// benchMessage is newMessage with its attachment: a delegated message of about 1.5 KB.
func benchMessage() *builder.Message { return newMessage() }

// BenchmarkBuilderBytes is the floor: building the same message with the builder alone.
func BenchmarkBuilderBytes(b *testing.B) {
	bl, m := newBuilder(), benchMessage()
	raw, err := bl.Bytes(m)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bl.Bytes(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawEmailInput(b *testing.B) {
	for _, method := range []sesapi.Method{sesapi.ByParameters, sesapi.ByHeaders} {
		b.Run(method.String(), func(b *testing.B) {
			s, m := &sesapi.Sender{Builder: newBuilder(), Method: method}, benchMessage()
			in, err := s.RawEmailInput("us-east-1", m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(in.RawMessage.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.RawEmailInput("us-east-1", m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEmailV2Input(b *testing.B) {
	s, m := &sesapi.Sender{Builder: newBuilder()}, benchMessage()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.EmailV2Input("us-east-1", m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmailInput(b *testing.B) {
	s, m := &sesapi.Sender{Builder: newBuilder()}, simpleMessage()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.EmailInput("us-east-1", m); err != nil {
			b.Fatal(err)
		}
	}
}
