package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/storefront"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// demoProgram is cmd/ocsetup-demo, built when a test first needs it.
var demoProgram testenv.DemoProgram

func TestMain(m *testing.M) {
	code := m.Run()
	demoProgram.Remove()
	os.Exit(code)
}

// demoCLI is NewCLI with the demo command, registering it when NewCLI
// does not (yet).
func demoCLI() *CLI {
	c := NewCLI()
	if !c.has("demo") {
		c.addDemo()
	}
	return c
}

// runWith runs one command line with the given environment, no terminal.
func runWith(ctx context.Context, c *CLI, vars map[string]string, args ...string) (int, string, string) {
	var o, e bytes.Buffer
	code := c.Run(ctx, args, IO{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: func(k string) string { return vars[k] }})
	return code, o.String(), e.String()
}

// startTestDemo runs a demo store of line for the test.
func startTestDemo(t *testing.T, line string) *DemoInfo {
	t.Helper()
	program := demoProgram.Path(t) // before the clock starts: a cold build takes a while
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info, stop, err := StartDemo(ctx, program, line, "en")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("stop the demo: %v", err)
		}
	})
	return info
}

// demoChain is the acceptance: the whole setup from the command
// line against the demo store, in the wizard's order.
func demoChain() []string {
	return []string{"detect", "upload", "credentials", "apply", "test", "sync"}
}

// A demoStep is one command of the chain and what its output must say.
type demoStep struct {
	name string
	args func(info *DemoInfo) []string
	want []string
}

// demoAPIKey is the integration's key in the chain (OCSETUP_SECRET_API_KEY).
const demoAPIKey = "demoKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// demoSteps are the steps TestDemoChain runs, in order: one per command
// of demoChain (TestDemoChainCoversCLI).
func demoSteps() []demoStep {
	return []demoStep{
		{name: "detect",
			// The first contact pins the key the demo showed; later steps
			// find it in known_hosts, like after the GUI's "Trust".
			args: func(i *DemoInfo) []string { return []string{i.Site.URL, "--fingerprint", i.Site.Fingerprint} },
			want: []string{"store:     /public_html", "version:   3.0.3.8 (OpenCart 3.0 line)", "protocol:  sftp"}},
		{name: "upload",
			args: func(i *DemoInfo) []string { return []string{i.Site.URL, i.Package, "--store-url", i.StoreURL} },
			want: []string{"3 created", "php:      runs in catalog/"}},
		{name: "credentials",
			args: func(i *DemoInfo) []string { return []string{i.Site.URL} },
			want: []string{"user:      ocdemo", "database:  ocdemo", "reached:   through direct MySQL", "schema:    OpenCart 3.0 line"}},
		{name: "apply",
			args: func(i *DemoInfo) []string { return []string{i.SetupFile} },
			want: []string{"setup:     onebox", "api user:  id 1", "IPs added [127.0.0.1]", "config:    /public_html/catalog/onebox/cron.php updated"}},
		{name: "test",
			args: func(i *DemoInfo) []string { return []string{i.SetupFile} },
			want: []string{"PASS     PHP runs the uploaded files", "PASS     API login with the new key", "PASS     The provider's IP addresses are allowed"}},
		{name: "sync",
			args: func(i *DemoInfo) []string { return []string{i.SetupFile, "--once"} },
			want: []string{"poll 1", "orders last hour 3, day 3"}},
	}
}

// TestDemoChain runs the setup's commands, in-process, against a demo.
func TestDemoChain(t *testing.T) {
	ctx := context.Background()
	info := startTestDemo(t, "3.0")
	vars := map[string]string{PasswordVar: info.Site.Password, DataDirVar: t.TempDir(), SecretVar(APIKeyField): demoAPIKey}
	cli := demoCLI()
	for _, s := range demoSteps() {
		code, out, errOut := runWith(ctx, cli, vars, append([]string{s.name}, s.args(info)...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", s.name, code, out, errOut)
		}
		for _, w := range s.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the output lacks %q:\n%s", s.name, w, out)
			}
		}
		if strings.Contains(out+errOut, info.Site.Password) || strings.Contains(out+errOut, demoAPIKey) {
			t.Errorf("%s printed the site's password or the API key", s.name)
		}
		t.Logf("ran %s", s.name)
	}
}

// TestDemoChainCoversCLI keeps the chain whole: every command of the
// chain has a step, and every step's command exists.
func TestDemoChainCoversCLI(t *testing.T) {
	cli := NewCLI()
	steps := map[string]bool{}
	for _, s := range demoSteps() {
		steps[s.name] = true
		if !cli.has(s.name) {
			t.Errorf("the demo chain runs %q, which NewCLI does not register", s.name)
		}
	}
	for _, name := range demoChain() {
		if !steps[name] {
			t.Errorf("the demo chain has no step for %q: add one to demoSteps", name)
		}
	}
}

// TestDemoStorefront logs in to the demo's API with a user made by the
// access step, after reaching the database like the credentials step.
func TestDemoStorefront(t *testing.T) {
	ctx := context.Background()
	info := startTestDemo(t, "")
	sf := storefront.New(info.StoreURL)
	home, err := sf.Home(ctx)
	if err != nil || home.Status != 200 || !strings.Contains(home.Body, "Powered By OpenCart "+info.Version) {
		t.Fatalf("home: %+v %v", home, err)
	}
	trust := remote.NewTrust(t.TempDir())
	trust.Accept = info.Site.Fingerprint
	pool, err := remote.Open(ctx, info.Site.Remote(), trust, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	found, err := Detect(ctx, pool)
	if err != nil || len(found.Stores) != 1 {
		t.Fatalf("detect: %+v %v", found, err)
	}
	creds, err := db.Read(ctx, pool, found.Stores[0])
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sc, err := conn.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keygen.Generate(64)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.EnsureAPIUser(ctx, conn, sc, info.Line, access.APIUser{Name: "Default", Key: key, IPs: []string{"127.0.0.1"}, ReplaceKey: true}); err != nil {
		t.Fatal(err)
	}
	login, err := sf.APILogin(ctx, info.Line, "Default", key)
	if err != nil || login.Field != "api_token" || login.Token == "" {
		t.Fatalf("login: %+v %v", login, err)
	}
	// The login is a session row, as the sync view counts them.
	row, err := conn.QueryRow(ctx, "SELECT COUNT(*) AS n FROM `oc_api_session` WHERE session_id = ?", login.Token)
	if err != nil || row.String("n") != "1" {
		t.Fatalf("api_session: %v %v", row, err)
	}
}

// TestDemoSetupFile: the setup file loads, names the demo and its
// package, and holds no secret.
func TestDemoSetupFile(t *testing.T) {
	info := startTestDemo(t, "2.3")
	f, err := LoadSetupFile(info.SetupFile, integrations.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if f.Site != info.Site.URL || f.Fingerprint != info.Site.Fingerprint || f.Store != "/public_html" || f.Integration != "onebox" {
		t.Errorf("setup file: %+v", f)
	}
	if fi, err := os.Stat(f.PackagePath()); err != nil || !fi.IsDir() || f.PackagePath() != info.Package {
		t.Errorf("package %q: %v", f.PackagePath(), err)
	}
	b, err := os.ReadFile(info.SetupFile)
	if err != nil || bytes.Contains(b, []byte(info.Site.Password)) {
		t.Errorf("the setup file holds the password (or is unreadable: %v)", err)
	}
}

func TestDemoBadLine(t *testing.T) {
	code, _, errOut := runWith(context.Background(), demoCLI(), nil, "demo", "--line", "9.9")
	if code != 2 || !strings.Contains(errOut, "3.0") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TestDemoCommand runs `ocsetup demo` in-process: it prints the site and
// example commands, and when its context ends it stops and removes its
// folder.
func TestDemoCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errOut bytes.Buffer
	done := make(chan int, 1)
	program := demoProgram.Path(t)
	getenv := func(k string) string {
		if k == demoprog.ProgramVar {
			return program
		}
		return ""
	}
	go func() {
		defer outW.Close()
		done <- demoCLI().Run(ctx, []string{"demo", "--line", "4.0"}, IO{In: strings.NewReader(""), Out: outW, Err: &errOut, Getenv: getenv})
	}()
	// Should the output never reach the credentials line, the command is
	// stopped, which closes its output and ends the loop below.
	guard := time.AfterFunc(30*time.Second, cancel)
	defer guard.Stop()
	fields := map[string]string{}
	var commands []string
	sc := bufio.NewScanner(outR)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") {
			fields[k] = strings.TrimSpace(v)
		}
		if strings.HasPrefix(line, "  ") {
			commands = append(commands, strings.TrimSpace(line))
		}
		if strings.HasPrefix(line, "  ocsetup credentials ") {
			break
		}
	}
	site := fields["site"]
	password, _, _ := strings.Cut(fields["password"], " ")
	if !strings.HasPrefix(site, "sftp://demo@127.0.0.1:") || password == "" || !strings.HasPrefix(fields["host key"], "SHA256:") ||
		!strings.Contains(fields["password"], "for this demo only") {
		t.Fatalf("printed: %v", fields)
	}
	detect := slices.IndexFunc(commands, func(c string) bool { return strings.HasPrefix(c, "ocsetup detect "+site+" --fingerprint SHA256:") })
	if len(commands) < 3 || commands[0] != "export "+PasswordVar+"="+password || detect < 0 {
		t.Fatalf("commands: %q", commands)
	}
	// The printed command line works as printed.
	vars := map[string]string{PasswordVar: password, DataDirVar: t.TempDir()}
	if code, out, e := runWith(context.Background(), demoCLI(), vars, strings.Fields(commands[detect])[1:]...); code != 0 || !strings.Contains(out, "4.0.2.3") {
		t.Errorf("%s: exit %d %s%s", commands[detect], code, out, e)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop")
	}
	if !strings.Contains(errOut.String(), "has stopped") {
		t.Errorf("stderr: %s", errOut.String())
	}
	if _, err := os.Stat(filepath.Dir(filepath.Dir(fields["setup file"]))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the demo's folder is still there: %v", err)
	}
	assertRefused(t, hostPort(t, site))
}

// demoHelperVar makes the test binary act as `ocsetup demo` (see
// TestDemoHelperProcess): the real command in a process of its own,
// without building the GUI binary.
const demoHelperVar = "OCSETUP_TEST_DEMO_PROCESS"

// TestDemoHelperProcess is not a test: run by TestDemoProcess with
// demoHelperVar set, it becomes `ocsetup demo --json` and exits.
func TestDemoHelperProcess(t *testing.T) {
	if os.Getenv(demoHelperVar) != "1" {
		return
	}
	os.Exit(demoCLI().Run(context.Background(), []string{"demo", "--json"}, StdIO()))
}

// TestDemoProcess runs `ocsetup demo` as a real process, stops it with
// SIGTERM, and checks that it exits cleanly leaving no port, child
// process or folder behind.
func TestDemoProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGTERM is a POSIX signal")
	}
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDemoHelperProcess$")
	cmd.Env = append(os.Environ(), demoHelperVar+"=1", "TMPDIR="+tmp, demoprog.ProgramVar+"="+demoProgram.Path(t))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }() // only if a check below failed first

	var info DemoInfo
	decoded := make(chan error, 1)
	go func() { decoded <- json.NewDecoder(stdout).Decode(&info) }()
	select {
	case err := <-decoded:
		if err != nil {
			t.Fatalf("read the demo's JSON: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(45 * time.Second):
		t.Fatalf("the demo printed nothing; stderr: %s", stderr.String())
	}
	addrs := []string{hostPort(t, info.Site.URL), hostPort(t, info.StoreURL)}
	for _, a := range addrs {
		c, err := net.DialTimeout("tcp", a, 5*time.Second)
		if err != nil {
			t.Fatalf("%s does not answer while the demo runs: %v", a, err)
		}
		c.Close()
	}
	demoPID := 0
	if runtime.GOOS == "linux" {
		// The scan must see the command as this test's child, or what
		// it finds below would prove nothing.
		if !slices.ContainsFunc(children(os.Getpid()), func(p string) bool { return strings.HasPrefix(p, strconv.Itoa(cmd.Process.Pid)+" ") }) {
			t.Fatalf("the /proc scan does not find the demo command %d", cmd.Process.Pid)
		}
		// The command runs the store in the demo program, its one
		// child, which starts nothing itself.
		kids := children(cmd.Process.Pid)
		if len(kids) != 1 || !strings.Contains(kids[0], "(ocsetup-demo)") {
			t.Fatalf("the demo command's processes: %v, want the demo program alone", kids)
		}
		demoPID, _ = strconv.Atoi(strings.Fields(kids[0])[0])
		if grand := children(demoPID); len(grand) != 0 {
			t.Errorf("the demo program started processes: %v", grand)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the demo did not stop on SIGTERM; stderr: %s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "has stopped") {
		t.Errorf("stderr: %s", stderr.String())
	}
	for _, a := range addrs {
		assertRefused(t, a)
	}
	if demoPID != 0 {
		if err := syscall.Kill(demoPID, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("the demo program %d outlived the command: %v", demoPID, err)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
}

// children lists the processes whose parent is pid, from /proc where the
// system has it (nil elsewhere).
func children(pid int) []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []string
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the process ended meanwhile
		}
		// "pid (comm) state ppid …"; comm may hold spaces, so cut at ")".
		s := string(b)
		rest := s[strings.LastIndexByte(s, ')')+1:]
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, strings.TrimSpace(s[:strings.LastIndexByte(s, ')')+1]))
		}
	}
	return out
}

func hostPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Port() == "" {
		t.Fatalf("no host:port in %q", raw)
	}
	return u.Host
}

func assertRefused(t *testing.T, addr string) {
	t.Helper()
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Errorf("%s still answers after the demo stopped", addr)
	}
}

// TestShellQuote: printed command lines survive a POSIX shell.
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"sftp://demo@127.0.0.1:4022/": "sftp://demo@127.0.0.1:4022/",
		"/tmp/a b/setup.yaml":         "'/tmp/a b/setup.yaml'",
		"it's":                        `'it'\''s'`,
		"":                            "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDemoCommands: the example lines follow the commands this build has.
func TestDemoCommands(t *testing.T) {
	site := demoprog.Site{URL: "sftp://demo@127.0.0.1:1/", Host: "127.0.0.1", Port: 1, User: "demo", Password: "PW", Fingerprint: "SHA256:fp"}
	info := &DemoInfo{Site: site, StoreURL: "http://127.0.0.1:2/", SetupFile: "/tmp/d/setup.yaml", Package: "/tmp/d/onebox-demo"}
	all := demoCommands(info, func(string) bool { return true })
	want := []string{
		"export OCSETUP_PASSWORD=PW",
		"export OCSETUP_SECRET_API_KEY=$(ocsetup keygen --length 64)",
		"ocsetup detect sftp://demo@127.0.0.1:1/ --fingerprint SHA256:fp",
		"ocsetup upload sftp://demo@127.0.0.1:1/ /tmp/d/onebox-demo --store-url http://127.0.0.1:2/ --fingerprint SHA256:fp",
		"ocsetup credentials sftp://demo@127.0.0.1:1/ --fingerprint SHA256:fp",
		"ocsetup apply /tmp/d/setup.yaml",
		"ocsetup test /tmp/d/setup.yaml",
		"ocsetup sync /tmp/d/setup.yaml --once",
	}
	if !slices.Equal(all, want) {
		t.Errorf("all commands:\n%s\nwant\n%s", strings.Join(all, "\n"), strings.Join(want, "\n"))
	}
	some := demoCommands(info, func(name string) bool { return name == "detect" })
	if len(some) != 2 || !strings.HasPrefix(some[1], "ocsetup detect ") {
		t.Errorf("detect only: %q", some)
	}
}
