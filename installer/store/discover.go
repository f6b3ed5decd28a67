package store

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// Files is what discovery needs from the files channel (*remote.Pool has it).
type Files interface {
	List(ctx context.Context, dir string) ([]remote.FileInfo, error)
	ReadFile(ctx context.Context, name string, limit int64) ([]byte, error)
}

// Store is one OpenCart installation found on the account.
type Store struct {
	Root     string `json:"root"`      // folder as the files channel shows it
	Version  string `json:"version"`   // VERSION from index.php ("" if it has none)
	Line     Line   `json:"line"`      // from VERSION, else from the layout
	AdminDir string `json:"admin_dir"` // the admin folder's name ("admin" unless renamed, 4.x)
	// LayoutLines are the lines the files on disk fit.
	LayoutLines []Line    `json:"layout_lines,omitempty"`
	Warnings    []Warning `json:"warnings,omitempty"`
}

// Warning is something the user should know about a store.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Msg is Message as a message, for the app to show in the user's
	// language; zero when the warning has none.
	Msg msg.Msg `json:"-"`
}

// warn is the warning with its message, whose English is Message.
func warn(code string, m msg.Msg) Warning { return Warning{Code: code, Message: m.English(), Msg: m} }

// NotFoundError says no store was found, and what was seen instead.
type NotFoundError struct {
	Searched []string // folders that were listed
	Seen     []string // notable things found there ("WordPress in /public_html")
}

func (e *NotFoundError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *NotFoundError) Msg() msg.Msg {
	var searched any = strings.Join(e.Searched, ", ")
	if n := 8; len(e.Searched) > n {
		searched = msg.New("error.store.searched_more", "List", strings.Join(e.Searched[:n], ", "), "Count", len(e.Searched)-n)
	}
	var seen any = ""
	if len(e.Seen) > 0 {
		seen = msg.New("error.store.found_instead", "Seen", strings.Join(e.Seen, "; "))
	}
	return msg.New("error.store.not_found", "Searched", searched, "Seen", seen)
}

// webRoots are folder names hosting panels use for the public web folder;
// siteParents hold one folder per site (cPanel addon domains, ISPmanager,
// Plesk's vhosts), each with its own web folder.
var (
	webRoots = map[string]bool{"public_html": true, "www": true, "htdocs": true, "httpdocs": true, "html": true,
		"web": true, "public": true, "wwwroot": true}
	siteParents = map[string]bool{"domains": true, "sites": true, "vhosts": true}
)

// systemDirs are the folders of a server's own system. Discovery from "/"
// on an account without a chroot never walks them: no store lives there,
// and /proc or /usr alone hold thousands of folders.
var systemDirs = map[string]bool{"/proc": true, "/sys": true, "/dev": true, "/boot": true, "/etc": true,
	"/usr": true, "/bin": true, "/sbin": true, "/lib": true, "/lib32": true, "/lib64": true, "/libx32": true,
	"/run": true, "/snap": true, "/tmp": true, "/lost+found": true, "/root": true,
	"/var/lib": true, "/var/cache": true, "/var/log": true, "/var/spool": true, "/var/run": true,
	"/var/lock": true, "/var/tmp": true, "/var/mail": true, "/var/backups": true}

// serverWebRoots are where a server's own web folders usually are, looked
// at when discovery starts at "/".
var serverWebRoots = []string{"/var/www", "/srv/www", "/srv/http"}

// otherApps recognises what is there when OpenCart is not.
var otherApps = map[string]string{"wp-config.php": "WordPress", "configuration.php": "Joomla",
	"app/etc/env.php": "Magento", "config/settings.inc.php": "PrestaShop"}

// Discover looks for stores at start, then in the usual web folders
// (public_html, www, htdocs, httpdocs, html, domains/*/public_html…) and
// two levels below start. Listings run in parallel; the files channel's
// pool bounds the connections.
//
// From "/", when fs tells the login folder (Getwd, as *remote.Pool does)
// and it is not "/", the login folder is searched first: on an account
// without a chroot, "/" is the server's whole file system. System folders
// (/proc, /usr, /etc, /var/lib…) are never walked.
func Discover(ctx context.Context, fs Files, start string) ([]Store, error) {
	d := &discovery{fs: fs, listed: map[string][]remote.FileInfo{}, read: map[string][]byte{}}
	start = path.Clean("/" + start)
	var roots []string
	var err error
	if home := d.home(ctx, start); home != "" {
		d.lookAhead(ctx, home)
		roots, err = d.search(ctx, home)
		if err != nil {
			return nil, err
		}
	}
	if len(roots) == 0 {
		if start != "/" {
			d.lookAhead(ctx, start)
		}
		roots, err = d.search(ctx, start)
	}
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return nil, &NotFoundError{Searched: d.searched(), Seen: d.seen}
	}
	stores := make([]Store, len(roots))
	errs := make([]error, len(roots))
	var wg sync.WaitGroup
	for i, r := range roots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = d.inspect(ctx, r)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return stores, nil
}

// home is the login folder to search before "/", or "".
func (d *discovery) home(ctx context.Context, start string) string {
	wd, ok := d.fs.(interface {
		Getwd(ctx context.Context) (string, error)
	})
	if start != "/" || !ok {
		return ""
	}
	home, err := wd.Getwd(ctx)
	if err != nil || !strings.HasPrefix(home, "/") {
		return ""
	}
	// The login folder is searched even inside a system folder: it is the
	// account's own (some hosts keep their users under /var/lib).
	if home = path.Clean(home); home == "/" {
		return ""
	}
	return home
}

// skipped reports whether dir is a system folder or inside one.
func skipped(dir string) bool {
	for d := dir; d != "/" && d != "."; d = path.Dir(d) {
		if systemDirs[d] {
			return true
		}
	}
	return false
}

type discovery struct {
	fs     Files
	mu     sync.Mutex
	listed map[string][]remote.FileInfo
	read   map[string][]byte // index.php files lookAhead read
	seen   []string
}

// readLister reads a file and lists folders in one go (*remote.Pool).
type readLister interface {
	ReadAndList(ctx context.Context, name string, limit int64, dirs []string) ([]byte, [][]remote.FileInfo, []error, error)
}

// indexLimit bounds the index.php discovery reads.
const indexLimit = 256 << 10

// lookAhead fetches, in one batch, what inspect needs if dir is a store:
// its listing, those of system/, admin/, admin/controller/ and
// admin/controller/extension/, and its index.php. The user usually names
// the store's own folder, and over a slow link one batch instead of three
// steps one after the other saves a good part of a second. Failures are
// not kept: the step that needs the listing or the file asks again.
func (d *discovery) lookAhead(ctx context.Context, dir string) {
	rl, ok := d.fs.(readLister)
	if !ok {
		return
	}
	admin := path.Join(dir, "admin")
	dirs := []string{dir, path.Join(dir, "system"), admin, path.Join(admin, "controller"), path.Join(admin, "controller", "extension")}
	index := path.Join(dir, "index.php")
	data, lists, errs, readErr := rl.ReadAndList(ctx, index, indexLimit, dirs)
	d.mu.Lock()
	defer d.mu.Unlock()
	if readErr == nil {
		d.read[index] = data
	}
	for i, dir := range dirs {
		if k := remote.KindOf(errs[i]); k == remote.KindPermission || k == remote.KindNotFound {
			lists[i], errs[i] = nil, nil
		}
		if errs[i] == nil {
			d.listed[dir] = lists[i]
		}
	}
}

// readIndex reads a store's index.php, or takes what lookAhead read.
func (d *discovery) readIndex(ctx context.Context, root string) ([]byte, error) {
	name := path.Join(root, "index.php")
	d.mu.Lock()
	data, ok := d.read[name]
	d.mu.Unlock()
	if ok {
		return data, nil
	}
	return d.fs.ReadFile(ctx, name, indexLimit)
}

func (d *discovery) searched() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.listed))
	for p := range d.listed {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// list lists a folder once; permission errors count as empty (a shared
// host shows folders of other users that cannot be opened).
func (d *discovery) list(ctx context.Context, dir string) ([]remote.FileInfo, error) {
	lists, err := d.listAll(ctx, []string{dir})
	if err != nil {
		return nil, err
	}
	return lists[0], nil
}

// manyLister lists several folders for about one listing's round trips
// (*remote.Pool: pipelined STAT over FTP, requests in flight over SFTP).
type manyLister interface {
	ListMany(ctx context.Context, dirs []string) ([][]remote.FileInfo, []error)
}

// search looks in stages and stops at the first stage that finds a store,
// so that the usual layouts cost a handful of listings even on accounts
// with thousands of folders (each FTP listing is about three round trips):
//
//  1. the start folder itself;
//  2. the web folders hosting panels make (public_html, www, htdocs,
//     httpdocs, html…, also domains/*/public_html) and one level inside
//     them (stores installed in a subfolder such as public_html/shop);
//  3. two levels below the start folder, everything.
func (d *discovery) search(ctx context.Context, start string) ([]string, error) {
	roots, err := d.scan(ctx, []string{start}, 0)
	if err != nil || len(roots) > 0 {
		return roots, err
	}
	web, err := d.webFolders(ctx, start)
	if err != nil {
		return nil, err
	}
	if roots, err = d.scan(ctx, web, 1); err != nil || len(roots) > 0 {
		return roots, err
	}
	return d.scan(ctx, []string{start}, 2)
}

// scan lists dirs and, level by level, their subfolders down to depth
// more levels, returning the folders that are stores (a store's own
// subfolders are not searched). Listings of one level run in parallel.
func (d *discovery) scan(ctx context.Context, dirs []string, depth int) ([]string, error) {
	var roots []string
	level := dirs
	for n := 0; len(level) > 0; n++ {
		lists, err := d.listAll(ctx, level)
		if err != nil {
			return nil, err
		}
		var next []string
		for i, dir := range level {
			if looksLikeStore(lists[i]) {
				roots = append(roots, dir)
				continue
			}
			d.notice(dir, lists[i])
			if n == depth {
				continue
			}
			for _, e := range lists[i] {
				if sub := path.Join(dir, e.Name); e.IsDir() && !strings.HasPrefix(e.Name, ".") && !skipped(sub) {
					next = append(next, sub)
				}
			}
		}
		level = next
	}
	sort.Strings(roots)
	return dedupe(roots), nil
}

// webFolders are the web-root folders below start: start/<web>, and
// start/<domains>/<site>/<web>.
func (d *discovery) webFolders(ctx context.Context, start string) ([]string, error) {
	entries, err := d.list(ctx, start)
	if err != nil {
		return nil, err
	}
	var out, parents []string
	if start == "/" {
		for _, w := range serverWebRoots {
			top := strings.Split(w, "/")[1]
			for _, e := range entries {
				if e.IsDir() && e.Name == top {
					out = append(out, w) // a missing one lists as empty
				}
			}
		}
	}
	for _, e := range entries {
		switch name := strings.ToLower(e.Name); {
		case !e.IsDir():
		case webRoots[name]:
			out = append(out, path.Join(start, e.Name))
		case siteParents[name]:
			parents = append(parents, path.Join(start, e.Name))
		}
	}
	lists, err := d.listAll(ctx, parents)
	if err != nil {
		return nil, err
	}
	var sites []string
	for i, p := range parents {
		for _, e := range lists[i] {
			if e.IsDir() && !strings.HasPrefix(e.Name, ".") {
				sites = append(sites, path.Join(p, e.Name))
			}
		}
	}
	lists, err = d.listAll(ctx, sites)
	if err != nil {
		return nil, err
	}
	for i, site := range sites {
		if looksLikeStore(lists[i]) {
			out = append(out, site) // domains/<site> itself may be the store
			continue
		}
		for _, e := range lists[i] {
			if e.IsDir() && webRoots[strings.ToLower(e.Name)] {
				out = append(out, path.Join(site, e.Name))
			}
		}
	}
	return out, nil
}

// listAll lists folders, each once (see list), all at once: in one batch
// where the files channel lists many folders together, else in parallel.
func (d *discovery) listAll(ctx context.Context, dirs []string) ([][]remote.FileInfo, error) {
	lists := make([][]remote.FileInfo, len(dirs))
	errs := make([]error, len(dirs))
	var todo []int
	d.mu.Lock()
	for i, dir := range dirs {
		if l, ok := d.listed[dir]; ok {
			lists[i] = l
		} else {
			todo = append(todo, i)
		}
	}
	d.mu.Unlock()
	if len(todo) == 0 {
		return lists, nil
	}
	if ml, ok := d.fs.(manyLister); ok {
		ask := make([]string, len(todo))
		for j, i := range todo {
			ask[j] = dirs[i]
		}
		ls, es := ml.ListMany(ctx, ask)
		for j, i := range todo {
			lists[i], errs[i] = ls[j], es[j]
		}
	} else {
		var wg sync.WaitGroup
		for _, i := range todo {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lists[i], errs[i] = d.fs.List(ctx, dirs[i])
			}()
		}
		wg.Wait()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, i := range todo {
		if k := remote.KindOf(errs[i]); k == remote.KindPermission || k == remote.KindNotFound {
			lists[i], errs[i] = nil, nil
		}
		if errs[i] == nil {
			d.listed[dirs[i]] = lists[i]
		}
	}
	return lists, errors.Join(errs...)
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// looksLikeStore: config.php, index.php and system/ in one folder.
func looksLikeStore(entries []remote.FileInfo) bool {
	var config, index, system bool
	for _, e := range entries {
		switch {
		case e.Name == "config.php" && !e.IsDir():
			config = true
		case e.Name == "index.php" && !e.IsDir():
			index = true
		case e.Name == "system" && e.IsDir():
			system = true
		}
	}
	return config && index && system
}

func (d *discovery) notice(dir string, entries []remote.FileInfo) {
	for _, e := range entries {
		if app, ok := otherApps[e.Name]; ok && !e.IsDir() {
			d.mu.Lock()
			d.seen = append(d.seen, fmt.Sprintf("%s in %s", app, dir))
			d.mu.Unlock()
		}
	}
}

// adminCandidates are the folders of a store root that may be the admin:
// "admin" first, then anything that is not a known OpenCart folder (4.x
// lets the admin folder be renamed).
func adminCandidates(entries []remote.FileInfo) []string {
	known := map[string]bool{"catalog": true, "system": true, "image": true, "extension": true, "download": true,
		"install": true, "vqmod": true, "storage": true, "vendor": true, "cgi-bin": true}
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name == "admin" {
			out = append([]string{"admin"}, out...)
		} else if e.IsDir() && !known[e.Name] && !strings.HasPrefix(e.Name, ".") {
			out = append(out, e.Name)
		}
	}
	return out
}

// inspect reads VERSION, finds the admin folder and checks the layout.
func (d *discovery) inspect(ctx context.Context, root string) (Store, error) {
	st := Store{Root: root}
	entries, err := d.list(ctx, root)
	if err != nil {
		return st, err
	}
	// index.php is read while the folders that findAdmin and layoutLines
	// look at are listed, all of them in one batch: over a slow link each
	// step one after the other costs its round trips.
	var idx []byte
	var idxErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		idx, idxErr = d.readIndex(ctx, root)
	}()
	ahead := []string{path.Join(root, "system")}
	for _, e := range entries {
		if e.IsDir() && e.Name == "admin" {
			a := path.Join(root, "admin")
			ahead = append(ahead, a, path.Join(a, "controller"), path.Join(a, "controller", "extension"))
		}
	}
	_, _ = d.listAll(ctx, ahead) // a failure shows again below, where the listing is needed
	st.AdminDir, err = d.findAdmin(ctx, root, entries)
	<-read
	if idxErr != nil {
		return st, msg.Wrap(idxErr, "error.store.read_index", "Path", path.Join(root, "index.php"))
	}
	st.Version = versionOf(idx)
	if err != nil {
		return st, err
	}
	if st.AdminDir == "" {
		st.Warnings = append(st.Warnings, warn("no-admin", msg.New("store.warning.no_admin")))
	}
	st.LayoutLines, err = d.layoutLines(ctx, root, st.AdminDir, entries)
	if err != nil {
		return st, err
	}
	versionLine, known := LineOf(st.Version)
	switch {
	case st.Version == "" && len(st.LayoutLines) == 1:
		st.Line = st.LayoutLines[0]
		st.Warnings = append(st.Warnings, warn("no-version", msg.New("store.warning.no_version_line", "Line", string(st.Line))))
	case st.Version == "":
		st.Warnings = append(st.Warnings, warn("no-version", msg.New("store.warning.no_version")))
	case !known:
		st.Line = versionLine
		st.Warnings = append(st.Warnings, warn("unknown-version", msg.New("store.warning.unknown_version", "Version", st.Version)))
	default:
		st.Line = versionLine
		if !versionLine.In(st.LayoutLines...) {
			st.Warnings = append(st.Warnings, warn("layout-mismatch", mismatch(st.Version, versionLine, st.LayoutLines)))
		}
	}
	return st, nil
}

func mismatch(version string, line Line, layout []Line) msg.Msg {
	var fits any = msg.New("store.warning.no_single_line")
	if len(layout) > 0 {
		names := make([]string, len(layout))
		for i, l := range layout {
			names[i] = string(l)
		}
		fits = strings.Join(names, ", ")
	}
	return msg.New("store.warning.layout_mismatch", "Version", version, "Fits", fits, "Line", string(line))
}

// versionOf reads define('VERSION', '…') from index.php with the PHP
// tokenizer (comments and strings cannot fool it).
func versionOf(src []byte) string {
	cfg, err := phpconf.Parse(src)
	if err != nil {
		return ""
	}
	v, _ := cfg.Value("VERSION")
	return v
}

// findAdmin picks the admin folder: "admin" when it holds config.php and
// index.php, else a renamed folder whose config.php says APPLICATION Admin
// or whose DIR_APPLICATION ends in its name (4.x's security tool writes both).
func (d *discovery) findAdmin(ctx context.Context, root string, entries []remote.FileInfo) (string, error) {
	for _, cand := range adminCandidates(entries) {
		list, err := d.list(ctx, path.Join(root, cand))
		if err != nil {
			return "", err
		}
		var config, index bool
		for _, e := range list {
			config = config || e.Name == "config.php" && !e.IsDir()
			index = index || e.Name == "index.php" && !e.IsDir()
		}
		if !config || !index {
			continue
		}
		if cand == "admin" {
			return cand, nil
		}
		src, err := d.fs.ReadFile(ctx, path.Join(root, cand, "config.php"), 256<<10)
		if err != nil {
			continue
		}
		cfg, err := phpconf.Parse(src)
		if err != nil {
			continue
		}
		if app, _ := cfg.Value("APPLICATION"); app == "Admin" {
			return cand, nil
		}
		if dir, ok := cfg.Value("DIR_APPLICATION"); ok && strings.HasSuffix(strings.TrimRight(dir, "/"), "/"+cand) {
			return cand, nil
		}
	}
	return "", nil
}

// layoutLines lists the few folders the markers live in and intersects the
// lines each present marker allows.
func (d *discovery) layoutLines(ctx context.Context, root, admin string, rootEntries []remote.FileInfo) ([]Line, error) {
	dirs := []string{path.Join(root, "system")}
	if admin != "" {
		dirs = append(dirs, path.Join(root, admin, "controller"), path.Join(root, admin, "controller", "extension"))
	}
	present := map[string]bool{}
	for _, e := range rootEntries {
		present[path.Join(root, e.Name)+dirSuffix(e)] = true
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(dirs))
	for i, dir := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			list, err := d.list(ctx, dir)
			mu.Lock()
			defer mu.Unlock()
			errs[i] = err
			for _, e := range list {
				present[path.Join(dir, e.Name)+dirSuffix(e)] = true
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	fits := append([]Line(nil), allLines...)
	for _, m := range markers {
		p := strings.ReplaceAll(m.path, "<admin>", admin)
		if strings.Contains(m.path, "<admin>") && admin == "" {
			continue
		}
		suffix := ""
		if m.dir {
			suffix = "/"
		}
		if !present[path.Join(root, p)+suffix] {
			continue
		}
		var keep []Line
		for _, l := range fits {
			if l.In(m.lines...) {
				keep = append(keep, l)
			}
		}
		fits = keep
	}
	return fits, nil
}

func dirSuffix(e remote.FileInfo) string {
	if e.IsDir() {
		return "/"
	}
	return ""
}
