package preflight

import (
	"strconv"

	"github.com/sesraw/sesraw/sesrules"
)

// topState is what the header checks collect across fields.
type topState struct {
	fromBuf    []byte // addresses of the first From field, concatenated
	fromEnds   []int  // end offset of each address in fromBuf
	fromSeen   bool
	recipients int
	recipLine  int
	scan       addrScan

	fromArr [256]byte // first backing arrays
	endsArr [8]int
}

// maxFrom bounds how many From addresses are kept for the ARN check.
const maxFrom = 50

func (t *topState) addFrom(addr []byte) {
	if len(t.fromEnds) >= maxFrom {
		return
	}
	if t.fromBuf == nil {
		t.fromBuf, t.fromEnds = t.fromArr[:0], t.endsArr[:0]
	}
	t.fromBuf = append(t.fromBuf, addr...)
	t.fromEnds = append(t.fromEnds, len(t.fromBuf))
}

// endHeader checks the top-level header block hb and sets up the MIME walk of the body.
func (c *checker) endHeader(hb []byte) {
	var (
		sFirst, sSecond [sesrules.NumSingletons]int // lines of the first two instances
		sCount          [sesrules.NumSingletons]int
		sName           [sesrules.NumSingletons][]byte // name of the first instance as written
		xFirst          [numXSES]field
		xCount          [numXSES]int
		xIgnored        [numXSES][8]int // lines of ignored instances
		dkimLines       [2]int
		dkimCount       int
		ent             entityFields
		unsub           unsubFields
	)
	top := &c.top
	it := c.fields(hb, 1, rHeaderSyntax)
	for {
		f, ok := c.next(&it)
		if !ok {
			break
		}
		if hasHigh(f.value) && c.want(rHeader8bit, Error, f.line) {
			c.say("header field " + fieldName(f.name) + " has non-ASCII bytes; SES " +
				"requires a 7-bit header block: use RFC 2047 encoded-words")
		}
		k := sesrules.SingletonIndex(f.name)
		unsub.note(&f, k)
		if k >= 0 {
			sCount[k]++
			switch sCount[k] {
			case 1:
				sFirst[k], sName[k] = f.line, f.name
			case 2:
				sSecond[k] = f.line
			}
		}
		ent.note(&f)
		if sesrules.IsSESName(f.name) {
			k := xsesIndex(f.name)
			if k < 0 {
				if c.want(rXSESUnknown, Warning, f.line) {
					c.say("header " + quote(f.name) + " is not an X-SES header SES " +
						"documents; SES removes X-SES headers before delivery, so this is likely a misspelling")
				}
				continue
			}
			xCount[k]++
			if xCount[k] == 1 {
				xFirst[k] = f
			} else if n := xCount[k] - 2; n < len(xIgnored[k]) {
				xIgnored[k][n] = f.line
			}
			continue
		}
		if equalFold(f.name, "dkim-signature") {
			if dkimCount < 2 {
				dkimLines[dkimCount] = f.line
			}
			dkimCount++
			c.checkDKIM(&f)
			continue
		}
		if k := addrKind(f.name); k != aNone {
			c.checkAddresses(top, &f, k)
		}
	}

	for k := range sesrules.NumSingletons {
		if sCount[k] < 2 || k == dkimSingleton {
			continue
		}
		if c.want(rDuplicateHeader, Error, sSecond[k]) {
			c.say(string(sName[k]) + " appears " + strconv.Itoa(sCount[k]) + " times (first at line " +
				strconv.Itoa(sFirst[k]) + "); SES rejects the message: Duplicate header '" + string(sName[k]) + "'")
		}
	}
	if dkimCount > 1 && c.want(rDKIMMultiple, Error, dkimLines[1]) {
		c.say("message has " + strconv.Itoa(dkimCount) + " DKIM-Signature fields (first at line " +
			strconv.Itoa(dkimLines[0]) + "); SES rejects the message: Duplicate header 'DKIM-Signature'")
	}
	if !top.fromSeen && c.want(rMissingFrom, Error, 0) {
		c.say("message has no From header field")
	}
	if top.recipients > sesrules.MaxRecipients && c.want(rRecipients, Error, top.recipLine) {
		c.say("To, Cc and Bcc name " + strconv.Itoa(top.recipients) +
			" recipients; SES accepts at most " + strconv.Itoa(sesrules.MaxRecipients) + " per message")
	}
	c.checkXSES(top, &xFirst, &xCount, &xIgnored, dkimCount > 0)
	c.checkUnsubscribe(&unsub, xFirst[xList].line)
	c.checkPolicy(hb)

	c.entity(&ent)
}
