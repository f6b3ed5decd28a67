package settings

import (
	"context"
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// NotStoredError: the store answered that it saved the settings, but the
// rows read back afterwards do not hold what was posted. A save is judged
// by both: the store's words can be wrong (a page that always prints an
// alert, a handler that drops a field).
type NotStoredError struct {
	Extension string
	Missing   []string // keys with no row
	Different []string // keys whose row holds another value (values are not named: some are secret)
}

func (e *NotStoredError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *NotStoredError) Msg() msg.Msg {
	var found msg.Msg
	switch {
	case len(e.Missing) > 0 && len(e.Different) > 0:
		found = msg.New("error.settings.not_stored_both", "Missing", strings.Join(e.Missing, ", "), "Different", strings.Join(e.Different, ", "))
	case len(e.Missing) > 0:
		found = msg.New("error.settings.not_stored_missing", "Missing", strings.Join(e.Missing, ", "))
	default:
		found = msg.New("error.settings.not_stored_different", "Different", strings.Join(e.Different, ", "))
	}
	return msg.New("error.settings.not_stored", "Extension", e.Extension, "Found", found)
}

// readBack compares what the form posted with the rows the save wrote:
// every posted key the line's editSetting() keeps must have a row, and a
// plain value must be the posted one. A list posted empty sends nothing
// (no box ticked), so it has no row to find; order statuses were picked
// by name in the form, so only their row is looked for.
func readBack(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, p *integrations.Plan) error {
	code := p.Extension.SettingCode(line)
	table, err := db.Table(sc.Prefix, "setting")
	if err != nil {
		return err
	}
	col := sc.SettingGroupColumn()
	if col == "" {
		return fmt.Errorf("the setting table has neither a code nor a group column")
	}
	rows, err := d.Query(ctx, fmt.Sprintf("SELECT `key`, `value` FROM %s WHERE store_id = 0 AND `%s` = ?", table, col), code)
	if err != nil {
		return fmt.Errorf("reading the saved settings back: %w", err)
	}
	have := map[string]string{}
	for i := 0; i < rows.Len(); i++ {
		have[rows.Row(i).String("key")] = rows.Row(i).String("value")
	}
	e := &NotStoredError{Extension: p.Extension.Code}
	for _, en := range p.Post {
		key := strings.TrimSuffix(en.Name, "[]")
		if line != store.Line15 && !strings.HasPrefix(key, code) {
			continue // editSetting() keeps only the code's own keys
		}
		if en.List && len(en.Values) == 0 {
			continue
		}
		v, ok := have[key]
		switch {
		case !ok:
			e.Missing = append(e.Missing, key)
		case !en.List && len(en.Status) == 0 && len(en.Values) > 0 && v != en.Values[0]:
			e.Different = append(e.Different, key)
		}
	}
	if len(e.Missing)+len(e.Different) > 0 {
		return e
	}
	return nil
}
