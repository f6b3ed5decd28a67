package deploy

import (
	"context"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// tree is what the server holds under the folders a package touches.
type tree struct {
	dirs  map[string]bool            // store-relative folders that exist; "" is the root
	files map[string]remote.FileInfo // store-relative path → entry (files, links, and folders)
}

func (t *tree) entry(rel string) (remote.FileInfo, bool) {
	fi, ok := t.files[rel]
	return fi, ok
}

// scan lists, level by level and in parallel, the store root and each
// wanted folder that exists. A folder's listing shows which of its
// children exist, so nothing below a missing folder is asked for. With
// all, every folder found below the wanted ones is listed too (to back up
// a whole folder before removing it).
func scan(ctx context.Context, files Files, st Store, want []string, all func(rel string) bool) (*tree, error) {
	wanted := map[string]bool{}
	for _, d := range want {
		for _, p := range append(parents(d), d) {
			wanted[p] = true
		}
	}
	t := &tree{dirs: map[string]bool{"": true}, files: map[string]remote.FileInfo{}}
	if all == nil {
		return t, scanAtOnce(ctx, files, st, wanted, t)
	}
	level := []string{""}
	var mu sync.Mutex
	for len(level) > 0 {
		var next []string
		err := parallel(ctx, len(level), files.Size(), func(i int) error {
			dir := level[i]
			var list []remote.FileInfo
			err := files.Do(ctx, func(c remote.Conn) (err error) {
				list, err = c.List(ctx, st.abs(dir))
				return err
			})
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, fi := range list {
				if fi.Name == "." || fi.Name == ".." || fi.Name == "" {
					continue
				}
				rel := path.Join(dir, fi.Name)
				t.files[rel] = fi
				if fi.IsDir() && (wanted[rel] || all != nil && all(rel)) {
					t.dirs[rel] = true
					next = append(next, rel)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(next)
		level = next
	}
	return t, nil
}

// scanAtOnce lists the root and every wanted folder in one go, without
// waiting for each parent's listing (a package's folders are 7 deep: seven
// rounds otherwise): the connections share the folders, and each lists its
// share with remote.ListMany (over SFTP, all in flight together). A
// folder's listing counts only where its parent's listing shows it as a
// folder; one that is missing is simply absent.
func scanAtOnce(ctx context.Context, files Files, st Store, wanted map[string]bool, t *tree) error {
	dirs := []string{""}
	for d := range wanted {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	// Parents first, so that the tree is built top down below.
	level := func(d string) int {
		if d == "" {
			return 0
		}
		return depth(d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		if li, lj := level(dirs[i]), level(dirs[j]); li != lj {
			return li < lj
		}
		return dirs[i] < dirs[j]
	})
	lists := make([][]remote.FileInfo, len(dirs))
	errs := make([]error, len(dirs))
	n := max(1, min(files.Size(), len(dirs)))
	err := parallel(ctx, n, n, func(k int) error {
		var idx []int
		var abs []string
		for i := k; i < len(dirs); i += n {
			idx = append(idx, i)
			abs = append(abs, st.abs(dirs[i]))
		}
		return files.Do(ctx, func(c remote.Conn) error {
			ls, es := remote.ListMany(ctx, c, abs)
			for j, i := range idx {
				lists[i], errs[i] = ls[j], es[j]
				// A failed connection fails the share (Do retries it
				// on a fresh one); the server's answers do not.
				if k := remote.KindOf(es[j]); es[j] != nil && k != remote.KindNotFound && k != remote.KindPermission {
					return es[j]
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	for i, dir := range dirs {
		if dir != "" {
			fi, ok := t.files[dir]
			if !ok || !fi.IsDir() || !t.dirs[storeDir(dir)] {
				continue // missing, or not a folder: its listing means nothing
			}
			t.dirs[dir] = true
		}
		if errs[i] != nil {
			return errs[i]
		}
		for _, fi := range lists[i] {
			if fi.Name == "." || fi.Name == ".." || fi.Name == "" {
				continue
			}
			t.files[path.Join(dir, fi.Name)] = fi
		}
	}
	return nil
}

// parallel runs fn(0..n-1) on up to width goroutines and returns the first
// error; after an error no new calls start.
func parallel(ctx context.Context, n, width int, fn func(i int) error) error {
	if width < 1 {
		width = 1
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || ctx.Err() != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for w := 0; w < min(width, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, ok := take(); ok; i, ok = take() {
				if err := fn(i); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && err != context.Canceled {
		return err
	}
	return ctx.Err()
}

// under reports whether rel is dir or inside it.
func under(rel, dir string) bool {
	return rel == dir || strings.HasPrefix(rel, dir+"/")
}
