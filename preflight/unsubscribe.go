package preflight

import (
	"strconv"

	"github.com/sesraw/sesraw/sesrules"
)

// One-click unsubscribe (RFC 8058): the rule of package sesrules that the builder enforces on the
// messages it writes, checked on a raw message.

// Singleton indexes of the list headers (both are singletons, so endHeader sees each once).
var (
	listUnsubSingleton     = sesrules.SingletonIndex("list-unsubscribe")
	listUnsubPostSingleton = sesrules.SingletonIndex("list-unsubscribe-post")
)

// unsubFields are the first List-Unsubscribe and List-Unsubscribe-Post fields of the top-level
// header block (name nil when absent).
type unsubFields struct {
	list, post field
}

// note keeps f when it is the first List-Unsubscribe or List-Unsubscribe-Post; k is its
// singleton index (-1 for other fields).
func (u *unsubFields) note(f *field, k int) {
	switch {
	case k < 0:
	case k == listUnsubSingleton && u.list.name == nil:
		u.list = *f
	case k == listUnsubPostSingleton && u.post.name == nil:
		u.post = *f
	}
}

// checkUnsubscribe reports one-click unsubscribe combined with SES subscription management
// (listLine is the line of X-SES-LIST-MANAGEMENT-OPTIONS, 0 when absent), and a
// List-Unsubscribe-Post that one-click cannot use.
func (c *checker) checkUnsubscribe(u *unsubFields, listLine int) {
	if u.post.name == nil {
		return
	}
	oneClick := sesrules.IsOneClickPost(u.post.value)
	if r := sesrules.UnsubscribeConflict(oneClick, listLine > 0); r != "" && c.want(rUnsubscribeConflict, Error, u.post.line) {
		c.say("List-Unsubscribe-Post: " + sesrules.OneClickPost + " with " + sesrules.HeaderListManagement +
			" (line " + strconv.Itoa(listLine) + "): " + r)
	}
	switch {
	case !oneClick:
		if c.want(rUnsubscribeOneClick, Warning, u.post.line) {
			c.say("List-Unsubscribe-Post is " + quote(trimFWS(u.post.value)) + ", not " + sesrules.OneClickPost +
				" (RFC 8058): mail clients do not offer one-click unsubscribe")
		}
	case u.list.name == nil:
		if c.want(rUnsubscribeOneClick, Warning, u.post.line) {
			c.say("List-Unsubscribe-Post without List-Unsubscribe: one-click unsubscribe (RFC 8058) needs a " +
				"List-Unsubscribe field with an https URI")
		}
	case !sesrules.ListUnsubscribeHTTPS(u.list.value):
		if c.want(rUnsubscribeOneClick, Warning, u.list.line) {
			c.say("List-Unsubscribe names no https URI: one-click unsubscribe (RFC 8058, List-Unsubscribe-Post at line " +
				strconv.Itoa(u.post.line) + ") needs one")
		}
	}
}
