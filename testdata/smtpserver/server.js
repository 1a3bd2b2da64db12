'use strict';
// An SMTP server nobody on this project wrote (nodemailer's smtp-server, pinned in
// package-lock.json), started by the sesapi tests on 127.0.0.1 to receive what the library's SMTP
// sender sends. Configuration comes from the environment:
//   SMTP_TLS   starttls (default): STARTTLS offered, AUTH only after it
//              implicit: TLS from the first byte
//              none: no STARTTLS, AUTH offered in plain text (the sender must refuse it)
//   SMTP_KEY, SMTP_CERT  PEM files of the server's key and certificate (starttls, implicit)
//   SMTP_USER, SMTP_PASS the only credentials accepted
//   SMTP_SIZE  the SIZE limit announced and enforced (bytes)
//   SMTP_AUTH_METHODS  the AUTH mechanisms offered, comma-separated (default PLAIN,LOGIN)
// It prints one JSON object per line on stdout: {"event":"listening","port":N} once, then
// {"event":"auth",...} for each AUTH and {"event":"message",...} for each message accepted, with
// DATA in base64 exactly as received (dot-unstuffed).
const fs = require('fs');
const { SMTPServer } = require('smtp-server');

const mode = process.env.SMTP_TLS || 'starttls';
const emit = obj => process.stdout.write(JSON.stringify(obj) + '\n');

const options = {
    secure: mode === 'implicit',
    authMethods: (process.env.SMTP_AUTH_METHODS || 'PLAIN,LOGIN').split(','),
    authOptional: false, // MAIL before AUTH: 530
    allowInsecureAuth: mode === 'none',
    disabledCommands: mode === 'none' ? ['STARTTLS'] : [],
    size: Number(process.env.SMTP_SIZE || 64 * 1024 * 1024),
    rejectOversized: true,
    logger: false,
    onAuth(auth, session, callback) {
        const ok = auth.username === process.env.SMTP_USER && auth.password === process.env.SMTP_PASS;
        emit({ event: 'auth', method: auth.method, user: auth.username, tls: !!session.secure, ok });
        if (!ok) {
            const err = new Error('Authentication Credentials Invalid');
            err.responseCode = 535;
            return callback(err);
        }
        callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
        const chunks = [];
        stream.on('data', c => chunks.push(c));
        stream.on('end', () => {
            if (stream.sizeExceeded) {
                return callback(null); // rejectOversized answers 552
            }
            emit({
                event: 'message',
                user: session.user || '',
                tls: !!session.secure,
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map(r => r.address),
                data: Buffer.concat(chunks).toString('base64')
            });
            callback(null, 'Ok ' + session.id);
        });
    }
};
if (mode !== 'none') {
    options.key = fs.readFileSync(process.env.SMTP_KEY);
    options.cert = fs.readFileSync(process.env.SMTP_CERT);
}

const server = new SMTPServer(options);
server.on('error', err => process.stderr.write('smtp-server: ' + err.message + '\n'));
server.listen(0, '127.0.0.1', () => emit({ event: 'listening', port: server.server.address().port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
