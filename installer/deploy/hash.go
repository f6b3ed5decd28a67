package deploy

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// errNoServerHash: the channel cannot compute hashes on the server (FTP, or
// an SFTP-only account without a shell).
var errNoServerHash = errors.New("the server cannot compute hashes over this channel")

// hashMarker proves that the output came from a shell that ran our
// command, not from a forced command such as internal-sftp.
const hashMarker = "ocsetup-sha256"

var hashLine = regexp.MustCompile(`^([0-9a-f]{64})  (.+)$`)

// serverHashes runs sha256sum over SSH for the given absolute paths and
// returns the hashes it could compute (files it cannot read are left out).
// It returns errNoServerHash when there is no shell to run it in.
func serverHashes(ctx context.Context, files Files, paths []string) (map[string]string, error) {
	out := map[string]string{}
	if len(paths) == 0 {
		return out, nil
	}
	if files.Site().Protocol != remote.SFTP {
		return nil, errNoServerHash
	}
	for len(paths) > 0 {
		// Keep each command line well under the usual ARG_MAX.
		n, size := 0, 0
		for n < len(paths) && size < 64<<10 {
			size += len(paths[n]) + 4
			n++
		}
		batch := paths[:n]
		paths = paths[n:]
		var text []byte
		err := files.Do(ctx, func(c remote.Conn) error {
			client, ok := remote.SSHClient(c)
			if !ok {
				return errNoServerHash
			}
			s, err := client.NewSession()
			if err != nil {
				return errNoServerHash
			}
			defer s.Close()
			var cmd strings.Builder
			cmd.WriteString("echo " + hashMarker + "; sha256sum --")
			for _, p := range batch {
				cmd.WriteString(" " + shellQuote(p))
			}
			var stdout bytes.Buffer
			s.Stdout = &stdout
			done := make(chan error, 1)
			go func() { done <- s.Run(cmd.String()) }()
			// A forced command (internal-sftp) would wait for input
			// forever; a shell answers at once.
			timer := time.NewTimer(30 * time.Second)
			defer timer.Stop()
			select {
			case <-done:
			case <-timer.C:
				return errNoServerHash
			case <-ctx.Done():
				return ctx.Err()
			}
			text = stdout.Bytes()
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, errNoServerHash
		}
		lines := strings.Split(string(text), "\n")
		if len(lines) == 0 || strings.TrimSpace(lines[0]) != hashMarker {
			return nil, errNoServerHash
		}
		want := map[string]bool{}
		for _, p := range batch {
			want[p] = true
		}
		for _, l := range lines[1:] {
			// sha256sum starts a line with "\" when it escaped the name;
			// such names are left without a hash.
			if m := hashLine.FindStringSubmatch(l); m != nil && want[m[2]] {
				out[m[2]] = m[1]
			}
		}
	}
	return out, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
