//go:build unix

package testenv

import (
	"context"
	"testing"
)

// CaptchaCode is the code of the login-captcha module's extension and
// event rows.
const CaptchaCode = "occaptcha"

// captchaBody puts a reCAPTCHA widget into the admin login form, as the
// security add-ons merchants install do (stock OpenCart has no captcha on
// the admin login). The widget is all a client sees: a login without
// solving it cannot be told from a wrong one, so ocsetup must stop at the
// form.
const captchaBody = `
	public function captcha(&$route, &$data, &$output) {
		$widget = '<div class="g-recaptcha" data-sitekey="ocsetup-test"></div><script src="https://www.google.com/recaptcha/api.js" async defer></script>';
		$output = preg_replace('~</form>~i', $widget . '</form>', $output, 1);
	}
`

// AddLoginCaptcha puts a captcha on the store's admin login form through
// a small module of ours hooked to the login view (docs/testing.md).
func (e *Env) AddLoginCaptcha(t testing.TB, rs RealStore) {
	t.Helper()
	db, err := rootDB(e.MySQL)
	if err != nil {
		t.Fatalf("testenv: captcha on OpenCart %s: %v", rs.Version, err)
	}
	defer db.Close()
	if err := rs.addEventModule(context.Background(), db, CaptchaCode, captchaBody, map[string]string{
		"admin/view/common/login/after": "captcha",
	}); err != nil {
		t.Fatalf("testenv: captcha on OpenCart %s: %v", rs.Version, err)
	}
}
