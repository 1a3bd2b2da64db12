package builder

import "github.com/sesraw/sesraw/sesrules"

// Target names the SES API (or transport) a message is built for; it selects the size limit. Its
// values and limits are the rulebook's (sesrules.Target converts to and from it).
type Target int

// Targets, the same values as sesrules' targets.
const (
	TargetNone = Target(sesrules.TargetNone) // no SES size limit
	TargetV1   = Target(sesrules.TargetV1)   // SES v1 API (SendRawEmail): 10 MiB after encoding
	TargetV2   = Target(sesrules.TargetV2)   // SES v2 API SendEmail raw: 40 MiB
	TargetSMTP = Target(sesrules.TargetSMTP) // SES SMTP interface: 40 MiB
)

// Limit returns the target's maximum encoded message size in bytes (0 = none): the rulebook's
// sesrules.Target.MaxBytes.
func (t Target) Limit() int64 { return sesrules.Target(t).MaxBytes() }

// String names the target.
func (t Target) String() string { return sesrules.Target(t).String() }
