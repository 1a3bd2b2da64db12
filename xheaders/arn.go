package xheaders

import "strings"

// partitions lists the ARN partitions ParseARN accepts (botocore partitions.json).
var partitions = [...]string{"aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

func arnError(header, value, reason string) error {
	return &HeaderError{Header: header, Value: truncValue(value), Reason: reason, Err: ErrInvalidARN}
}

// ParseARN parses and validates an SES identity ARN. Errors are *HeaderError values (Header empty)
// wrapping ErrInvalidARN.
//
// Accepted: a known partition; service "ses"; a region of the usual shape (letters-letters-digits,
// e.g. us-east-1, us-gov-west-1, eusc-de-east-1) that belongs to the partition, or "*"; a 12-digit
// account; and "identity/" followed by an ASCII domain of at least two labels (IDNs in punycode) or
// an email address with an ASCII dot-atom local part. Fields are kept as written, so
// ParseARN(s).String() == s for every valid s.
func ParseARN(s string) (ARN, error) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, arnError("", s, `does not start with "arn:"`)
	}
	part, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return ARN{}, arnError("", s, "too few ':'-separated fields")
	}
	svc, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return ARN{}, arnError("", s, "too few ':'-separated fields")
	}
	region, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return ARN{}, arnError("", s, "too few ':'-separated fields")
	}
	account, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return ARN{}, arnError("", s, "too few ':'-separated fields")
	}
	if svc != "ses" {
		return ARN{}, arnError("", s, `service is not "ses"`)
	}
	ident, ok := strings.CutPrefix(rest, "identity/")
	if !ok {
		return ARN{}, arnError("", s, `resource is not "identity/NAME"`)
	}
	a := ARN{Partition: part, Region: region, Account: account, Identity: ident}
	if r := a.check(); r != "" {
		return ARN{}, arnError("", s, r)
	}
	return a, nil
}

// check validates every field of a and returns the reason it is invalid, or "".
func (a ARN) check() string {
	known := false
	for _, p := range partitions {
		if a.Partition == p {
			known = true
			break
		}
	}
	if !known {
		return "unknown partition (want aws, aws-us-gov, aws-cn, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc)"
	}
	if a.Region != "*" {
		if !regionShape(a.Region) {
			return `region is not a region name like us-east-1 (or "*")`
		}
		if regionPartition(a.Region) != a.Partition {
			return "region " + a.Region + " is not in partition " + a.Partition
		}
	}
	if len(a.Account) != 12 {
		return "account is not 12 digits"
	}
	for i := 0; i < len(a.Account); i++ {
		if class[a.Account[i]]&cDigit == 0 {
			return "account is not 12 digits"
		}
	}
	if strings.IndexByte(a.Identity, '@') >= 0 {
		return emailReason(a.Identity)
	}
	return domainReason(a.Identity)
}

// regionShape reports whether r looks like an AWS region name: two to four lower-case letters, one or
// more groups of lower-case letters, and a number, separated by hyphens (us-east-1, us-gov-west-1,
// eusc-de-east-1, us-isob-east-1).
func regionShape(r string) bool {
	if len(r) > 32 {
		return false
	}
	segs, start := 0, 0
	for i := 0; i <= len(r); i++ {
		if i < len(r) && r[i] != '-' {
			continue
		}
		seg := r[start:i]
		start = i + 1
		segs++
		last := i == len(r)
		if len(seg) == 0 {
			return false
		}
		want := uint8(cLower)
		if last {
			want = cDigit
			if len(seg) > 2 {
				return false
			}
		}
		if segs == 1 && (len(seg) < 2 || len(seg) > 4) {
			return false
		}
		for j := 0; j < len(seg); j++ {
			if class[seg[j]]&want == 0 {
				return false
			}
		}
	}
	return segs >= 3
}

// regionPartition returns the partition a region of valid shape belongs to, following the region
// regexes of botocore's partitions.json: cn-* is aws-cn, us-gov-* aws-us-gov, eusc-* aws-eusc,
// *-iso-* aws-iso, *-isob-* aws-iso-b, *-isoe-* aws-iso-e, *-isof-* aws-iso-f, anything else aws.
func regionPartition(r string) string {
	first, rest, _ := strings.Cut(r, "-")
	second, _, _ := strings.Cut(rest, "-")
	switch {
	case first == "cn":
		return "aws-cn"
	case first == "eusc":
		return "aws-eusc"
	case first == "us" && second == "gov":
		return "aws-us-gov"
	}
	switch second {
	case "iso":
		return "aws-iso"
	case "isob":
		return "aws-iso-b"
	case "isoe":
		return "aws-iso-e"
	case "isof":
		return "aws-iso-f"
	}
	return "aws"
}

// domainReason returns why d is not an ASCII domain name of at least two labels, or "".
// Internationalised domains must be given in punycode (xn--...).
func domainReason(d string) string {
	if d == "" {
		return "domain is empty"
	}
	if len(d) > 253 {
		return "domain is longer than 253 octets"
	}
	labels, start := 0, 0
	allDigits := true
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := class[d[i]]
			if c&cLDH == 0 {
				return "domain has a character other than letters, digits, '-' and '.' (write IDNs in punycode)"
			}
			if c&cDigit == 0 {
				allDigits = false
			}
			continue
		}
		l := d[start:i]
		start = i + 1
		if l == "" {
			return "domain has an empty label"
		}
		if len(l) > 63 {
			return "domain label is longer than 63 octets"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "domain label starts or ends with '-'"
		}
		labels++
		if i < len(d) {
			allDigits = true
		}
	}
	if labels < 2 {
		return "domain has fewer than two labels"
	}
	if allDigits {
		return "top-level domain label is all digits"
	}
	return ""
}

// emailReason returns why e is not an addr-spec with an ASCII dot-atom local part and a valid
// domain, or "".
func emailReason(e string) string {
	at := strings.IndexByte(e, '@')
	if at < 0 {
		return "email address has no '@'"
	}
	local, dom := e[:at], e[at+1:]
	if r := localReason(local); r != "" {
		return r
	}
	return domainReason(dom)
}

func localReason(l string) string {
	if l == "" {
		return "email local part is empty"
	}
	if len(l) > 64 {
		return "email local part is longer than 64 octets"
	}
	if l[0] == '.' || l[len(l)-1] == '.' {
		return "email local part starts or ends with '.'"
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c == '.' {
			if l[i-1] == '.' {
				return "email local part has '..'"
			}
			continue
		}
		if class[c]&cAtext == 0 {
			return "email local part has a character outside RFC 5322 atext (quoted or non-ASCII local parts are not accepted)"
		}
	}
	return ""
}

func (a ARN) appendTo(dst []byte) []byte {
	dst = append(dst, "arn:"...)
	dst = append(dst, a.Partition...)
	dst = append(dst, ":ses:"...)
	dst = append(dst, a.Region...)
	dst = append(dst, ':')
	dst = append(dst, a.Account...)
	dst = append(dst, ":identity/"...)
	return append(dst, a.Identity...)
}

// Covers reports whether the identity authorizes sending from addr (a bare addr-spec, local@domain,
// with an ASCII domain): an email identity covers exactly that address; a domain identity covers
// every address at that domain and at its subdomains. Domains are compared ASCII-case-insensitively.
//
// The local part is compared exactly (case-sensitively), as RFC 5321 section 2.4 requires of
// mailbox local parts; whether SES folds the case of local parts is UNCONFIRMED (no AWS text found),
// so Covers may answer false for a case variant that SES would accept.
//
// Subdomains: "when you verify a domain identity, you can send email from any subdomain or email
// address of the verified domain without having to verify each one individually. For example, if
// you create and verify a domain identity called example.com, you don't need to create separate
// subdomain identities for a.example.com, a.b.example.com" (SES Developer Guide, "Creating and
// verifying identities", https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html). A
// subdomain verified separately in the same account has its own identity and settings, and the same
// page says an address that only inherits verification cannot itself carry delegate-sending
// policies; Covers cannot see either and stays lenient (true) for addresses under a domain identity.
func (a ARN) Covers(addr string) bool {
	if a.Identity == "" {
		return false
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return false
	}
	local, dom := addr[:at], addr[at+1:]
	if domainReason(dom) != "" {
		return false
	}
	if i := strings.LastIndexByte(a.Identity, '@'); i >= 0 {
		return local == a.Identity[:i] && equalFoldASCII(dom, a.Identity[i+1:])
	}
	d := a.Identity
	if equalFoldASCII(dom, d) {
		return true
	}
	n := len(dom) - len(d)
	return n > 1 && dom[n-1] == '.' && equalFoldASCII(dom[n:], d)
}

// ARN is a parsed SES identity ARN: arn:PARTITION:ses:REGION:ACCOUNT:identity/IDENTITY.
// The zero ARN means "not set".
type ARN struct {
	Partition string // aws, aws-us-gov, aws-cn, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc
	Region    string // e.g. us-east-1, or "*" for identities replicated for global endpoints
	Account   string // 12 decimal digits
	Identity  string // a domain (example.com) or an email address (user@example.com)
}

// MustParseARN is ParseARN for constants in tests and examples; it panics on error.
func MustParseARN(s string) ARN {
	a, err := ParseARN(s)
	if err != nil {
		panic(err)
	}
	return a
}

// String formats the ARN; the zero ARN formats as "".
func (a ARN) String() string {
	if a.IsZero() {
		return ""
	}
	return string(a.appendTo(make([]byte, 0, 32+len(a.Partition)+len(a.Region)+len(a.Identity))))
}

// IsZero reports whether a is the zero ARN (not set).
func (a ARN) IsZero() bool { return a == ARN{} }

// IsEmail reports whether the identity is an email address rather than a domain.
func (a ARN) IsEmail() bool { return strings.IndexByte(a.Identity, '@') >= 0 }

// InRegion reports whether the identity may be used through an SES endpoint in region:
// equal regions, or an ARN region of "*". The zero ARN and an empty region are in no region.
func (a ARN) InRegion(region string) bool {
	return a.Region != "" && region != "" && (a.Region == "*" || a.Region == region)
}
