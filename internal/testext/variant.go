package testext

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"
)

// Variant describes an extension of our own shaped like a vendor's: its
// type, its code (which names its files, its setting keys, its table
// <prefix><code>_transaction and its event), its settings form and the
// quirks of its settings page. Every variant is built from the same
// sources under ext/<line>, so every variant installs, saves, offers its
// method (payment) and uninstalls on each line the way ocpay does.
type Variant struct {
	// Type is "payment" (Extensions > Payments, offered at checkout) or
	// "module" (Extensions > Modules).
	Type string
	// Code is the extension's code: lower-case letters, digits and "_".
	Code string
	// Title is how the store lists the extension (and, for payments, how
	// the checkout names the method).
	Title string
	// Fields are the settings form's fields, in order. Their keys are
	// Prefix(line)+Name.
	Fields []Field
	// HiddenAlert, when set, is the text of an error block the settings
	// page always carries and a <style> rule of the page hides, as some
	// vendors' pages do; empty means no such block.
	HiddenAlert string
	// HiddenInline hides the HiddenAlert block with its own
	// style="display:none" instead of a <style> rule.
	HiddenInline bool
	// InstallXML adds an install.xml (an OCMOD modification with the code
	// Code) to the 2.3 and 3.0 packages; 4.x packages never carry one.
	InstallXML bool
	// XMLEdit is what install.xml changes; nil means a comment added to
	// the storefront footer's controller.
	XMLEdit *XMLEdit
	// InstallStatuses are order statuses install() adds, in every
	// language, unless the store has one of that name (LatitudePay's adds
	// "Partial Refunded"); uninstall() leaves them, as the vendor's does.
	InstallStatuses []string
	// Callbacks are further methods of a payment variant's catalog
	// controller, each answering HTTP 200 with a small JSON body, as the
	// URLs a gateway calls back do (Amazon Payment Services' response).
	Callbacks []string
	// SubMethods are further payment codes <code>_<sub> the save installs
	// and gives the posted keys containing <sub>, as Amazon Payment
	// Services' save does (amazon_ps_installments, …). 3.0 only.
	SubMethods []string
	// Files are further files of the package, by their path in the store
	// (catalog/onebox/cron.php), with their contents: files a vendor ships
	// beside the extension. 2.3 and 3.0 only, where a package's upload/
	// lands at the store's root.
	Files map[string]string
}

// LatitudePayTerms is the text of the LatitudePay page's always-present
// alert (docs/integration-correctness.md).
const LatitudePayTerms = "You have to set at least one value for Payment Terms!"

// LatitudePay is our own module with the shapes of the LatitudePay
// module for OpenCart 3 (Latitude-Financial/opencart-latitudepay-genoapay):
// the extension code latitudepay, its setting keys and form (a select of
// products, payment terms required unless the product is LPAY), an alert
// that is always on the page and hidden by a <style> rule, and an
// install.xml that edits the cart template. None of the vendor's code is
// in it.
func LatitudePay() Variant {
	orderStatus := func(name string) Field { return Field{Name: name, Kind: Select} }
	yesNo := []Option{{Value: "1", Label: "Yes"}, {Value: "0", Label: "No"}}
	return Variant{Type: "payment", Code: "latitudepay", Title: "LatitudePay", HiddenAlert: LatitudePayTerms, InstallXML: true,
		InstallStatuses: []string{"Complete", "Cancelled", "Partial Refunded", "Refunded"},
		XMLEdit:         &XMLEdit{Path: "catalog/view/theme/*/template/checkout/cart.twig", Search: "{{ content_top }}", Add: "<div class=\"latitudepay-cart-info\"></div>"},
		Fields: []Field{
			{Name: "status", Kind: Select},
			{Name: "environment", Kind: Select, Options: []Option{{Value: "production", Label: "Production"}, {Value: "sandbox", Label: "Sandbox"}}},
			{Name: "production_api_key", Kind: Text},
			{Name: "production_api_secret", Kind: Password},
			{Name: "sandbox_api_key", Kind: Text},
			{Name: "sandbox_api_secret", Kind: Password},
			{Name: "product", Kind: Select, Options: []Option{{Value: "LPAY", Label: "LatitudePay"}, {Value: "LPAYPLUS", Label: "LatitudePay+"}, {Value: "LPAY,LPAYPLUS", Label: "Co-presentment"}}},
			{Name: "payment_terms", Kind: MultiSelect, Options: []Option{{Value: "6", Label: "6 months"}, {Value: "12", Label: "12 months"}, {Value: "18", Label: "18 months"}, {Value: "24", Label: "24 months"}},
				RequiredUnless: []string{"product", "LPAY"}},
			{Name: "debug", Kind: Select, Options: yesNo},
			{Name: "sort_order", Kind: Text},
			{Name: "images_api_url", Label: "Images API URL", Kind: Text},
			orderStatus("order_completed_status_id"),
			orderStatus("order_failed_status_id"),
			orderStatus("order_partial_refunded_status_id"),
			orderStatus("order_refunded_status_id"),
		}}
}

// XMLEdit is one operation of an install.xml: in the file at Path (as the
// modification names it), Add is inserted after the line holding Search.
type XMLEdit struct {
	Path, Search, Add string
}

// Field is a field of a variant's settings form.
type Field struct {
	// Name is the key without the line's prefix (merchant_id).
	Name string
	// Label is the field's label; "" makes one from Name.
	Label string
	Kind  Kind
	// Required fields refused empty by the module's own validation, with
	// "<Label> required!" (a multi-select: "You have to set at least one
	// value for <Label>!").
	Required bool
	// MinLength refuses a shorter non-empty value with "<Label> must be at
	// least N characters!".
	MinLength int
	// Options are a select's or multi-select's choices. A select without
	// Options lists the store's order statuses, except one named "status",
	// which is the line's own on/off control (a select Enabled/Disabled on
	// 2.3 and 3.0, a switch posting 0 or 1 on 4.x).
	Options []Option
	// RequiredUnless makes a multi-select required unless the field named
	// RequiredUnless[0] is posted as RequiredUnless[1] (LatitudePay's
	// payment terms are optional with the product LPAY only).
	RequiredUnless []string
	// Dropped fields are on the form and pass validation, but the
	// module's save leaves them out of what it stores and still says
	// "Success" (a module with a bug, or one whose key was renamed).
	Dropped bool
}

// Option is a choice of a select.
type Option struct{ Value, Label string }

// Kind is how a field is entered.
type Kind string

// The kinds of fields.
const (
	Text        Kind = "text"
	Password    Kind = "password"
	Checkbox    Kind = "checkbox"
	Select      Kind = "select"
	MultiSelect Kind = "multiselect"
)

// Default is ocpay, the variant the package-level helpers (Package, Files,
// Admin.Install) use: a payment module with a required merchant ID and
// secret, a sandbox checkbox, an optional multi-select of payment terms, a
// hidden error block and an install.xml.
func Default() Variant {
	return Variant{
		Type:  "payment",
		Code:  Code,
		Title: Title,
		Fields: []Field{
			{Name: "merchant_id", Label: "Merchant ID", Kind: Text, Required: true},
			{Name: "secret", Kind: Password, Required: true},
			{Name: "sandbox", Kind: Checkbox},
			{Name: "payment_terms", Kind: MultiSelect, Options: []Option{{"4", "4 weeks"}, {"8", "8 weeks"}, {"12", "12 weeks"}}},
			{Name: "order_status_id", Label: "Order Status", Kind: Select},
			{Name: "status", Kind: Select},
			{Name: "sort_order", Kind: Text},
		},
		HiddenAlert:  TermsError,
		HiddenInline: true,
		InstallXML:   true,
	}
}

var codeShape = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (v Variant) check(line string) error {
	if !codeShape.MatchString(v.Code) {
		return fmt.Errorf("testext: code %q: want lower-case letters, digits and _", v.Code)
	}
	if v.Type != "payment" && v.Type != "module" {
		return fmt.Errorf("testext: variant %s: type %q, want payment or module", v.Code, v.Type)
	}
	for _, st := range v.InstallStatuses {
		if strings.TrimSpace(st) == "" || strings.ContainsAny(st, `'\<>&"`) {
			return fmt.Errorf("testext: variant %s: order status %q must be plain text without quotes", v.Code, st)
		}
	}
	if strings.TrimSpace(v.Title) == "" || strings.ContainsAny(v.Title+v.HiddenAlert, `'\<>&"`) {
		return fmt.Errorf("testext: variant %s: title %q and hidden alert %q must be plain text without quotes", v.Code, v.Title, v.HiddenAlert)
	}
	if _, err := fs.Stat(sources, "ext/"+line); err != nil {
		return fmt.Errorf("testext: no sources for OpenCart %s", line)
	}
	for _, c := range v.Callbacks {
		if !codeShape.MatchString(strings.ToLower(c)) || slices.Contains([]string{"index", "confirm", "history"}, c) || v.Type != "payment" {
			return fmt.Errorf("testext: variant %s: callback %q must be a fresh method name of a payment variant", v.Code, c)
		}
	}
	for _, m := range v.SubMethods {
		if !codeShape.MatchString(m) || v.Type != "payment" || line != "3.0" {
			return fmt.Errorf("testext: variant %s: sub-method %q: a payment variant's, lower-case, on 3.0 only", v.Code, m)
		}
	}
	for p := range v.Files {
		if line != "2.3" && line != "3.0" {
			return fmt.Errorf("testext: variant %s: further files exist on 2.3 and 3.0 only, not %s", v.Code, line)
		}
		if clean := path.Clean(p); clean != p || path.IsAbs(p) || strings.HasPrefix(p, "../") || p == ".." {
			return fmt.Errorf("testext: variant %s: file %q is not a clean path inside the store", v.Code, p)
		}
	}
	seen := map[string]bool{}
	for _, f := range v.Fields {
		if !codeShape.MatchString(f.Name) || seen[f.Name] {
			return fmt.Errorf("testext: variant %s: field name %q is not a fresh key", v.Code, f.Name)
		}
		seen[f.Name] = true
		switch f.Kind {
		case Text, Password, Checkbox, Select, MultiSelect:
		default:
			return fmt.Errorf("testext: variant %s: field %s has kind %q", v.Code, f.Name, f.Kind)
		}
		if len(f.RequiredUnless) != 0 && (len(f.RequiredUnless) != 2 || f.Kind != MultiSelect) {
			return fmt.Errorf("testext: variant %s: field %s: RequiredUnless wants a multi-select and {field, value}", v.Code, f.Name)
		}
	}
	return nil
}

// SettingCode is the code the line's editSetting() stores the settings
// under: ocpay on 2.3, payment_ocpay (module_x) from 3.0 on.
func (v Variant) SettingCode(line string) string {
	if line == "2.3" {
		return v.Code
	}
	return v.Type + "_" + v.Code
}

// Prefix is the line's prefix of the variant's setting keys.
func (v Variant) Prefix(line string) string { return v.SettingCode(line) + "_" }

// SettingsRoute is the admin route of the variant's settings page.
func (v Variant) SettingsRoute(line string) string {
	switch line {
	case "2.3", "3.0":
		return "extension/" + v.Type + "/" + v.Code
	default:
		return "extension/" + v.Code + "/" + v.Type + "/" + v.Code
	}
}

// SaveRoute is where the variant's settings form posts (the page itself on
// 2.3/3.0, a JSON action on 4.x).
func (v Variant) SaveRoute(line string) string {
	switch line {
	case "2.3", "3.0":
		return v.SettingsRoute(line)
	default:
		return v.SettingsRoute(line) + ".save"
	}
}

// PackageName is the file name of the variant's package: 4.x takes the
// extension's folder from it.
func (v Variant) PackageName() string { return v.Code + ".ocmod.zip" }

// PackageOf writes the variant's package for the line into a fresh
// temporary folder of the test and returns its path (see Package).
func PackageOf(t testing.TB, line string, v Variant) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), v.PackageName())
	if err := WriteVariantPackage(p, line, v); err != nil {
		t.Fatalf("testext: %v", err)
	}
	return p
}

// FilesOf returns the variant's files for the line as they land in the
// store, relative to the store's root (4.x: under extension/<code>/), with
// their contents; install.xml and install.json are not among them.
func FilesOf(line string, v Variant) (map[string][]byte, error) {
	all, err := render(line, v)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for rel, b := range all {
		switch {
		case strings.HasPrefix(rel, "upload/"):
			out[strings.TrimPrefix(rel, "upload/")] = b
		case strings.HasPrefix(rel, "admin/"), strings.HasPrefix(rel, "catalog/"):
			out[path.Join("extension", v.Code, rel)] = b
		}
	}
	return out, nil
}

// SourceOf returns one file of the variant's package (e.g. install.xml).
func SourceOf(line string, v Variant, name string) ([]byte, error) {
	all, err := render(line, v)
	if err != nil {
		return nil, err
	}
	b, ok := all[name]
	if !ok {
		return nil, fmt.Errorf("testext: the %s package of %s has no %s", line, v.Code, name)
	}
	return b, nil
}

// WriteVariantPackage writes the variant's package for the line to p.
// 2.3 and 3.0: upload/ with the files at the line's paths, install.xml when
// the variant has one, and __MACOSX junk as packages zipped on a Mac carry.
// 4.x: install.json, admin/ and catalog/ at the zip's root.
func WriteVariantPackage(p, line string, v Variant) error {
	all, err := render(line, v)
	if err != nil {
		return err
	}
	var names []string
	dirs := map[string]bool{}
	for rel := range all {
		names = append(names, rel)
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			dirs[d+"/"] = true
		}
	}
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, name := range names {
		w, cerr := zw.Create(name)
		if cerr != nil {
			err = cerr
			break
		}
		if b, ok := all[name]; ok {
			if _, err = w.Write(b); err != nil {
				break
			}
		}
	}
	if err == nil && (line == "2.3" || line == "3.0") {
		// Finder's resource forks: junk a real installer must ignore.
		for _, junk := range []string{"__MACOSX/", "__MACOSX/upload/", "__MACOSX/upload/._index.php", "__MACOSX/._install.xml"} {
			w, cerr := zw.Create(junk)
			if cerr != nil {
				err = cerr
				break
			}
			if !strings.HasSuffix(junk, "/") {
				_, _ = w.Write([]byte{0, 5, 22, 7, 0, 2, 0, 0})
			}
		}
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// render executes every template of the line for the variant and returns
// the package's files by their path in the package. The templates under
// ext/<line> are written for ocpay's paths: "ocpay" in a path becomes the
// code and "payment" the type; a template that renders to nothing (the
// payment-only files of a module) is left out.
func render(line string, v Variant) (map[string][]byte, error) {
	if err := v.check(line); err != nil {
		return nil, err
	}
	d := newData(line, v)
	root := "ext/" + line
	out := map[string][]byte{}
	err := fs.WalkDir(sources, root, func(name string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		src, err := sources.ReadFile(name)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(name, root+"/")
		tm, err := template.New(rel).Delims("[[", "]]").Funcs(template.FuncMap{"cdata": cdata}).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("testext: template %s: %w", name, err)
		}
		var b bytes.Buffer
		if err := tm.Execute(&b, d); err != nil {
			return fmt.Errorf("testext: template %s: %w", name, err)
		}
		if strings.TrimSpace(b.String()) == "" {
			return nil
		}
		parts := strings.Split(rel, "/")
		for i, p := range parts {
			switch {
			case p == "payment":
				parts[i] = v.Type
			case strings.HasPrefix(p, "ocpay"):
				parts[i] = v.Code + strings.TrimPrefix(p, "ocpay")
			}
		}
		out[strings.Join(parts, "/")] = b.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p, body := range v.Files {
		if _, dup := out["upload/"+p]; dup {
			return nil, fmt.Errorf("testext: variant %s: file %s is one of the extension's own", v.Code, p)
		}
		out["upload/"+p] = []byte(body)
	}
	return out, nil
}

func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// data is what the templates see.
type data struct {
	Variant
	Line string
	// Payment is true for payment variants.
	Payment bool
	// Setting is the code of editSetting(); Prefix the keys' prefix.
	Setting, Prefix string
	// Camel is the code as a class name (amazon_ps: AmazonPs).
	Camel string
	// Route is the admin route of the settings page; ListType the
	// Extensions page it returns to.
	Route string
	// Edit is install.xml's operation.
	Edit XMLEdit
	// HiddenClass is the class of the hidden alert block.
	HiddenClass string
	// The generated parts of the admin side.
	FormHTML, AdminLanguage, Defaults, Options, Validation, ViewKeys string
}

func newData(line string, v Variant) data {
	d := data{Variant: v, Line: line, Payment: v.Type == "payment", Setting: v.SettingCode(line), Prefix: v.Prefix(line),
		Camel: camel(v.Code), Route: v.SettingsRoute(line), HiddenClass: v.Code + "-hidden-alert"}
	if v.XMLEdit != nil {
		d.Edit = *v.XMLEdit
	} else {
		d.Edit = XMLEdit{Path: "catalog/controller/common/footer.php", Search: "class ControllerCommonFooter extends Controller {", Add: "\t// " + v.Code + " modification applied"}
	}
	d.FormHTML = formHTML(line, v)
	d.AdminLanguage = adminLanguage(v)
	d.Defaults, d.Options = phpDefaults(line, v)
	d.Validation = validation(line, v)
	d.ViewKeys = viewKeys(v)
	return d
}

func camel(code string) string {
	var b strings.Builder
	for _, part := range strings.Split(code, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func (f Field) label() string {
	if f.Label != "" {
		return f.Label
	}
	words := strings.Split(f.Name, "_")
	for i, w := range words {
		switch w {
		case "id", "api", "url":
			words[i] = strings.ToUpper(w)
		default:
			if w != "" {
				words[i] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
	}
	return strings.Join(words, " ")
}

// statusControl says the field is the line's own on/off control.
func (f Field) statusControl() bool {
	return f.Name == "status" && f.Kind == Select && len(f.Options) == 0
}

// orderStatuses says the field lists the store's order statuses.
func (f Field) orderStatuses() bool {
	return f.Kind == Select && len(f.Options) == 0 && !f.statusControl()
}

func (f Field) validated() bool { return f.Required || f.MinLength > 0 || len(f.RequiredUnless) == 2 }

func phpString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func adminLanguage(v Variant) string {
	var b strings.Builder
	line := func(k, val string) { fmt.Fprintf(&b, "$_[%s] = %s;\n", phpString(k), phpString(val)) }
	line("heading_title", v.Title)
	line("text_extension", "Extensions")
	line("text_success", "Success: You have modified "+v.Title+"!")
	line("text_edit", "Edit "+v.Title)
	for _, f := range v.Fields {
		line("entry_"+f.Name, f.label())
	}
	line("error_permission", "Warning: You do not have permission to modify "+v.Title+"!")
	line("error_warning", "Warning: Please check the form carefully for errors!")
	for _, f := range v.Fields {
		switch {
		case f.Kind == MultiSelect && (f.Required || len(f.RequiredUnless) == 2):
			line("error_"+f.Name, "You have to set at least one value for "+f.label()+"!")
		case f.Required:
			line("error_"+f.Name, f.label()+" required!")
		}
		if f.MinLength > 0 {
			line("error_"+f.Name+"_length", f.label()+" must be at least "+strconv.Itoa(f.MinLength)+" characters!")
		}
	}
	if v.HiddenAlert != "" {
		line("error_hidden_alert", v.HiddenAlert)
	}
	return b.String()
}

// viewKeys lists the language keys a 2.3 controller hands its template.
func viewKeys(v Variant) string {
	keys := []string{"heading_title", "text_edit", "text_enabled", "text_disabled", "button_save", "button_cancel"}
	for _, f := range v.Fields {
		keys = append(keys, "entry_"+f.Name)
	}
	if v.HiddenAlert != "" {
		keys = append(keys, "error_hidden_alert")
	}
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = phpString(k)
	}
	return strings.Join(q, ", ")
}

// phpDefaults returns the PHP array of the fields' defaults and the PHP
// statements handing the selects' options to the template.
func phpDefaults(line string, v Variant) (string, string) {
	var defs, opts []string
	for _, f := range v.Fields {
		def := "''"
		if f.Kind == MultiSelect {
			def = "array()"
		}
		defs = append(defs, phpString(f.Name)+" => "+def)
		if len(f.Options) > 0 {
			var o []string
			for _, op := range f.Options {
				o = append(o, phpString(op.Value)+" => "+phpString(op.Label))
			}
			opts = append(opts, "$data['options_"+f.Name+"'] = array("+strings.Join(o, ", ")+");")
		}
	}
	return strings.Join(defs, ", "), strings.Join(opts, "\n\t\t")
}

// validation returns the PHP statements of the module's own validation:
// $this->error[name] on 2.3/3.0, $json['error'][name] on 4.x.
func validation(line string, v Variant) string {
	target := "$this->error"
	if line != "2.3" && line != "3.0" {
		target = "$json['error']"
	}
	var b strings.Builder
	for _, f := range v.Fields {
		if !f.validated() {
			continue
		}
		key := phpString(v.Prefix(line) + f.Name)
		post := "$this->request->post[" + key + "]"
		set := func(msg string) string {
			return target + "[" + phpString(f.Name) + "] = $this->language->get(" + phpString(msg) + ");"
		}
		switch {
		case f.Kind == MultiSelect && len(f.RequiredUnless) == 2:
			other := "$this->request->post[" + phpString(v.Prefix(line)+f.RequiredUnless[0]) + "]"
			fmt.Fprintf(&b, "\t\tif (empty(%s) && (!isset(%s) || %s != %s)) {\n\t\t\t%s\n\t\t}\n\n", post, other, other, phpString(f.RequiredUnless[1]), set("error_"+f.Name))
		case f.Kind == MultiSelect:
			fmt.Fprintf(&b, "\t\tif (empty(%s)) {\n\t\t\t%s\n\t\t}\n\n", post, set("error_"+f.Name))
		default:
			value := "trim((string)" + post + ")"
			cond := []string{}
			if f.Required {
				cond = append(cond, fmt.Sprintf("if (!isset(%s) || !is_string(%s) || %s === '') {\n\t\t\t%s\n\t\t}", post, post, value, set("error_"+f.Name)))
			}
			if f.MinLength > 0 {
				kw := "if"
				if f.Required {
					kw = "elseif"
				}
				cond = append(cond, fmt.Sprintf("%s (isset(%s) && is_string(%s) && %s !== '' && strlen(%s) < %d) {\n\t\t\t%s\n\t\t}", kw, post, post, value, value, f.MinLength, set("error_"+f.Name+"_length")))
			}
			b.WriteString("\t\t" + strings.Join(cond, " ") + "\n\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// formHTML renders the fields of the settings form in the line's markup.
func formHTML(line string, v Variant) string {
	var b strings.Builder
	p := v.Prefix(line)
	for _, f := range v.Fields {
		key := p + f.Name
		id := "input-" + strings.ReplaceAll(f.Name, "_", "-")
		if f.Name == "order_status_id" {
			id = "input-order-status"
		}
		opts := "options_" + f.Name
		switch line {
		case "2.3":
			b.WriteString(group23(f, key, id, opts))
		case "3.0":
			b.WriteString(group30(f, key, id, opts))
		default:
			b.WriteString(group4(f, key, id, opts))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func group23(f Field, key, id, opts string) string {
	var in string
	switch {
	case f.Kind == Text || f.Kind == Password:
		in = fmt.Sprintf(`<input type="%s" name="%s" value="<?php echo $%s; ?>" id="%s" class="form-control" />`, f.Kind, key, key, id)
	case f.Kind == Checkbox:
		in = fmt.Sprintf(`<input type="checkbox" name="%s" value="1" id="%s"<?php echo $%s ? ' checked="checked"' : ''; ?> />`, key, id, key)
	case f.statusControl():
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-control">
                <option value="1"<?php echo $%s ? ' selected="selected"' : ''; ?>><?php echo $text_enabled; ?></option>
                <option value="0"<?php echo !$%s ? ' selected="selected"' : ''; ?>><?php echo $text_disabled; ?></option>
              </select>`, key, id, key, key)
	case f.orderStatuses():
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-control">
                <?php foreach ($order_statuses as $order_status) { ?>
                <option value="<?php echo $order_status['order_status_id']; ?>"<?php echo $order_status['order_status_id'] == $%s ? ' selected="selected"' : ''; ?>><?php echo $order_status['name']; ?></option>
                <?php } ?>
              </select>`, key, id, key)
	case f.Kind == Select:
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-control">
                <?php foreach ($%s as $value => $name) { ?>
                <option value="<?php echo $value; ?>"<?php echo (string)$value === (string)$%s ? ' selected="selected"' : ''; ?>><?php echo $name; ?></option>
                <?php } ?>
              </select>`, key, id, opts, key)
	default:
		in = fmt.Sprintf(`<select name="%s[]" id="%s" class="form-control" multiple="multiple">
                <?php foreach ($%s as $value => $name) { ?>
                <option value="<?php echo $value; ?>"<?php echo in_array($value, $%s) ? ' selected="selected"' : ''; ?>><?php echo $name; ?></option>
                <?php } ?>
              </select>`, key, id, opts, key)
	}
	if f.validated() {
		in += fmt.Sprintf(`
              <?php if ($error_%s) { ?>
              <div class="text-danger"><?php echo $error_%s; ?></div>
              <?php } ?>`, f.Name, f.Name)
	}
	return fmt.Sprintf(`          <div class="form-group%s">
            <label class="col-sm-2 control-label" for="%s"><?php echo $entry_%s; ?></label>
            <div class="col-sm-10">
              %s
            </div>
          </div>
`, requiredClass(f), id, f.Name, in)
}

func group30(f Field, key, id, opts string) string {
	var in string
	switch {
	case f.Kind == Text || f.Kind == Password:
		in = fmt.Sprintf(`<input type="%s" name="%s" value="{{ %s }}" id="%s" class="form-control" />`, f.Kind, key, key, id)
	case f.Kind == Checkbox:
		in = fmt.Sprintf(`<input type="checkbox" name="%s" value="1" id="%s"{%% if %s %%} checked="checked"{%% endif %%} />`, key, id, key)
	case f.statusControl():
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-control">
                <option value="1"{%% if %s %%} selected="selected"{%% endif %%}>{{ text_enabled }}</option>
                <option value="0"{%% if not %s %%} selected="selected"{%% endif %%}>{{ text_disabled }}</option>
              </select>`, key, id, key, key)
	case f.orderStatuses():
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-control">
                {%% for order_status in order_statuses %%}
                <option value="{{ order_status.order_status_id }}"{%% if order_status.order_status_id == %s %%} selected="selected"{%% endif %%}>{{ order_status.name }}</option>
                {%% endfor %%}
              </select>`, key, id, key)
	case f.Kind == Select:
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-control">
                {%% for value, name in %s %%}
                <option value="{{ value }}"{%% if value == %s %%} selected="selected"{%% endif %%}>{{ name }}</option>
                {%% endfor %%}
              </select>`, key, id, opts, key)
	default:
		in = fmt.Sprintf(`<select name="%s[]" id="%s" class="form-control" multiple="multiple">
                {%% for value, name in %s %%}
                <option value="{{ value }}"{%% if value in %s %%} selected="selected"{%% endif %%}>{{ name }}</option>
                {%% endfor %%}
              </select>`, key, id, opts, key)
	}
	if f.validated() {
		in += fmt.Sprintf(`
              {%% if error_%s %%}
              <div class="text-danger">{{ error_%s }}</div>
              {%% endif %%}`, f.Name, f.Name)
	}
	return fmt.Sprintf(`          <div class="form-group%s">
            <label class="col-sm-2 control-label" for="%s">{{ entry_%s }}</label>
            <div class="col-sm-10">
              %s
            </div>
          </div>
`, requiredClass(f), id, f.Name, in)
}

func group4(f Field, key, id, opts string) string {
	var in string
	switch {
	case f.Kind == Text || f.Kind == Password:
		in = fmt.Sprintf(`<input type="%s" name="%s" value="{{ %s }}" id="%s" class="form-control"/>`, f.Kind, key, key, id)
	case f.Kind == Checkbox:
		in = fmt.Sprintf(`<div class="form-check form-switch form-switch-lg">
                <input type="checkbox" name="%s" value="1" id="%s" class="form-check-input"{%% if %s %%} checked{%% endif %%}/>
              </div>`, key, id, key)
	case f.statusControl():
		in = fmt.Sprintf(`<div class="form-check form-switch form-switch-lg">
                <input type="hidden" name="%s" value="0"/>
                <input type="checkbox" name="%s" value="1" id="%s" class="form-check-input"{%% if %s %%} checked{%% endif %%}/>
              </div>`, key, key, id, key)
	case f.orderStatuses():
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-select">
                {%% for order_status in order_statuses %%}
                  <option value="{{ order_status.order_status_id }}"{%% if order_status.order_status_id == %s %%} selected{%% endif %%}>{{ order_status.name }}</option>
                {%% endfor %%}
              </select>`, key, id, key)
	case f.Kind == Select:
		in = fmt.Sprintf(`<select name="%s" id="%s" class="form-select">
                {%% for value, name in %s %%}
                  <option value="{{ value }}"{%% if value == %s %%} selected{%% endif %%}>{{ name }}</option>
                {%% endfor %%}
              </select>`, key, id, opts, key)
	default:
		in = fmt.Sprintf(`<select name="%s[]" id="%s" class="form-select" multiple>
                {%% for value, name in %s %%}
                  <option value="{{ value }}"{%% if value in %s %%} selected{%% endif %%}>{{ name }}</option>
                {%% endfor %%}
              </select>`, key, id, opts, key)
	}
	if f.validated() {
		in += fmt.Sprintf(`
              <div id="error-%s" class="invalid-feedback"></div>`, strings.ReplaceAll(f.Name, "_", "-"))
	}
	return fmt.Sprintf(`          <div class="row mb-3%s">
            <label for="%s" class="col-sm-2 col-form-label">{{ entry_%s }}</label>
            <div class="col-sm-10">
              %s
            </div>
          </div>
`, requiredClass(f), id, f.Name, in)
}

func requiredClass(f Field) string {
	if f.Required {
		return " required"
	}
	return ""
}
