package rawheader

// Default limits. They are well above every header block of the project's reference corpus (591
// real messages from nine public projects: at most 48 fields, a 205 KiB header block and a field
// of 3,302 lines, the last two in a deliberately long test message) and low enough that a
// reader's work stays small; reading is linear in any case.
const (
	DefaultMaxBytes      = 1 << 20 // bytes of the header block, mbox From line and separator included
	DefaultMaxFields     = 10_000  // header fields
	DefaultMaxFieldLines = 16_384  // lines of one field: its first line and its continuation lines
)

// Limits bounds what a Scanner or ReadBlock accepts. A zero field means its default; a negative
// field means no limit.
type Limits struct {
	MaxBytes      int
	MaxFields     int
	MaxFieldLines int
}

// defaultLimits is Limits{}.norm().
var defaultLimits = Limits{MaxBytes: DefaultMaxBytes, MaxFields: DefaultMaxFields, MaxFieldLines: DefaultMaxFieldLines}

func (l Limits) norm() Limits {
	l.MaxBytes = pick(l.MaxBytes, DefaultMaxBytes)
	l.MaxFields = pick(l.MaxFields, DefaultMaxFields)
	l.MaxFieldLines = pick(l.MaxFieldLines, DefaultMaxFieldLines)
	return l
}

func pick(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}
