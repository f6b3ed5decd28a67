package access

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/store"
)

// APIUser is the store's own API user an integration logs in with
// (System > Users > API), and the addresses allowed to use it.
type APIUser struct {
	// Name is the user name; 3.x's api/login uses "Default" when a client
	// sends only a key, as OneBox's cron.php does.
	Name string
	Key  string
	// IPs are the provider's addresses (2.1 and later check them).
	IPs []string
	// ReplaceKey lets EnsureAPIUser change the key (and status) of a user
	// that already exists. Without it an existing user's key is never
	// touched: other programs (OpenCart's own admin uses "Default" to
	// edit orders) log in with it and would stop working.
	ReplaceKey bool
	// ReuseKey keeps the key of a user that exists already and has one:
	// Key is then only the key of a user that has to be created, and the
	// result names the key the user has (APIResult.Key). For a connector
	// bound to a user it cannot choose (OpenCart 3.0 checks a key sent
	// alone against "Default"), so that nothing using that key breaks.
	ReuseKey bool
}

// ExistingUserError is returned when the API user exists with another key
// (or disabled) and the caller did not choose to replace it.
type ExistingUserError struct {
	Name string
}

func (e *ExistingUserError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *ExistingUserError) Msg() msg.Msg {
	return msg.New("error.access.existing_user", "Name", fmt.Sprintf("%q", e.Name))
}

// APIResult says what EnsureAPIUser did.
type APIResult struct {
	// APIID is the api_id of the user (0 on 1.5, which has no API users).
	APIID    int64    `json:"api_id"`
	Created  bool     `json:"created"`
	Updated  bool     `json:"updated"`
	IPsAdded []string `json:"ips_added,omitempty"`
	// Key is the key the user has now (never printed: the caller shows it
	// masked where it is handed over).
	Key string `json:"-"`
	// KeptKey: the user existed and kept its key (ReuseKey).
	KeptKey bool `json:"kept_key,omitempty"`
	// Notes are things the user should know, in plain language.
	Notes []string `json:"notes,omitempty"`
	// NoteMsgs are the Notes with their translation keys, one for one
	// (note adds both); a note without a key has a zero Msg.
	NoteMsgs []msg.Msg `json:"-"`
}

// note adds a translatable note.
func (r *APIResult) note(m msg.Msg) {
	r.Notes = append(r.Notes, m.English())
	r.NoteMsgs = append(r.NoteMsgs, m)
}

// Validate checks the user before anything is written. OpenCart's own
// form (2.1 on) wants a key of 64 to 256 characters.
func (u APIUser) Validate(line store.Line) error {
	if strings.TrimSpace(u.Name) == "" || len(u.Name) > 64 {
		return msg.NewError("error.access.name")
	}
	min := keygen.MinStoreAPI
	if line.In(store.Line15, store.Line20) {
		min = keygen.MinLength
	}
	if err := keygen.Valid(u.Key, min); err != nil {
		return msg.Wrap(err, "error.access.key")
	}
	if len(u.Key) > keygen.MaxLength {
		return msg.NewError("error.access.key_long", "Count", len(u.Key), "Max", keygen.MaxLength)
	}
	for _, ip := range u.IPs {
		if net.ParseIP(ip) == nil {
			return msg.NewError("error.access.not_ip", "IP", fmt.Sprintf("%q", ip))
		}
	}
	return nil
}

// EnsureAPIUser creates or updates the API user with the line's columns
// (2.0 username/password; 2.1–2.3 name/key; 3.x and 4.x username/key) and
// adds the IPs that are missing; on 1.5, which has no API users, it sets
// the REST API module's key and status instead. A second run changes what
// differs and adds nothing twice.
func EnsureAPIUser(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, u APIUser) (*APIResult, error) {
	if err := u.Validate(line); err != nil {
		return nil, err
	}
	if !sc.Has("api") {
		if sc.SettingGroupColumn() == "group" {
			return restAPIModule(ctx, d, sc, u)
		}
		return nil, msg.NewError("error.access.no_api_table")
	}
	nameCol, keyCol := sc.APINameColumn(), sc.APISecretColumn()
	if nameCol == "" || keyCol == "" {
		return nil, msg.NewError("error.access.api_columns")
	}
	api, err := db.Table(sc.Prefix, "api")
	if err != nil {
		return nil, err
	}
	res := &APIResult{}
	existingRow, err := readAPIRow(ctx, d, api, nameCol, keyCol, u.Name, u.Key)
	switch {
	case errors.Is(err, db.ErrNoRows):
		err = d.Tx(ctx, func(tx db.Tx) error {
			var r *db.Result
			if nameCol == "username" && keyCol == "password" { // 2.0
				r = tx.Exec(fmt.Sprintf("INSERT INTO %s (username, firstname, lastname, password, status, date_added, date_modified) VALUES (?, '', '', ?, 1, NOW(), NOW())", api), u.Name, u.Key)
			} else {
				r = tx.Exec(fmt.Sprintf("INSERT INTO %s (`%s`, `key`, status, date_added, date_modified) VALUES (?, ?, 1, NOW(), NOW())", api, nameCol), u.Name, u.Key)
			}
			res.Created = true
			return addIPs(tx, sc, r.InsertID(), u.IPs, nil, res)
		})
		if err != nil {
			return nil, err
		}
		// The new id, for the caller and the IP note below.
		row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT api_id FROM %s WHERE `%s` = ? ORDER BY api_id LIMIT 1", api, nameCol), u.Name)
		if err != nil {
			return nil, err
		}
		res.APIID, _ = strconv.ParseInt(row.String("api_id"), 10, 64)
	case err != nil:
		return nil, err
	default:
		row := existingRow
		res.APIID, _ = strconv.ParseInt(row.id, 10, 64)
		existing, err := ipsOf(ctx, d, sc, res.APIID)
		if err != nil {
			return nil, err
		}
		if u.ReuseKey && row.keyHidden && !row.sameKey {
			return nil, msg.NewError("error.access.kept_key_over_plain_http", "Name", u.Name)
		}
		if u.ReuseKey && row.secret != "" {
			u.Key, res.KeptKey = row.secret, true
			res.note(msg.New("access.note.kept_key", "Name", u.Name))
		}
		sameKey := row.sameKey
		if !row.keyHidden {
			sameKey = row.secret == u.Key
		}
		changed := !sameKey || row.status != "1"
		if changed && !u.ReplaceKey {
			return nil, &ExistingUserError{Name: u.Name}
		}
		err = d.Tx(ctx, func(tx db.Tx) error {
			if changed {
				tx.Exec(fmt.Sprintf("UPDATE %s SET `%s` = ?, status = 1, date_modified = NOW() WHERE api_id = ?", api, keyCol), u.Key, res.APIID)
				res.Updated = true
			}
			return addIPs(tx, sc, res.APIID, u.IPs, existing, res)
		})
		if err != nil {
			return nil, err
		}
	}
	res.Key = u.Key
	if line == store.Line21 && len(u.IPs) > 0 {
		note, err := allowOnDefaultUser(ctx, d, sc, res.APIID, u.IPs)
		if err != nil {
			return nil, err
		}
		if !note.IsZero() {
			res.note(note)
		}
	}
	if !sc.Has("api_ip") && len(u.IPs) > 0 {
		res.note(msg.New("access.note.no_allow_list_20"))
	}
	return res, nil
}

// addIPs declares inserts for the IPs not yet allowed. id is the api_id,
// or an earlier insert's InsertID.
func addIPs(tx db.Tx, sc *db.Schema, id any, ips []string, existing map[string]bool, res *APIResult) error {
	if !sc.Has("api_ip") {
		return nil
	}
	table, err := db.Table(sc.Prefix, "api_ip")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, ip := range ips {
		if existing[ip] || seen[ip] {
			continue
		}
		seen[ip] = true
		tx.Exec(fmt.Sprintf("INSERT INTO %s (api_id, ip) VALUES (?, ?)", table), id, ip)
		res.IPsAdded = append(res.IPsAdded, ip)
	}
	return nil
}

func ipsOf(ctx context.Context, d db.DB, sc *db.Schema, id int64) (map[string]bool, error) {
	out := map[string]bool{}
	if !sc.Has("api_ip") {
		return out, nil
	}
	table, err := db.Table(sc.Prefix, "api_ip")
	if err != nil {
		return nil, err
	}
	rows, err := d.Query(ctx, fmt.Sprintf("SELECT ip FROM %s WHERE api_id = ?", table), id)
	if err != nil {
		return nil, err
	}
	for i := 0; i < rows.Len(); i++ {
		out[rows.Row(i).String("ip")] = true
	}
	return out, nil
}

// allowOnDefaultUser: 2.1's api/login checks the caller's IP against the
// IPs of the user in config_api_id, not of the user whose key was sent
// (docs/opencart.md §5), so the IPs go there too.
func allowOnDefaultUser(ctx context.Context, d db.DB, sc *db.Schema, ourID int64, ips []string) (msg.Msg, error) {
	setting, err := db.Table(sc.Prefix, "setting")
	if err != nil {
		return msg.Msg{}, err
	}
	row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT value FROM %s WHERE store_id = 0 AND `key` = 'config_api_id'", setting))
	if errors.Is(err, db.ErrNoRows) {
		return msg.Msg{}, nil
	}
	if err != nil {
		return msg.Msg{}, err
	}
	defID, err := strconv.ParseInt(row.String("value"), 10, 64)
	if err != nil || defID == ourID || defID == 0 {
		return msg.Msg{}, nil
	}
	existing, err := ipsOf(ctx, d, sc, defID)
	if err != nil {
		return msg.Msg{}, err
	}
	var added APIResult
	err = d.Tx(ctx, func(tx db.Tx) error { return addIPs(tx, sc, defID, ips, existing, &added) })
	if err != nil {
		return msg.Msg{}, err
	}
	return msg.New("access.note.default_user_21", "ID", defID), nil
}

// restAPIModule sets the 1.5 REST API module's key and status, the
// settings its checkPlugin() reads (docs/integrations.md §4).
func restAPIModule(ctx context.Context, d db.DB, sc *db.Schema, u APIUser) (*APIResult, error) {
	setting, err := db.Table(sc.Prefix, "setting")
	if err != nil {
		return nil, err
	}
	rows, err := d.Query(ctx, fmt.Sprintf("SELECT `key`, value FROM %s WHERE store_id = 0 AND `group` = 'rest_api'", setting))
	if err != nil {
		return nil, err
	}
	have := map[string]string{}
	for i := 0; i < rows.Len(); i++ {
		have[rows.Row(i).String("key")] = rows.Row(i).String("value")
	}
	want := map[string]string{"rest_api_key": u.Key, "rest_api_status": "1"}
	if k, ok := have["rest_api_key"]; ok && k != "" && k != u.Key && !u.ReplaceKey {
		return nil, &ExistingUserError{Name: "REST API module"}
	}
	res := &APIResult{}
	res.note(msg.New("access.note.rest_api_15"))
	err = d.Tx(ctx, func(tx db.Tx) error {
		for _, k := range []string{"rest_api_key", "rest_api_status"} {
			v, ok := have[k]
			switch {
			case !ok:
				tx.Exec(fmt.Sprintf("INSERT INTO %s (store_id, `group`, `key`, value, serialized) VALUES (0, 'rest_api', ?, ?, 0)", setting), k, want[k])
				res.Created = true
			case v != want[k]:
				tx.Exec(fmt.Sprintf("UPDATE %s SET value = ?, serialized = 0 WHERE store_id = 0 AND `group` = 'rest_api' AND `key` = ?", setting), want[k], k)
				res.Updated = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(u.IPs) > 0 {
		res.note(msg.New("access.note.no_allow_list_15"))
	}
	res.Key = u.Key
	return res, nil
}
