// Package fuzz holds the cross-package fuzz targets and reliability tests of sesraw. They use only
// the public API of the library packages (builder, xheaders, multipart, dkim, sesapi) and check
// the message invariants of the design document end to end:
//
//   - FuzzAddressList: address lists survive builder -> header -> net/mail and go-message.
//   - FuzzBuildRoundTrip: random messages build to bytes that keep invariants 1-8 and parse back
//     to the same content.
//   - FuzzSignStripVerify: signatures made in one piece, by streaming in chunks of any size and
//     by the Builder are identical and verify before and after SES removes its X-SES headers.
//   - TestCatalogue: hostile and malformed inputs, each with its exact typed error and no output.
//   - TestScale*: streaming a 60 MB attachment from a file in constant memory, and size limits
//     enforced before they are crossed; TestConcurrent*: shared Builders and Signers under -race.
//
// Package-internal fuzz targets stay beside their code; scripts/fuzz-smoke.sh runs all of them.
// This package has no API of its own.
package fuzz
