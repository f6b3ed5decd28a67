package db

import (
	"crypto/tls"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

const fakePassword = "s3cret:pa ss@/'word"

func fakeCreds(f *fakeMySQL) *Credentials {
	return &Credentials{Host: "127.0.0.1", Port: f.port(), User: "shop", Password: NewSecret(fakePassword), Database: "shop"}
}

func trustIn(t *testing.T) *remote.Trust {
	return remote.NewTrust(t.TempDir())
}

func pin(t *testing.T, tr *remote.Trust, f *fakeMySQL, cert []byte) {
	t.Helper()
	line := "127.0.0.1:" + itoa(f.port()) + " " + remote.FingerprintSHA256(cert) + "\n"
	if err := os.WriteFile(tr.KnownCerts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A server that asks for the password itself (sha256_password,
// caching_sha2_password full authentication, mysql_clear_password) never
// receives it, neither in clear nor RSA-wrapped, when its identity is not
// verified: over its own self-signed TLS the certificate is refused
// first, and without TLS the RSA key or the clear-text request is.
func TestMySQLPasswordNeverToUnverifiedServer(t *testing.T) {
	for _, offerTLS := range []bool{true, false} {
		for _, mode := range []string{"sha256_password", "caching_sha2_full", "mysql_clear_password"} {
			name := mode + "/plain"
			if offerTLS {
				name = mode + "/self-signed TLS"
			}
			t.Run(name, func(t *testing.T) {
				var cert *tls.Certificate
				if offerTLS {
					cert = selfSigned(t)
				}
				f := newFakeMySQL(t, mode, fakePassword, cert)
				tr := trustIn(t)
				_, err := openDirect(ctxT(t), fakeCreds(f), "127.0.0.1", tr)
				if err == nil {
					t.Fatal("the login to the hostile server worked")
				}
				if got, _ := f.received(); got {
					t.Fatalf("the hostile server received the password (%v)", err)
				}
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T %v, want *Error", err, err)
				}
				msg := err.Error()
				if offerTLS {
					fp := remote.FingerprintSHA256(cert.Certificate[0])
					if e.Kind != KindCertificate || !strings.Contains(msg, fp) {
						t.Fatalf("kind %v, message %q: want the untrusted certificate named by %s", e.Kind, msg, fp)
					}
					if _, err := os.Stat(tr.KnownCerts); err == nil {
						t.Fatal("a refused certificate was pinned")
					}
				} else if e.Kind != KindSkipped || !strings.Contains(msg, "no TLS") {
					t.Fatalf("kind %v, message %q: want the route skipped because the server wants the password without TLS", e.Kind, msg)
				}
				if strings.Contains(msg, fakePassword) {
					t.Fatalf("the message holds the password: %s", msg)
				}
			})
		}
	}
}

// The same server with its certificate pinned is verified: the password
// goes to it over TLS. This is also what shows the hostile server would
// notice the password if it came.
func TestMySQLPinnedCertificateLogsIn(t *testing.T) {
	cert := selfSigned(t)
	f := newFakeMySQL(t, "sha256_password", fakePassword, cert)
	tr := trustIn(t)
	pin(t, tr, f, cert.Certificate[0])
	r, err := openDirect(ctxT(t), fakeCreds(f), "127.0.0.1", tr)
	if err != nil {
		t.Fatal(err)
	}
	r.close()
	if got, _ := f.received(); !got {
		t.Fatal("the pinned server did not receive the password: the test could not notice a leak")
	}
}

// A certificate accepted on first contact (--trust-new, or the
// fingerprint the user checked) is pinned after the login worked.
func TestMySQLFirstContactAcceptedIsPinned(t *testing.T) {
	cert := selfSigned(t)
	f := newFakeMySQL(t, "native", fakePassword, cert)
	tr := trustIn(t)
	tr.Accept = remote.FingerprintSHA256(cert.Certificate[0])
	r, err := openDirect(ctxT(t), fakeCreds(f), "127.0.0.1", tr)
	if err != nil {
		t.Fatal(err)
	}
	r.close()
	b, err := os.ReadFile(tr.KnownCerts)
	if err != nil || !strings.Contains(string(b), "127.0.0.1:"+itoa(f.port())+" "+tr.Accept) {
		t.Fatalf("known_certs %q (%v): want the accepted certificate pinned", b, err)
	}
}

// A pinned server that presents another certificate is a hard stop that
// names both fingerprints; so is one that stops offering TLS (stripping).
// Neither receives anything of the password.
func TestMySQLChangedCertificateOrStrippedTLSStops(t *testing.T) {
	old, now := selfSigned(t), selfSigned(t)
	t.Run("changed", func(t *testing.T) {
		f := newFakeMySQL(t, "sha256_password", fakePassword, now)
		tr := trustIn(t)
		tr.TrustNew = true // a changed certificate is refused regardless
		pin(t, tr, f, old.Certificate[0])
		_, err := openDirect(ctxT(t), fakeCreds(f), "127.0.0.1", tr)
		if got, _ := f.received(); got {
			t.Fatal("the server with a changed certificate received the password")
		}
		msg := errString(err)
		for _, fp := range []string{remote.FingerprintSHA256(old.Certificate[0]), remote.FingerprintSHA256(now.Certificate[0])} {
			if !strings.Contains(msg, fp) {
				t.Fatalf("message %q does not name %s", msg, fp)
			}
		}
		if !hardStop(err) {
			t.Fatalf("a changed certificate must stop Connect: %v", err)
		}
	})
	t.Run("stripped", func(t *testing.T) {
		f := newFakeMySQL(t, "native", fakePassword, nil)
		tr := trustIn(t)
		pin(t, tr, f, old.Certificate[0])
		_, err := openDirect(ctxT(t), fakeCreds(f), "127.0.0.1", tr)
		if got, n := f.received(); got || n != 0 {
			t.Fatalf("the server without TLS received %d bytes (password: %v)", n, got)
		}
		if !hardStop(err) || !strings.Contains(errString(err), remote.FingerprintSHA256(old.Certificate[0])) {
			t.Fatalf("want a hard stop naming the pinned certificate, got %v", err)
		}
	})
}

// A server without TLS that accepts a challenge response (the
// mysql_native_password scramble) still works: the password itself never
// travels.
func TestMySQLPlainChallengeResponseStillWorks(t *testing.T) {
	f := newFakeMySQL(t, "native", fakePassword, nil)
	r, err := openDirect(ctxT(t), fakeCreds(f), "127.0.0.1", trustIn(t))
	if err != nil {
		t.Fatal(err)
	}
	r.close()
	if got, _ := f.received(); got {
		t.Fatal("the password travelled")
	}
}

// Connect stops at a changed certificate instead of trying the other routes.
func TestConnectStopsAtChangedCertificate(t *testing.T) {
	old, now := selfSigned(t), selfSigned(t)
	f := newFakeMySQL(t, "native", fakePassword, now)
	tr := trustIn(t)
	pin(t, tr, f, old.Certificate[0])
	env := testenv.Get(t)
	pool := openPool(t, env.Site(t, testenv.FTP))
	_, attempts, err := Connect(ctxT(t), pool, fakeCreds(f), Options{Routes: []Route{RouteDirect, RouteBridge}, Trust: tr, DataDir: t.TempDir()})
	if err == nil || len(attempts) != 1 {
		t.Fatalf("attempts %v (%v): want only the direct route, stopped", attempts, err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The test MariaDB that offers TLS (with a certificate no authority
// signed): refused on first contact without consent, used over TLS once
// its fingerprint is accepted and pinned, and a hard stop when the pin
// names another certificate.
func TestMySQLTLSMariaDBPinning(t *testing.T) {
	env := testenv.Get(t)
	m := env.MySQLTLS
	if m.Port == 0 || m.CertSHA256 == "" {
		t.Fatal("the test servers have no MariaDB with TLS: restart them with this version of testservers")
	}
	ctx := ctxT(t)
	creds := &Credentials{Host: m.Host, Port: m.Port, User: m.User, Password: NewSecret(m.Password)}
	tr := trustIn(t)

	_, err := openDirect(ctx, creds, "127.0.0.1", tr)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindCertificate || !strings.Contains(err.Error(), m.CertSHA256) || hardStop(err) {
		t.Fatalf("first contact without consent: %v; want the route refused, naming %s, not a hard stop", err, m.CertSHA256)
	}

	tr.Accept = m.CertSHA256
	r, err := openDirect(ctx, creds, "127.0.0.1", tr)
	if err != nil {
		t.Fatalf("accepted certificate: %v", err)
	}
	var name, cipher string
	if err := r.db.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE 'Ssl_cipher'").Scan(&name, &cipher); err != nil || cipher == "" {
		t.Fatalf("Ssl_cipher %q (%v): the session is not under TLS", cipher, err)
	}
	r.close()

	tr.Accept = ""
	r, err = openDirect(ctx, creds, "127.0.0.1", tr)
	if err != nil {
		t.Fatalf("pinned certificate, no consent needed any more: %v", err)
	}
	r.close()

	other := remote.FingerprintSHA256([]byte("another certificate"))
	line := m.Addr() + " " + other + "\n"
	if err := os.WriteFile(tr.KnownCerts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	tr.TrustNew = true
	_, err = openDirect(ctx, creds, "127.0.0.1", tr)
	if !hardStop(err) || !strings.Contains(errString(err), other) || !strings.Contains(errString(err), m.CertSHA256) {
		t.Fatalf("changed certificate: %v; want a hard stop naming %s and %s", err, other, m.CertSHA256)
	}
}
