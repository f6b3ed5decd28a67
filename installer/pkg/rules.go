package pkg

import "strings"

// allowed3 is the list of folders the 3.x Extension Installer may write to
// (oc@3.0.3.8:upload/admin/controller/marketplace/install.php, move(); the
// same in 3.0.4.0, 3.0.4.1 and 3.0.5.0 per docs/opencart.md §6).
var allowed3 = [...]string{
	"admin/controller/extension/",
	"admin/language/",
	"admin/model/extension/",
	"admin/view/image/",
	"admin/view/javascript/",
	"admin/view/stylesheet/",
	"admin/view/template/extension/",
	"catalog/controller/extension/",
	"catalog/language/",
	"catalog/model/extension/",
	"catalog/view/javascript/",
	"catalog/view/theme/",
	"system/config/",
	"system/library/",
	"image/catalog/",
}

// allowedOn3 applies move()'s test: a path is safe if it is strictly
// longer than an allowed prefix and starts with it, or strictly shorter and
// a prefix of it (a folder on the way).
func allowedOn3(path string) bool {
	for _, a := range allowed3 {
		if len(path) > len(a) && strings.HasPrefix(path, a) ||
			len(path) < len(a) && strings.HasPrefix(a, path) {
			return true
		}
	}
	return false
}

// corePages returns the admin/controller/extension/<name>.php pages of
// lines whose router lets a folder win over a file: 1.5 and 2.0
// (oc@1.5.6.4 and oc@2.0.3.1:upload/system/engine/action.php, is_dir()
// first). 2.1.0.0 resolves files first. The lists are
// `git ls-tree` of upload/admin/controller/extension/ at 1.5.6.4, 2.0.0.0
// and 2.0.3.0 (fraud.php arrived in 2.0.3.0).
func corePages(l Line) map[string]string {
	pages := map[string]string{
		"feed": "Product Feeds", "module": "Modules", "openbay": "OpenBay Pro",
		"payment": "Payments", "shipping": "Shipping", "total": "Order Totals",
	}
	switch {
	case l.Is(1, 5):
		pages["manager"] = "Extension Manager"
	case l.Is(2, 0):
		pages["installer"] = "Extension Installer"
		pages["modification"] = "Modifications"
		if l.Patch >= 3 {
			pages["fraud"] = "Anti-Fraud"
		}
	default:
		return nil
	}
	return pages
}

// coreFile says what a store file is when a package should never replace
// it ("config", "core", "rules": the key of its words in the translation
// files), or "" for any other path.
func coreFile(p string) string {
	// Letter case is ignored: a case-insensitive server (Windows hosting,
	// some FTP servers) writes CONFIG.PHP over config.php.
	lower := strings.ToLower(p)
	switch lower {
	case "config.php", "admin/config.php":
		return "config"
	case "index.php", "admin/index.php", "system/startup.php", "system/framework.php":
		return "core"
	}
	// Server rules apply to their folder and all below it, wherever
	// they are: one in image/ can make uploaded images run as PHP.
	switch lower[strings.LastIndex(lower, "/")+1:] {
	case ".htaccess", ".user.ini", "php.ini":
		return "rules"
	}
	return ""
}

// namespaceName is how OpenCart 4 turns an extension code into a namespace
// segment: str_replace(['_', '/'], [”, '\\'], ucwords($code, '_/'))
// (oc@4.0.2.3:upload/admin/controller/startup/extension.php).
func namespaceName(code string) string {
	var b strings.Builder
	up := true
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '_':
			up = true
			continue
		case c == '/':
			b.WriteByte('\\')
			up = true
			continue
		case up && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

// codeIsNamespaceSafe reports whether code gives a valid PHP namespace
// segment.
func codeIsNamespaceSafe(code string) bool {
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(isASCIILetter(c) || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return code != "" && !('0' <= code[0] && code[0] <= '9')
}
