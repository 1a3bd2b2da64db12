package preflight

import "slices"

// Rule describes one check of the catalogue.
type Rule struct {
	ID       string   `json:"id"`       // stable id, used as Finding.Rule
	Severity Severity `json:"severity"` // the highest severity the rule reports
	Summary  string   `json:"summary"`  // what the rule checks, with its SES source
}

// Rule ids. An id never changes meaning; new rules get new ids.
const (
	RuleSize                    = "size"
	RuleInputTruncated          = "input-truncated"
	RuleHeaderTooLarge          = "header-too-large"
	RuleNoHeaderBodySeparator   = "no-header-body-separator"
	RuleHeaderSyntax            = "header-syntax"
	RuleLineLength              = "line-length"
	RuleBareLF                  = "bare-lf"
	RuleBareCR                  = "bare-cr"
	RuleHeader8bit              = "header-8bit"
	RuleBody8bit                = "body-8bit"
	RuleMissingFrom             = "missing-from"
	RuleDuplicateHeader         = "duplicate-header"
	RuleRecipients              = "recipients"
	RuleAddressNonASCII         = "address-non-ascii"
	RuleAddressSyntax           = "address-syntax"
	RuleXSESDuplicate           = "xses-duplicate"
	RuleXSESMalformed           = "xses-malformed"
	RuleXSESUnknown             = "xses-unknown"
	RuleXSESAmbiguous           = "xses-ambiguous"
	RuleXSESTarget              = "xses-target"
	RuleTagSyntax               = "tag-syntax"
	RuleConfigurationSetSyntax  = "configuration-set-syntax"
	RuleARNNotCoveringFrom      = "arn-not-covering-from"
	RuleSourceARNWithoutFromARN = "source-arn-without-from-arn"
	RuleARNRegion               = "arn-region"
	RuleDKIMMultiple            = "dkim-multiple"
	RuleDKIMSignsStripped       = "dkim-signs-stripped"
	RuleDKIMSignsRewritten      = "dkim-signs-rewritten"
	RuleDKIMSyntax              = "dkim-syntax"
	RuleListManagementSigned    = "list-management-self-signed"
	RuleUnsubscribeConflict     = "unsubscribe-list-management"
	RuleUnsubscribeOneClick     = "unsubscribe-one-click"
	RuleAttachmentExtension     = "attachment-extension"
	RuleAttachmentEncoding      = "attachment-encoding"
	RuleMIMEStructure           = "mime-structure"
	RuleMIMEParams              = "mime-params"
	RuleMIMEUnterminated        = "mime-unterminated"
	RuleMIMELimit               = "mime-limit"
	RulePolicyDenied            = "policy-denied"
)

// Indexes into catalogue; the order is the catalogue's order.
const (
	rSize = iota
	rInputTruncated
	rHeaderTooLarge
	rNoSeparator
	rHeaderSyntax
	rLineLength
	rBareLF
	rBareCR
	rHeader8bit
	rBody8bit
	rMissingFrom
	rDuplicateHeader
	rRecipients
	rAddressNonASCII
	rAddressSyntax
	rXSESDuplicate
	rXSESMalformed
	rXSESUnknown
	rXSESAmbiguous
	rXSESTarget
	rTagSyntax
	rConfigSetSyntax
	rARNNotCoveringFrom
	rSourceARNWithoutFromARN
	rARNRegion
	rDKIMMultiple
	rDKIMSignsStripped
	rDKIMSignsRewritten
	rDKIMSyntax
	rListManagementSigned
	rUnsubscribeConflict
	rUnsubscribeOneClick
	rAttachmentExtension
	rAttachmentEncoding
	rMIMEStructure
	rMIMEParams
	rMIMEUnterminated
	rMIMELimit
	rPolicyDenied
	numRules
)

// catalogue is read-only.
var catalogue = [numRules]Rule{
	rSize: {RuleSize, Error, "The message is larger than the target API accepts: 10 MiB for the v1 API " +
		"(\"Message length is more than 10485760 bytes long\"), 40 MiB for v2 and SMTP; a warning between " +
		"40,000,000 bytes and 40 MiB, and above 10 MiB when the target is unknown (SES quotas)."},
	rInputTruncated: {RuleInputTruncated, Warning, "CheckReader stopped at Options.MaxBytes; the rest of the " +
		"message was not checked."},
	rHeaderTooLarge: {RuleHeaderTooLarge, Error, "The header block is over the header grammar's limits (1 MiB, " +
		"10,000 fields, 16,384 lines in one field); what lies past them was not checked, and an X-SES field " +
		"there would be hidden from every sesraw reader, which all refuse such a message (package rawheader)."},
	rNoSeparator: {RuleNoHeaderBodySeparator, Error, "The message has no empty line between header and body " +
		"(\"The message has to contain a header and a body, separated by a blank line\", RawMessage)."},
	rHeaderSyntax: {RuleHeaderSyntax, Error, "A header line is neither a field (name: value) nor a " +
		"continuation line, a field name has characters outside printable ASCII, the header block holds a " +
		"bare CR, or the message starts with an mbox From line or a byte-order mark (SES accepts RFC 822 " +
		"headers). The header block ends at the bad line for a strict reader."},
	rXSESAmbiguous: {RuleXSESAmbiguous, Error, "An X-SES-* field comes after a malformed header line (or " +
		"behind a bare CR): a strict reader takes it for body text, a lenient one for a header field; " +
		"which SES does is unknown."},
	rLineLength: {RuleLineLength, Error, "A line is longer than 998 octets before its line break (1,000 with " +
		"CRLF; RFC 5321, RawMessage)."},
	rBareLF: {RuleBareLF, Warning, "A line ends in LF without CR; mail lines end in CRLF and SES's SMTP " +
		"interface and DKIM verifiers may treat it differently."},
	rBareCR: {RuleBareCR, Warning, "A CR not followed by LF; receivers split or join lines at it " +
		"differently (a known cause of 'Duplicate header' rejections)."},
	rHeader8bit: {RuleHeader8bit, Error, "A header field has bytes above 0x7F; SES honours SMTP's 7-bit " +
		"header limit and has no SMTPUTF8 (use RFC 2047 encoded-words)."},
	rBody8bit: {RuleBody8bit, Warning, "The body has bytes above 0x7F; SES does not preserve 8-bit " +
		"content when it modifies the message (open/click tracking) and recommends encoding it."},
	rMissingFrom: {RuleMissingFrom, Error, "The message has no From header field (a required header field; " +
		"SES checks the From address against the sending identity)."},
	rDuplicateHeader: {RuleDuplicateHeader, Error, "A header field SES allows only once appears more than " +
		"once (SES header-fields list, case-insensitive); SES rejects it with \"Duplicate header\"."},
	rRecipients: {RuleRecipients, Error, "The To, Cc and Bcc fields name more than 50 recipients, the " +
		"per-message maximum (SES quotas)."},
	rAddressNonASCII: {RuleAddressNonASCII, Error, "An address has non-ASCII characters; SES does not support " +
		"SMTPUTF8, so the domain must be Punycode and the local part ASCII."},
	rAddressSyntax: {RuleAddressSyntax, Warning, "An address field cannot be parsed (unbalanced quotes, " +
		"comments or angle brackets, or an address without @)."},
	rXSESDuplicate: {RuleXSESDuplicate, Warning, "An X-SES-* header appears more than once; SES uses only the " +
		"first instance and ignores the others."},
	rXSESMalformed: {RuleXSESMalformed, Error, "An X-SES-* identity ARN, list-management or tenant value is " +
		"empty or invalid (validated by package xheaders)."},
	rXSESUnknown: {RuleXSESUnknown, Warning, "An X-SES-* header SES does not document; SES removes it before " +
		"delivery, so it is likely a misspelling."},
	rXSESTarget: {RuleXSESTarget, Info, "An X-SES-* header whose effect with the chosen target is not " +
		"documented by AWS, or is overridden by an API parameter."},
	rTagSyntax: {RuleTagSyntax, Error, "X-SES-MESSAGE-TAGS is not a list of name=value pairs of ASCII letters, " +
		"digits, '_' and '-', each at most 256 characters."},
	rConfigSetSyntax: {RuleConfigurationSetSyntax, Error, "X-SES-CONFIGURATION-SET is not a configuration set " +
		"name (at most 64 ASCII letters, digits, '-' and '_')."},
	rARNNotCoveringFrom: {RuleARNNotCoveringFrom, Error, "The identity of X-SES-FROM-ARN (or of " +
		"X-SES-SOURCE-ARN when there is no X-SES-FROM-ARN) does not cover the From address."},
	rSourceARNWithoutFromARN: {RuleSourceARNWithoutFromARN, Warning, "X-SES-SOURCE-ARN without X-SES-FROM-ARN " +
		"in a message with a From field; users report SES then needs the FromArn."},
	rARNRegion: {RuleARNRegion, Error, "An identity ARN is not usable from Options.Region (error), or two ARNs " +
		"name different regions (warning); delegates must send from the identity's region."},
	rDKIMMultiple: {RuleDKIMMultiple, Error, "More than one DKIM-Signature; SES rejects the message with " +
		"\"Duplicate header 'DKIM-Signature'\"."},
	rDKIMSignsStripped: {RuleDKIMSignsStripped, Error, "A DKIM-Signature's h= names an X-SES-* header; SES " +
		"removes those before delivery, so the signature never verifies."},
	rDKIMSignsRewritten: {RuleDKIMSignsRewritten, Error, "A DKIM-Signature's h= names Message-ID, Date, " +
		"Return-Path or Bounces-To, which SES overrides (\"Don't sign the following fields\")."},
	rDKIMSyntax: {RuleDKIMSyntax, Warning, "A DKIM-Signature's tag list is malformed, lacks a required tag " +
		"(v, a, b, bh, d, h, s) or does not sign From."},
	rListManagementSigned: {RuleListManagementSigned, Warning, "X-SES-LIST-MANAGEMENT-OPTIONS in a message " +
		"signed before SES: SES cannot add unsubscribe links to self-signed messages."},
	rUnsubscribeConflict: {RuleUnsubscribeConflict, Error, "List-Unsubscribe-Post: List-Unsubscribe=One-Click " +
		"together with X-SES-LIST-MANAGEMENT-OPTIONS: SES subscription management writes List-Unsubscribe and " +
		"List-Unsubscribe-Post itself (the builder refuses the combination, ErrUnsubscribeConflict)."},
	rUnsubscribeOneClick: {RuleUnsubscribeOneClick, Warning, "List-Unsubscribe-Post without a List-Unsubscribe " +
		"field naming an https URI, or with a value other than List-Unsubscribe=One-Click (RFC 8058 section 3.1)."},
	rAttachmentExtension: {RuleAttachmentExtension, Error, "An attachment's file name has one of the 90 " +
		"extensions SES does not accept (SES unsupported attachment types)."},
	rAttachmentEncoding: {RuleAttachmentEncoding, Info, "An attachment is not base64-encoded; the SES guide " +
		"says attachments have to be."},
	rMIMEStructure: {RuleMIMEStructure, Error, "Broken MIME structure: a multipart without boundary, a boundary " +
		"that never occurs or repeats an enclosing one, a multipart without parts, a malformed part " +
		"header (\"Each part of a multipart MIME message must be formatted properly\")."},
	rMIMEParams: {RuleMIMEParams, Warning, "A Content-Type or Content-Disposition value is malformed, or a " +
		"boundary breaks RFC 2046 (1 to 70 characters of a restricted set)."},
	rMIMEUnterminated: {RuleMIMEUnterminated, Warning, "A multipart has no closing boundary delimiter."},
	rMIMELimit: {RuleMIMELimit, Warning, "The MIME tree exceeds preflight's bounds (nesting, part count, " +
		"part header size); the rest was not walked."},
	rPolicyDenied: {RulePolicyDenied, Error, "With Options.Policy: the identity owner's sending authorization " +
		"policy would refuse this delegated send (\"is not authorized to perform ses:SendRawEmail\"), judged " +
		"offline by package sespolicy."},
}

// Rules returns the catalogue of rules, in a fixed order. The caller may modify the returned slice.
func Rules() []Rule { return slices.Clone(catalogue[:]) }

// perRuleCap is how many findings a rule reports before the rest are summarized in one finding.
func perRuleCap(r int) int {
	switch r {
	case rLineLength, rBareLF, rBareCR, rBody8bit, rHeaderSyntax:
		return 1
	}
	return 20
}
