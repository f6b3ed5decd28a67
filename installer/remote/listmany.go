package remote

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ListMany lists several folders on one connection. Over SFTP the requests
// travel together (pkg/sftp keeps many in flight on one session); over FTP
// pipelined STAT commands carry the listings on the control connection
// (statLists). Either way the folders cost about one listing's round trips
// instead of one each. Other servers list one folder after the other.
// lists[i] and errs[i] belong to dirs[i]; a missing folder is an error of
// KindNotFound, or (FTP STAT) an empty listing.
func ListMany(ctx context.Context, c Conn, dirs []string) (lists [][]FileInfo, errs []error) {
	lists, errs = make([][]FileInfo, len(dirs)), make([]error, len(dirs))
	if f, ok := c.(*ftpConn); ok && !f.noStat && len(dirs) > 0 {
		if p, ok := FTPPipeOf(c); ok {
			ls, err := p.statLists(ctx, dirs)
			_ = p.Close()
			switch {
			case err == nil:
				return ls, errs
			case errors.Is(err, errNoStat):
				f.noStat = true
			default:
				for i := range errs {
					errs[i] = err
				}
				return lists, errs
			}
		}
	}
	s, ok := c.(*sftpConn)
	if !ok {
		for i, d := range dirs {
			lists[i], errs[i] = c.List(ctx, d)
		}
		return lists, errs
	}
	const inFlight = 32
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(inFlight, len(dirs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				lists[i], errs[i] = s.List(ctx, dirs[i])
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	return lists, errs
}

// errNoStat: the FTP server does not list folders in reply to STAT.
var errNoStat = errors.New("the server does not list folders with STAT")

// statLists lists folders with pipelined STAT commands on the control
// connection: vsftpd, ProFTPD and Pure-FTPd answer "STAT folder" with the
// folder's listing in the reply (213), so a batch of folders costs about
// one round trip and no data connection. A missing folder lists as empty
// (vsftpd does not tell it from an empty one; callers check the parent's
// listing). errNoStat when the server answers otherwise.
func (p *FTPPipe) statLists(ctx context.Context, dirs []string) ([][]FileInfo, error) {
	stop := context.AfterFunc(ctx, func() { _ = p.conns.Close() })
	defer stop()
	out := make([][]FileInfo, 0, len(dirs))
	for len(dirs) > 0 {
		n := min(len(dirs), 64)
		cmds := make([]string, n)
		for i, d := range dirs[:n] {
			if strings.ContainsAny(d, "\r\n*?[") {
				return nil, errNoStat
			}
			cmds[i] = "STAT " + d
		}
		if err := p.send(ctx, "list folders", cmds...); err != nil {
			return nil, err
		}
		var bad bool
		for _, d := range dirs[:n] {
			code, msg, err := p.read(ctx, "list "+d)
			if err != nil {
				return nil, err
			}
			if code != 211 && code != 212 && code != 213 {
				bad = true // read the other replies, to stay in step
				continue
			}
			out = append(out, parseLS(msg))
		}
		if bad {
			return nil, errNoStat
		}
		dirs = dirs[n:]
	}
	return out, nil
}

// parseLS reads the "ls -l" lines of a STAT reply (the first line is the
// server's "Status follows" text); lines it cannot read are left out.
func parseLS(msg string) []FileInfo {
	var out []FileInfo
	now := time.Now()
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimRight(strings.TrimLeft(line, " "), "\r")
		f := strings.Fields(line)
		if len(f) < 9 || len(f[0]) != 10 || !strings.ContainsRune("-dlcbps", rune(f[0][0])) {
			continue
		}
		size, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			continue
		}
		// The name is what follows the eighth field, spaces included.
		rest := line
		for range 8 {
			rest = strings.TrimLeft(rest, " ")
			rest = rest[strings.IndexByte(rest, ' ')+1:]
		}
		name := strings.TrimLeft(rest, " ")
		fi := FileInfo{Name: name, Size: size, Mode: 0o644, Owner: f[2]}
		switch f[0][0] {
		case 'd':
			fi.Mode, fi.Size = fs.ModeDir|0o755, 0
		case 'l':
			fi.Mode = fs.ModeSymlink | 0o777
			if i := strings.Index(name, " -> "); i >= 0 {
				fi.Name = name[:i]
			}
		case '-':
		default:
			fi.Mode = fs.ModeIrregular
		}
		stamp := strings.Join(f[5:8], " ")
		if t, err := time.Parse("Jan _2 15:04", stamp); err == nil {
			fi.ModTime = t.AddDate(now.Year(), 0, 0)
			if fi.ModTime.After(now.Add(24 * time.Hour)) {
				fi.ModTime = fi.ModTime.AddDate(-1, 0, 0)
			}
		} else if t, err := time.Parse("Jan _2 2006", stamp); err == nil {
			fi.ModTime = t
		}
		if fi.Name == "." || fi.Name == ".." || fi.Name == "" {
			continue
		}
		out = append(out, fi)
	}
	return out
}
