package sync

import (
	"fmt"
	"strings"
	"testing"
)

// bulkSize is how many rows bulkLoad adds after the fixture's samples.
type bulkSize struct {
	Orders, Products, Customers, Sessions int
}

// bulkChunk rows go into one INSERT … SELECT, so that an InnoDB store's
// undo log stays small.
const bulkChunk = 100_000

// bulkLoad fills the store quickly from MariaDB's sequence tables
// (seq_FROM_to_TO): orders spread over the last two years in id order,
// as a shop takes them, each with a history row; products with a
// description; customers; API sessions of the API user 1.
func bulkLoad(t testing.TB, s *testStore, n bulkSize) {
	t.Helper()
	const span = 2 * 365 * 24 * 3600 // seconds the orders cover
	first := 4                       // after the fixture's three samples
	chunks := func(total int, stmt func(from, to int) string) {
		for from := first; from < first+total; from += bulkChunk {
			to := min(from+bulkChunk, first+total) - 1
			s.exec(t, stmt(from, to))
		}
	}
	last := first + n.Orders - 1
	at := fmt.Sprintf("NOW() - INTERVAL ((%d - seq) * %d DIV %d) SECOND", last, span, max(n.Orders, 1))
	chunks(n.Orders, func(from, to int) string {
		return fmt.Sprintf("INSERT INTO %s (order_id, store_name, firstname, lastname, email, total, order_status_id, language_id, currency_code, date_added, date_modified) "+
			"SELECT seq, 'Fixture Store', 'Bulk', seq, CONCAT('b', seq, '@example.com'), seq MOD 500 + 0.99, ELT(1 + seq MOD 5, 1, 2, 3, 5, 7), 1, 'USD', %s, %s FROM seq_%d_to_%d",
			s.T("order"), at, at, from, to)
	})
	chunks(n.Orders, func(from, to int) string {
		return fmt.Sprintf("INSERT INTO %s (order_id, order_status_id, notify, comment, date_added) SELECT seq, ELT(1 + seq MOD 5, 1, 2, 3, 5, 7), 0, '', %s FROM seq_%d_to_%d",
			s.T("order_history"), at, from, to)
	})
	chunks(n.Products, func(from, to int) string {
		return fmt.Sprintf("INSERT INTO %s (product_id, model, quantity, price, status, manufacturer_id, date_added, date_modified) "+
			"SELECT seq, CONCAT('B-', seq), seq MOD 100, 5 + seq MOD 50, 1, 1, NOW(), NOW() FROM seq_%d_to_%d", s.T("product"), from, to)
	})
	chunks(n.Products, func(from, to int) string {
		return fmt.Sprintf("INSERT INTO %s (product_id, language_id, name, description, tag, meta_title) "+
			"SELECT seq, 1, CONCAT('Bulk product ', seq), REPEAT('A fine product. ', 20), 'bulk', CONCAT('Bulk product ', seq) FROM seq_%d_to_%d",
			s.T("product_description"), from, to)
	})
	chunks(n.Customers, func(from, to int) string {
		return fmt.Sprintf("INSERT INTO %s (customer_id, customer_group_id, firstname, lastname, email, telephone, status, date_added) "+
			"SELECT seq, 1, 'Bulk', seq, CONCAT('c', seq, '@example.com'), '555-0100', 1, NOW() FROM seq_%d_to_%d", s.T("customer"), from, to)
	})
	if n.Sessions > 0 {
		if s.fx.Version >= "4.1" {
			s.exec(t, fmt.Sprintf("INSERT INTO %s (api_id, `call`, ip, date_added) SELECT 1 + seq MOD 2, 'sale/order', '192.0.2.1', NOW() - INTERVAL seq MINUTE FROM seq_1_to_%d",
				s.T("api_history"), n.Sessions))
		} else if s.fx.Version >= "2.1" {
			s.exec(t, fmt.Sprintf("INSERT INTO %s (api_id, session_id, ip, date_added, date_modified) SELECT 1 + seq MOD 2, MD5(seq), '192.0.2.1', NOW() - INTERVAL seq MINUTE, NOW() - INTERVAL seq MINUTE FROM seq_1_to_%d",
				s.T("api_session"), n.Sessions))
		}
	}
	s.exec(t, "ANALYZE TABLE "+strings.Join([]string{s.T("order"), s.T("order_history"), s.T("product"), s.T("product_description"), s.T("customer")}, ", "))
}
