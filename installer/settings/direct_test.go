package settings_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

const (
	apiKey    = "k3y-0123456789abcdefghijKLMNOP"
	apiSecret = "s3cret-0123456789abcdef"
)

// answers are the values given to each profile in the every-line test.
var answers = map[string]integrations.Values{
	"amazon_ps": {"merchant_identifier": "MxvOupuG", "access_code": "SILgpo7pWbmzuURp2qri",
		"request_sha_phrase": "req-phrase", "response_sha_phrase": "resp-phrase", "sandbox_mode": "1"},
	"latitudepay":    {"api_key": apiKey, "api_secret": apiSecret, "product": "LPAY,LPAYPLUS", "payment_terms": "6,12"},
	"despatch_cloud": {"api_key": apiKey, "order_prefix": "WEB-"},
	"onebox":         {},
}

// TestFallbackEveryLine writes each built-in profile through the database
// fallback on a fixture store of every line and checks the rows: the
// line's setting code and key prefix, its code/group column and array
// encoding, extension rows with sub-methods, permissions, events, order
// statuses, 4.x extension_install/extension_path; or, where no extension
// exists for the line, a clear refusal with nothing written.
func TestFallbackEveryLine(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range fixture.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newShop(t, env, v)
			// LatitudePay needs an AUD store; Genoapay is checked on 3.0.4.1.
			cur := "AUD"
			if v == "3.0.4.1" {
				cur = "NZD"
			}
			s.exec(t, "UPDATE "+s.Table("setting")+" SET value = ? WHERE `key` = 'config_currency'", cur)
			for _, p := range integrations.All() {
				vals, ok := answers[p.ID]
				if !ok {
					continue
				}
				if p.ID == "latitudepay" && (cur == "NZD" || s.line == store.Line23) {
					vals = integrations.Values{"api_key": apiKey, "api_secret": apiSecret} // Genoapay and the 2.3 version have no products or terms
				}
				t.Run(p.ID, func(t *testing.T) {
					before := s.snapshot(t)
					plan, err := p.Plan(s.target(t), vals)
					if refusal := refused(p.ID, s.line); refusal != "" {
						if err == nil || !strings.Contains(err.Error(), refusal) {
							t.Fatalf("want a refusal with %q, got %v", refusal, err)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					opt := settings.DirectOptions{DataDir: t.TempDir()}
					if s.line.AtLeast(store.Line40) {
						f := plan.Extension.Folder
						opt.ExtensionPaths = []string{f, f + "/admin", f + "/admin/controller", f + "/admin/controller/module", f + "/admin/controller/module/" + f + ".php"}
					}
					res, err := settings.WriteDirect(ctxT(t), s.d, s.sc, s.line, plan, opt)
					if err != nil {
						t.Fatal(err)
					}
					if plan.Extension.Type == "" {
						if s.snapshot(t) != before {
							t.Fatal("a profile without an extension changed rows")
						}
						return
					}
					if res.Backup == "" || len(res.Done) == 0 {
						t.Fatalf("result %+v", res)
					}
					checkProfile(t, s, p.ID, res)
					// A second run changes nothing but the ids editSetting() renews.
					after := s.rowsOnly(t)
					if _, err := settings.WriteDirect(ctxT(t), s.d, s.sc, s.line, plan, opt); err != nil {
						t.Fatal(err)
					}
					if again := s.rowsOnly(t); again != after {
						t.Fatalf("a second run changed rows:\n%s\n---\n%s", after, again)
					}
				})
			}
		})
	}
}

// refused is the words of the refusal a profile gives on a line, "" when
// the line has the extension.
func refused(profile string, line store.Line) string {
	switch {
	case profile == "amazon_ps" && line.AtLeast(store.Line40):
		return "no Amazon Payment Services extension for OpenCart 4"
	case profile == "latitudepay" && !line.In(store.Line23, store.Line30):
		return "exists for OpenCart 3.x"
	case profile == "onebox" && line.AtLeast(store.Line40):
		return "OneBox's API files exist for OpenCart 1.5 and 2.x/3.x"
	}
	return ""
}

// jsonOrSerialized is how the line stores a route inside user_group.permission.
func route(line store.Line, r string) string {
	if !line.AtLeast(store.Line21) {
		return `s:` + strconv.Itoa(len(r)) + `:"` + r + `";`
	}
	return `"` + strings.ReplaceAll(r, "/", `\/`) + `"`
}

func checkProfile(t *testing.T, s *shop, id string, res *settings.DirectResult) {
	t.Helper()
	want := func(code string, kv map[string]string) {
		t.Helper()
		got := s.rows(t, code)
		for k, v := range kv {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", code, k, got[k], v)
			}
		}
	}
	absent := func(code string, keys ...string) {
		t.Helper()
		got := s.rows(t, code)
		for _, k := range keys {
			if _, ok := got[k]; ok {
				t.Errorf("%s has %s", code, k)
			}
		}
	}
	perm := s.permission(t)
	hasRoute := func(r string) {
		t.Helper()
		if strings.Count(perm, route(s.line, r)) != 2 { // access and modify
			t.Errorf("permission lacks %s twice: %s", r, perm)
		}
	}
	extRows := func(like string) int {
		return s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension")+" WHERE code LIKE ?", like)
	}
	three := s.line.AtLeast(store.Line30)
	switch id {
	case "amazon_ps":
		if s.line.AtLeast(store.Line23) {
			code := "amazon_ps"
			if three {
				code = "payment_amazon_ps"
			}
			want(code, map[string]string{code + "_merchant_identifier": "MxvOupuG", code + "_access_code": "SILgpo7pWbmzuURp2qri",
				code + "_sha_type": "sha256", code + "_sandbox_mode": "1", code + "_status": "1", code + "_cc_status": "1",
				code + "_apple_pay_supported_network": `ser:["visa","masterCard"]`})
			// filterPaymentSetting: the sub-method's keys only.
			want(code+"_installments", map[string]string{code + "_installments_status": "0", code + "_installments_integration_type": "redirection"})
			absent(code+"_installments", code+"_merchant_identifier")
			want(code+"_valu", map[string]string{code + "_valu_order_min_value": "500"})
			absent(code+"_valu", code+"_installments_aed_order_min_value")
			subs := 6
			if three {
				subs = 7 // tabby
			}
			if n := extRows("amazon\\_ps%"); n != 1+subs {
				t.Errorf("%d amazon_ps extension rows", n)
			}
			hasRoute("extension/payment/amazon_ps")
			hasRoute("extension/payment/amazon_ps_knet")
			trigger := "catalog/view/product/product/after"
			if !three {
				trigger = "catalog/view/*/template/product/product/after"
			}
			if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("event")+" WHERE code IN ('amazon_ps', 'amazon_ps_apple_pay_btn')"); n != 3 {
				t.Errorf("%d events", n)
			}
			if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("event")+" WHERE `trigger` = ?", trigger); n != 1 {
				t.Errorf("no event on %s", trigger)
			}
			if len(res.MissingTables) != 3 || !strings.Contains(res.MissingTables[0].Create, "`"+s.Prefix+"amazon_ps_order_meta_data`") {
				t.Errorf("missing tables %+v", res.MissingTables)
			}
			return
		}
		code := "payfort_fort"
		want(code, map[string]string{code + "_entry_merchant_identifier": "MxvOupuG", code + "_entry_hash_algorithm": "sha256",
			code + "_entry_sandbox_mode": "1", code + "_order_status_id": "2", code + "_credit_card": "1", code + "_status": "1"})
		// fixPostData: the whole post again under each sub-method.
		for _, sub := range []string{"installments", "sadad", "qpay"} {
			want(code+"_"+sub, map[string]string{code + "_" + sub + "_entry_merchant_identifier": "MxvOupuG", code + "_" + sub + "_status": "1"})
		}
		if n := extRows("payfort\\_fort%"); n != 4 {
			t.Errorf("%d payfort_fort extension rows", n)
		}
		hasRoute("payment/payfort_fort")
		if strings.Contains(perm, "payfort_fort_sadad") {
			t.Error("payfort_fort's install() gives the sub-methods no permissions")
		}
	case "latitudepay":
		code, ext := "latitudepay", "latitudepay"
		if s.Version == "3.0.4.1" {
			code, ext = "genoapay", "genoapay"
		}
		partial := strconv.Itoa(s.count(t, "SELECT order_status_id FROM "+s.Table("order_status")+" WHERE name = 'Partial Refunded'"))
		if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("order_status")+" WHERE name = 'Partial Refunded'"); n != 1 {
			t.Fatalf("%d Partial Refunded statuses", n)
		}
		if !three {
			want(code, map[string]string{code + "_environment": "0", code + "_sandbox_api_key": apiKey,
				code + "_entry_partially_refunded_status_id": partial, code + "_entry_failed_status_id": "7"})
			hasRoute("extension/payment/" + ext)
			return
		}
		pc := "payment_" + code
		want(pc, map[string]string{pc + "_environment": "sandbox", pc + "_sandbox_api_key": apiKey, pc + "_sandbox_api_secret": apiSecret,
			pc + "_order_completed_status_id": "5", pc + "_order_failed_status_id": "7", pc + "_order_refunded_status_id": "11",
			pc + "_order_partial_refunded_status_id": partial})
		if code == "latitudepay" {
			want(pc, map[string]string{pc + "_payment_terms": `ser:["6","12"]`, pc + "_product": "LPAY,LPAYPLUS"})
		}
		if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("event")+" WHERE code LIKE ?", code+"\\_%"); n != 7 {
			t.Errorf("%d events", n)
		}
		hasRoute("extension/payment/" + ext)
	case "despatch_cloud":
		code := "despatch_cloud"
		if three {
			code = "module_despatch_cloud"
		}
		want(code, map[string]string{code + "_status": "1", code + "_api_key": apiKey, code + "_order_prefix": "WEB-"})
		if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension")+" WHERE type = 'module' AND code = 'despatch_cloud'"); n != 1 {
			t.Errorf("%d extension rows", n)
		}
		r := "module/despatch_cloud"
		switch {
		case s.line.AtLeast(store.Line40):
			r = "extension/despatch_cloud/module/despatch_cloud"
			if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension_path")+" p JOIN "+s.Table("extension_install")+" i USING (extension_install_id) WHERE i.code = 'despatch_cloud' AND i.status = 1"); n != 5 {
				t.Errorf("%d extension paths", n)
			}
			if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension")+" WHERE extension = 'despatch_cloud'"); n != 1 {
				t.Error("the extension row lacks its folder")
			}
		case s.line.AtLeast(store.Line23):
			r = "extension/module/despatch_cloud"
		}
		hasRoute(r)
	}
}

// TestUndoPutsBack: the kept rows restore the store exactly (MyISAM on
// ≤3.x cannot roll back, so this is the way back).
func TestUndoPutsBack(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range []string{"1.5.6.4", "3.0.3.8", "4.0.2.3"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newShop(t, env, v)
			s.exec(t, "UPDATE "+s.Table("setting")+" SET value = 'AUD' WHERE `key` = 'config_currency'")
			// Settings the extension had before: they must come back.
			code := "despatch_cloud"
			if s.line.AtLeast(store.Line30) {
				code = "module_despatch_cloud"
			}
			s.exec(t, "INSERT INTO "+s.Table("setting")+" (store_id, "+s.codeCol()+", `key`, value, serialized) VALUES (0, ?, ?, 'old-key-000000000000000000000', 0)", code, code+"_api_key")
			before := s.snapshot(t)
			profile, _ := integrations.ByID("despatch_cloud")
			plan, err := profile.Plan(s.target(t), integrations.Values{"order_prefix": "X1"})
			must(t, err)
			opt := settings.DirectOptions{DataDir: t.TempDir(), ExtensionPaths: []string{"despatch_cloud", "despatch_cloud/admin"}}
			res, err := settings.WriteDirect(ctxT(t), s.d, s.sc, s.line, plan, opt)
			must(t, err)
			if s.snapshot(t) == before {
				t.Fatal("nothing was written")
			}
			b, err := settings.LoadBackup(res.Backup)
			must(t, err)
			must(t, settings.Undo(ctxT(t), s.d, s.sc, b))
			if after := s.snapshot(t); after != before {
				t.Fatalf("not put back:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// TestQuotedPrefixWritesNothing: a table prefix that could close a quote
// is refused before anything is read or written.
func TestQuotedPrefixWritesNothing(t *testing.T) {
	env := testenv.Get(t)
	s := newShop(t, env, "3.0.3.8")
	before := s.snapshot(t)
	profile, _ := integrations.ByID("despatch_cloud")
	plan, err := profile.Plan(s.target(t), nil)
	must(t, err)
	sc := *s.sc
	sc.Prefix = "oc_' OR '1'='1"
	_, err = settings.WriteDirect(ctxT(t), s.d, &sc, s.line, plan, settings.DirectOptions{DataDir: t.TempDir()})
	var pe *db.PrefixError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "ran nothing") {
		t.Fatalf("got %v", err)
	}
	if s.snapshot(t) != before {
		t.Fatal("rows changed")
	}
}

// TestHalfWrittenIsUndone: on MyISAM (≤3.x) a statement that fails late
// leaves the earlier ones written; WriteDirect puts the kept rows back.
// A trigger makes the last setting insert fail.
func TestHalfWrittenIsUndone(t *testing.T) {
	env := testenv.Get(t)
	s := newShop(t, env, "2.0.3.1")
	if s.sc.Transactional() {
		t.Fatal("the 2.0 fixture should be MyISAM")
	}
	admin := fixture.AdminDB(t, env)
	trigger := "`" + s.DB.Name + "`.`fail_last_setting`"
	if _, err := admin.Exec("CREATE TRIGGER " + trigger + " BEFORE INSERT ON `" + s.DB.Name + "`.`" + s.Table("setting") +
		"` FOR EACH ROW BEGIN IF NEW.`key` = 'despatch_cloud_order_prefix' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test: refused'; END IF; END"); err != nil {
		t.Fatal(err)
	}
	before := s.snapshot(t)
	profile, _ := integrations.ByID("despatch_cloud")
	plan, err := profile.Plan(s.target(t), integrations.Values{"api_key": apiKey, "order_prefix": "WEB-"})
	must(t, err)
	_, err = settings.WriteDirect(ctxT(t), s.d, s.sc, s.line, plan, settings.DirectOptions{DataDir: t.TempDir()})
	var se *db.SQLError
	if !errors.As(err, &se) || !se.NotRolledBack || !strings.Contains(err.Error(), "put the previous rows back") {
		t.Fatalf("got %v", err)
	}
	if after := s.snapshot(t); after != before {
		t.Fatalf("half-written:\n%s\n---\n%s", before, after)
	}
}
