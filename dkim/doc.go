// Package dkim signs messages with DKIM (RFC 6376; rsa-sha256 and ed25519-sha256 of RFC 8463) using
// a header profile that is safe for Amazon SES, and verifies signatures both as built and after SES
// removes its X-SES-* headers.
//
// # The SES-safe header profile
//
// SES changes some header fields of every message it accepts, so a signature that covers them
// breaks on the way to the recipient. The profile therefore signs only fields that are present in
// the message, from this list, in this order in h=:
//
//	From, To, Cc, Reply-To, Subject, MIME-Version, Content-Type, Content-Transfer-Encoding,
//	In-Reply-To, References, List-Unsubscribe, List-Unsubscribe-Post, List-Id, Sender
//
// followed by the custom fields named in [Options.Headers]. It never signs, and [NewSigner] refuses
// to be told to sign (an error wrapping [ErrForbiddenHeader]):
//
//   - X-SES-* (any name with that prefix): SES removes all of them before delivery
//     ("Do not include these X-headers in the DKIM signature, because they are removed by Amazon SES
//     before sending the email",
//     https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html).
//   - Message-ID and Date: SES overrides them, and adds a Message-ID when there is none
//     (https://docs.aws.amazon.com/ses/latest/dg/header-fields.html; signing an absent Message-ID
//     broke DKIM in https://github.com/Mnexa-AI/e2a/pull/746).
//   - Return-Path and Bounces-To: SES rewrites Return-Path; the SES manual-DKIM page says not to sign
//     Message-ID, Date, Return-Path or Bounces-To
//     (https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-manual.html).
//   - DKIM-Signature: SES rejects a message with two ("Duplicate header 'DKIM-Signature'"), so a message that
//     already has one is refused with [ErrAlreadySigned].
//
// When the message carries X-SES-LIST-MANAGEMENT-OPTIONS, List-Unsubscribe and List-Unsubscribe-Post
// are left out as well: with subscription management SES overrides them
// (https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html).
//
// # Oversigning
//
// From, To, Cc, Reply-To and Subject are listed in h= once more than they occur (RFC 6376 §8.15), so
// that nobody can add another instance without breaking the signature; repeated fields are signed
// bottom-up (RFC 6376 §5.4.2). Only fields present in the message are oversigned: a name listed for
// an absent field would also forbid SES, or a mailing list, from adding it, and the one field SES adds
// to every message (Message-ID) is never listed at all.
//
// # Input
//
// [Signer.Sign] takes a raw message with CRLF line endings, as SES and SMTP require. It reads the
// header block with the one header grammar (package rawheader) and refuses, naming the problem,
// what that grammar reads as malformed (a line that is not a field, a bare CR) and what a signature
// cannot survive: a leading mbox From line, bare LF line endings, whitespace before a field's colon
// (obsolete syntax that verifiers disagree on), a missing empty line after the header block, a bare
// CR or LF in the body. Each is an error wrapping [ErrMalformedMessage]: the message is never
// altered, so convert line endings first. [Verify] is
// lenient and also reads LF-only messages, as go-msgauth does.
//
// Keep the body 7-bit (quoted-printable or base64 for anything else): SES does not preserve 8-bit
// content when open or click tracking is on
// (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html), and a body SES changes can no
// longer match bh=.
//
// For streaming, hash the body with [Signer.NewBodyHasher] while it is written (the state carries
// across Writes, so any chunking gives the same hash) and sign the header block with
// [Signer.AppendSignature]; the field goes on top of the header block. A writer that reserves the
// field's place before it writes the body reads the header block once with [Signer.Prepare]:
// [Prepared.Len] is the field's length, and [Prepared.AppendSignature] fills the place once the
// body hash is known. A writer that knows some of its bytes hold no SP and no HTAB (base64 lines)
// hands them to [BodyHasher.WriteNoWSP], which hashes them without scanning them;
// [Signer.ResetBodyHasher] readies a hasher for the next message instead of allocating one.
//
// # Concurrency
//
// A [Signer] is immutable after [NewSigner] and safe for concurrent use by any number of goroutines;
// per-call scratch space comes from a pool inside the Signer. A [BodyHasher] and a [Prepared] belong
// to one message at a time and one goroutine.
//
// # Performance
//
// Relaxed header canonicalization appends into a reused buffer without allocating; the
// DKIM-Signature field is built with append, without fmt; the body hasher hashes already-canonical
// lines straight from the caller's buffer (relaxed: every line before the next one with an HTAB,
// a run of WSP or WSP at its end, found in one pass, at once) and keeps fixed scratch space, so
// Write never allocates.
// Signing costs little more than SHA-256 over the message plus one private-key operation (see
// bench_test.go).
//
// # Verification
//
// [Verify] and [VerifyAfterSESStrip] wrap github.com/emersion/go-msgauth/dkim and report one [Result]
// per signature; a failure is a [*VerifyError] wrapping [ErrVerifyFailed], [ErrPermFail] or
// [ErrTempFail], so errors.Is and errors.As work. [TXTRecord] makes the DNS record for a key, which
// also lets tests verify without DNS through [VerifyOptions.LookupTXT].
package dkim
