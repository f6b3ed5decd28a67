package access_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// sshRunner connects to the test sshd as the account with a shell.
func sshRunner(t *testing.T) access.Runner {
	t.Helper()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(context.Background(), remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port,
		User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	var r access.Runner
	_ = pool.Do(context.Background(), func(c remote.Conn) error {
		client, ok := remote.SSHClient(c)
		if !ok {
			t.Fatal("no SSH client under an SFTP connection")
		}
		r = access.SSHRunner{Client: client}
		return nil
	})
	// Every test starts from, and leaves, an empty crontab of the account.
	env.Lock(t, "crontab-"+ts.User)
	_, _, _, _ = r.Run(context.Background(), "crontab -r", nil)
	t.Cleanup(func() { _, _, _, _ = r.Run(context.Background(), "crontab -r", nil) })
	return r
}

func crontab(t *testing.T, r access.Runner) string {
	t.Helper()
	out, _, _, err := r.Run(context.Background(), "crontab -l 2>/dev/null", nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestCronAddedOnceAndRolledBack(t *testing.T) {
	r := sshRunner(t)
	ctx := context.Background()
	// The user's own line must survive everything we do.
	mine := "30 2 * * * /usr/bin/true # the user's own job\n"
	if _, _, exit, err := r.Run(ctx, "crontab -", []byte(mine)); err != nil || exit != 0 {
		t.Fatalf("seed crontab: %v %d", err, exit)
	}
	job := access.Job{ID: "onebox:/home/u/shop", Schedule: "0 * * * *", Command: "wget -q -O /dev/null 'https://shop.example/catalog/onebox/cron.php?a=1%2F'"}
	res, err := access.EnsureCron(ctx, r, job)
	if err != nil || res != access.CronAdded {
		t.Fatalf("first run: %v %v", res, err)
	}
	res, err = access.EnsureCron(ctx, r, job)
	if err != nil || res != access.CronUnchanged {
		t.Fatalf("second run: %v %v", res, err)
	}
	tab := crontab(t, r)
	if strings.Count(tab, "onebox/cron.php") != 1 || !strings.HasPrefix(tab, mine) || !strings.Contains(tab, `a=1\%2F`) {
		t.Fatalf("crontab:\n%s", tab)
	}
	job.Schedule = "15 * * * *"
	if res, err := access.EnsureCron(ctx, r, job); err != nil || res != access.CronUpdated {
		t.Fatalf("changed schedule: %v %v", res, err)
	}
	if tab := crontab(t, r); strings.Count(tab, "onebox/cron.php") != 1 || !strings.Contains(tab, "15 * * * *") {
		t.Fatalf("after update:\n%s", tab)
	}
	removed, err := access.RemoveCron(ctx, r, job.ID)
	if err != nil || !removed {
		t.Fatalf("rollback: %v %v", removed, err)
	}
	if tab := crontab(t, r); tab != mine {
		t.Fatalf("after rollback:\n%q\nwant\n%q", tab, mine)
	}
	if removed, err := access.RemoveCron(ctx, r, job.ID); err != nil || removed {
		t.Fatalf("second rollback: %v %v", removed, err)
	}
}

func TestCronUserLineNotDuplicated(t *testing.T) {
	r := sshRunner(t)
	ctx := context.Background()
	cmd := "php /home/u/shop/catalog/onebox/cron.php"
	if _, _, exit, err := r.Run(ctx, "crontab -", []byte("0 * * * * "+cmd+"\n")); err != nil || exit != 0 {
		t.Fatal(err, exit)
	}
	res, err := access.EnsureCron(ctx, r, access.Job{ID: "onebox:x", Schedule: "0 * * * *", Command: cmd})
	if err != nil || res != access.CronPresent {
		t.Fatalf("%v %v", res, err)
	}
	if tab := crontab(t, r); strings.Count(tab, cmd) != 1 {
		t.Fatalf("duplicated:\n%s", tab)
	}
}

func TestCronBadJobs(t *testing.T) {
	for _, j := range []access.Job{
		{ID: "x", Schedule: "hourly", Command: "true"},
		{ID: "x", Schedule: "0 * * *", Command: "true"},
		{ID: "", Schedule: "0 * * * *", Command: "true"},
		{ID: "x", Schedule: "0 * * * *", Command: "true\nrm -rf ~"},
	} {
		if _, err := j.Line(); err == nil {
			t.Errorf("%+v accepted", j)
		}
	}
}

func TestNoShellMeansNoCrontab(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTPJail) // ForceCommand internal-sftp: no shell
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(context.Background(), remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port,
		User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	err = pool.Do(context.Background(), func(c remote.Conn) error {
		client, _ := remote.SSHClient(c)
		_, err := access.EnsureCron(context.Background(), access.SSHRunner{Client: client},
			access.Job{ID: "x", Schedule: "@hourly", Command: "true"})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "cannot use crontab") {
		t.Fatalf("got %v", err)
	}

}
