#!/usr/bin/python3
"""Verify DKIM-signed messages with Debian's python3-dkim (dkimpy), independently of Go.

Usage: /usr/bin/python3 dkimverify.py DNS_JSON_FILE MESSAGE_FILE...

DNS_JSON_FILE maps TXT names ("selector._domainkey.example.com", no trailing dot) to record values;
no real DNS is queried. Every DKIM-Signature of every message is checked. One line per message is
printed: "PASS <file>" when all its signatures verify, else "FAIL <file> <reason>".
Exit status: 0 when every message passes, 1 when one fails, 2 on usage errors or when the dkim
module cannot be imported.
"""
import json
import sys

try:
    import dkim
except ImportError as e:  # the Go test turns this into a skip (or a failure in CI)
    print("python3-dkim not importable: %s" % e, file=sys.stderr)
    sys.exit(2)


def check(msg, dnsfunc):
    """Returns None when every signature of msg verifies, else the reason."""
    n = len([h for h in dkim.DKIM(msg).headers if h[0].lower() == b"dkim-signature"])
    if n == 0:
        return "no DKIM-Signature"
    for i in range(n):
        d = dkim.DKIM(msg)
        try:
            if not d.verify(idx=i, dnsfunc=dnsfunc):
                return "signature %d did not verify" % i
        except dkim.DKIMException as e:
            return "signature %d: %s" % (i, e)
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "r") as f:
        records = {k.lower().rstrip("."): v for k, v in json.load(f).items()}

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        rec = records.get(name.lower().rstrip("."))
        return rec.encode("ascii") if rec is not None else None

    ok = True
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            raw = f.read()
        try:
            reason = check(raw, dnsfunc)
        except Exception as e:  # dkimpy raises more than DKIMException on odd input
            reason = "%s: %s" % (type(e).__name__, e)
        if reason is None:
            print("PASS %s" % path)
        else:
            print("FAIL %s %s" % (path, reason))
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
