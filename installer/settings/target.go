package settings

import (
	"context"
	"errors"
	"strconv"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/store"
)

// ReadTarget reads what the profiles need of the store from its database:
// the default currency and the order statuses in the admin's language.
func ReadTarget(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, version, storeURL string) (integrations.Target, error) {
	t := integrations.Target{Line: line, Version: version, StoreURL: storeURL, OrderStatuses: map[string]int64{}}
	setting, err := db.Table(sc.Prefix, "setting")
	if err != nil {
		return t, err
	}
	row, err := d.QueryRow(ctx, "SELECT value FROM "+setting+" WHERE store_id = 0 AND `key` = 'config_currency'")
	switch {
	case err == nil:
		t.Currency = row.String("value")
	case !errors.Is(err, db.ErrNoRows):
		return t, err
	}
	status, err := db.Table(sc.Prefix, "order_status")
	if err != nil {
		return t, err
	}
	lang, err := adminLanguage(ctx, d, sc)
	if err != nil {
		return t, err
	}
	rows, err := d.Query(ctx, "SELECT order_status_id, name FROM "+status+" WHERE language_id = ?", lang)
	if err != nil {
		return t, err
	}
	for i := 0; i < rows.Len(); i++ {
		id, _ := strconv.ParseInt(rows.Row(i).String("order_status_id"), 10, 64)
		t.OrderStatuses[rows.Row(i).String("name")] = id
	}
	return t, nil
}

// adminLanguage is the language of the admin's names: config_admin_language
// (≤3.x) or config_language_admin (4.x), else the first language.
func adminLanguage(ctx context.Context, d db.DB, sc *db.Schema) (int64, error) {
	setting, _ := db.Table(sc.Prefix, "setting")
	language, err := db.Table(sc.Prefix, "language")
	if err != nil {
		return 0, err
	}
	row, err := d.QueryRow(ctx, "SELECT l.language_id FROM "+language+" l JOIN "+setting+" s ON s.value = l.code WHERE s.store_id = 0 AND s.`key` IN ('config_admin_language', 'config_language_admin') LIMIT 1")
	if errors.Is(err, db.ErrNoRows) {
		row, err = d.QueryRow(ctx, "SELECT MIN(language_id) AS language_id FROM "+language)
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(row.String("language_id"), 10, 64)
}
