package check

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// own is a message the translations lack, with its English: a check
// from outside ocsetup's own (a test's).
func own(english string) msg.Msg { return msg.Msg{Key: "test." + english, Own: english} }

func TestRunOrderParallelAndSkips(t *testing.T) {
	var mu sync.Mutex
	running, peak := 0, 0
	slow := func(r Result) func(context.Context) Result {
		return func(context.Context) Result {
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(30 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			return r
		}
	}
	var order []string
	checks := []Check{
		{ID: "login", Title: "Login", Run: slow(PassedMsg(own("ok")))},
		{ID: "php", Title: "PHP", Run: slow(PassedMsg(own("ok")))},
		{ID: "db", Title: "Database", After: []string{"login"}, Run: slow(FailedMsg(own("down"), own("start it"), "2003"))},
		{ID: "tables", Title: "Tables", After: []string{"db"}, Run: slow(PassedMsg(own("never")))},
		{ID: "hang", Title: "Hang", Timeout: 50 * time.Millisecond, Run: func(ctx context.Context) Result {
			time.Sleep(2 * time.Second) // ignores its context on purpose
			return PassedMsg(own("late"))
		}},
		{ID: "panic", Title: "Panic", Run: func(context.Context) Result { panic("boom") }},
	}
	start := time.Now()
	res, err := Run(context.Background(), checks, func(r Result) { order = append(order, r.ID) })
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("the runner waited for a check past its timeout")
	}
	want := map[string]Status{"login": Pass, "php": Pass, "db": Fail, "tables": Skipped, "hang": Fail, "panic": Fail}
	for i, r := range res {
		if r.ID != checks[i].ID || r.Status != want[r.ID] {
			t.Errorf("%s: %s (%s), want %s", r.ID, r.Status, r.Cause, want[r.ID])
		}
	}
	if !strings.Contains(res[3].Cause, `"Database"`) || !strings.Contains(res[4].Cause, "No answer within") {
		t.Errorf("causes: %q / %q", res[3].Cause, res[4].Cause)
	}
	if peak < 2 {
		t.Error("independent checks did not run in parallel")
	}
	pos := map[string]int{}
	for i, id := range order {
		pos[id] = i
	}
	if len(order) != len(checks) || pos["db"] < pos["login"] || pos["tables"] < pos["db"] {
		t.Errorf("progress order %v", order)
	}
	if Worst(res) != Fail || Worst(res[:2]) != Pass {
		t.Error("Worst")
	}
}

func TestRunRejectsBadGraphs(t *testing.T) {
	run := func(context.Context) Result { return PassedMsg(own("")) }
	for _, checks := range [][]Check{
		{{ID: "a", Run: run}, {ID: "a", Run: run}},
		{{ID: "a", After: []string{"b"}, Run: run}},
		{{ID: "a", After: []string{"b"}, Run: run}, {ID: "b", After: []string{"a"}, Run: run}},
	} {
		if _, err := Run(context.Background(), checks, nil); err == nil {
			t.Errorf("accepted %+v", checks)
		}
	}
}

func TestReportsHideSecrets(t *testing.T) {
	secrets := []string{"s3cr3t-Passw0rd", "AbCdEf0123456789AbCdEf0123456789", "sha-request-phrase"}
	r := Report{Integration: "OneBox", StoreURL: "https://shop.example/", ProductURL: "https://shop.example/index.php?route=product/product&product_id=1",
		Version: "3.0.3.8", Line: "3.0", Generated: time.Now(), Overall: Fail, Results: []Result{
			{ID: "db", Title: "Database", Status: Fail, Cause: "Access denied for user 'u' (using password: s3cr3t-Passw0rd)",
				Detail: "key=AbCdEf0123456789AbCdEf0123456789 <script>alert(1)</script>"},
			{ID: "aps", Title: "Signature", Status: Warn, Fix: "check sha-request-phrase"},
		}}
	clean := r.Redacted(secrets)
	for name, write := range map[string]func(*bytes.Buffer) error{
		"json": func(b *bytes.Buffer) error { return clean.JSON(b) },
		"md":   func(b *bytes.Buffer) error { return clean.Markdown(b) },
		"html": func(b *bytes.Buffer) error { return clean.HTML(b) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(b.String(), s) {
				t.Errorf("%s report contains a secret", name)
			}
		}
		if !strings.Contains(b.String(), "product_id=1") || !strings.Contains(b.String(), "3.0.3.8") {
			t.Errorf("%s report lacks the product link or version", name)
		}
		if name == "html" && strings.Contains(b.String(), "<script>") {
			t.Error("HTML report does not escape server replies")
		}
	}
	if r.Results[0].Detail == clean.Results[0].Detail {
		t.Error("Redacted changed the original's slice")
	}
}
