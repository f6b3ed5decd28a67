// Command upload measures `ocsetup upload` as a user runs it (a process:
// login, discovery, plan, upload, verification) against tuned lftp and
// rclone, on a slow link: a 300-file, 3 MB plugin-like tree (40 folders,
// depth 7) sent to the local test servers (started by
// internal/testenv/cmd/testservers, named by $OCSETUP_TESTENV) through a
// proxy that adds 50 ms of round trip and charges one more for each new TCP
// connection, with 2 connections each, over FTP and SFTP. Each tool uploads
// into a store, then uploads again with nothing changed. It prints each run
// (seconds, the most connections open at once at the proxy, FTP commands
// sent, the load average before and after) and a Markdown table of the
// medians.
//
// For FTP it starts a vsftpd of its own listening on a second loopback
// address, 127.0.0.3, that announces 127.0.0.1 for passive mode; the proxy
// forwards the control port and every passive port from 127.0.0.1 to
// 127.0.0.3 with the delay, so no client (PASV or EPSV) can reach the
// server around it.
//
//	go run ./bench/upload [-runs 3] [-tools ocsetup,lftp,rclone] [-protos ftp,sftp]
//
// Run it from the repository root (it builds ocsetup). See bench/README.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

const oneWay = 25 * time.Millisecond // 50 ms round trip

// pasvPorts is the size of the bench vsftpd's passive port range.
const pasvPorts = 40

var (
	toolsFlag  = flag.String("tools", "ocsetup,ocsetup-fast,lftp,rclone", "tools to run, comma-separated (ocsetup-fast: the one-archive fast path, --store-url)")
	protosFlag = flag.String("protos", "ftp,sftp", "protocols to run, comma-separated")
	runsFlag   = flag.Int("runs", 3, "rounds; each runs every tool once, and the table shows the median")
	verbose    = flag.Bool("v", false, "show ocsetup's progress lines, each with the seconds since its start")
	traceFlag  = flag.String("trace", "", "write every FTP command and reply, with the seconds since the run's start and the connection's number, to this file")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// result is one run of one tool: an upload into an empty store, then the
// same upload again with nothing changed.
type result struct {
	up, again           float64 // seconds
	upConns, againConns int64   // most connections open at once
	upCmds, againCmds   int64   // FTP commands sent (0: not counted)
}

func run() error {
	env, err := testenv.Load()
	if err != nil {
		return err
	}
	tools, protos := strings.Split(*toolsFlag, ","), strings.Split(*protosFlag, ",")
	for _, tool := range tools {
		if !strings.HasPrefix(tool, "ocsetup") {
			if _, err := exec.LookPath(tool); err != nil {
				return fmt.Errorf("%w (apt-get install %s)", err, tool)
			}
		}
	}
	work, err := os.MkdirTemp("", "ocsetup-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "ocsetup")
	if slices.Contains(tools, "ocsetup") || slices.Contains(tools, "ocsetup-fast") {
		// The command a user runs, built from this checkout.
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("build ocsetup (run the bench from the repository root): %v\n%s", err, out)
		}
	}
	tree := filepath.Join(work, "xpay", "upload")
	files, folders, size, err := writeTree(tree)
	if err != nil {
		return err
	}
	fmt.Printf("tree: %d files, %.2f MB, %d folders, depth 7; %v round trip added, one more per new TCP connection; 2 connections; %d CPUs\n\n",
		files, float64(size)/1e6, folders, 2*oneWay, runtime.NumCPU())

	ftpSite := env.Sites[testenv.FTP]
	ftpProxy, stopFTP, err := startFTP(work, ftpSite)
	if err != nil {
		return err
	}
	defer stopFTP()
	if *traceFlag != "" {
		f, err := os.Create(*traceFlag)
		if err != nil {
			return err
		}
		defer f.Close()
		ftpProxy.trace = f
	}
	sshSite := env.Sites[testenv.SFTP]
	sshProxy, err := startDelayProxy("127.0.0.1:0", sshSite.Addr(), oneWay, false)
	if err != nil {
		return err
	}
	defer sshProxy.Close()
	// The store's web server behind the same delay line, for the fast
	// path's extractor and the PHP probe of its verification.
	phpURL, err := url.Parse(env.PHP.URL)
	if err != nil {
		return err
	}
	phpProxy, err := startDelayProxy("127.0.0.1:0", phpURL.Host, oneWay, false)
	if err != nil {
		return err
	}
	defer phpProxy.Close()

	results := map[string][]result{} // by proto/tool, successful runs
	failed := map[string]error{}
	var loads []string
	for round := range *runsFlag {
		for _, proto := range protos {
			site, proxy := ftpSite, ftpProxy
			if proto == "sftp" {
				site, proxy = sshSite, sshProxy
			}
			port := proxy.l.Addr().(*net.TCPAddr).Port
			for _, tool := range tools {
				key := proto + "/" + tool
				local, remoteDir, err := freshStore(site, tool)
				if err != nil {
					return err
				}
				data, err := os.MkdirTemp("", "ocsetup-bench-data-")
				if err != nil {
					return err
				}
				var res result
				load0 := loadAvg()
				for pass := range 2 {
					proxy.Reset()
					if proxy.trace != nil {
						fmt.Fprintf(proxy.trace, "=== round %d, %s, pass %d\n", round+1, tool, pass+1)
					}
					start := time.Now()
					switch tool {
					case "ocsetup":
						err = runOcsetup(bin, data, site, proto, port, remoteDir, filepath.Dir(tree), "")
					case "ocsetup-fast":
						var storeURL string
						if storeURL, err = env.PHP.URLFor(local); err == nil {
							storeURL = strings.Replace(storeURL, phpURL.Host, phpProxy.l.Addr().String(), 1) + "/"
							err = runOcsetup(bin, data, site, proto, port, remoteDir, filepath.Dir(tree), storeURL)
						}
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
					if err != nil {
						break
					}
					if pass == 0 {
						res.up, res.upConns, res.upCmds = took, proxy.Peak(), proxy.Lines()
					} else {
						res.again, res.againConns, res.againCmds = took, proxy.Peak(), proxy.Lines()
					}
				}
				load1 := loadAvg()
				loads = append(loads, load0, load1)
				if err != nil {
					failed[key] = err
				} else {
					results[key] = append(results[key], res)
				}
				fmt.Printf("round %d  %-8s %-5s upload %6.1f s (%d conns, %d cmds)  again %6.1f s (%d conns, %d cmds)  load %s → %s  %s\n",
					round+1, tool, proto, res.up, res.upConns, res.upCmds, res.again, res.againConns, res.againCmds, load0, load1, errText(err))
				_ = os.RemoveAll(local)
				_ = os.RemoveAll(data)
			}
		}
	}
	printTable(tools, protos, results, failed, loads)
	if len(failed) > 0 {
		return fmt.Errorf("%d tool/protocol pairs failed", len(failed))
	}
	return nil
}

// printTable prints the medians as a Markdown table, with the ratio to
// lftp and the targets.
func printTable(tools, protos []string, results map[string][]result, failed map[string]error, loads []string) {
	fmt.Printf("\nmedian of %d; 1-minute load average during the runs: %s to %s\n\n", *runsFlag, minLoad(loads), maxLoad(loads))
	fmt.Printf("| 2 connections, 50 ms RTT |")
	for _, t := range tools {
		fmt.Printf(" %s |", t)
	}
	fmt.Printf(" ocsetup / lftp (target) | ocsetup-fast / lftp (target) |\n|---|---|")
	for range tools {
		fmt.Printf("---|")
	}
	fmt.Printf("---|\n")
	targets := map[string]float64{"ftp/up": 0.5, "sftp/up": 0.2, "ftp/again": 0.5, "sftp/again": 0.5}
	for _, proto := range protos {
		for _, pass := range []string{"up", "again"} {
			name := strings.ToUpper(proto) + " upload"
			if pass == "again" {
				name = strings.ToUpper(proto) + " re-upload, nothing changed"
			}
			fmt.Printf("| %s |", name)
			secs := map[string]float64{}
			for _, tool := range tools {
				rs := results[proto+"/"+tool]
				if failed[proto+"/"+tool] != nil || len(rs) == 0 {
					fmt.Printf(" failed |")
					continue
				}
				var t []float64
				var conns, cmds int64
				for _, r := range rs {
					if pass == "up" {
						t, conns, cmds = append(t, r.up), max(conns, r.upConns), max(cmds, r.upCmds)
					} else {
						t, conns, cmds = append(t, r.again), max(conns, r.againConns), max(cmds, r.againCmds)
					}
				}
				secs[tool] = median(t)
				c := fmt.Sprintf("%d conns", conns)
				if cmds > 0 {
					c += fmt.Sprintf(", %d cmds", cmds)
				}
				fmt.Printf(" %.1f s (%s) |", secs[tool], c)
			}
			ratio := "n/a"
			if o, l := secs["ocsetup"], secs["lftp"]; o > 0 && l > 0 {
				verdict := "met"
				if o > targets[proto+"/"+pass]*l {
					verdict = "missed"
				}
				ratio = fmt.Sprintf("**%.2f** (≤ %.2f: %s)", o/l, targets[proto+"/"+pass], verdict)
			}
			fast := "n/a"
			if o, l := secs["ocsetup-fast"], secs["lftp"]; o > 0 && l > 0 {
				target := 0.15
				if pass == "again" {
					target = targets[proto+"/"+pass]
				}
				verdict := "met"
				if o > target*l {
					verdict = "missed"
				}
				fast = fmt.Sprintf("**%.2f** (≤ %.2f: %s)", o/l, target, verdict)
			}
			fmt.Printf(" %s | %s |\n", ratio, fast)
		}
	}
}

func minLoad(l []string) string { return pickLoad(l, func(a, b float64) bool { return a < b }) }
func maxLoad(l []string) string { return pickLoad(l, func(a, b float64) bool { return a > b }) }

func pickLoad(l []string, better func(a, b float64) bool) string {
	best, out := 0.0, "?"
	for _, s := range l {
		v, err := strconv.ParseFloat(s, 64)
		if err == nil && (out == "?" || better(v, best)) {
			best, out = v, s
		}
	}
	return out
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
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

// freshStore makes a folder for one run holding an OpenCart 3.0 store's
// files (what discovery looks for), owned by the site's user.
func freshStore(s testenv.Site, tool string) (local, remoteDir string, err error) {
	remoteDir = path.Join(s.StartDir, "bench-"+tool+"-"+testenv.RandomName(3))
	local = s.LocalPath(remoteDir)
	if err := os.Mkdir(local, 0o755); err != nil {
		return "", "", err
	}
	err = fixture.WriteFiles(fixture.Options{Version: "3.0.3.8", Root: local, URL: "http://127.0.0.1/", Prefix: "oc_",
		DB: fixture.DB{Host: "127.0.0.1", Port: 3306, User: "u", Password: "p", Name: "d"}})
	if err != nil {
		return "", "", err
	}
	return local, remoteDir, testenv.ChownTree(local, s.UID, s.GID)
}

// startFTP runs a plain-FTP vsftpd of the bench's own on 127.0.0.3 that
// announces 127.0.0.1 for passive mode, and the delaying proxy on 127.0.0.1
// for its control port and each of its passive ports. It returns the
// proxy of its control port, which counts the control connections and the
// commands (the passive ports' proxies count nothing).
func startFTP(work string, s testenv.Site) (*delayProxy, func(), error) {
	port, err := freePort("127.0.0.3")
	if err != nil {
		return nil, nil, err
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
		return nil, nil, fmt.Errorf("no free passive port range")
	}
	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return nil, nil, err
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
		return nil, nil, err
	}
	cmd := exec.Command("/usr/sbin/vsftpd", cfg)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
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
			return nil, nil, fmt.Errorf("vsftpd exited: %v", werr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, nil, fmt.Errorf("vsftpd does not listen on %s: %v", ctrlAddr, err)
		}
	}
	ctrl, err := startDelayProxy("127.0.0.1:0", ctrlAddr, oneWay, true)
	if err != nil {
		stop()
		return nil, nil, err
	}
	proxies = append(proxies, ctrl)
	for p := pasv; p < pasv+pasvPorts; p++ {
		dp, err := startDelayProxy(fmt.Sprintf("127.0.0.1:%d", p), fmt.Sprintf("127.0.0.3:%d", p), oneWay, false)
		if err != nil {
			stop()
			return nil, nil, err
		}
		proxies = append(proxies, dp)
	}
	return ctrl, stop, nil
}

func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", host+":0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// runOcsetup runs `ocsetup upload` as a user does: login, discovery, plan,
// upload and verification, each run a process of its own. data is its data
// folder (manifests, known hosts), kept between the upload and the re-upload.
// With storeURL (the store's PHP server behind the delay line) the upload
// takes the one-archive fast path and the verification runs the PHP probe;
// without it, neither.
func runOcsetup(bin, data string, s testenv.Site, proto string, port int, remoteDir, pkgDir, storeURL string) error {
	site := fmt.Sprintf("%s://%s@127.0.0.1:%d%s", proto, s.User, port, remoteDir)
	cmd := exec.Command(bin, "upload", site, pkgDir, "--connections", "2", "--trust-new", "--allow-plain")
	if storeURL != "" {
		cmd.Args = append(cmd.Args, "--store-url", storeURL)
	}
	cmd.Env = append(os.Environ(), "OCSETUP_PASSWORD="+s.Password, "OCSETUP_HOME="+data)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if *verbose {
		cmd.Stderr = &stamped{w: os.Stdout, start: time.Now()}
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v: %s", err, out.String())
	}
	return nil
}

// stamped writes each line with the seconds since start.
type stamped struct {
	w     io.Writer
	start time.Time
	part  []byte
}

func (s *stamped) Write(b []byte) (int, error) {
	s.part = append(s.part, b...)
	for {
		i := bytes.IndexByte(s.part, '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(s.w, "    %6.2f  %s\n", time.Since(s.start).Seconds(), s.part[:i])
		s.part = s.part[i+1:]
	}
}

// runLftp runs lftp tuned as the issue names it: `mirror -R --no-perms
// --parallel=2`, FTP with ftp:sync-mode off; over SFTP lftp's ssh accepts
// the proxy's host key without asking.
func runLftp(s testenv.Site, proto string, port int, remoteDir, tree string) error {
	script := fmt.Sprintf(`set net:max-retries 2; set net:reconnect-interval-base 1; set ftp:ssl-allow no; set ftp:sync-mode off;
set sftp:connect-program "ssh -a -x -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null";
open -u %s,%s %s://127.0.0.1:%d; mirror -R --no-perms --parallel=2 %s %s`,
		s.User, lftpQuote(s.Password), proto, port, tree, remoteDir)
	out, err := exec.Command("lftp", "-c", script).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func lftpQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// runRclone runs `rclone copy --transfers 2 --checkers 2` to an on-the-fly
// remote, the password obscured as rclone wants it.
func runRclone(s testenv.Site, proto string, port int, remoteDir, tree string) error {
	obs, err := exec.Command("rclone", "obscure", s.Password).Output()
	if err != nil {
		return fmt.Errorf("rclone obscure: %w", err)
	}
	args := []string{"copy", "--transfers", "2", "--checkers", "2", "--config", "/dev/null",
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
