// Package sesapitest runs an in-process Amazon SES endpoint on loopback for tests, the way
// net/http/httptest runs an HTTP server: point the aws-sdk-go-v2 ses and sesv2 clients at
// [Server.URL] with BaseEndpoint, send, then
// read what SES received from [Server.Records]: the raw bytes as received, every request
// parameter, the X-SES headers as SES reads them (first instance wins), the delegation SES acts on
// after its precedence rules, and the message as delivered (X-SES headers removed).
//
// # Operations
//
//   - v1 (Query/XML, POST /): SendRawEmail, SendEmail, SendTemplatedEmail, GetSendQuota,
//     CreateTemplate.
//   - v2 (REST/JSON): SendEmail with Raw, Simple or Template content, SendBulkEmail, GetAccount,
//     CreateEmailTemplate.
//
// # Checks
//
// The server answers as SES does, with SES's error codes and texts: the size limit per API,
// 50 recipients, malformed addresses, message tags outside SES's character set, a header SES
// allows once appearing twice (DKIM-Signature among them), identities
// verified per account and Region ([Server.Verify]), the Region of an identity ARN against the
// endpoint's, the maximum sending rate (a token bucket in recipients per second) and the daily
// quota, and an authorization hook ([Options.Authorize]) for sending authorization policies.
// Each check can be switched off ([Options.Disable]). The caller's Region and access key come from
// each request's SigV4 credential scope; [Options.AccessKeys] maps access keys to accounts, and
// [Options.Secrets] makes the server verify the signatures as well.
// A clock the test controls ([Options.Now], [Clock]) drives the rate, the quota and the records.
//
// Throttling: v1 answers HTTP 400 Throttling "Maximum sending rate exceeded." or "Daily message
// quota exceeded."; v2 answers HTTP 429 TooManyRequestsException; SMTP 454 "Throttling failure:
// ...". See https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html.
//
// # Faults
//
// [Server.AddFault] makes the next requests slow, answers them with a 5xx status, drops the
// connection after the request was accepted and recorded (so the client cannot know whether SES
// took the message).
//
// # Independence
//
// This package reads raw messages with its own code and the standard library, so that a sender
// tested against it is not checked by the code it uses itself. It imports nothing of the module
// it tests.
//
// # Limits
//
// HTTP request bodies over 64 MiB are refused. A raw
// message's header block is read in time linear in its size.
package sesapitest
