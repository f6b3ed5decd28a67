package sync

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// addSession records an API session (api_history call on 4.1) of api_id,
// as OpenCart's api/login does.
func (s *testStore) addSession(t testing.TB, apiID int, ip string) {
	t.Helper()
	switch {
	case s.fx.Version >= "4.1":
		s.exec(t, fmt.Sprintf("INSERT INTO %s (api_id, `call`, ip, date_added) VALUES (%d, 'sale/order.load', '%s', NOW())", s.T("api_history"), apiID, ip))
	default:
		s.exec(t, fmt.Sprintf("INSERT INTO %s (api_id, session_id, ip, date_added, date_modified) VALUES (%d, 'sess%d', '%s', NOW(), NOW())", s.T("api_session"), apiID, apiID, ip))
	}
}

// addAPIUser adds another API user (another integration).
func (s *testStore) addAPIUser(t testing.TB, id int, name string) {
	t.Helper()
	col := "username"
	if s.fx.Version < "3" {
		col = "name"
	}
	s.exec(t, fmt.Sprintf("INSERT INTO %s (api_id, %s, `key`, status, date_added, date_modified) VALUES (%d, '%s', 'k', 1, NOW(), NOW())", s.T("api"), col, id, name))
}

// TestReportsExactlyTheChanges: another connection places orders, moves
// an order to another status, edits a product's price and stock, and the
// integration's API user (and another user) log in. The poll after that
// reports exactly those changes, and the next poll none.
func TestReportsExactlyTheChanges(t *testing.T) {
	for _, version := range []string{"2.3.0.2", "3.0.3.8", "4.1.0.4"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newTestStore(t, fixture.Options{Version: version}, db.Options{})
			// Orders 1–3 are two days old and order 4 three hours old, so
			// that the last hour and day hold known orders.
			s.exec(t, fmt.Sprintf("UPDATE %s SET date_added = NOW() - INTERVAL 2 DAY", s.T("order")))
			s.addOrder(t, 4, 3, "NOW() - INTERVAL 3 HOUR")
			s.addAPIUser(t, 2, "other-integration")

			e := openEngine(t, s, Config{APIUser: "Default"})
			r := poll(t, e)
			if !r.Baseline || len(r.Changes) != 0 || r.Error != "" {
				t.Fatalf("first poll: %+v", r)
			}
			if !sameStatus(r.Orders.LastDay, map[int]int64{3: 1}) || len(r.Orders.LastHour) != 0 {
				t.Errorf("orders at baseline: %+v", r.Orders)
			}

			s.addOrder(t, 5, 1, "")
			s.addOrder(t, 6, 2, "")
			s.exec(t,
				fmt.Sprintf("UPDATE %s SET order_status_id = 5, date_modified = NOW() WHERE order_id = 1", s.T("order")),
				fmt.Sprintf("INSERT INTO %s (order_id, order_status_id, notify, comment, date_added) VALUES (1, 5, 1, 'Shipped by the CRM', NOW())", s.T("order_history")),
				fmt.Sprintf("UPDATE %s SET price = 99.5, quantity = 7, date_modified = NOW() WHERE product_id = 2", s.T("product")))
			s.addSession(t, 1, "203.0.113.7")
			s.addSession(t, 2, "198.51.100.1")

			r = poll(t, e)
			want := Changes{
				Orders:       {Counts: Counts{Added: 2, Changed: 1}},
				OrderHistory: {Counts: Counts{Added: 3}},
				Products:     {Counts: Counts{Changed: 1}},
				PricesStock:  {Counts: Counts{Changed: 1}},
				APISessions:  {Counts: Counts{Added: 1}},
			}
			if !sameChanges(r.Changes, want) {
				t.Errorf("changes: %s\nwant     %s", FormatChanges(r.Changes), FormatChanges(want))
			}
			if a := r.API; !a.Available || !a.UserFound || a.New != 1 || a.SinceSetup != 1 || a.LastIP != "203.0.113.7" || a.Last.IsZero() {
				t.Errorf("API activity: %+v", a)
			}
			if !sameStatus(r.Orders.LastHour, map[int]int64{1: 1, 2: 1}) || !sameStatus(r.Orders.LastDay, map[int]int64{1: 1, 2: 1, 3: 1}) {
				t.Errorf("orders: %+v", r.Orders)
			}
			if r.Orders.LastHour[0].Name == "" || r.Orders.LastHour[0].Name == "Status 1" {
				t.Errorf("status names not read: %+v", r.Orders.LastHour)
			}

			r = poll(t, e)
			if len(r.Changes) != 0 {
				t.Errorf("a poll without changes reported %s", FormatChanges(r.Changes))
			}
			if snap := e.Snapshot(); !sameChanges(snap.Totals, want) {
				t.Errorf("totals since setup: %s", FormatChanges(snap.Totals))
			}
		})
	}
}

func sameStatus(got []StatusCount, want map[int]int64) bool {
	if len(got) != len(want) {
		return false
	}
	for _, c := range got {
		if want[c.ID] != c.Count {
			return false
		}
	}
	return true
}

// TestHistorySurvivesRestart: counts, marks and the setup time are in
// the history file; an engine reopened on it goes on where the last one
// stopped, without counting a change twice or setting a new baseline.
func TestHistorySurvivesRestart(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "3.0.3.8"}, db.Options{})
	path := filepath.Join(t.TempDir(), "history", "store.db")
	e := openEngine(t, s, Config{HistoryPath: path, Identity: "fixture"})
	poll(t, e)
	s.addOrder(t, 4, 1, "")
	s.exec(t, fmt.Sprintf("UPDATE %s SET status = 0 WHERE product_id = 1", s.T("product")))
	first := poll(t, e)
	want := Changes{Orders: {Counts: Counts{Added: 1}}, OrderHistory: {Counts: Counts{Added: 1}}, Products: {Counts: Counts{Changed: 1}}}
	if !sameChanges(first.Changes, want) {
		t.Fatalf("before restart: %s", FormatChanges(first.Changes))
	}
	before := e.Snapshot()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e = openEngine(t, s, Config{HistoryPath: path, Identity: "fixture"})
	after := e.Snapshot()
	if !after.Since.Equal(before.Since) || !sameChanges(after.Totals, want) {
		t.Fatalf("reopened: since %v (was %v), totals %s", after.Since, before.Since, FormatChanges(after.Totals))
	}
	if h := after.Hourly; len(h) != 0 {
		t.Errorf("hourly series before the first poll of the new engine names entities: %v", h)
	}
	r := poll(t, e)
	if r.Baseline || len(r.Changes) != 0 {
		t.Fatalf("first poll after the restart: baseline %v, %s", r.Baseline, FormatChanges(r.Changes))
	}
	if series := e.Snapshot().Hourly[Orders]; len(series) != HourlyHours || series[HourlyHours-1] != 1 {
		t.Errorf("orders per hour: %v", series)
	}
	s.addOrder(t, 5, 1, "")
	r = poll(t, e)
	if !sameChanges(r.Changes, Changes{Orders: {Counts: Counts{Added: 1}}, OrderHistory: {Counts: Counts{Added: 1}}}) {
		t.Errorf("after the restart: %s", FormatChanges(r.Changes))
	}
	if got := e.Snapshot().Totals[Orders].Added; got != 2 {
		t.Errorf("orders added since setup: %d, want 2", got)
	}
	e.Close()

	if _, err := Open(Config{Store: s.db, HistoryPath: path, Identity: "another store"}); !errors.Is(err, ErrOtherStore) {
		t.Errorf("the history of another store: %v", err)
	}
}

// TestDescriptionsPerLanguage: description rows are counted per
// language: a translation added, a name changed, a product with its
// descriptions added and one removed.
func TestDescriptionsPerLanguage(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "4.0.2.3"}, db.Options{})
	s.exec(t, fmt.Sprintf("INSERT INTO %s (language_id, name, code, locale, extension, sort_order, status) VALUES (2, 'Français', 'fr-fr', 'fr', '', 2, 1)", s.T("language")))
	e := openEngine(t, s, Config{})
	poll(t, e)

	desc := s.T("product_description")
	s.exec(t,
		fmt.Sprintf("INSERT INTO %s (product_id, language_id, name, description, tag, meta_title) VALUES (1, 2, 'Produit 1', '', '', 'Produit 1')", desc),
		fmt.Sprintf("UPDATE %s SET name = 'Renamed' WHERE product_id = 2 AND language_id = 1", desc),
		fmt.Sprintf("INSERT INTO %s (product_id, model, quantity, price, status, date_added, date_modified) VALUES (4, 'FX-4', 5, 40, 1, NOW(), NOW())", s.T("product")),
		fmt.Sprintf("INSERT INTO %s (product_id, language_id, name, description, tag, meta_title) VALUES (4, 1, 'Four', '', '', 'Four'), (4, 2, 'Quatre', '', '', 'Quatre')", desc),
		fmt.Sprintf("DELETE FROM %s WHERE product_id = 3", s.T("product")),
		fmt.Sprintf("DELETE FROM %s WHERE product_id = 3", desc),
		fmt.Sprintf("UPDATE %s SET description = 'New text' WHERE category_id = 1 AND language_id = 1", s.T("category_description")))
	r := poll(t, e)
	want := Changes{
		Products: {Counts: Counts{Added: 1, Removed: 1}, Languages: map[int]Counts{
			1: {Added: 1, Changed: 1, Removed: 1},
			2: {Added: 2},
		}},
		Categories: {Languages: map[int]Counts{1: {Changed: 1}}},
	}
	if !sameChanges(r.Changes, want) {
		t.Errorf("changes: %s\nwant     %s", FormatChanges(r.Changes), FormatChanges(want))
	}
	if langs := e.Snapshot().Languages; len(langs) != 2 || langs[1].Code != "fr-fr" {
		t.Errorf("languages: %+v", langs)
	}
}

// TestSweepSpansPolls: a table bigger than SweepRows is swept over
// several polls; changes anywhere in it are found within one cycle,
// each exactly once.
func TestSweepSpansPolls(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "3.0.3.8"}, db.Options{})
	s.exec(t, fmt.Sprintf("INSERT INTO %s (product_id, model, quantity, price, status, date_added, date_modified) SELECT seq, CONCAT('B-', seq), 10, 5, 1, NOW(), NOW() FROM seq_4_to_253", s.T("product")))
	e := openEngine(t, s, Config{SweepRows: 100})
	for range 3 { // 253 products: one cycle is three polls
		poll(t, e)
	}
	s.exec(t, fmt.Sprintf("UPDATE %s SET price = 6 WHERE product_id IN (20, 150, 250)", s.T("product")),
		fmt.Sprintf("UPDATE %s SET quantity = 0 WHERE product_id = 251", s.T("product")),
		fmt.Sprintf("DELETE FROM %s WHERE product_id = 120", s.T("product")))
	total := Changes{}
	for range 3 {
		total.merge(poll(t, e).Changes)
	}
	want := Changes{Products: {Counts: Counts{Changed: 4, Removed: 1}}, PricesStock: {Counts: Counts{Changed: 4}}}
	if !sameChanges(total, want) {
		t.Errorf("one cycle after the changes: %s", FormatChanges(total))
	}
	for range 3 {
		if r := poll(t, e); len(r.Changes) != 0 {
			t.Errorf("the next cycle found %s", FormatChanges(r.Changes))
		}
	}
}

// TestUpgradedStoreStartsAgain: when the store gains a fingerprinted
// column (an upgrade), the old fingerprints no longer compare; the table
// is swept again as a baseline instead of every row counting as changed.
func TestUpgradedStoreStartsAgain(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "4.1.0.4"}, db.Options{})
	path := filepath.Join(t.TempDir(), "sync.db")
	e := openEngine(t, s, Config{HistoryPath: path})
	poll(t, e)
	e.Close()

	s.exec(t, fmt.Sprintf("ALTER TABLE %s ADD `sku` varchar(64) NOT NULL DEFAULT ''", s.T("product")))
	e = openEngine(t, s, Config{HistoryPath: path})
	for i := range 2 {
		if r := poll(t, e); len(r.Changes) != 0 {
			t.Fatalf("poll %d after the upgrade: %s", i+1, FormatChanges(r.Changes))
		}
	}
	s.exec(t, fmt.Sprintf("UPDATE %s SET sku = 'X-2' WHERE product_id = 2", s.T("product")))
	if r := poll(t, e); !sameChanges(r.Changes, Changes{Products: {Counts: Counts{Changed: 1}}}) {
		t.Errorf("a change after the new baseline: %s", FormatChanges(r.Changes))
	}
}
