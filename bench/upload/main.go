// Command upload compares ocsetup's upload with lftp and rclone on a slow
// link: a 300-file, 3 MB plugin-like tree (40 folders, depth 7) sent to the
// local test servers (started by internal/testenv/cmd/testservers, named by
// $OCSETUP_TESTENV) through a proxy that adds 50 ms of round trip, with 2
// connections each, over FTP and SFTP.
//
// For FTP it starts a vsftpd of its own listening on 127.0.0.3 that
// announces 127.0.0.1 for passive mode; the proxy forwards the control port
// and every passive port from 127.0.0.1 to 127.0.0.3 with the delay, so no
// client (PASV or EPSV) can reach the server around it.
//
//	go run ./bench/upload
package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

const oneWay = 25 * time.Millisecond // 50 ms round trip

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	tool, proto string
	secs        float64
	err         error
}

func run() error {
	env, err := testenv.Load()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "ocsetup-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	tree := filepath.Join(work, "xpay", "upload")
	files, bytes, err := writeTree(tree)
	if err != nil {
		return err
	}
	fmt.Printf("tree: %d files, %.1f MB, 40 folders, depth 7; %v round trip added; 2 connections\n\n", files, float64(bytes)/1e6, 2*oneWay)

	ftpSite := env.Sites[testenv.FTP]
	ftpAddr, stopFTP, err := startFTP(work, ftpSite)
	if err != nil {
		return err
	}
	defer stopFTP()
	sshSite := env.Sites[testenv.SFTP]
	sshProxy, err := startDelayProxy("127.0.0.1:0", sshSite.Addr(), oneWay)
	if err != nil {
		return err
	}
	defer sshProxy.Close()
	sshAddr := sshProxy.l.Addr().(*net.TCPAddr)

	var results []result
	for _, proto := range []string{"ftp", "sftp"} {
		site, port := ftpSite, ftpAddr
		if proto == "sftp" {
			site, port = sshSite, sshAddr.Port
		}
		for _, tool := range []string{"ocsetup", "lftp", "rclone"} {
			local, remoteDir, err := freshDir(site, tool)
			if err != nil {
				return err
			}
			start := time.Now()
			switch tool {
			case "ocsetup":
				err = runOcsetup(env, site, proto, port, remoteDir, filepath.Dir(tree))
			case "lftp":
				err = runLftp(site, proto, port, remoteDir, tree)
			case "rclone":
				err = runRclone(site, proto, port, remoteDir, tree)
			}
			secs := time.Since(start).Seconds()
			if err == nil {
				err = sameTree(tree, local)
			}
			results = append(results, result{tool, proto, secs, err})
			fmt.Printf("%-8s %-5s %6.1f s %v\n", tool, proto, secs, errText(err))
			_ = os.RemoveAll(local)
		}
	}
	fmt.Println()
	fmt.Printf("%-6s %10s %10s %10s %s\n", "", "ocsetup", "lftp", "rclone", "ocsetup / faster peer")
	for _, proto := range []string{"ftp", "sftp"} {
		var o, l, r float64
		for _, res := range results {
			if res.proto != proto {
				continue
			}
			switch res.tool {
			case "ocsetup":
				o = res.secs
			case "lftp":
				l = res.secs
			case "rclone":
				r = res.secs
			}
		}
		fmt.Printf("%-6s %9.1fs %9.1fs %9.1fs %.2f (target ≤ 0.80)\n", proto, o, l, r, o/min(l, r))
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "FAILED: " + err.Error()
}

// writeTree writes 294 files of 1–20 KB and 6 larger ones (3 MB in all)
// over 40 folders up to 7 deep, in a 2.3/3.x package's layout.
func writeTree(root string) (int, int64, error) {
	r := rand.New(rand.NewPCG(42, 42))
	roots := []string{"admin/controller/extension/payment", "admin/language/en-gb/extension/payment",
		"admin/view/template/extension/payment", "catalog/controller/extension/payment",
		"catalog/model/extension/payment", "catalog/view/javascript/xpay", "system/library/xpay"}
	folders := append([]string(nil), roots...)
	for i := 0; len(folders) < 40; i++ {
		d := folders[5+i%2]
		for k := 0; k <= i%4 && len(folders) < 40; k++ {
			d = fmt.Sprintf("%s/d%d", d, i*5+k)
			if strings.Count(d, "/") >= 6 {
				break
			}
			folders = append(folders, d)
		}
	}
	var total int64
	for i := range 300 {
		size := 1024 + r.IntN(19*1024)
		if i%50 == 0 {
			size = 100 << 10
		}
		b := make([]byte, size)
		for j := range b {
			b[j] = "abcdefghijklmnopqrstuvwxyz<>?; \n"[r.IntN(32)]
		}
		p := filepath.Join(root, folders[i%len(folders)], fmt.Sprintf("f%03d.php", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, 0, err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return 0, 0, err
		}
		total += int64(size)
	}
	return 300, total, nil
}

// freshDir makes an empty folder for one run, owned by the site's user.
func freshDir(s testenv.Site, tool string) (local, remoteDir string, err error) {
	remoteDir = path.Join(s.StartDir, "bench-"+tool+"-"+testenv.RandomName(3))
	local = s.LocalPath(remoteDir)
	if err := os.Mkdir(local, 0o755); err != nil {
		return "", "", err
	}
	return local, remoteDir, os.Lchown(local, s.UID, s.GID)
}

// startFTP runs a plain-FTP vsftpd on 127.0.0.3 and the delaying proxy on
// 127.0.0.1 for its control port and its 10 passive ports.
func startFTP(work string, s testenv.Site) (int, func(), error) {
	port, err := freePort("127.0.0.3")
	if err != nil {
		return 0, nil, err
	}
	pasv := 0
	for try := 0; try < 50 && pasv == 0; try++ {
		base := 40000 + rand.IntN(20000)
		ok := true
		for p := base; p < base+10 && ok; p++ {
			for _, host := range []string{"127.0.0.1", "127.0.0.3"} {
				l, err := net.Listen("tcp", fmt.Sprintf("%s:%d", host, p))
				if err != nil {
					ok = false
					break
				}
				_ = l.Close()
			}
		}
		if ok {
			pasv = base
		}
	}
	if pasv == 0 {
		return 0, nil, fmt.Errorf("no free passive port range")
	}
	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return 0, nil, err
	}
	conf := fmt.Sprintf(`listen=YES
listen_ipv6=NO
listen_address=127.0.0.3
listen_port=%d
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
local_root=%s
secure_chroot_dir=%s
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=%d
pasv_max_port=%d
connect_from_port_20=NO
seccomp_sandbox=NO
isolate_network=NO
userlist_enable=NO
max_per_ip=50
xferlog_enable=NO
ssl_enable=NO
`, port, s.LocalRoot, empty, pasv, pasv+9)
	cfg := filepath.Join(work, "vsftpd.conf")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return 0, nil, err
	}
	cmd := exec.Command("/usr/sbin/vsftpd", cfg)
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	var proxies []*delayProxy
	stop := func() {
		for _, p := range proxies {
			p.Close()
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	for i := 0; i < 50; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.3:%d", port)); err == nil {
			_ = c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctrl, err := startDelayProxy("127.0.0.1:0", fmt.Sprintf("127.0.0.3:%d", port), oneWay)
	if err != nil {
		stop()
		return 0, nil, err
	}
	proxies = append(proxies, ctrl)
	for p := pasv; p < pasv+10; p++ {
		dp, err := startDelayProxy(fmt.Sprintf("127.0.0.1:%d", p), fmt.Sprintf("127.0.0.3:%d", p), oneWay)
		if err != nil {
			stop()
			return 0, nil, err
		}
		proxies = append(proxies, dp)
	}
	return ctrl.l.Addr().(*net.TCPAddr).Port, stop, nil
}

func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", host+":0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// runOcsetup plans and uploads the package with the deploy engine, as
// `ocsetup upload` does (verification not included: the peers do none).
func runOcsetup(env *testenv.Env, s testenv.Site, proto string, port int, remoteDir, pkgDir string) error {
	ctx := context.Background()
	data, err := os.MkdirTemp("", "ocsetup-bench-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	trust := remote.NewTrust(data)
	trust.TrustNew = true
	site := remote.Site{Protocol: remote.Protocol(proto), Host: "127.0.0.1", Port: port, User: s.User,
		Password: s.Password, AllowPlain: true, Timeout: 30 * time.Second}
	pool, err := remote.Open(ctx, site, trust, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	p, err := pkg.Open(pkgDir)
	if err != nil {
		return err
	}
	defer p.Close()
	e := &deploy.Engine{Files: pool, Trust: trust, DataDir: data,
		Store: deploy.Store{Root: remoteDir, Version: "3.0.3.8", AdminDir: "admin"}}
	pl, err := e.Plan(ctx, p, deploy.PlanOptions{})
	if err != nil {
		return err
	}
	_, err = e.Upload(ctx, pl, p)
	return err
}

func runLftp(s testenv.Site, proto string, port int, remoteDir, tree string) error {
	script := fmt.Sprintf(`set net:max-retries 2; set net:reconnect-interval-base 1; set ftp:ssl-allow no; set sftp:auto-confirm yes;
open -u %s,%s %s://127.0.0.1:%d; mirror -R --parallel=2 %s %s`,
		s.User, lftpQuote(s.Password), proto, port, tree, remoteDir)
	out, err := exec.Command("lftp", "-c", script).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func lftpQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func runRclone(s testenv.Site, proto string, port int, remoteDir, tree string) error {
	obs, err := exec.Command("rclone", "obscure", s.Password).Output()
	if err != nil {
		return err
	}
	remoteSpec := fmt.Sprintf(":%s,host=127.0.0.1,port=%d,user=%s,pass=%s:%s", proto, port, s.User, strings.TrimSpace(string(obs)), remoteDir)
	out, err := exec.Command("rclone", "copy", "--transfers", "2", "--config", "/dev/null", tree, remoteSpec).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// sameTree checks that every file arrived whole.
func sameTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(dst, rel))
		if err != nil || string(a) != string(b) {
			return fmt.Errorf("%s did not arrive whole", rel)
		}
		return nil
	})
}
