package ui

import (
	"bytes"
	"encoding/json"
	"log"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/assets"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/store"
)

func readTranslation(t *testing.T, name string) texts {
	t.Helper()
	b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var out texts
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	return out
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// placeholders lists the {{.Name}} fields of a text, sorted.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// forms is a text's plural forms; a plain string is the single form "".
func forms(t *testing.T, file, key string, v any) map[string]string {
	t.Helper()
	switch v := v.(type) {
	case string:
		return map[string]string{"": v}
	case map[string]any:
		out := map[string]string{}
		for f, x := range v {
			s, ok := x.(string)
			if !ok {
				t.Errorf("%s: %s.%s is not a string", file, key, f)
			}
			out[f] = s
		}
		return out
	}
	t.Errorf("%s: %s is neither a string nor plural forms", file, key)
	return nil
}

// checkAgainstEnglish compares one key of a translation with English:
// the same kind of text, the plural forms the language needs, and the
// same placeholders in every form.
func checkAgainstEnglish(t *testing.T, file, key string, en, tr any, pluralForms []string) {
	t.Helper()
	enForms, trForms := forms(t, "en.json", key, en), forms(t, file, key, tr)
	_, enPlain := enForms[""]
	_, trPlain := trForms[""]
	if enPlain != trPlain {
		t.Errorf("%s: %s is plain in one file and plural in the other", file, key)
		return
	}
	if !trPlain {
		if got := slices.Sorted(maps.Keys(trForms)); !slices.Equal(got, pluralForms) {
			t.Errorf("%s: %s has the plural forms %v, want %v", file, key, got, pluralForms)
		}
	}
	want := placeholders(enForms[slices.Collect(maps.Keys(enForms))[0]])
	for f, s := range trForms {
		if strings.TrimSpace(s) == "" {
			t.Errorf("%s: %s (%s) is empty", file, key, f)
		}
		if got := placeholders(s); !slices.Equal(got, want) {
			t.Errorf("%s: %s (%s) has the placeholders %v, English has %v", file, key, f, got, want)
		}
	}
}

// TestTranslationFilesMatch keeps the files in step: every key of en.json
// is in ru.json and back, with the same placeholders and the plural forms
// each language needs; ar.json has every Amazon Payment Services label and
// nothing English lacks.
func TestTranslationFilesMatch(t *testing.T) {
	en, ru, ar := readTranslation(t, "en"), readTranslation(t, "ru"), readTranslation(t, "ar")
	for k, v := range en {
		checkAgainstEnglish(t, "en.json", k, v, v, []string{"one", "other"})
		if _, ok := ru[k]; !ok {
			t.Errorf("ru.json lacks %s", k)
		}
		if _, ok := ar[k]; !ok && strings.Contains(k, ".amazon_ps.") && !strings.HasPrefix(k, "integration.") {
			t.Errorf("ar.json lacks the Amazon Payment Services label %s", k)
		}
	}
	for k, v := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("ru.json has %s, which en.json lacks", k)
			continue
		}
		checkAgainstEnglish(t, "ru.json", k, en[k], v, []string{"few", "many", "one", "other"})
	}
	for k, v := range ar {
		if _, ok := en[k]; !ok {
			t.Errorf("ar.json has %s, which en.json lacks", k)
			continue
		}
		checkAgainstEnglish(t, "ar.json", k, en[k], v, []string{"few", "many", "one", "other", "two", "zero"})
	}
	if len(ar) == 0 || len(en) < 50 {
		t.Fatalf("en.json has %d keys and ar.json %d: the files were not read", len(en), len(ar))
	}
}

// inLocale loads the texts as for a user of locale, and again for the
// test's own environment when the test ends. Not parallel: the language
// is process-wide in Fyne's lang package.
func inLocale(t *testing.T, locale string) {
	t.Helper()
	// Registered before Setenv, so it runs after the environment is back.
	t.Cleanup(loadTexts)
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LC_ALL", locale)
	loadTexts()
}

// apsFields are the Amazon Payment Services settings of both plugin
// generations, by key.
func apsFields(t *testing.T) map[string]integrations.Field {
	t.Helper()
	p, ok := integrations.ByID("amazon_ps")
	if !ok {
		t.Fatal("no amazon_ps profile")
	}
	out := map[string]integrations.Field{}
	for _, line := range []store.Line{store.Line15, store.Line30} {
		for _, f := range p.Fields(integrations.Target{Line: line}) {
			// The plugin generations offer different choices for the
			// same setting (the legacy plugin's): keep them all.
			if have, ok := out[f.Key]; ok {
				for _, c := range have.Choices {
					if !slices.ContainsFunc(f.Choices, func(x integrations.Choice) bool { return x.Value == c.Value }) {
						f.Choices = append(f.Choices, c)
					}
				}
			}
			out[f.Key] = f
		}
	}
	if len(out) == 0 {
		t.Fatal("the amazon_ps profile has no fields")
	}
	return out
}

// TestFieldLabelsMatchProfile keeps the translated settings in step with
// installer/integrations: every label and choice in en.json belongs to a
// field of the profile and reads as the profile's own English.
func TestFieldLabelsMatchProfile(t *testing.T) {
	inLocale(t, "en_US.UTF-8")
	fields := apsFields(t)
	labels, choices := 0, 0
	for k, v := range readTranslation(t, "en") {
		rest, isField := strings.CutPrefix(k, "field.amazon_ps.")
		if isField {
			labels++
			f, ok := fields[rest]
			if !ok {
				t.Errorf("en.json has %s, but the profile has no field %q", k, rest)
			} else if v != f.Label || FieldLabel("amazon_ps", f) != f.Label {
				t.Errorf("%s is %q in en.json, %q in the profile", k, v, f.Label)
			}
		}
		if rest, isChoice := strings.CutPrefix(k, "choice.amazon_ps."); isChoice {
			choices++
			key, value, _ := strings.Cut(rest, ".")
			i := slices.IndexFunc(fields[key].Choices, func(c integrations.Choice) bool { return c.Value == value })
			if i < 0 {
				t.Errorf("en.json has %s, but the profile's field %q has no choice %q", k, key, value)
			} else if c := fields[key].Choices[i]; v != c.Label || ChoiceLabel("amazon_ps", fields[key], c) != c.Label {
				t.Errorf("%s is %q in en.json, %q in the profile", k, v, c.Label)
			}
		}
	}
	if labels < 10 || choices == 0 {
		t.Fatalf("en.json has %d labels and %d choices of amazon_ps", labels, choices)
	}
	inLocale(t, "ar_AE.UTF-8")
	if got := FieldLabel("amazon_ps", fields["access_code"]); got != "رمز الوصول" {
		t.Errorf("access code in Arabic: %q", got)
	}
	if got := FieldLabel("amazon_ps", integrations.Field{Key: "no_such", Label: "Own label"}); got != "Own label" {
		t.Errorf("a field without a translation: %q", got)
	}
}

// quietLog captures what Fyne logs (fyne.LogError writes through log).
func quietLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	log.SetOutput(&b)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	return &b
}

func TestTextsInRussian(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	logged := quietLog(t)
	for key, want := range map[string]string{
		"connect.start":                       "Подключиться и найти магазин",
		"connect.trust.confirm":               "Доверять и подключиться",
		"common.cancel":                       "Отмена",
		"connect.field.password":              "Пароль",
		"field.amazon_ps.merchant_identifier": "Идентификатор продавца (Merchant Identifier)",
	} {
		if got := T(key); got != want {
			t.Errorf("T(%q) = %q, want %q", key, got, want)
		}
	}
	if got := TF("connect.connecting", Args{"Addr": "127.0.0.1:2222"}); got != "Подключение к 127.0.0.1:2222…" {
		t.Errorf("connect.connecting: %q", got)
	}
	if got := TF("connect.trust.refused", Args{"KeyType": KeyTypeName("host key")}); got != "Не подключено: ключ сервера не признан доверенным." {
		t.Errorf("connect.trust.refused: %q", got)
	}
	for n, want := range map[int]string{
		1:  "Подключено. Найден 1 магазин; выберите его:",
		3:  "Подключено. Найдено 3 магазина; выберите один:",
		5:  "Подключено. Найдено 5 магазинов; выберите один:",
		21: "Подключено. Найден 21 магазин; выберите его:",
		22: "Подключено. Найдено 22 магазина; выберите один:",
	} {
		if got := TN("connect.found_many", n, nil); got != want {
			t.Errorf("TN(connect.found_many, %d) = %q, want %q", n, got, want)
		}
	}
	if got := TN("connect.recovery.pending", 3, Args{"Package": "onebox.zip", "Store": "/www", "When": "2 Jan 15:04"}); got !=
		"Загрузка onebox.zip в /www прервалась 2 Jan 15:04 (3 файла). Откатите её или запустите заново на шаге «Модуль»." {
		t.Errorf("connect.recovery.pending: %q", got)
	}
	if got := StepTitle(app.StepCredentials); got != "Доступ к базе данных" {
		t.Errorf("StepTitle(Credentials) = %q", got)
	}
	if p, _ := integrations.ByID("custom"); IntegrationName(p) != "Другое расширение" {
		t.Errorf("IntegrationName(custom) = %q", IntegrationName(p))
	}
	if strings.Contains(logged.String(), "Translation failure") {
		t.Errorf("lang logged failures:\n%s", logged)
	}
}

// TestTextsInEnglish also keeps en.json in step with the English the rest
// of the app carries: the step names, the profiles and the title.
func TestTextsInEnglish(t *testing.T) {
	inLocale(t, "en_GB.UTF-8")
	logged := quietLog(t)
	en := readTranslation(t, "en")
	for k, v := range en {
		if s, ok := v.(string); ok && !strings.Contains(s, "{{") && T(k) != s {
			t.Errorf("T(%q) = %q, want %q", k, T(k), s)
		}
	}
	for _, s := range app.Steps() {
		if got := StepTitle(s); got != s.Title() {
			t.Errorf("StepTitle(%v) = %q", s, got)
		}
	}
	for _, p := range integrations.All() {
		if !hasText("integration." + p.ID + ".name") {
			t.Errorf("en.json has no texts for the integration %s", p.ID)
		}
		if IntegrationName(p) != p.Name || IntegrationSummary(p) != p.Summary || IntegrationClosed(p) != p.Closed {
			t.Errorf("the texts of %s differ from installer/integrations: %q / %q / %q", p.ID,
				IntegrationName(p), IntegrationSummary(p), IntegrationClosed(p))
		}
	}
	if T("app.title") != app.Title {
		t.Errorf("app.title is %q, app.Title %q", T("app.title"), app.Title)
	}
	if got := TN("connect.found_many", 1, nil); got != "Connected. Found 1 store; choose it:" {
		t.Errorf("one store: %q", got)
	}
	if got := TN("connect.found_many", 4, nil); got != "Connected. Found 4 stores; choose one:" {
		t.Errorf("four stores: %q", got)
	}
	if got := TF("connect.store_label", Args{"Root": "/public_html", "Version": "3.0.3.8", "AdminDir": "admin"}); got != `/public_html — OpenCart 3.0.3.8, admin folder "admin"` {
		t.Errorf("store label: %q", got)
	}
	if strings.Contains(logged.String(), "Translation failure") {
		t.Errorf("lang logged failures:\n%s", logged)
	}
}

// TestTextsInOtherLanguages: a German user gets English, quietly; an
// Arabic user gets the Amazon Payment Services labels in Arabic and
// English for the rest.
func TestTextsInOtherLanguages(t *testing.T) {
	inLocale(t, "de_DE.UTF-8")
	logged := quietLog(t)
	if got := T("connect.start"); got != "Connect and find the store" {
		t.Errorf("German user: %q", got)
	}
	if got := TF("connect.connecting", Args{"Addr": "shop:21"}); got != "Connecting to shop:21…" {
		t.Errorf("German user: %q", got)
	}
	if got := TN("connect.found_many", 1, nil); got != "Connected. Found 1 store; choose it:" {
		t.Errorf("German user: %q", got)
	}

	inLocale(t, "ar_SA.UTF-8")
	if got := T("field.amazon_ps.merchant_identifier"); got != "معرف التاجر" {
		t.Errorf("Arabic user, merchant identifier: %q", got)
	}
	if got := T("connect.start"); got != "Connect and find the store" {
		t.Errorf("Arabic user, a text with no Arabic: %q", got)
	}
	if got := TN("connect.found_many", 11, nil); got != "Connected. Found 11 stores; choose one:" {
		t.Errorf("Arabic user, plural with no Arabic: %q", got)
	}
	if strings.Contains(logged.String(), "Translation failure") {
		t.Errorf("lang logged failures:\n%s", logged)
	}
	if got := T("no.such.key"); got != "no.such.key" || !strings.Contains(logged.String(), "no.such.key") {
		t.Errorf("a missing key shows as %q and logs %q", got, logged)
	}
}

// TestProfileTextsMatchEnglish keeps every profile's translated texts in
// step with installer/integrations: a label, help line or choice en.json
// has reads as the profile's own English; and every field of every
// profile has its label and help (choices may be the store's own data,
// such as order statuses, which keep their names).
func TestProfileTextsMatchEnglish(t *testing.T) {
	inLocale(t, "en_US.UTF-8")
	en := readTranslation(t, "en")
	for _, p := range integrations.All() {
		for _, line := range []store.Line{store.Line15, store.Line30, store.Line40} {
			for _, f := range p.Fields(integrations.Target{Line: line}) {
				want := map[string]string{"field." + p.ID + "." + f.Key: f.Label}
				if f.Help != "" {
					want["help."+p.ID+"."+f.Key] = f.Help
				}
				for _, c := range f.Choices {
					want["choice."+p.ID+"."+f.Key+"."+c.Value] = c.Label
				}
				for k, w := range want {
					v, ok := en[k]
					if !ok && !strings.HasPrefix(k, "choice.") {
						t.Errorf("en.json lacks %s (%q)", k, w)
					}
					if ok && v != w {
						t.Errorf("%s is %q in en.json, %q in the profile", k, v, w)
					}
				}
			}
		}
	}
}
