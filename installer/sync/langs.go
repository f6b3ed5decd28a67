package sync

import (
	"context"
	"strconv"

	"github.com/ocsetup/ocsetup/installer/db"
)

// Language is one of the store's languages.
type Language struct {
	ID   int    `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// langQueries read the language table (a handful of rows).
type langQueries struct{ sql string }

func newLangQueries(s *db.Schema) (*langQueries, error) {
	if !s.Has("language") {
		return &langQueries{}, nil
	}
	t, err := db.Table(s.Prefix, "language")
	if err != nil {
		return nil, err
	}
	return &langQueries{sql: "SELECT `language_id`, `code`, `name` FROM " + t + " ORDER BY `sort_order`, `language_id`"}, nil
}

func (l *langQueries) fetch(ctx context.Context, q Store) ([]Language, error) {
	if l.sql == "" {
		return nil, nil
	}
	r, err := q.Query(ctx, l.sql)
	if err != nil {
		return nil, err
	}
	out := make([]Language, 0, r.Len())
	for _, v := range r.Values {
		id, _ := strconv.Atoi(v[0].String)
		out = append(out, Language{ID: id, Code: v[1].String, Name: v[2].String})
	}
	return out, nil
}
