package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// TempAccount is a temporary Administrator account: made in the store's
// user table for one run, removed by Remove, and recorded in the app's
// data folder meanwhile so that a killed run's account is removed at the
// next start (CleanupLeftovers).
type TempAccount struct {
	Login
	UserID int64

	d      db.DB
	sc     *db.Schema
	record *AccountRecord
}

// TempUserPrefix starts the name of every temporary account, so that a
// person who sees one in System > Users knows where it came from.
const TempUserPrefix = "ocsetup_"

// CreateTempAccount adds a temporary Administrator account with a random
// name and password, hashed the way the line's admin/model/user/user.php
// addUser() does: sha1(salt . sha1(salt . sha1(password))) with a
// 9-character salt up to 3.x (oc@1.5.6.4…oc@3.0.3.8), password_hash()
// (bcrypt) on 4.x (oc@4.0.2.3, oc@4.1.0.4). The account is recorded in
// where.DataDir before it is written.
func CreateTempAccount(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, where RecordPlace) (*TempAccount, error) {
	if !sc.Has("user") || !sc.Has("user_group") {
		return nil, msg.NewError("error.admin.no_user_table")
	}
	user, err := db.Table(sc.Prefix, "user")
	if err != nil {
		return nil, err
	}
	group, err := administratorGroup(ctx, d, sc)
	if err != nil {
		return nil, err
	}
	cols, err := tableColumns(ctx, d, sc.Prefix+"user")
	if err != nil {
		return nil, err
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return nil, err
	}
	password, err := keygen.Generate(32)
	if err != nil {
		return nil, err
	}
	db.ObserveSecret(ctx, password) // hidden from the live output from now on
	a := &TempAccount{Login: Login{Username: TempUserPrefix + hex.EncodeToString(suffix), Password: password}, d: d, sc: sc}

	names := []string{"user_group_id", "username", "password"}
	args := []any{group, a.Username}
	if line.AtLeast(store.Line40) {
		h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
		if err != nil {
			return nil, err
		}
		// PHP's password_hash() writes the $2y$ prefix; the algorithm is
		// the same, and password_verify() accepts both.
		args = append(args, "$2y$"+strings.TrimPrefix(string(h), "$2a$"))
		if cols["salt"] {
			names, args = append(names, "salt"), append(args, "")
		}
	} else {
		salt, err := token(9)
		if err != nil {
			return nil, err
		}
		names = append(names, "salt")
		args = append(args, sha1Hex(salt+sha1Hex(salt+sha1Hex(password))), salt)
	}
	for col, v := range map[string]string{"firstname": "ocsetup", "lastname": "temporary account", "email": "", "image": "", "code": "", "ip": ""} {
		if cols[col] {
			names, args = append(names, col), append(args, v)
		}
	}
	names = append(names, "status")
	args = append(args, 1)
	placeholders := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}

	a.record = &AccountRecord{Place: where, Username: a.Username}
	if err := a.record.save(); err != nil {
		return nil, msg.Wrap(err, "error.admin.temp_record")
	}
	err = d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec(fmt.Sprintf("INSERT INTO %s (%s, `date_added`) VALUES (%s, NOW())", user, strings.Join(quoted, ", "), placeholders), args...)
		return nil
	})
	if err != nil {
		_ = a.record.forget()
		return nil, msg.Wrap(err, "error.admin.temp_create")
	}
	row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT user_id FROM %s WHERE username = ?", user), a.Username)
	if err != nil {
		return a, msg.Wrap(err, "error.admin.temp_read_back", "User", a.Username)
	}
	a.UserID, _ = strconv.ParseInt(row.String("user_id"), 10, 64)
	a.record.UserID = a.UserID
	if err := a.record.save(); err != nil {
		return a, err
	}
	return a, nil
}

// Remove deletes the account and what a login of it left (4.x's login
// history and authorisation rows), then forgets its record. Removing an
// account that is already gone is not an error.
func (a *TempAccount) Remove(ctx context.Context) error {
	if err := removeAccount(ctx, a.d, a.sc, a.Username); err != nil {
		return msg.Wrap(err, "error.admin.temp_remove", "User", a.Username)
	}
	return a.record.forget()
}

// removeAccount deletes a temporary account by name. The name must carry
// TempUserPrefix: this never deletes a person's account.
func removeAccount(ctx context.Context, d db.DB, sc *db.Schema, username string) error {
	if !strings.HasPrefix(username, TempUserPrefix) {
		return fmt.Errorf("refusing to delete %q: it is not an account ocsetup made", username)
	}
	user, err := db.Table(sc.Prefix, "user")
	if err != nil {
		return err
	}
	row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT user_id FROM %s WHERE username = ?", user), username)
	if errors.Is(err, db.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	id := row.String("user_id")
	return d.Tx(ctx, func(tx db.Tx) error {
		// Rows 4.x writes for a login (oc@4.0.2.3:upload/admin/model/user/user.php
		// addLogin; 4.1 adds user_authorize and user_token).
		for _, t := range []string{"user_login", "user_authorize", "user_token"} {
			if !sc.Has(t) {
				continue
			}
			name, err := db.Table(sc.Prefix, t)
			if err != nil {
				return err
			}
			tx.Exec(fmt.Sprintf("DELETE FROM %s WHERE user_id = ?", name), id)
		}
		tx.Exec(fmt.Sprintf("DELETE FROM %s WHERE user_id = ? AND username = ?", user), id, username)
		return nil
	})
}

// administratorGroup is the group with every permission: 1 on a fresh
// install of every line ("Top Administrator" on 1.5, "Administrator"
// after; docs/opencart.md §3), else the group of the first user.
func administratorGroup(ctx context.Context, d db.DB, sc *db.Schema) (int64, error) {
	group, err := db.Table(sc.Prefix, "user_group")
	if err != nil {
		return 0, err
	}
	user, err := db.Table(sc.Prefix, "user")
	if err != nil {
		return 0, err
	}
	row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT user_group_id FROM %s WHERE user_group_id = 1 OR name IN ('Administrator', 'Top Administrator') ORDER BY user_group_id LIMIT 1", group))
	if errors.Is(err, db.ErrNoRows) {
		row, err = d.QueryRow(ctx, fmt.Sprintf("SELECT user_group_id FROM %s ORDER BY user_id LIMIT 1", user))
	}
	if err != nil {
		return 0, msg.Wrap(err, "error.admin.no_admin_group")
	}
	return strconv.ParseInt(row.String("user_group_id"), 10, 64)
}

// tableColumns lists a table's columns (the user table's differ by line
// and by upgrade history).
func tableColumns(ctx context.Context, d db.DB, table string) (map[string]bool, error) {
	rows, err := d.Query(ctx, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", table)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for i := 0; i < rows.Len(); i++ {
		out[rows.Row(i).String("COLUMN_NAME")] = true
	}
	return out, nil
}

// token is n characters of OpenCart's token() alphabet (letters and
// digits), from crypto/rand without modulo bias.
func token(n int) (string, error) {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) < 256-256%len(chars) && len(out) < n {
				out = append(out, chars[int(b)%len(chars)])
			}
		}
	}
	return string(out), nil
}

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
