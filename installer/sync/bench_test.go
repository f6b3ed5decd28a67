package sync

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// BenchmarkPollLargeStore polls a store with a million orders (each with
// a history row), 100,000 products with descriptions and 50,000
// customers, while the shop takes an order, changes a price and logs in
// its API user between polls. It prints the median poll time and the
// peak memory, and EXPLAINs every query it ran.
//
//	go test -run '^$' -bench PollLargeStore -benchtime 100x ./installer/sync/
//
// OCSETUP_BENCH_VERSION (3.0.3.8), OCSETUP_BENCH_ORDERS (1000000) and
// OCSETUP_BENCH_PRODUCTS (100000) change the store.
func BenchmarkPollLargeStore(b *testing.B) {
	version := envOr("OCSETUP_BENCH_VERSION", "3.0.3.8")
	orders := envInt(b, "OCSETUP_BENCH_ORDERS", 1_000_000)
	products := envInt(b, "OCSETUP_BENCH_PRODUCTS", 100_000)
	s := newTestStore(b, fixture.Options{Version: version}, db.Options{})
	loadStart := time.Now()
	bulkLoad(b, s, bulkSize{Orders: orders, Products: products, Customers: products / 2, Sessions: 10_000})
	loaded := time.Since(loadStart)

	rec := &recorder{Store: s.db}
	e := openEngine(b, s, Config{Store: rec, APIUser: "Default"})
	baseline := poll(b, e)

	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM (Linux)
	stop := sampleHeap()
	var polls []time.Duration
	next := orders + 4
	for b.Loop() {
		b.StopTimer()
		s.addOrder(b, next, 1, "")
		s.exec(b, fmt.Sprintf("UPDATE %s SET price = price + 1, date_modified = NOW() WHERE product_id = %d", s.T("product"), 4+next%products))
		s.addSession(b, 1, "203.0.113.7")
		next++
		b.StartTimer()
		polls = append(polls, poll(b, e).Duration)
	}
	b.StopTimer()
	heapPeak := stop()

	slices.Sort(polls)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	median, p90 := polls[len(polls)/2], polls[len(polls)*9/10]
	hwm := vmHWM()
	b.ReportMetric(ms(median), "ms/poll-median")
	b.ReportMetric(ms(p90), "ms/poll-p90")
	b.ReportMetric(float64(heapPeak)/(1<<20), "MB-heap-peak")
	b.ReportMetric(float64(hwm)/(1<<20), "MB-VmHWM")
	fmt.Printf("store %s: %d orders, %d order history rows, %d products (loaded in %s)\n", version, orders+3, orders+5, products+3, loaded.Round(time.Second))
	fmt.Printf("baseline poll %.1f ms; %d polls: median %.1f ms, p90 %.1f ms, max %.1f ms\n",
		ms(baseline.Duration), len(polls), ms(median), ms(p90), ms(polls[len(polls)-1]))
	fmt.Printf("peak heap in use %.1f MB; peak RSS (VmHWM) %.1f MB\n", float64(heapPeak)/(1<<20), float64(hwm)/(1<<20))
	for _, w := range e.plan.watchers {
		if !w.insertOnly() {
			m := e.st.marks[w.table]
			fmt.Printf("  %-28s chunk %5d rows, %d complete sweeps\n", w.table, w.sweepRows, m.Cycles)
		}
	}
	queries := rec.take()
	printSlowest(queries, len(polls)+1, 5)
	fmt.Printf("EXPLAIN: %d distinct queries checked\n", explainAll(b, s, queries))
}

// printSlowest prints the queries that took the most time per poll.
func printSlowest(queries []recorded, polls, n int) {
	total := map[string]time.Duration{}
	var all time.Duration
	for _, q := range queries {
		// Sweeps of one table differ only in their adaptive LIMIT.
		key, _, _ := strings.Cut(q.query, " LIMIT ")
		total[key] += q.took
		all += q.took
	}
	keys := make([]string, 0, len(total))
	for k := range total {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return int(total[b] - total[a]) })
	fmt.Printf("time in queries: %.1f ms per poll (%d queries per poll); slowest:\n", float64(all.Microseconds())/1000/float64(polls), len(queries)/polls)
	for _, k := range keys[:min(n, len(keys))] {
		fmt.Printf("  %6.2f ms  %.110s\n", float64(total[k].Microseconds())/1000/float64(polls), k)
	}
}

// sampleHeap samples the heap in use (HeapInuse: spans holding objects)
// every half millisecond until stop, which returns the peak.
func sampleHeap() (stop func() uint64) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan uint64)
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	go func() {
		var top uint64
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			top = max(top, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			select {
			case <-ctx.Done():
				done <- top
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { cancel(); return <-done }
}

// vmHWM is the process's peak resident set (Linux), 0 elsewhere.
func vmHWM() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q is not a positive number", name, v)
	}
	return n
}
