package admin

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// phpErrorRE matches PHP's and OpenCart's error output: "<b>Warning</b>:
// message in <b>file</b> on line <b>n</b>"
// (oc@2.3.0.2:upload/admin/controller/startup/error.php).
var phpErrorRE = regexp.MustCompile(`(?i)<b>\s*(warning|notice|deprecated|fatal error|parse error|error)\s*</b>\s*:\s*([^<\n]{1,300})`)

func phpErrors(body []byte) []string {
	var out []string
	for _, m := range phpErrorRE.FindAllSubmatch(body, 3) {
		out = append(out, string(m[1])+": "+strings.TrimSpace(string(m[2])))
	}
	return out
}

// FieldError is a validation message the store showed for one field.
type FieldError struct {
	Field   string `json:"field,omitempty"` // the field's name, "" when it could not be told
	Label   string `json:"label,omitempty"`
	Message string `json:"message"`
}

// message records alerts and field errors.
func (w *walker) message(n *html.Node) {
	cls := " " + attr(n, "class") + " "
	t := text(n)
	if t == "" {
		return
	}
	if n.DataAtom == atom.Title && strings.Contains(t, "Permission Denied") {
		// error/permission answers a route the user group lacks, with no
		// alert (oc@2.3.0.2:upload/admin/controller/error/permission.php).
		w.p.warnings = append(w.p.warnings, "Permission Denied: the Administrator group lacks this page's route")
		return
	}
	switch {
	case strings.Contains(cls, " alert-danger ") || strings.Contains(cls, " alert-warning ") || n.DataAtom == atom.Div && strings.Contains(cls, " warning "):
		w.p.warnings = append(w.p.warnings, t)
	case strings.Contains(cls, " alert-success ") || n.DataAtom == atom.Div && strings.Contains(cls, " success "):
		w.p.success = append(w.p.success, t)
	case strings.Contains(cls, " text-danger ") || strings.Contains(cls, " invalid-feedback ") || strings.Contains(cls, " error ") || redText(n):
		fe := FieldError{Message: t}
		if id := attr(n, "id"); strings.HasPrefix(id, "error-") {
			// 4.x: the error element names its field (error-<name>).
			fe.Field = "#" + strings.TrimPrefix(id, "error-")
		} else if w.last != nil {
			fe.Field = w.last.name
		}
		w.p.fieldErrors = append(w.p.fieldErrors, fe)
	}
}

// redText: extensions write their own error markup too; the Amazon
// Payment Services plugin prints <span style="color:red"> under a field
// (payfort/opencart3-payfort upload/admin/view/template/extension/payment/amazon_ps.twig).
func redText(n *html.Node) bool {
	style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	for _, red := range []string{"color:red", "color:#f00;", "color:#ff0000", "color:#a94442", "color:#dc3545"} {
		if strings.Contains(style+";", red) {
			return true
		}
	}
	return false
}

// noteCaptcha spots the captcha widgets security add-ons put on login
// forms; stock OpenCart admins have none.
func (w *walker) noteCaptcha(n *html.Node) {
	if w.p.captcha != "" {
		return
	}
	cls := attr(n, "class")
	for _, c := range []string{"g-recaptcha", "h-captcha", "cf-turnstile", "captcha"} {
		if strings.Contains(cls, c) {
			w.p.captcha = "an element of class " + c
			return
		}
	}
	if n.DataAtom == atom.Img && strings.Contains(strings.ToLower(attr(n, "src")), "captcha") {
		w.p.captcha = "a captcha image"
	}
}

func (w *walker) noteScript(n *html.Node) {
	src := strings.ToLower(attr(n, "src"))
	for _, c := range []string{"recaptcha", "hcaptcha", "turnstile"} {
		if w.p.captcha == "" && strings.Contains(src, c) {
			w.p.captcha = "the " + c + " script"
		}
	}
}
