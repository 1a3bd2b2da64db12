#!/usr/bin/python3
"""Writes msgs/naive.eml: a delegated-sending message signed the naive way, with Debian's
python3-dkim (dkimpy) covering X-SES-FROM-ARN in h=, so its signature breaks when SES removes the
X-SES headers. It also carries what inspect and lint must report: a later duplicate of
X-SES-SOURCE-ARN (SES ignores it), a folded value, an invalid tag, an unknown X-SES header, a Bcc
header and an attachment extension SES refuses.

Run from cmd/sesraw/testdata: /usr/bin/python3 msgs/make-naive.py. The output is committed and
the goldens depend on it; a rerun changes t= (dkimpy signs with the current time) and so b=.
"""
import dkim

msg = (
    b"X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n"
    b"X-SES-FROM-ARN:\r\n arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n"
    b"X-SES-CONFIGURATION-SET: transactional\r\n"
    b"X-SES-MESSAGE-TAGS: campaign=q3, bad tag=x\r\n"
    b"X-SES-SURPRISE: not a header SES knows\r\n"
    b"From: =?utf-8?q?B=C3=BCro_Example?= <sender@example.com>\r\n"
    b"To: a@example.org, \"B, Person\" <b@example.org>\r\n"
    b"Cc: c@example.org\r\n"
    b"Bcc: hidden@example.net\r\n"
    b"X-Ses-Source-Arn: arn:aws:ses:us-east-1:210987654321:identity/other.example\r\n"
    b"Subject: Delegated, signed naively\r\n"
    b"Date: Fri, 14 Mar 2025 15:09:26 +0100\r\n"
    b"Message-ID: <naive-1@platform.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    b"\r\n"
    b"--b1\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Gr=C3=BC=C3=9Fe\r\n"
    b"--b1\r\n"
    b"Content-Type: application/octet-stream; name=\"setup.exe\"\r\n"
    b"Content-Disposition: attachment; filename=\"setup.exe\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\r\n"
    b"--b1--\r\n"
)
key = open("dkim-test.pem", "rb").read()
sig = dkim.sign(msg, b"test", b"example.com", key,
                include_headers=[b"from", b"to", b"subject", b"x-ses-from-arn"])
open("msgs/naive.eml", "wb").write(sig + msg)
