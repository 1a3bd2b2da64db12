package sesrules

// The SES control headers, in canonical spelling, in the order the builder writes them.
const (
	HeaderSourceARN        = "X-SES-SOURCE-ARN"
	HeaderFromARN          = "X-SES-FROM-ARN"
	HeaderReturnPathARN    = "X-SES-RETURN-PATH-ARN"
	HeaderConfigurationSet = "X-SES-CONFIGURATION-SET"
	HeaderMessageTags      = "X-SES-MESSAGE-TAGS"
	HeaderListManagement   = "X-SES-LIST-MANAGEMENT-OPTIONS"
	HeaderTenant           = "X-SES-TENANT" // UNCONFIRMED: named only in an AWS blog summary
)

// SESPrefix is the prefix of every SES control header name. SES "removes all X-headers from the
// email before sending it"; sesraw reads that as every field whose name starts with this prefix
// (ASCII case-insensitive), a superset of the seven known names. Which fields SES removes exactly is
// UNCONFIRMED.
const SESPrefix = "X-SES-"

// KnownSESNames returns the seven known SES control header names in canonical spelling and
// writing order. The slice is a fresh copy.
func KnownSESNames() []string {
	return []string{HeaderSourceARN, HeaderFromARN, HeaderReturnPathARN, HeaderConfigurationSet,
		HeaderMessageTags, HeaderListManagement, HeaderTenant}
}

// IsSESName reports whether a header field name starts with "X-SES-" (ASCII case-insensitive):
// a field SES removes before delivery and that must never be DKIM-signed.
func IsSESName[T ~string | ~[]byte](name T) bool {
	return len(name) >= 6 &&
		name[0]|0x20 == 'x' && name[1] == '-' &&
		name[2]|0x20 == 's' && name[3]|0x20 == 'e' && name[4]|0x20 == 's' && name[5] == '-'
}

// singletons are the header fields SES rejects when repeated, lower case, sorted: the list of
// https://docs.aws.amazon.com/ses/latest/dg/header-fields.html (which includes List-Unsubscribe-Post
// and DKIM-Signature). X-SES-* fields are not on it: of those SES uses the first instance.
var singletons = [...]string{
	"accept-language", "acceptlanguage", "archived-at", "auto-submitted", "bounces-to", "comments",
	"content-alternative", "content-base", "content-class", "content-description",
	"content-disposition", "content-duration", "content-id", "content-language", "content-length",
	"content-location", "content-md5", "content-transfer-encoding", "content-type", "date",
	"delivered-to", "disposition-notification-options", "disposition-notification-to",
	"dkim-signature", "domainkey-signature", "errors-to", "from", "importance", "in-reply-to",
	"keywords", "list-archive", "list-help", "list-id", "list-owner", "list-post", "list-subscribe",
	"list-unsubscribe", "list-unsubscribe-post", "message-context", "message-id", "mime-version",
	"organization", "original-from", "original-message-id", "original-recipient", "original-subject",
	"precedence", "priority", "references", "reply-to", "return-path", "return-receipt-to", "sender",
	"sensitivity", "solicitation", "subject", "thread-index", "thread-topic", "user-agent", "vbr-info",
}

// Singletons returns the header field names SES rejects when repeated ("Duplicate header 'X'"),
// lower case, sorted. The slice is a fresh copy.
func Singletons() []string { return append([]string(nil), singletons[:]...) }

// SingletonIndex returns the index of name (any ASCII case) in Singletons(), or -1 if SES accepts
// the field more than once. Callers counting instances per singleton index an array of
// len(Singletons()) entries with it.
func SingletonIndex[T ~string | ~[]byte](name T) int { return lookup(singletons[:], name) }

// NumSingletons is len(Singletons()).
const NumSingletons = len(singletons)

// IsSingleton reports whether SES rejects a message in which the named field appears more than once.
func IsSingleton[T ~string | ~[]byte](name T) bool { return lookup(singletons[:], name) >= 0 }

// NeverSign returns why a DKIM signature for mail sent through SES must never name the field in
// h=, or "" if it may. The fields: every X-SES-* field (SES removes them before delivery), Message-ID
// and Date (SES replaces them), Return-Path (SES rewrites it), Bounces-To (AWS: "Don't sign the
// following fields: Message-ID, Date, Return-Path, Bounces-To",
// https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-manual.html), and
// DKIM-Signature (a signature cannot sign itself, and SES refuses a second one).
func NeverSign[T ~string | ~[]byte](name T) string {
	switch {
	case IsSESName(name):
		return "SES removes every X-SES-* header before delivery"
	case equalFold(name, "message-id"):
		return "SES replaces Message-ID with its own (and adds one when absent)"
	case equalFold(name, "date"):
		return "SES replaces Date with the time it accepted the message"
	case equalFold(name, "return-path"):
		return "SES rewrites Return-Path for bounce handling"
	case equalFold(name, "bounces-to"):
		return "SES documents that Bounces-To must not be signed with manual DKIM"
	case equalFold(name, "dkim-signature"):
		return "a DKIM-Signature cannot sign itself, and SES rejects a second one"
	}
	return ""
}

// equalFold reports whether b equals the lower-case ASCII string lower, ignoring ASCII case.
func equalFold[T ~string | ~[]byte](b T, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
