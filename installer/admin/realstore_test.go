package admin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// realDialect is the dialect of a real store of the test environment.
func realDialect(t *testing.T, rs testenv.RealStore) admin.Dialect {
	t.Helper()
	d, err := admin.DialectFor(store.Line(rs.Line), rs.Version)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRealLogin logs in to the admin of every real OpenCart line, on the
// clean store and on its noisy twin (PHP messages before every answer).
// Up to 3.0 the noisy admin cannot log in at all (its redirect is lost
// after the messages): the error must say so, not "wrong password". From
// 4.0 the login answers JSON, which is read behind the messages.
func TestRealLogin(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			rs := env.Store(t, v)
			d := realDialect(t, rs)
			ctx := ctxT(t)
			good := admin.Login{Username: rs.AdminUser, Password: rs.AdminPassword}

			sess, err := admin.Open(ctx, rs.URL+rs.AdminDir+"/", d, good, admin.Options{})
			if err != nil {
				t.Fatalf("clean store: %v", err)
			}
			if n, ex := sess.PHPMessages(); n != 0 {
				t.Errorf("clean store printed %d PHP messages: %s", n, ex)
			}
			if err := sess.Close(ctx); err != nil {
				t.Fatal(err)
			}

			_, err = admin.Open(ctx, rs.URL+rs.AdminDir+"/", d, admin.Login{Username: rs.AdminUser, Password: "wrong-" + rs.AdminPassword}, admin.Options{})
			var le *admin.LoginError
			if !errors.As(err, &le) || le.Reason != admin.WrongLogin {
				t.Fatalf("wrong password on the clean store: got %v, want %s", err, admin.WrongLogin)
			}

			if v == "4.1.0.4" {
				// Two-factor authorisation, a setting of 4.1's own.
				q := realSQL(t, env, rs)
				if _, err := q.Exec("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'config', 'config_user_2fa', '1', 0)"); err != nil {
					t.Fatal(err)
				}
				_, err = admin.Open(ctx, rs.URL+rs.AdminDir+"/", d, good, admin.Options{})
				if !errors.As(err, &le) || le.Reason != admin.TwoFactor || !strings.Contains(err.Error(), "code sent by e-mail") {
					t.Fatalf("4.1 with two-factor: got %v, want %s", err, admin.TwoFactor)
				}
				if _, err := q.Exec("DELETE FROM oc_setting WHERE `key` = 'config_user_2fa'"); err != nil {
					t.Fatal(err)
				}
			}

			env.MakeNoisy(t, rs)
			sess, err = admin.Open(ctx, rs.URL+rs.AdminDir+"/", d, good, admin.Options{})
			if !d.JSON() {
				if !errors.As(err, &le) || le.Reason != admin.PHPOutput || !strings.Contains(err.Error(), "Display Errors") {
					t.Fatalf("noisy %s: got %v, want %s naming Display Errors", v, err, admin.PHPOutput)
				}
				return
			}
			if err != nil {
				t.Fatalf("noisy %s: %v", v, err)
			}
			defer sess.Close(ctx)
			if n, _ := sess.PHPMessages(); n == 0 {
				t.Errorf("noisy %s: the admin printed no PHP messages (the noise module is not loaded there)", v)
			}
		})
	}
}
