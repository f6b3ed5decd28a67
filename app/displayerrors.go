package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/displayerrors"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/records"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/storefront"
)

// displayErrorsDir holds the undo records of Display Errors switches.
const displayErrorsDir = "display-errors"

// displayErrors looks at the storefront for PHP messages; when there are
// some and the user allowed it, it switches Display Errors off, recorded
// first so that a crash in between can be undone.
func (r *applyRun) displayErrors(ctx context.Context) error {
	if r.url == "" {
		return nil
	}
	c := storefront.New(r.url)
	c.HTTP = storeHTTP(20*time.Second, r.pool.Trust())
	home, err := c.Home(ctx)
	if err != nil || home.PHPCount == 0 {
		return nil // the checks report an unreachable storefront
	}
	r.res.PHPMessages = home.PHPCount
	step := &displayErrorsStep{Example: home.PHPErrors[0]}
	r.res.DisplayErrors = step
	if !r.flags.displayOff {
		return nil
	}
	rec, err := SwitchDisplayErrorsOff(ctx, r.dir, r.pool, r.d, r.sc, r.line, r.st.Root, r.url)
	var reverted *SwitchRevertedError
	if errors.As(err, &reverted) {
		// The store is as it was; the admin may still work (4.x reads
		// JSON behind the messages), so the setup goes on and says why.
		step.Reverted, step.reverted = reverted.Why, reverted.WhyMsg
		return nil
	}
	if err != nil {
		return err
	}
	step.Switched, step.Record = rec != "", rec
	r.journal.DisplayErrors = rec
	return r.journal.Save()
}

// DisplayErrorsRecord is the undo record of one store's switch.
type DisplayErrorsRecord struct {
	Site   remote.Site           `json:"site"`
	Change *displayerrors.Change `json:"change"`
}

func displayErrorsRecordName(site remote.Site, root string) string {
	sum := sha256.Sum256([]byte(site.String() + "\x00" + root))
	return hex.EncodeToString(sum[:8])
}

// SwitchDisplayErrorsOff switches the store's Display Errors off in the
// database and, where the framework prints before the settings load, in
// its default; it returns the undo record's path ("" when both were off
// already). When the storefront does not answer normally afterwards (4.0
// sends visitors to its error page on any PHP message once display is
// off), the switch is undone and the reason returned.
func SwitchDisplayErrorsOff(ctx context.Context, dir string, pool *remote.Pool, d db.DB, sc *db.Schema, line store.Line, root, storeURL string) (string, error) {
	ch, done, err := displayerrors.Plan(ctx, pool, d, sc, line, root)
	if err != nil || done {
		return "", err
	}
	file, err := records.Write(filepath.Join(dir, displayErrorsDir), displayErrorsRecordName(pool.Site(), root), DisplayErrorsRecord{Site: pool.Site(), Change: ch})
	if err != nil {
		return "", err
	}
	if err := displayerrors.Off(ctx, pool, d, sc, ch); err != nil {
		_ = displayerrors.Undo(context.WithoutCancel(ctx), pool, d, sc, ch)
		return "", msg.Wrap(err, "error.displayerrors.switch")
	}
	if why := storefrontBroken(ctx, storeURL, pool.Trust()); !why.IsZero() {
		if err := displayerrors.Undo(context.WithoutCancel(ctx), pool, d, sc, ch); err != nil {
			return file, msg.Wrap(err, "error.displayerrors.switch_back", "Why", why)
		}
		_ = records.Remove(file)
		return "", &SwitchRevertedError{Why: why.English(), WhyMsg: why}
	}
	return file, nil
}

// SwitchRevertedError: switching Display Errors off broke the storefront,
// so it was switched back on; the store is as it was.
type SwitchRevertedError struct {
	Why string
	// WhyMsg is Why as a message, for the app to show in the user's
	// language.
	WhyMsg msg.Msg
}

func (e *SwitchRevertedError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *SwitchRevertedError) Msg() msg.Msg {
	var why any = e.Why
	if !e.WhyMsg.IsZero() {
		why = e.WhyMsg
	}
	return msg.New("error.displayerrors.reverted", "Why", why)
}

// UndoDisplayErrors restores Display Errors on the store as the switch
// found it, and removes the record.
func UndoDisplayErrors(ctx context.Context, dir string, pool *remote.Pool, d db.DB, sc *db.Schema, root string) (bool, error) {
	name := displayErrorsRecordName(pool.Site(), root) + ".json"
	all, err := records.ReadAll(filepath.Join(dir, displayErrorsDir), "Display Errors record", func(r *DisplayErrorsRecord) bool { return r.Change != nil })
	for _, rec := range all {
		if filepath.Base(rec.File) != name {
			continue
		}
		if err := displayerrors.Undo(ctx, pool, d, sc, rec.Value.Change); err != nil {
			return false, err
		}
		return true, records.Remove(rec.File)
	}
	return false, err
}

// storefrontBroken says what is wrong with the home page, the zero Msg
// when it answers 200 in place (no redirect to an error page).
func storefrontBroken(ctx context.Context, storeURL string, trust *remote.Trust) msg.Msg {
	client := storeHTTP(20*time.Second, trust)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(storeURL, "/")+"/index.php?route=common/home", nil)
	if err != nil {
		return msg.New("displayerrors.broken.address")
	}
	resp, err := client.Do(req)
	if err != nil {
		return msg.New("displayerrors.broken.no_answer", "Error", err.Error())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		if loc := resp.Header.Get("Location"); loc != "" {
			return msg.New("displayerrors.broken.redirect", "Location", loc)
		}
		return msg.New("displayerrors.broken.status", "Status", resp.StatusCode)
	}
	return msg.Msg{}
}
