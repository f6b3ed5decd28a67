// Package access creates what an integration needs to reach the store: the
// store's API user and its IP allow-list, the connector's config file and
// the cron job the connector needs.
package access

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
	"golang.org/x/crypto/ssh"
)

// Job is one line ocsetup keeps in a user's crontab.
type Job struct {
	// ID names the job (for example "onebox:/home/u/public_html"); it is
	// written as a marker on the line so a later run finds and updates or
	// removes exactly that line.
	ID       string
	Schedule string // "0 * * * *" for hourly
	Command  string
}

var scheduleRe = regexp.MustCompile(`^(@(hourly|daily|weekly|monthly|yearly|annually|reboot)|(\S+\s+){4}\S+)$`)

// Line is the crontab line: the command with % escaped (cron turns a bare %
// into a newline) and the marker as a trailing shell comment.
func (j Job) Line() (string, error) {
	if !scheduleRe.MatchString(strings.TrimSpace(j.Schedule)) {
		return "", fmt.Errorf("%q is not a cron schedule", j.Schedule)
	}
	if j.ID == "" || strings.ContainsAny(j.ID, "\n#") {
		return "", fmt.Errorf("job id %q must be one line without #", j.ID)
	}
	if j.Command == "" || strings.ContainsAny(j.Command, "\n\r") {
		return "", errors.New("the cron command must be one line")
	}
	return fmt.Sprintf("%s %s %s", strings.TrimSpace(j.Schedule), strings.ReplaceAll(j.Command, "%", `\%`), j.marker()), nil
}

func (j Job) marker() string { return "# ocsetup:" + j.ID }

// Runner runs a shell command on the server; an *ssh.Client does it with
// SSHRunner.
type Runner interface {
	Run(ctx context.Context, cmd string, stdin []byte) (stdout, stderr []byte, exit int, err error)
}

// SSHRunner runs commands in sessions of an SSH connection.
type SSHRunner struct{ Client *ssh.Client }

// Run runs cmd; a non-zero exit is reported in exit, not as err.
func (r SSHRunner) Run(ctx context.Context, cmd string, stdin []byte) ([]byte, []byte, int, error) {
	s, err := r.Client.NewSession()
	if err != nil {
		return nil, nil, -1, msg.Wrap(err, "error.access.no_shell")
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr = &out, &errOut
	if stdin != nil {
		s.Stdin = bytes.NewReader(stdin)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(cmd) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = s.Close()
		return nil, nil, -1, ctx.Err()
	}
	var exitErr *ssh.ExitError
	if errors.As(err, &exitErr) {
		return out.Bytes(), errOut.Bytes(), exitErr.ExitStatus(), nil
	}
	if err != nil {
		return nil, nil, -1, err
	}
	return out.Bytes(), errOut.Bytes(), 0, nil
}

// CronResult says what EnsureCron did.
type CronResult string

// What EnsureCron can do.
const (
	CronAdded     CronResult = "added"
	CronUpdated   CronResult = "updated"
	CronUnchanged CronResult = "unchanged"
	// CronPresent: the user already has the same command without our marker.
	CronPresent CronResult = "present"
)

// ErrNoCrontab means the server offers no crontab to this account (no shell,
// or no crontab command); the app then runs the job itself.
var ErrNoCrontab error = msg.NewError("error.access.no_crontab")

// readCrontab returns the user's crontab ("" when they have none).
func readCrontab(ctx context.Context, r Runner) (string, error) {
	out, errOut, exit, err := r.Run(ctx, "crontab -l", nil)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoCrontab, err)
	}
	switch {
	case exit == 0:
		return string(out), nil
	case exit == 1 && bytes.Contains(errOut, []byte("no crontab")):
		return "", nil
	case exit == 127:
		return "", msg.Wrap(ErrNoCrontab, "error.access.crontab_missing")
	}
	return "", fmt.Errorf("%w: crontab -l: %s", ErrNoCrontab, strings.TrimSpace(string(errOut)))
}

func writeCrontab(ctx context.Context, r Runner, content string) error {
	_, errOut, exit, err := r.Run(ctx, "crontab -", []byte(content))
	if err != nil {
		return err
	}
	if exit != 0 {
		return msg.NewError("error.access.crontab_refused", "Detail", strings.TrimSpace(string(errOut)))
	}
	return nil
}

// EnsureCron adds the job once: a second run changes nothing, a changed
// command or schedule replaces our line, and a line the user added by hand
// with the same command is left alone (no duplicate).
func EnsureCron(ctx context.Context, r Runner, j Job) (CronResult, error) {
	line, err := j.Line()
	if err != nil {
		return "", err
	}
	cur, err := readCrontab(ctx, r)
	if err != nil {
		return "", err
	}
	lines := splitLines(cur)
	escaped := strings.ReplaceAll(j.Command, "%", `\%`)
	for i, l := range lines {
		if strings.HasSuffix(l, " "+j.marker()) {
			if l == line {
				return CronUnchanged, nil
			}
			lines[i] = line
			return CronUpdated, writeCrontab(ctx, r, joinLines(lines))
		}
	}
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") && strings.Contains(l, escaped) {
			return CronPresent, nil
		}
	}
	return CronAdded, writeCrontab(ctx, r, joinLines(append(lines, line)))
}

// RemoveCron deletes our line for the job (rollback); removed is false when
// there was none.
func RemoveCron(ctx context.Context, r Runner, id string) (removed bool, err error) {
	cur, err := readCrontab(ctx, r)
	if err != nil {
		return false, err
	}
	marker := Job{ID: id}.marker()
	var keep []string
	for _, l := range splitLines(cur) {
		if strings.HasSuffix(l, " "+marker) {
			removed = true
			continue
		}
		keep = append(keep, l)
	}
	if !removed {
		return false, nil
	}
	if len(keep) == 0 {
		_, errOut, exit, err := r.Run(ctx, "crontab -r", nil)
		if err == nil && exit != 0 {
			err = fmt.Errorf("crontab -r: %s", strings.TrimSpace(string(errOut)))
		}
		return err == nil, err
	}
	return true, writeCrontab(ctx, r, joinLines(keep))
}

func splitLines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// joinLines ends the table with a newline: cron ignores a last line without one.
func joinLines(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// CronLine returns the crontab line that carries the job's marker, ""
// when there is none: what a setup records before it changes the line.
func CronLine(ctx context.Context, r Runner, id string) (string, error) {
	cur, err := readCrontab(ctx, r)
	if err != nil {
		return "", err
	}
	marker := Job{ID: id}.marker()
	for _, l := range splitLines(cur) {
		if strings.HasSuffix(l, " "+marker) {
			return l, nil
		}
	}
	return "", nil
}

// RestoreCron puts the job's line back as it was before a setup: removed
// when there was none (RemoveCron), else the previous line in its place.
// changed is false when the table already had it so.
func RestoreCron(ctx context.Context, r Runner, id, previous string) (changed bool, err error) {
	if previous == "" {
		return RemoveCron(ctx, r, id)
	}
	cur, err := readCrontab(ctx, r)
	if err != nil {
		return false, err
	}
	lines := splitLines(cur)
	marker := Job{ID: id}.marker()
	for i, l := range lines {
		if strings.HasSuffix(l, " "+marker) {
			if l == previous {
				return false, nil
			}
			lines[i] = previous
			return true, writeCrontab(ctx, r, joinLines(lines))
		}
	}
	return true, writeCrontab(ctx, r, joinLines(append(lines, previous)))
}
