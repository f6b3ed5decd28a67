// Command upload compares ocsetup's upload with lftp and rclone on a slow
// link: a 300-file, 3 MB plugin-like tree (40 folders, depth 7) sent to the
// local test servers (started by internal/testenv/cmd/testservers, named by
// $OCSETUP_TESTENV) through a proxy that adds 50 ms of round trip, with 2
// connections each, over FTP and SFTP. It prints the seconds of each run
// (with the load average before and after) and a table of the medians.
//
// For FTP it starts a vsftpd of its own listening on a second loopback
// address, 127.0.0.3, that announces 127.0.0.1 for passive mode; the proxy
// forwards the control port and every passive port from 127.0.0.1 to
// 127.0.0.3 with the delay, so no client (PASV or EPSV) can reach the
// server around it.
//
//	go run ./bench/upload [-runs 3] [-tools ocsetup,lftp,rclone] [-protos ftp,sftp]
//
// See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

const oneWay = 25 * time.Millisecond // 50 ms round trip

// pasvPorts is the size of the bench vsftpd's passive port range.
const pasvPorts = 40

var (
	toolsFlag  = flag.String("tools", "ocsetup,lftp,rclone", "tools to run, comma-separated")
	protosFlag = flag.String("protos", "ftp,sftp", "protocols to run, comma-separated")
	runsFlag   = flag.Int("runs", 1, "rounds; each runs every tool once, and the table shows the median")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	env, err := testenv.Load()
	if err != nil {
		return err
	}
	tools, protos := strings.Split(*toolsFlag, ","), strings.Split(*protosFlag, ",")
	for _, tool := range tools {
		if tool != "ocsetup" {
			if _, err := exec.LookPath(tool); err != nil {
				return err
			}
		}
	}
	work, err := os.MkdirTemp("", "ocsetup-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	tree := filepath.Join(work, "xpay", "upload")
	files, folders, bytes, err := writeTree(tree)
	if err != nil {
		return err
	}
	fmt.Printf("tree: %d files, %.2f MB, %d folders, depth 7; %v round trip added; 2 connections; %d CPUs\n\n",
		files, float64(bytes)/1e6, folders, 2*oneWay, runtime.NumCPU())

	ftpSite := env.Sites[testenv.FTP]
	ftpPort, stopFTP, err := startFTP(work, ftpSite)
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
	sshPort := sshProxy.l.Addr().(*net.TCPAddr).Port

	secs := map[string][]float64{} // by proto/tool, successful runs
	failed := map[string]error{}
	for round := range *runsFlag {
		for _, proto := range protos {
			site, port := ftpSite, ftpPort
			if proto == "sftp" {
				site, port = sshSite, sshPort
			}
			for _, tool := range tools {
				local, remoteDir, err := freshDir(site, tool)
				if err != nil {
					return err
				}
				load0 := loadAvg()
				start := time.Now()
				switch tool {
				case "ocsetup":
					err = runOcsetup(site, proto, port, remoteDir, filepath.Dir(tree))
				case "lftp":
					err = runLftp(site, proto, port, remoteDir, tree)
				case "rclone":
					err = runRclone(site, proto, port, remoteDir, tree)
				default:
					err = fmt.Errorf("unknown tool %q", tool)
				}
				took := time.Since(start).Seconds()
				if err == nil {
					err = sameTree(tree, local)
				}
				key := proto + "/" + tool
				if err != nil {
					failed[key] = err
				} else {
					secs[key] = append(secs[key], took)
				}
				fmt.Printf("round %d  %-8s %-5s %6.1f s  load %s → %s  %s\n", round+1, tool, proto, took, load0, loadAvg(), errText(err))
				_ = os.RemoveAll(local)
			}
		}
	}
	fmt.Printf("\nmedian of %d (seconds)\n", *runsFlag)
	fmt.Printf("%-6s %9s %9s %9s  %s\n", "", "ocsetup", "lftp", "rclone", "ocsetup / faster peer (target ≤ 0.80)")
	for _, proto := range protos {
		cell := func(tool string) (string, float64) {
			key := proto + "/" + tool
			if failed[key] != nil || len(secs[key]) == 0 {
				return "failed", 0
			}
			m := median(secs[key])
			return fmt.Sprintf("%.1f", m), m
		}
		o, ov := cell("ocsetup")
		l, lv := cell("lftp")
		r, rv := cell("rclone")
		ratio := "n/a"
		if peer := minPositive(lv, rv); ov > 0 && peer > 0 {
			verdict := "met"
			if ov > 0.8*peer {
				verdict = "MISSED"
			}
			ratio = fmt.Sprintf("%.2f %s", ov/peer, verdict)
		}
		fmt.Printf("%-6s %9s %9s %9s  %s\n", proto, o, l, r, ratio)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d tool/protocol pairs failed", len(failed))
	}
	return nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func minPositive(a, b float64) float64 {
	switch {
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}

// loadAvg is the 1-minute load average: other work on the machine skews
// the timings.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "FAILED: " + err.Error()
}

// writeTree writes a plugin-like tree: 294 files of 1–17 KiB and 6 of
// 50 KiB (3.0 MB in all) over 40 folders up to 7 deep, in a 2.3/3.x
// package's layout.
func writeTree(root string) (files, folderCount int, total int64, err error) {
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
	for i := range 300 {
		size := 1024 + r.IntN(16*1024)
		if i%50 == 0 {
			size = 50 << 10
		}
		b := make([]byte, size)
		for j := range b {
			b[j] = "abcdefghijklmnopqrstuvwxyz<>?; \n"[r.IntN(32)]
		}
		p := filepath.Join(root, folders[i%len(folders)], fmt.Sprintf("f%03d.php", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, 0, 0, err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return 0, 0, 0, err
		}
		total += int64(size)
	}
	return 300, len(folders), total, nil
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

// startFTP runs a plain-FTP vsftpd of the bench's own on 127.0.0.3 that
// announces 127.0.0.1 for passive mode, and the delaying proxy on 127.0.0.1
// for its control port and each of its passive ports. It returns the
// proxy's control port.
func startFTP(work string, s testenv.Site) (int, func(), error) {
	port, err := freePort("127.0.0.3")
	if err != nil {
		return 0, nil, err
	}
	pasv := 0
	for try := 0; try < 50 && pasv == 0; try++ {
		base := 40000 + rand.IntN(20000)
		ok := true
		for p := base; p < base+pasvPorts && ok; p++ {
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
`, port, s.LocalRoot, empty, pasv, pasv+pasvPorts-1)
	cfg := filepath.Join(work, "vsftpd.conf")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return 0, nil, err
	}
	cmd := exec.Command("/usr/sbin/vsftpd", cfg)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var proxies []*delayProxy
	stop := func() {
		for _, p := range proxies {
			p.Close()
		}
		_ = cmd.Process.Kill()
		<-exited
	}
	// vsftpd exits at once on a bad config; otherwise it listens within
	// moments.
	ctrlAddr := fmt.Sprintf("127.0.0.3:%d", port)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ctrlAddr, time.Second)
		if err == nil {
			_ = c.Close()
			break
		}
		select {
		case werr := <-exited:
			exited <- werr
			stop()
			return 0, nil, fmt.Errorf("vsftpd exited: %v", werr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return 0, nil, fmt.Errorf("vsftpd does not listen on %s: %v", ctrlAddr, err)
		}
	}
	ctrl, err := startDelayProxy("127.0.0.1:0", ctrlAddr, oneWay)
	if err != nil {
		stop()
		return 0, nil, err
	}
	proxies = append(proxies, ctrl)
	for p := pasv; p < pasv+pasvPorts; p++ {
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
func runOcsetup(s testenv.Site, proto string, port int, remoteDir, pkgDir string) error {
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

// runLftp runs `lftp mirror -R --parallel=2`; over SFTP lftp's ssh accepts
// the proxy's host key without asking.
func runLftp(s testenv.Site, proto string, port int, remoteDir, tree string) error {
	script := fmt.Sprintf(`set net:max-retries 2; set net:reconnect-interval-base 1; set ftp:ssl-allow no;
set sftp:connect-program "ssh -a -x -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null";
open -u %s,%s %s://127.0.0.1:%d; mirror -R --parallel=2 %s %s`,
		s.User, lftpQuote(s.Password), proto, port, tree, remoteDir)
	out, err := exec.Command("lftp", "-c", script).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func lftpQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// runRclone runs `rclone copy --transfers 2` to an on-the-fly remote, the
// password obscured as rclone wants it.
func runRclone(s testenv.Site, proto string, port int, remoteDir, tree string) error {
	obs, err := exec.Command("rclone", "obscure", s.Password).Output()
	if err != nil {
		return fmt.Errorf("rclone obscure: %w", err)
	}
	args := []string{"copy", "--transfers", "2", "--config", "/dev/null",
		"--" + proto + "-host", "127.0.0.1", "--" + proto + "-port", strconv.Itoa(port),
		"--" + proto + "-user", s.User, "--" + proto + "-pass", strings.TrimSpace(string(obs)),
		tree, ":" + proto + ":" + remoteDir}
	out, err := exec.Command("rclone", args...).CombinedOutput()
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
