package sync

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// bigTables are the tables that grow with the shop; a full read of one
// (EXPLAIN type ALL, or index: every index entry) is what the engine must
// never do. Small tables (language, order_status, api) may be read whole.
var bigTables = []string{"order", "order_history", "product", "product_description", "product_special",
	"product_discount", "category", "category_description", "customer", "api_session", "api_history",
	"option_value", "option_value_description", "filter", "filter_description", "manufacturer"}

// explainAll runs EXPLAIN for every distinct query the recorder saw and
// fails the test for a full read of a big table.
func explainAll(t testing.TB, s *testStore, queries []recorded) (checked int) {
	t.Helper()
	big := map[string]bool{}
	for _, b := range bigTables {
		big[s.fx.Table(b)] = true
	}
	seen := map[string]bool{}
	for _, q := range queries {
		if seen[q.query] || strings.Contains(q.query, "information_schema") {
			continue
		}
		seen[q.query] = true
		rows, err := s.other.QueryContext(ctxT(t), "EXPLAIN "+q.query, q.args...)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q.query, err)
		}
		plans, err := readPlans(rows)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plans {
			if big[p["table"]] && (p["type"] == "ALL" || p["type"] == "index") {
				t.Errorf("full read of %s (type %s, %s rows): %s", p["table"], p["type"], p["rows"], q.query)
			}
		}
		checked++
	}
	return checked
}

func readPlans(rows *sql.Rows) ([]map[string]string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		p := map[string]string{}
		for i, c := range cols {
			p[c] = vals[i].String
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// TestNoFullScans: on stores with thousands of rows (MyISAM up to 3.x,
// InnoDB on 4.x), EXPLAIN of every query of a baseline poll and of polls
// with changes reads no big table in full.
func TestNoFullScans(t *testing.T) {
	for _, version := range []string{"2.3.0.2", "3.0.3.8", "4.1.0.4"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newTestStore(t, fixture.Options{Version: version}, db.Options{})
			bulkLoad(t, s, bulkSize{Orders: 3000, Products: 2000, Customers: 1000, Sessions: 500})
			rec := &recorder{Store: s.db}
			e := openEngine(t, s, Config{Store: rec, APIUser: "Default", SweepRows: 500})
			poll(t, e)
			s.addOrder(t, 5000, 2, "")
			s.exec(t, fmt.Sprintf("UPDATE %s SET price = 1 WHERE product_id = 7", s.T("product")))
			s.addSession(t, 1, "203.0.113.9")
			for range 3 {
				poll(t, e)
			}
			if n := explainAll(t, s, rec.take()); n < 10 {
				t.Errorf("only %d queries explained", n)
			}
		})
	}
}
