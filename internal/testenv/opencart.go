//go:build linux

package testenv

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
)

// ReleasesVar names the folder with the unmodified OpenCart release
// tarballs (opencart-<version>.tar.xz and SHA256SUMS). scripts/test sets it;
// docs/testing.md says where the releases come from.
const ReleasesVar = "OCSETUP_OPENCART_RELEASES"

// RealVersions are the releases installed as real stores, oldest first.
var RealVersions = []string{"2.3.0.2", "3.0.3.9", "4.0.2.3", "4.1.0.4"}

// startOpenCart installs every release found in dir as a real store of the
// store account: its files under the account's home, its own database and
// database user, served by its own PHP built-in server running as the
// account (files and PHP share one owner, as on shared hosting). Each store
// is snapshot after the install so that a test can start from a fresh one
// in seconds (RealStore.Restore).
func (s *Servers) startOpenCart(ctx context.Context, dir string, owner *account, home string) error {
	if dir == "" {
		s.Env.RealStoresMissing = "$" + ReleasesVar + " is not set"
		return nil
	}
	sums, err := readSums(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		s.Env.RealStoresMissing = fmt.Sprintf("no OpenCart releases in %s (%v): put the release tarballs opencart-<version>.tar.xz of %s and their SHA256SUMS there", dir, err, strings.Join(RealVersions, ", "))
		return nil
	}
	s.Env.Stores = map[string]RealStore{}
	for _, v := range RealVersions {
		tarball := filepath.Join(dir, "opencart-"+v+".tar.xz")
		if _, err := os.Stat(tarball); err != nil {
			return fmt.Errorf("OpenCart %s: %w (SHA256SUMS lists the releases expected in %s)", v, err, dir)
		}
		rs, err := s.installOpenCart(ctx, v, tarball, sums[filepath.Base(tarball)], owner, home)
		if err != nil {
			return fmt.Errorf("OpenCart %s: %w", v, err)
		}
		s.Env.Stores[v] = rs
	}
	return nil
}

func readSums(p string) (map[string]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 {
			out[strings.TrimPrefix(fields[1], "*")] = fields[0]
		}
	}
	return out, sc.Err()
}

// unpacked extracts a release once per machine into a cache keyed by its
// checksum, after checking the checksum, and returns the upload/ folder.
func unpacked(ctx context.Context, tarball, want string) (string, error) {
	if want == "" {
		return "", fmt.Errorf("%s is not listed in SHA256SUMS", filepath.Base(tarball))
	}
	cache := filepath.Join(usersHome, "cache", want)
	name := strings.TrimSuffix(filepath.Base(tarball), ".tar.xz")
	upload := filepath.Join(cache, name, "upload")
	if _, err := os.Stat(filepath.Join(cache, "complete")); err == nil {
		return upload, nil
	}
	f, err := os.Open(tarball)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return "", err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return "", fmt.Errorf("%s: checksum %s, SHA256SUMS says %s", tarball, got, want)
	}
	tmp := cache + ".tmp-" + RandomName(4)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if out, err := exec.CommandContext(ctx, "tar", "-xJf", tarball, "-C", tmp).CombinedOutput(); err != nil {
		return "", fmt.Errorf("tar: %v: %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, cache); err != nil {
		if _, serr := os.Stat(filepath.Join(cache, "complete")); serr != nil {
			return "", err
		}
	}
	return upload, nil
}

func (s *Servers) installOpenCart(ctx context.Context, version, tarball, sum string, owner *account, home string) (RealStore, error) {
	src, err := unpacked(ctx, tarball, sum)
	if err != nil {
		return RealStore{}, err
	}
	short := strings.ReplaceAll(version, ".", "")
	rs := RealStore{
		Version:       version,
		Line:          lineOf(version),
		Root:          filepath.Join(home, "real", "oc"+short),
		Database:      "ocreal_" + short,
		DBUser:        "ocreal" + short,
		DBPassword:    "Db-" + RandomName(5) + "#" + short,
		AdminUser:     "admin",
		AdminPassword: "Adm-" + RandomName(4),
		AdminDir:      "admin",
		Snapshot:      filepath.Join(s.Env.Base, "snapshots", "oc"+short),
		Owner:         owner.uid,
		Group:         owner.gid,
	}
	if err := os.MkdirAll(filepath.Dir(rs.Root), 0o755); err != nil {
		return rs, err
	}
	if err := os.Chown(filepath.Dir(rs.Root), owner.uid, owner.gid); err != nil {
		return rs, err
	}
	if out, err := exec.CommandContext(ctx, "cp", "-a", src, rs.Root).CombinedOutput(); err != nil {
		return rs, fmt.Errorf("cp: %v: %s", err, out)
	}
	for _, p := range []string{"config", "admin/config"} {
		b, err := os.ReadFile(filepath.Join(rs.Root, p+"-dist.php"))
		if err != nil {
			return rs, err
		}
		if err := os.WriteFile(filepath.Join(rs.Root, p+".php"), b, 0o644); err != nil {
			return rs, err
		}
	}
	if err := ChownTree(rs.Root, owner.uid, owner.gid); err != nil {
		return rs, err
	}
	if err := s.createStoreDB(ctx, rs); err != nil {
		return rs, err
	}
	// The store's own server first: the installer writes its address
	// into config.php, so the port must be known and held.
	err = startRetrying("php -S for OpenCart "+version, func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		rs.URL = fmt.Sprintf("http://127.0.0.1:%d/", port)
		return s.serveStore(ctx, &rs, owner, port)
	})
	if err != nil {
		return rs, err
	}
	args := []string{"cli_install.php", "install",
		"--db_hostname", "127.0.0.1", "--db_username", rs.DBUser, "--db_password", rs.DBPassword,
		"--db_database", rs.Database, "--db_driver", "mysqli", "--db_port", fmt.Sprint(s.Env.MySQL.Port),
		"--username", rs.AdminUser, "--password", rs.AdminPassword, "--email", "admin@example.com",
		"--http_server", rs.URL}
	if strings.HasPrefix(version, "4.") {
		args = append(args, "--db_prefix", "oc_")
	}
	if strings.HasPrefix(version, "4.1") {
		args = append(args, "--language", "en-gb")
	}
	cmd := exec.CommandContext(ctx, "php", args...)
	cmd.Dir = filepath.Join(rs.Root, "install")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(owner.uid), Gid: uint32(owner.gid)}}
	out, err := cmd.CombinedOutput()
	// 4.x installers exit 0 on a failed database link: only SUCCESS counts.
	if err != nil || !strings.Contains(string(out), "SUCCESS") {
		return rs, fmt.Errorf("cli_install.php: %v: %s", err, out)
	}
	if err := os.RemoveAll(filepath.Join(rs.Root, "install")); err != nil {
		return rs, err
	}
	if err := rs.settle(ctx, s.Env.MySQL); err != nil {
		return rs, err
	}
	if err := rs.takeSnapshot(ctx, s.Env.MySQL); err != nil {
		return rs, fmt.Errorf("snapshot: %w", err)
	}
	return rs, nil
}

func lineOf(version string) string {
	parts := strings.SplitN(version, ".", 3)
	return parts[0] + "." + parts[1]
}

func (s *Servers) createStoreDB(ctx context.Context, rs RealStore) error {
	db, err := rootDB(s.Env.MySQL)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{
		"DROP DATABASE IF EXISTS `" + rs.Database + "`",
		"CREATE DATABASE `" + rs.Database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
		"CREATE USER IF NOT EXISTS '" + rs.DBUser + "'@'127.0.0.1' IDENTIFIED BY " + quoteSQL(rs.DBPassword),
		"ALTER USER '" + rs.DBUser + "'@'127.0.0.1' IDENTIFIED BY " + quoteSQL(rs.DBPassword),
		"GRANT ALL PRIVILEGES ON `" + rs.Database + "`.* TO '" + rs.DBUser + "'@'127.0.0.1'",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// rootDB opens MariaDB as root over its socket.
func rootDB(m MySQL) (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr = "root", "unix", m.Socket
	cfg.MultiStatements = true
	return sql.Open("mysql", cfg.FormatDSN())
}

// serveStore starts PHP's built-in server for the store as its owner.
func (s *Servers) serveStore(ctx context.Context, rs *RealStore, owner *account, port int) error {
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// output_buffering=0 is PHP's own default and many hosts' setting
	// (php.ini-production's 4096 hides the first 4 KB of messages): with
	// it, any PHP message before a redirect loses the redirect, as on the
	// live stores this environment stands for. opcache.revalidate_freq=0:
	// a test that edits a store's PHP file (a module broken on purpose)
	// sees the edit at once, not up to two seconds later, when PHP's
	// default would still serve the copy compiled a moment before.
	cmd := exec.CommandContext(ctx, "php", "-d", "output_buffering=0", "-d", "opcache.revalidate_freq=0", "-S", addr, "-t", rs.Root)
	cmd.Env = append(os.Environ(), "PHP_CLI_SERVER_WORKERS=4")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(owner.uid), Gid: uint32(owner.gid)}}
	cmd.Dir = rs.Root
	p, err := s.spawn("php-oc"+strings.ReplaceAll(rs.Version, ".", ""), cmd)
	if err != nil {
		return err
	}
	check := func() error {
		// Any answer will do: the store is not installed yet.
		resp, err := http.Get(rs.URL + "config-dist.php")
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	if err := s.waitReady(ctx, p, check); err != nil {
		s.forget(p)
		return err
	}
	return nil
}

// settle makes the fresh install what a merchant's clean store is: Display
// Errors off in the database (the installers turn it on), so that the clean
// twin prints nothing a live store would not.
func (rs RealStore) settle(ctx context.Context, m MySQL) error {
	db, err := rootDB(m)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "UPDATE `"+rs.Database+"`.oc_setting SET value = '0' WHERE `key` = 'config_error_display' AND store_id = 0")
	return err
}

func (rs RealStore) takeSnapshot(ctx context.Context, m MySQL) error {
	if err := os.MkdirAll(rs.Snapshot, 0o700); err != nil {
		return err
	}
	if out, err := exec.CommandContext(ctx, "rsync", "-a", "--delete", rs.Root+"/", filepath.Join(rs.Snapshot, "files")+"/").CombinedOutput(); err != nil {
		return fmt.Errorf("rsync: %v: %s", err, out)
	}
	dump := exec.CommandContext(ctx, "mariadb-dump", "--user=root", "--socket="+m.Socket,
		"--skip-dump-date", "--single-transaction", "--databases", rs.Database)
	out, err := dump.Output()
	if err != nil {
		return fmt.Errorf("mariadb-dump: %w", err)
	}
	return os.WriteFile(filepath.Join(rs.Snapshot, "db.sql"), out, 0o600)
}
