package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

func strconvQuote(s string) string { return strconv.Quote(s) }

// displayName is how messages name an input: "<stdin>" for "-".
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// fileReason is the reason of a file error without the path (the caller names the file itself).
func fileReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// openInput opens the named input; "-" is stdin. A failure is an input error naming the file.
func (e *env) openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, inputErr(name+": "+fileReason(err), err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, inputErr(name+": is a directory", nil)
	}
	return f, nil
}

// maxInMemory bounds the messages read whole into memory (sign, verify, send): SES takes
// at most 40 MiB, so anything far beyond is not a message for SES.
const maxInMemory = 256 << 20

// readInput reads the whole named input ("-" is stdin).
func (e *env) readInput(name string) ([]byte, error) {
	r, err := e.openInput(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// A file's size is known: read it into one buffer of that size instead of growing one.
	var buf bytes.Buffer
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxInMemory {
			buf.Grow(int(fi.Size()) + bytes.MinRead)
		}
	}
	_, err = buf.ReadFrom(io.LimitReader(r, maxInMemory+1))
	data := buf.Bytes()
	if err != nil {
		return nil, inputErr(displayName(name)+": "+fileReason(err), err)
	}
	if len(data) > maxInMemory {
		return nil, inputErr(displayName(name)+": larger than "+strconv.Itoa(maxInMemory>>20)+" MiB", nil)
	}
	return data, nil
}

// output is where a command writes its result: stdout, or a file that appears only on Commit.
type output struct {
	w    io.Writer
	tmp  *os.File // nil for stdout
	name string
}

// createOutput returns the output for the -o value: "" or "-" is stdout; otherwise a temporary
// file in the same directory as name, renamed to name by commit.
func (e *env) createOutput(name string) (*output, error) {
	if name == "" || name == "-" {
		return &output{w: e.stdout}, nil
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return nil, inputErr("-o "+name+": is a directory", nil)
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, inputErr("-o "+name+": "+fileReason(err), err)
	}
	return &output{w: tmp, tmp: tmp, name: name}, nil
}

// commit finishes the output: the temporary file is synced, closed and renamed into place.
func (o *output) commit() error {
	if o.tmp == nil {
		return nil
	}
	tmp := o.tmp
	o.tmp = nil
	err := tmp.Chmod(0o644)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), o.name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return failure(o.name+": "+fileReason(err), err)
	}
	return nil
}

// abort removes the temporary file if the output was not committed; it is safe after commit.
func (o *output) abort() {
	if o.tmp != nil {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
		o.tmp = nil
	}
}

// writeOutput writes data to the -o output (or stdout) completely or not at all.
func (e *env) writeOutput(name string, data []byte) error {
	out, err := e.createOutput(name)
	if err != nil {
		return err
	}
	defer out.abort()
	if _, err := out.w.Write(data); err != nil {
		return failure(displayOut(name)+": "+fileReason(err), err)
	}
	return out.commit()
}

func displayOut(name string) string {
	if name == "" || name == "-" {
		return "<stdout>"
	}
	return name
}
