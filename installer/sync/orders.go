package sync

import (
	"context"
	"sort"
	"strconv"

	"github.com/ocsetup/ocsetup/installer/db"
)

// StatusCount is the number of orders in one order status.
type StatusCount struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// OrderStats are the orders of the last hour and day by status (the
// store's status names; id 0 is OpenCart's "missing order", a checkout
// that was never confirmed).
type OrderStats struct {
	LastHour []StatusCount `json:"last_hour"`
	LastDay  []StatusCount `json:"last_day"`
}

// Total sums counts.
func Total(counts []StatusCount) int64 {
	var n int64
	for _, c := range counts {
		n += c.Count
	}
	return n
}

// orderQueries count recent orders without reading old ones: OpenCart
// inserts orders with date_added = NOW() in id order, so the orders of
// the last day are an id range, whose start a binary search over the
// primary key finds in a few single-row lookups.
type orderQueries struct {
	sqlMax   string
	sqlProbe string
	sqlCount string
	sqlNames string
	// from is the first id of the last day at the previous poll; the
	// range only moves forward, so the next search starts there.
	from int64
}

func newOrderQueries(s *db.Schema, cols map[string]bool) (*orderQueries, error) {
	if !cols["order_id"] || !cols["date_added"] || !cols["order_status_id"] {
		return nil, nil
	}
	t, err := db.Table(s.Prefix, "order")
	if err != nil {
		return nil, err
	}
	o := &orderQueries{
		sqlMax:   "SELECT MAX(`order_id`) FROM " + t,
		sqlProbe: "SELECT `order_id`, `date_added` FROM " + t + byPK + " WHERE `order_id` >= ? ORDER BY `order_id` LIMIT 1",
		sqlCount: "SELECT `order_status_id`, COUNT(*), SUM(`date_added` >= ?) FROM " + t + byPK +
			" WHERE `order_id` >= ? AND `date_added` >= ? GROUP BY `order_status_id`",
	}
	if s.Has("order_status") {
		st, err := db.Table(s.Prefix, "order_status")
		if err != nil {
			return nil, err
		}
		// A few dozen rows: every status in every language.
		o.sqlNames = "SELECT `order_status_id`, `language_id`, `name` FROM " + st
	}
	return o, nil
}

// fetch counts the orders added since dayAgo and hourAgo, times on the
// database's clock as MySQL prints them ("2006-01-02 15:04:05").
func (o *orderQueries) fetch(ctx context.Context, q Store, dayAgo, hourAgo string) (hour, day map[int]int64, err error) {
	r, err := q.Query(ctx, o.sqlMax)
	if err != nil {
		return nil, nil, err
	}
	var top int64
	if r.Len() > 0 {
		top, _ = parseInt(r.Values[0][0])
	}
	from, err := o.firstSince(ctx, q, dayAgo, o.from, top)
	if err != nil {
		return nil, nil, err
	}
	o.from = from
	hour, day = map[int]int64{}, map[int]int64{}
	if from > top {
		return hour, day, nil
	}
	r, err = q.Query(ctx, o.sqlCount, hourAgo, from, dayAgo)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range r.Values {
		st, _ := strconv.Atoi(v[0].String)
		n, _ := parseInt(v[1])
		h, _ := parseInt(v[2])
		day[st] = n
		if h > 0 {
			hour[st] = h
		}
	}
	return hour, day, nil
}

// firstSince finds the first order id in [lo, top] whose date_added is at
// or after since, or top+1 when there is none; lo is known to be at or
// before it (the previous poll's answer). Each probe reads one row by
// primary key: the first order at or after an id. From a previous answer
// the search gallops forward, since only the orders of a poll interval
// aged out; from nothing it halves [0, top+1].
func (o *orderQueries) firstSince(ctx context.Context, q Store, since string, lo, top int64) (int64, error) {
	lo = max(lo, 0)
	hi := top + 1 // the answer is in [lo, hi]
	// recent reports whether the first order at or after id is recent (or
	// there is none); when not, next is the id after that old order.
	recent := func(id int64) (ok bool, next int64, err error) {
		r, err := q.Query(ctx, o.sqlProbe, id)
		if err != nil || r.Len() == 0 {
			return true, 0, err
		}
		found, _ := parseInt(r.Values[0][0])
		return r.Values[0][1].String >= since, found + 1, nil
	}
	if lo > 0 {
		for step := int64(1); lo < hi; step *= 2 {
			probe := min(lo+step-1, hi)
			if probe == hi {
				break
			}
			ok, next, err := recent(probe)
			if err != nil {
				return 0, err
			}
			if ok {
				hi = probe
				break
			}
			lo = next
		}
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		ok, next, err := recent(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = next
		}
	}
	return lo, nil
}

// statusNames reads the names of the order statuses in language lang (or
// the first language that names a status).
func (o *orderQueries) statusNames(ctx context.Context, q Store, lang int) (map[int]string, error) {
	names := map[int]string{}
	if o.sqlNames == "" {
		return names, nil
	}
	r, err := q.Query(ctx, o.sqlNames)
	if err != nil {
		return nil, err
	}
	best := map[int]int{} // status → language of the name kept
	for _, v := range r.Values {
		id, _ := strconv.Atoi(v[0].String)
		l, _ := strconv.Atoi(v[1].String)
		cur, seen := best[id]
		if !seen || l == lang || cur != lang && l < cur {
			names[id], best[id] = v[2].String, l
		}
	}
	return names, nil
}

// statusCounts turns counts by id into a list, most orders first.
func statusCounts(counts map[int]int64, names map[int]string) []StatusCount {
	out := make([]StatusCount, 0, len(counts))
	for id, n := range counts {
		name := names[id]
		switch {
		case name != "":
		case id == 0:
			name = "Missing (not confirmed)"
		default:
			name = "Status " + strconv.Itoa(id)
		}
		out = append(out, StatusCount{ID: id, Name: name, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].ID < out[j].ID
	})
	return out
}
