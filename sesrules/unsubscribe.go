package sesrules

// One-click unsubscribe (RFC 8058) and SES subscription management: the rule the builder enforces
// on what it writes and preflight on a raw message.

// OneClickPost is the List-Unsubscribe-Post value of RFC 8058 one-click unsubscribe.
const OneClickPost = "List-Unsubscribe=One-Click"

// IsOneClickPost reports whether an unfolded List-Unsubscribe-Post value is OneClickPost, blanks
// around it ignored and compared ASCII case-insensitively.
func IsOneClickPost[T ~string | ~[]byte](v T) bool {
	i, j := 0, len(v)
	for i < j && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n') {
		i++
	}
	for j > i && (v[j-1] == ' ' || v[j-1] == '\t' || v[j-1] == '\r' || v[j-1] == '\n') {
		j--
	}
	return equalFold(v[i:j], "list-unsubscribe=one-click")
}

// ListUnsubscribeHTTPS reports whether a List-Unsubscribe value (RFC 2369: URIs in angle
// brackets, separated by commas; folding allowed) names an https URI, which one-click unsubscribe
// needs (RFC 8058 section 3.1). It looks at each <...> in one pass.
func ListUnsubscribeHTTPS[T ~string | ~[]byte](v T) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '<' {
			continue
		}
		j := i + 1
		for j < len(v) && v[j] != '>' {
			j++
		}
		if j == len(v) {
			return false
		}
		if u := v[i+1 : j]; len(u) > len("https://") && equalFold(u[:len("https://")], "https://") && u[len("https://")] != '/' {
			return true
		}
		i = j
	}
	return false
}

// UnsubscribeConflict returns why a message cannot have both one-click unsubscribe
// (List-Unsubscribe-Post: List-Unsubscribe=One-Click, with its List-Unsubscribe) and SES
// subscription management (X-SES-LIST-MANAGEMENT-OPTIONS, or SES v2's ListManagementOptions), or
// "" when it does not have both. SES then writes List-Unsubscribe and List-Unsubscribe-Post
// itself, only on mail it signs with Easy DKIM
// (https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html), so the
// message would carry two of each, fields SES accepts once.
func UnsubscribeConflict(oneClick, listManagement bool) string {
	if !oneClick || !listManagement {
		return ""
	}
	return "SES subscription management (" + HeaderListManagement + ") writes List-Unsubscribe and " +
		"List-Unsubscribe-Post itself, on mail it signs with Easy DKIM; use one or the other"
}
