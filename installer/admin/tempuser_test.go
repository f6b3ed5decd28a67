package admin_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/adminfixture"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestTempAccountEveryLine: the temporary Administrator logs in with the
// line's password hashing, can install, and is gone after Remove, record
// and all.
func TestTempAccountEveryLine(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range imitationVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, env, v, adminfixture.Options{}, fixture.Options{})
			ctx := ctxT(t)
			d, sc := s.storeDB(t)
			dir := t.TempDir()
			acc, err := admin.CreateTempAccount(ctx, d, sc, s.dialect.Line, admin.RecordPlace{DataDir: dir, Root: s.Remote, Database: s.DB.Name, Prefix: s.Prefix})
			if err != nil {
				t.Fatal(err)
			}
			if left, err := admin.Leftovers(dir); err != nil || len(left) != 1 || left[0].Username != acc.Username || left[0].UserID != acc.UserID {
				t.Fatalf("record %+v %v", left, err)
			}
			sess, err := admin.Open(ctx, s.admin.URL, s.dialect, acc.Login, admin.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Install(ctx, s.ext); err != nil {
				t.Fatal(err)
			}
			if err := sess.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if err := acc.Remove(ctx); err != nil {
				t.Fatal(err)
			}
			q := s.StoreDB(t)
			if n := queryInt(t, q, "SELECT COUNT(*) FROM "+s.Table("user")+" WHERE username LIKE 'ocsetup\\_%'"); n != 0 {
				t.Fatalf("%d temporary accounts left", n)
			}
			if n := queryInt(t, q, "SELECT COUNT(*) FROM "+s.Table("user")+" WHERE user_id = 1"); n != 1 {
				t.Fatal("the store's own admin is gone")
			}
			if left, _ := admin.Leftovers(dir); len(left) != 0 {
				t.Fatalf("records left: %+v", left)
			}
			_, err = admin.Open(ctx, s.admin.URL, s.dialect, acc.Login, admin.Options{})
			var le *admin.LoginError
			if !errors.As(err, &le) || le.Reason != admin.WrongLogin {
				t.Fatalf("login after removal: %v", err)
			}
		})
	}
}

// Environment of the child process of TestTempAccountAfterKill.
const (
	childVar   = "OCSETUP_ADMIN_TEST_CHILD"
	childDir   = "OCSETUP_ADMIN_TEST_DATADIR"
	childRoot  = "OCSETUP_ADMIN_TEST_ROOT"
	childVer   = "OCSETUP_ADMIN_TEST_VERSION"
	childMarks = "created "
)

// TestTempAccountChild is the run that gets killed: it makes the account
// and dies by SIGKILL, so nothing of Go's runs after it.
func TestTempAccountChild(t *testing.T) {
	if os.Getenv(childVar) != "1" {
		t.Skip("only as the child of TestTempAccountAfterKill")
	}
	env := testenv.Get(t)
	v := os.Getenv(childVer)
	d, sc := connectStore(t, env.Site(t, testenv.SFTP), os.Getenv(childRoot), v, "admin")
	line, _ := store.LineOf(v)
	acc, err := admin.CreateTempAccount(ctxT(t), d, sc, line, admin.RecordPlace{DataDir: os.Getenv(childDir), Root: os.Getenv(childRoot)})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString(childMarks + acc.Username + "\n")
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
}

// TestTempAccountAfterKill: a run killed while its temporary account
// exists leaves a record; CleanupLeftovers at the next start removes the
// account and the record.
func TestTempAccountAfterKill(t *testing.T) {
	env := testenv.Get(t)
	// 2.0 does not run on PHP 8.2 (a fixture store); 3.0 and 4.1 are the
	// real stores.
	for _, v := range []string{"2.0.3.1", "3.0.3.9", "4.1.0.4"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			var root, user string
			var q *sql.DB
			var storeDB func(t *testing.T) (db.DB, *db.Schema)
			if slices.Contains(imitationVersions, v) {
				s := newStore(t, env, v, adminfixture.Options{}, fixture.Options{})
				root, user, q, storeDB = s.Remote, s.Table("user"), s.StoreDB(t), s.storeDB
			} else {
				rs := env.Store(t, v)
				root, user, q = rs.Root, "oc_user", realSQL(t, env, rs)
				site := env.Site(t, testenv.SFTP)
				storeDB = func(t *testing.T) (db.DB, *db.Schema) { return connectStore(t, site, rs.Root, rs.Version, rs.AdminDir) }
			}
			dir := t.TempDir()
			cmd := exec.CommandContext(ctxT(t), os.Args[0], "-test.run=^TestTempAccountChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), childVar+"=1", childDir+"="+dir, childRoot+"="+root, childVer+"="+v)
			out, err := cmd.Output()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the child was not killed: %v\n%s", err, out)
			}
			_, name, ok := strings.Cut(string(out), childMarks)
			name = strings.TrimSpace(name)
			if !ok || !strings.HasPrefix(name, admin.TempUserPrefix) {
				t.Fatalf("child output %q", out)
			}
			if n := queryInt(t, q, "SELECT COUNT(*) FROM "+user+" WHERE username = ?", name); n != 1 {
				t.Fatalf("the killed run's account is not there (%d)", n)
			}

			// The next start.
			ctx := ctxT(t)
			d, sc := storeDB(t)
			res, err := admin.CleanupLeftovers(ctx, dir, func(_ context.Context, p admin.RecordPlace) (db.DB, *db.Schema, func(), error) {
				if p.Root != root {
					return nil, nil, nil, admin.ErrSkipStore
				}
				return d, sc, nil, nil
			})
			if err != nil || len(res) != 1 || !res[0].Removed || res[0].Record.Username != name {
				t.Fatalf("cleanup %+v %v", res, err)
			}
			if n := queryInt(t, q, "SELECT COUNT(*) FROM "+user+" WHERE username = ?", name); n != 0 {
				t.Fatal("the account is still there")
			}
			if left, _ := admin.Leftovers(dir); len(left) != 0 {
				t.Fatalf("records left: %+v", left)
			}
		})
	}
}
