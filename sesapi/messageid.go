package sesapi

import "strings"

// RecipientMessageID returns the Message-ID that recipients see on a message SES sent, given the
// message id SES returned (SendRawEmail, SendEmail, SESv2 SendEmail, or the SMTP "Ok ID" reply)
// and the Region of the endpoint that sent it, without angle brackets: "ID@email.amazonses.com"
// for us-east-1 and "ID@REGION.amazonses.com" for every other Region.
//
// SES replaces the Message-ID of every message it sends, so a reply from a recipient names this
// id in In-Reply-To and References, not the one the message was built with. Store it with the
// message and put it in builder.Message.InReplyTo and References when you write the next message
// of the thread. The form is what SES users observe and what nodemailer's SES transport derives;
// AWS does not document it (UNCONFIRMED), and for partitions other than aws (aws-cn, aws-us-gov)
// the domain is UNCONFIRMED. It returns "" when id or region is empty or has a character that
// cannot stand in a msg-id (SES ids are letters, digits and '-').
func RecipientMessageID(id, region string) string {
	if !idChars(id) || !regionChars(region) {
		return ""
	}
	if region == "us-east-1" {
		return id + "@email.amazonses.com"
	}
	return id + "@" + region + ".amazonses.com"
}

func idChars(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return s[0] != '.' && s[len(s)-1] != '.' && !strings.Contains(s, "..")
}

func regionChars(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s[0] != '-' && s[len(s)-1] != '-'
}
