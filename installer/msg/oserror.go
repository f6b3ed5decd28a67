package msg

import (
	"errors"
	"io/fs"
	"syscall"
)

// osKinds are the operating system's failures a person meets with files
// (a folder that is not there, no right to write it, a full disk), by the
// key of their message. Their English is the system's own (Linux, macOS),
// so that an English user reads what they always read.
var osKinds = []struct {
	err error
	key string
}{
	{fs.ErrNotExist, "error.os.not_exist"},
	{fs.ErrPermission, "error.os.permission"},
	{fs.ErrExist, "error.os.exist"},
	{syscall.ENOSPC, "error.os.no_space"},
	{syscall.ENOTDIR, "error.os.not_dir"},
	{syscall.EISDIR, "error.os.is_dir"},
	{syscall.EROFS, "error.os.read_only"},
}

// osMsg is a file operation's failure (*fs.PathError) as a message, when
// it is one of osKinds and its English is the system's text for it.
func osMsg(err error) (Msg, bool) {
	pe, ok := err.(*fs.PathError)
	if !ok {
		return Msg{}, false
	}
	for _, k := range osKinds {
		if errors.Is(pe.Err, k.err) {
			m := New(k.key, "Op", pe.Op, "Path", pe.Path)
			if m.English() == err.Error() {
				return m, true
			}
		}
	}
	return Msg{}, false
}
