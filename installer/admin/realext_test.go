package admin_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// placeOcpay puts the test extension's files into the store as an FTP
// upload would, and on 4.x registers its folder as the store's extension
// installer does (the admin loads extension classes only from there).
func placeOcpay(t *testing.T, env *testenv.Env, rs testenv.RealStore, q *sql.DB) {
	t.Helper()
	files, err := testext.Files(rs.Line)
	if err != nil {
		t.Fatal(err)
	}
	for rel, b := range files {
		p := filepath.Join(rs.Root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := testenv.ChownTree(rs.Root, rs.Owner, rs.Group); err != nil {
		t.Fatal(err)
	}
	if rs.Line == "4.0" || rs.Line == "4.1" {
		cols, vals := "extension_id, extension_download_id, name, code, version, author, link, status, date_added", "0, 0, 'ocpay', 'ocpay', '1.0', 'ocsetup', '', 1, NOW()"
		if rs.Line == "4.1" {
			cols, vals = cols+", description", vals+", ''"
		}
		if _, err := q.Exec("INSERT INTO oc_extension_install (" + cols + ") VALUES (" + vals + ")"); err != nil {
			t.Fatal(err)
		}
	}
}

func realSQL(t *testing.T, env *testenv.Env, rs testenv.RealStore) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = rs.DBUser, rs.DBPassword, "tcp", env.MySQL.Addr(), rs.Database
	q, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// TestRealInstallSaveUninstall drives the admin of every real line with a
// payment extension shaped like the vendors' (required fields, a hidden
// error block, a multi-select): install (its install() makes its table),
// read its form, post it with a required field empty and read the store's
// error, save it, read the values back, and uninstall (its uninstall()
// drops the table).
func TestRealInstallSaveUninstall(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			rs := env.Store(t, v)
			q := realSQL(t, env, rs)
			placeOcpay(t, env, rs, q)
			ctx := ctxT(t)
			sess, err := admin.Open(ctx, rs.URL+rs.AdminDir+"/", realDialect(t, rs), admin.Login{Username: rs.AdminUser, Password: rs.AdminPassword}, admin.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close(ctx)
			ext := admin.Extension{Type: "payment", Code: testext.Code, Folder: testext.Code}
			if err := sess.Install(ctx, ext); err != nil {
				t.Fatal(err)
			}
			tables := func() int {
				var n int
				if err := q.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'oc_ocpay_transaction'", rs.Database).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if tables() != 1 {
				t.Fatal("install() did not run: no oc_ocpay_transaction")
			}

			p := testext.Prefix(rs.Line)
			page, err := sess.OpenSettings(ctx, ext)
			if err != nil {
				t.Fatal(err)
			}
			// The page always carries the hidden "Payment Terms" error
			// block: it is judged by what it shows.
			if len(page.Notices) != 0 {
				t.Fatalf("the hidden alert read as a notice: %q", page.Notices)
			}
			for _, name := range []string{p + "status", p + "merchant_id", p + "secret", p + "order_status_id", p + "sort_order"} {
				if page.Form.Field(name) == nil {
					t.Fatalf("the form has no field %s", name)
				}
			}
			if err := page.Form.Set(p+"merchant_id", ""); err != nil {
				t.Fatal(err)
			}
			if err := page.Form.Set(p+"secret", "s3cret"); err != nil {
				t.Fatal(err)
			}
			res, err := sess.Save(ctx, page.Form)
			if err != nil || res.Saved || len(res.Errors) != 1 || res.Errors[0].Field != p+"merchant_id" || !strings.Contains(res.Errors[0].Message, "Merchant ID") || strings.Contains(fmt.Sprint(res.Err()), "Payment Terms") {
				t.Fatalf("a required field left empty: got %+v, %v; want the store's own error on %smerchant_id", res, err, p)
			}
			var n int
			if err := q.QueryRow("SELECT COUNT(*) FROM oc_setting WHERE `key` = ?", p+"merchant_id").Scan(&n); err != nil || n != 0 {
				t.Fatalf("the refused save wrote %d rows (%v)", n, err)
			}

			page, err = sess.OpenSettings(ctx, ext)
			if err != nil {
				t.Fatal(err)
			}
			for name, val := range map[string]string{p + "merchant_id": "M-4711", p + "secret": "s3cret", p + "status": "1"} {
				if err := page.Form.Set(name, val); err != nil {
					t.Fatal(err)
				}
			}
			if res, err := sess.Save(ctx, page.Form); err != nil || !res.Saved || len(res.Warnings) != 0 || len(res.Errors) != 0 {
				t.Fatalf("save read as %+v, %v", res, err)
			}
			var got string
			if err := q.QueryRow("SELECT value FROM oc_setting WHERE `key` = ?", p+"merchant_id").Scan(&got); err != nil || got != "M-4711" {
				t.Fatalf("merchant_id = %q (%v)", got, err)
			}

			if err := sess.Uninstall(ctx, ext); err != nil {
				t.Fatal(err)
			}
			if tables() != 0 {
				t.Fatal("uninstall() did not run: oc_ocpay_transaction is still there")
			}
		})
	}
}

// imitationVersions are the lines that cannot run on PHP 8.2, whose admin
// only our PHP imitation stands for; every later line is tested on a real
// store.
var imitationVersions = []string{"1.5.6.4", "2.0.3.1", "2.1.0.2", "2.2.0.0"}

// TestRealTempAccount: the temporary Administrator logs in to every real
// line (its own password hashing), can install an extension, and is gone
// after Remove, record and all; its login then fails.
func TestRealTempAccount(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			rs := env.Store(t, v)
			q := realSQL(t, env, rs)
			placeOcpay(t, env, rs, q)
			ctx := ctxT(t)
			site := env.Site(t, testenv.SFTP)
			d, sc := connectStore(t, site, rs.Root, rs.Version, rs.AdminDir)
			dir := t.TempDir()
			dl := realDialect(t, rs)
			acc, err := admin.CreateTempAccount(ctx, d, sc, dl.Line, admin.RecordPlace{DataDir: dir, Root: rs.Root, Database: rs.Database, Prefix: "oc_"})
			if err != nil {
				t.Fatal(err)
			}
			sess, err := admin.Open(ctx, rs.URL+rs.AdminDir+"/", dl, acc.Login, admin.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Install(ctx, admin.Extension{Type: "payment", Code: testext.Code, Folder: testext.Code}); err != nil {
				t.Fatal(err)
			}
			if err := sess.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if err := acc.Remove(ctx); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := q.QueryRow("SELECT COUNT(*) FROM oc_user WHERE username LIKE 'ocsetup\\_%'").Scan(&n); err != nil || n != 0 {
				t.Fatalf("%d temporary accounts left (%v)", n, err)
			}
			if left, _ := admin.Leftovers(dir); len(left) != 0 {
				t.Fatalf("records left: %+v", left)
			}
			_, err = admin.Open(ctx, rs.URL+rs.AdminDir+"/", dl, acc.Login, admin.Options{})
			var le *admin.LoginError
			if !errors.As(err, &le) || le.Reason != admin.WrongLogin {
				t.Fatalf("login after removal: %v", err)
			}
		})
	}
}
