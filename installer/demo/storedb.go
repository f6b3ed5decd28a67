package demo

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// storeDB is the store's own database connection, opened with the
// account config.php names, as OpenCart's front controller opens it.
type storeDB struct {
	db     *sql.DB
	prefix string
}

func openStoreDB(addr, user, password, name, prefix string) (*storeDB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.DBName = user, password, name
	cfg.Net, cfg.Addr = "tcp", addr
	// OpenCart's drivers send SET SQL_MODE = '' on every connection.
	cfg.Params = map[string]string{"sql_mode": "''"}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return &storeDB{db: sql.OpenDB(connector), prefix: prefix}, nil
}

// table quotes a table name with the store's prefix.
func (s *storeDB) table(name string) string {
	return "`" + strings.ReplaceAll(s.prefix+name, "`", "``") + "`"
}

// row runs a query and returns its first row by column name, or nil.
func (s *storeDB) row(ctx context.Context, query string, args ...any) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(cols))
	for i, c := range cols {
		out[c] = vals[i].String
	}
	return out, nil
}

// value is the first column of the first row, "" when there is none.
func (s *storeDB) value(ctx context.Context, query string, args ...any) (string, error) {
	var v sql.NullString
	err := s.db.QueryRowContext(ctx, query, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v.String, err
}

// setting reads one store-0 setting by key.
func (s *storeDB) setting(ctx context.Context, key string) (string, error) {
	return s.value(ctx, "SELECT `value` FROM "+s.table("setting")+" WHERE `store_id` = 0 AND `key` = ?", key)
}

func (s *storeDB) exec(ctx context.Context, query string, args ...any) error {
	_, err := s.db.ExecContext(ctx, query, args...)
	return err
}

func (s *storeDB) Close() error { return s.db.Close() }
