package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// siteOf turns a test server login into a remote.Site.
func siteOf(s testenv.Site) remote.Site {
	rs := remote.Site{Protocol: remote.Protocol(s.Protocol), Host: s.Host, Port: s.Port,
		User: s.User, Password: s.Password, Timeout: 10 * time.Second}
	if s.Name == testenv.FTPNoTLS {
		rs.AllowPlain = true
	}
	return rs
}

// trusting returns a Trust that knows the test servers' key and
// certificate, as after a first connection the user accepted.
func trusting(t *testing.T, env *testenv.Env, s testenv.Site) *remote.Trust {
	t.Helper()
	tr := remote.NewTrust(t.TempDir())
	kh, err := os.ReadFile(env.SSH.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tr.KnownHosts, kh, 0o600); err != nil {
		t.Fatal(err)
	}
	if s.Name == testenv.FTPNoTLS {
		// A server that never offered TLS has no pinned certificate (a
		// pinned one that now refuses TLS is a hard stop).
		return tr
	}
	if err := os.WriteFile(tr.KnownCerts, []byte(s.Addr()+" "+env.TLS.CertSHA256+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return tr
}

// engineFor opens a pool to the fixture store and an engine on it.
func engineFor(t *testing.T, env *testenv.Env, ts testenv.Site, st *fixture.Store, dataDir string) *deploy.Engine {
	t.Helper()
	trust := trusting(t, env, ts)
	pool, err := remote.Open(context.Background(), siteOf(ts), trust, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pool.Close() })
	return &deploy.Engine{Files: pool, Trust: trust, DataDir: dataDir,
		Store: deploy.Store{Root: st.Remote, Version: st.Version, AdminDir: st.AdminFolder()}}
}

// genSpec describes a generated package.
type genSpec struct {
	version string // the store line it is built for
	files   int
	seed    uint64
	maxSize int // bytes; 0 means 20 KB
	// changed files get other content (same paths).
	changed []int
	// extra adds files at these package paths.
	extra map[string]string
}

// genPackage writes a package folder shaped like a vendor's for the line:
// upload/ with the 1.5–2.2 layout (admin/controller/payment/…) for ≤2.2,
// the 2.3/3.x layout for 2.3 and 3.x, and an install.json package for 4.x.
// Files are 1–20 KB, spread over about 40 folders up to 7 deep. It returns
// the folder and the files by package path.
func genPackage(t *testing.T, s genSpec) (string, map[string][]byte) {
	t.Helper()
	l, err := pkg.ParseLine(s.version)
	if err != nil {
		t.Fatal(err)
	}
	// Packages are shared by the tests that ask for the same one: writing
	// 300 files costs more than uploading them.
	layout := "legacy"
	switch {
	case l.AtLeast(4, 0):
		layout = "4"
	case l.AtLeast(2, 3):
		layout = "23"
	}
	key := fmt.Sprintf("%s-%d-%d-%d-%v-%v", layout, s.files, s.seed, s.maxSize, s.changed, s.extra)
	genMu.Lock()
	defer genMu.Unlock()
	if g, ok := generated[key]; ok {
		return g.dir, g.files
	}
	dir := filepath.Join(genRoot, fmt.Sprintf("p%d", len(generated)), "xpay")
	files := writePackage(t, dir, l, s)
	generated[key] = genResult{dir, files}
	return dir, files
}

type genResult struct {
	dir   string
	files map[string][]byte
}

var (
	genMu     sync.Mutex
	generated = map[string]genResult{}
	genRoot   string
)

func TestMain(m *testing.M) {
	var err error
	if genRoot, err = os.MkdirTemp("", "deploy-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(genRoot)
	os.Exit(code)
}

func writePackage(t *testing.T, dir string, l pkg.Line, s genSpec) map[string][]byte {
	var roots []string
	prefix := "upload/"
	var err error
	switch {
	case l.AtLeast(4, 0):
		prefix = ""
		roots = []string{"admin/controller/payment", "admin/language/en-gb/payment", "admin/view/template/payment",
			"catalog/controller/payment", "catalog/model/payment", "catalog/view/template/payment", "system/library/xpay"}
	case l.AtLeast(2, 3):
		roots = []string{"admin/controller/extension/payment", "admin/language/en-gb/extension/payment",
			"admin/view/template/extension/payment", "catalog/controller/extension/payment",
			"catalog/model/extension/payment", "catalog/view/javascript/xpay", "system/library/xpay"}
	default:
		roots = []string{"admin/controller/payment", "admin/language/english/payment", "admin/view/template/payment",
			"catalog/controller/payment", "catalog/model/payment", "catalog/view/javascript/xpay", "system/library/xpay"}
	}
	// 40 folders: the roots and chains below the library folders.
	folders := append([]string(nil), roots...)
	for i := 0; len(folders) < 40; i++ {
		base := folders[5+i%2] // catalog/view/javascript/xpay or system/library/xpay
		d := base
		for k := 0; k <= i%4 && len(folders) < 40; k++ {
			d = fmt.Sprintf("%s/d%d", d, i*5+k)
			if strings.Count(d, "/") >= 7 {
				break
			}
			folders = append(folders, d)
		}
	}
	files := map[string][]byte{}
	changed := map[int]bool{}
	for _, c := range s.changed {
		changed[c] = true
	}
	r := rand.New(rand.NewPCG(s.seed, 7))
	for i := range s.files {
		d := folders[i%len(folders)]
		name := fmt.Sprintf("%s/f%03d.php", d, i)
		size := 1024 + r.IntN(19*1024)
		if s.maxSize > 0 {
			size = 200 + r.IntN(s.maxSize-200)
		}
		body := phpBody(r, size)
		if changed[i] {
			body = append([]byte("<?php // changed\n"), body...)
		}
		files[name] = body
	}
	for p, b := range s.extra {
		files[p] = []byte(b)
	}
	if l.AtLeast(4, 0) {
		files["install.json"] = []byte(`{"name": "X Pay", "version": "1.0", "author": "ocsetup tests", "link": "https://example.com", "code": "xpay"}`)
	}
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(prefix+p))
		if err = os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err = os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func phpBody(r *rand.Rand, size int) []byte {
	var b bytes.Buffer
	b.WriteString("<?php\n")
	for b.Len() < size {
		fmt.Fprintf(&b, "// %x\n", r.Uint64())
	}
	return b.Bytes()[:size]
}

func openPkg(t *testing.T, dir string) *pkg.Package {
	t.Helper()
	p, err := pkg.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// snapshot is a local tree: files with content, folders with "/".
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameTree fails the test where two snapshots differ.
func sameTree(t *testing.T, before, after map[string]string) {
	t.Helper()
	n := 0
	for p, b := range before {
		if a, ok := after[p]; !ok {
			t.Errorf("%s is gone", p)
			n++
		} else if a != b {
			t.Errorf("%s differs (%d bytes, was %d)", p, len(a), len(b))
			n++
		}
		if n > 10 {
			t.Fatal("too many differences")
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s was not there before", p)
			n++
		}
		if n > 10 {
			t.Fatal("too many differences")
		}
	}
}

// storePath maps a generated package path to its store path.
func storePath(version, p string) string {
	if l, _ := pkg.ParseLine(version); l.AtLeast(4, 0) {
		return path.Join("extension/xpay", p)
	}
	return p
}

// upload plans and uploads p.
func upload(ctx context.Context, e *deploy.Engine, p *pkg.Package) (*deploy.Manifest, error) {
	pl, err := e.Plan(ctx, p, deploy.PlanOptions{})
	if err != nil {
		return nil, err
	}
	return e.Upload(ctx, pl, p)
}

func rngFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 3)) }

type pkgWarning = pkg.Warning
