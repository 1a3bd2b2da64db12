package bench

import "github.com/sesraw/sesraw/xheaders"

// sesrawReaders: xheaders.Read, then each value through the zero-allocation path (First +
// AppendUnfolded) and, as "sesraw-get", through Get, which returns a string.
func sesrawReaders() []sesReader {
	return []sesReader{
		{"sesraw", func(dst, raw []byte) ([]byte, error) {
			e, err := xheaders.Read(raw)
			if err != nil {
				return dst, err
			}
			for _, s := range SESHeaders {
				f, _ := e.First(s.Name)
				dst = append(f.AppendUnfolded(dst), '\n')
			}
			return dst, nil
		}},
		{"sesraw-get", func(dst, raw []byte) ([]byte, error) {
			e, err := xheaders.Read(raw)
			if err != nil {
				return dst, err
			}
			for _, s := range SESHeaders {
				v, _ := e.Get(s.Name)
				dst = append(append(dst, v...), '\n')
			}
			return dst, nil
		}},
	}
}

// sesrawRemovers: xheaders.Remove, appending to a reused buffer.
func sesrawRemovers() []sesRemover {
	return []sesRemover{{"sesraw", func(dst, raw []byte) ([]byte, error) {
		return xheaders.Remove(dst, raw), nil
	}}}
}
