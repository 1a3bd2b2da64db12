package sesrules

// MaxXSESValueBytes bounds the value of one X-SES-* field as written (folded, without the field
// name and the final CRLF). No valid value comes near it (the longest, X-SES-MESSAGE-TAGS, would
// need dozens of tags at their maximum length); lint calls a longer value an error and the
// builder refuses to write one.
const MaxXSESValueBytes = 16 << 10
