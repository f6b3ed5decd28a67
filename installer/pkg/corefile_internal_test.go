package pkg

import "testing"

func TestCoreFileAnyCaseAnyDepth(t *testing.T) {
	for p, core := range map[string]bool{
		"config.php": true, "CONFIG.PHP": true, "admin/config.php": true, "Admin/Config.PHP": true,
		"index.php": true, "admin/index.php": true, "system/startup.php": true,
		".htaccess": true, "admin/.htaccess": true, "system/.HTACCESS": true, "image/.user.ini": true,
		"catalog/view/theme/x/php.ini": true, "PHP.INI": true,
		"catalog/controller/payment/xpay.php": false, "catalog/index.php": false, "admin/config.php.bak": false,
		"system/library/xpay/htaccess.txt": false,
	} {
		if got := coreFile(p) != ""; got != core {
			t.Errorf("coreFile(%q) = %v, want %v", p, got, core)
		}
	}
}
