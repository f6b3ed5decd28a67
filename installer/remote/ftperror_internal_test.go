package remote

import (
	"context"
	"net/textproto"
	"testing"
)

// The reply codes shared hosts give, mapped to what the user can act on.
func TestFTPReplyClasses(t *testing.T) {
	cases := []struct {
		op   string
		mode Protocol
		code int
		msg  string
		want Kind
	}{
		{"login", FTPS, 530, "Login incorrect.", KindAuth},
		{"login", FTP, 530, "Non-anonymous sessions must use encryption.", KindTLSRequired},
		{"connect", FTP, 421, "There are too many connections from your internet address.", KindTooMany},
		{"upload /x", FTPS, 522, "SSL connection failed: session reuse required", KindTLSResumption},
		{"upload /x", FTPS, 425, "Unable to build data connection: TLS session of data connection not resumed.", KindTLSResumption},
		{"upload /x", FTP, 425, "Can't open data connection.", KindReset},
		{"AUTH TLS", FTPS, 500, "AUTH not understood", KindTLSNotOffered},
		{"AUTH TLS", FTPS, 530, "Please login with USER and PASS.", KindTLSNotOffered},
		{"upload /x", FTPS, 550, "Permission denied.", KindPermission},
		{"download /x", FTPS, 550, "Failed to open file.", KindNotFound},
		{"upload /x", FTPS, 553, "Could not create file.", KindPermission},
	}
	for _, c := range cases {
		err := ftpError(context.Background(), c.op, "h:21", &textproto.Error{Code: c.code, Msg: c.msg}, c.mode)
		if KindOf(err) != c.want {
			t.Errorf("%s %d %q: kind %d, want %d", c.op, c.code, c.msg, KindOf(err), c.want)
		}
		if c.want == KindTooMany || c.want == KindTLSResumption || c.want == KindReset {
			if !IsTransient(err) {
				t.Errorf("%d should be retried", c.code)
			}
		} else if IsTransient(err) {
			t.Errorf("%d should not be retried", c.code)
		}
	}
}
