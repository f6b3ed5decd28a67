<?php
// Version
define('VERSION', '{{VERSION}}');

// The admin of an ocsetup fixture store: our own small PHP app, not
// OpenCart. It answers the routes ocsetup's admin channel uses the way each
// OpenCart line's admin does (docs/opencart.md §4–§7):
//   common/login      ≤3.x: form post, redirect with token= (≤2.3) or
//                     user_token= (3.x); 4.x: a login_token form posted by
//                     AJAX to common/login.login (| on 4.0.0–4.0.1), JSON
//   install           extension/payment/install (≤2.2, redirect),
//                     extension/extension/payment/install (2.3/3.x, list),
//                     extension/payment.install (4.x, JSON)
//   settings          payment/x (≤2.2), extension/payment/x (2.3/3.x),
//                     extension/<folder>/payment/x (4.x, saved by .save, JSON)
//   refresh           extension/modification/refresh (2.x),
//                     marketplace/modification/refresh (3.x),
//                     marketplace/modification.refresh (4.1)
// It uses the store's own database: the user, user_group, extension and
// setting tables. The settings forms come from ocsetup-fixture.json.
error_reporting(E_ALL);
ini_set('display_errors', '1');

require_once(__DIR__ . '/config.php');

$fx = json_decode(file_get_contents(__DIR__ . '/ocsetup-fixture.json'), true);

$v4 = version_compare(VERSION, '4.0.0.0', '>=');
$v3 = version_compare(VERSION, '3.0.0.0', '>=');
$v23 = version_compare(VERSION, '2.3.0.0', '>=');
$v21 = version_compare(VERSION, '2.1.0.0', '>=');
$v15 = version_compare(VERSION, '2.0.0.0', '<');
$sep = $v4 ? (version_compare(VERSION, '4.0.2.0', '<') ? '|' : '.') : '/';
$token_name = $v3 ? 'user_token' : 'token';

session_save_path($fx['session_dir']);
session_name($v3 ? 'OCSESSID' : 'PHPSESSID');
session_start();

$db = fx_db();
$route = isset($_GET['route']) ? (string)$_GET['route'] : 'common/login';

// Routes open without a login.
if ($route === 'common/login' || $route === 'common/login' . $sep . 'login') {
	fx_login($route !== 'common/login');
	exit;
}

// Every other route needs a logged-in user and the right token
// (oc@3.0.3.8:upload/admin/controller/startup/login.php): OpenCart then
// answers with the login page at the requested URL.
if (empty($_SESSION['user_id']) || !isset($_GET[$token_name]) || !isset($_SESSION['token']) || $_GET[$token_name] !== $_SESSION['token']) {
	fx_login(false);
	exit;
}
$user = fx_user($_SESSION['user_id']);
if (!$user) {
	session_destroy();
	fx_login(false);
	exit;
}

if ($route === 'common/logout') {
	session_destroy();
	fx_redirect(fx_link('common/login', false));
}

if ($route === 'common/dashboard' || $route === 'common/home') {
	if (!empty($fx['two_factor']) && empty($_SESSION['authorized'])) {
		fx_page('Authorize', '<form action="' . fx_link('common/authorize') . '" method="post" id="form-authorize"><input type="text" name="code" value=""/></form>');
		exit;
	}
	fx_page('Dashboard', '<h1>Dashboard</h1>');
	exit;
}

// Extension lists and their install buttons.
foreach ($fx['extensions'] as $ext) {
	$type = $ext['type'];
	$list = ($v23 && !$v4) ? 'extension/extension/' . $type : 'extension/' . $type;
	if ($route === $list) {
		fx_list($type);
		exit;
	}
	if ($route === $list . $sep . 'install') {
		fx_install($type, $list);
		exit;
	}
	$settings = fx_settings_route($ext);
	if ($route === $settings) {
		fx_settings($ext, $settings, false);
		exit;
	}
	if ($v4 && $route === $settings . $sep . 'save') {
		fx_settings($ext, $settings, true);
		exit;
	}
}

if ($route === ($v4 ? 'marketplace/modification' . $sep . 'refresh' : ($v3 ? 'marketplace/modification/refresh' : 'extension/modification/refresh'))
	&& !$v15 && !($v4 && version_compare(VERSION, '4.1.0.0', '<'))) {
	fx_refresh();
	exit;
}

// Pages the store sends to after an install, save or refresh.
if (in_array($route, array('marketplace/extension', 'extension/extension', 'marketplace/modification', 'extension/modification'), true)) {
	fx_page('Extensions', '<h1>' . fx_h($route) . '</h1>');
	exit;
}

http_response_code(404);
fx_page('Page Not Found!', '<h1>Page Not Found!</h1><p>The page you requested cannot be found.</p>');
exit;

// ---------------------------------------------------------------------

function fx_db() {
	$hostname = DB_HOSTNAME;
	$port = defined('DB_PORT') ? (int)DB_PORT : 3306;
	if (!defined('DB_PORT') && preg_match('/^(.+):(\d+)$/', $hostname, $match)) {
		$hostname = $match[1];
		$port = (int)$match[2];
	}
	mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
	$db = new mysqli($hostname, DB_USERNAME, DB_PASSWORD, DB_DATABASE, $port);
	$db->set_charset('utf8mb4');
	$db->query("SET SESSION sql_mode = ''");
	return $db;
}

function fx_q($sql, $types = '', ...$args) {
	global $db;
	$st = $db->prepare($sql);
	if ($types !== '') {
		$st->bind_param($types, ...$args);
	}
	$st->execute();
	$res = $st->get_result();
	return $res ? $res->fetch_all(MYSQLI_ASSOC) : array();
}

function fx_t($name) {
	return '`' . DB_PREFIX . $name . '`';
}

function fx_link($route, $with_token = true, $args = '') {
	global $token_name;
	$url = 'index.php?route=' . $route;
	if ($with_token && isset($_SESSION['token'])) {
		$url .= '&' . $token_name . '=' . $_SESSION['token'];
	}
	return $url . ($args !== '' ? '&' . $args : '');
}

function fx_redirect($url) {
	header('Location: ' . str_replace('&amp;', '&', $url), true, 302);
	exit;
}

function fx_json($data) {
	header('Content-Type: application/json');
	echo json_encode($data);
}

function fx_h($s) {
	return htmlspecialchars((string)$s, ENT_QUOTES, 'UTF-8');
}

function fx_page($title, $body) {
	global $v15;
	$alerts = '';
	foreach (array('error' => $v15 ? 'warning' : 'alert alert-danger', 'success' => $v15 ? 'success' : 'alert alert-success') as $key => $class) {
		if (!empty($_SESSION[$key])) {
			$alerts .= '<div class="' . $class . '">' . fx_h($_SESSION[$key]) . '</div>';
			unset($_SESSION[$key]);
		}
	}
	echo "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>" . fx_h($title) . "</title>\n</head>\n<body>\n<form action=\"index.php?route=common/search\" method=\"get\"><input type=\"text\" name=\"filter\" value=\"\"/></form>\n" . $alerts . $body . "\n</body>\n</html>\n";
}

function fx_user($user_id) {
	$rows = fx_q("SELECT * FROM " . fx_t('user') . " WHERE user_id = ? AND status = 1", 'i', (int)$user_id);
	return $rows ? $rows[0] : null;
}

// fx_check_password is each line's user->login(): salted SHA-1 up to 3.x,
// password_verify() with the salted SHA-1 as a fallback on 4.x
// (oc@3.0.3.8 and oc@4.0.2.3:upload/system/library/cart/user.php).
function fx_check_password($row, $password) {
	global $v4;
	$salted = isset($row['salt']) && $row['password'] === sha1($row['salt'] . sha1($row['salt'] . sha1($password)));
	if ($v4) {
		return password_verify($password, $row['password']) || $salted;
	}
	return $salted || $row['password'] === md5($password);
}

function fx_login($post_route) {
	global $v4, $v15, $sep, $token_name, $fx;
	if ($v4 && $post_route) {
		$json = array();
		if (!isset($_GET['login_token']) || !isset($_SESSION['login_token']) || $_GET['login_token'] !== $_SESSION['login_token']) {
			$_SESSION['error'] = 'Warning: No match for Username and/or Password.';
			$json['redirect'] = fx_link('common/login', false);
		}
		if (!$json) {
			$row = fx_find_user();
			if (!$row) {
				$json['error'] = 'Warning: No match for Username and/or Password.';
			} else {
				$_SESSION['user_id'] = $row['user_id'];
				$_SESSION['token'] = bin2hex(random_bytes(16));
				unset($_SESSION['login_token']);
				$json['redirect'] = fx_link('common/dashboard');
			}
		}
		fx_json($json);
		return;
	}
	$error = '';
	if (!$v4 && $_SERVER['REQUEST_METHOD'] === 'POST') {
		if (!empty($fx['captcha'])) {
			$error = 'Warning: The captcha is wrong.';
		} else {
			$row = fx_find_user();
			if ($row) {
				$_SESSION['user_id'] = $row['user_id'];
				$_SESSION['token'] = bin2hex(random_bytes(16));
				fx_redirect(fx_link($v15 ? 'common/home' : 'common/dashboard'));
			}
			$error = 'Warning: No match for Username and/or Password.';
		}
	}
	$action = fx_link('common/login', false);
	$ajax = '';
	if ($v4) {
		$_SESSION['login_token'] = bin2hex(random_bytes(16));
		$action = fx_link('common/login' . $sep . 'login', false, 'login_token=' . $_SESSION['login_token']);
		$ajax = ' data-oc-toggle="ajax"';
	}
	$alert = '';
	if ($error !== '') {
		$alert = $v15 ? '<div class="warning">' . fx_h($error) . '</div>' : '<div class="alert alert-danger"><i class="fa fa-exclamation-circle"></i> ' . fx_h($error) . '</div>';
	}
	$captcha = empty($fx['captcha']) ? '' : '<div class="g-recaptcha" data-sitekey="6Lc-fixture"></div><input type="text" name="captcha" value=""/>';
	fx_page('Administration', $alert . '<form action="' . fx_h($action) . '" method="post" enctype="multipart/form-data" id="form-login"' . $ajax . '>'
		. '<label for="input-username">Username</label><input type="text" name="username" value="" id="input-username"/>'
		. '<label for="input-password">Password</label><input type="password" name="password" value="" id="input-password"/>'
		. $captcha . '<button type="submit">Login</button></form>');
}

function fx_find_user() {
	$username = isset($_POST['username']) ? (string)$_POST['username'] : '';
	$password = isset($_POST['password']) ? html_entity_decode((string)$_POST['password'], ENT_QUOTES, 'UTF-8') : '';
	foreach (fx_q("SELECT * FROM " . fx_t('user') . " WHERE username = ? AND status = 1", 's', $username) as $row) {
		if (fx_check_password($row, $password)) {
			return $row;
		}
	}
	return null;
}

// Permissions: serialize() on 1.5/2.0, JSON from 2.1 (docs/opencart.md §3).
function fx_permissions($group_id) {
	global $v21;
	$rows = fx_q("SELECT permission FROM " . fx_t('user_group') . " WHERE user_group_id = ?", 'i', (int)$group_id);
	if (!$rows || $rows[0]['permission'] === '') {
		return array();
	}
	$p = $v21 ? json_decode($rows[0]['permission'], true) : unserialize($rows[0]['permission']);
	return is_array($p) ? $p : array();
}

function fx_has_permission($type, $route) {
	global $user, $fx;
	// A fresh install's Administrator group has every route; the fixture
	// store seeds only a few, so the list routes of the fixture's
	// extension types count as granted to group 1.
	if ((int)$user['user_group_id'] === 1 && in_array($route, $fx['granted'], true)) {
		return true;
	}
	$p = fx_permissions($user['user_group_id']);
	return isset($p[$type]) && in_array($route, $p[$type], true);
}

function fx_add_permission($group_id, $type, $route) {
	global $v21;
	$p = fx_permissions($group_id);
	$p[$type][] = $route;
	fx_q("UPDATE " . fx_t('user_group') . " SET permission = ? WHERE user_group_id = ?", 'si', $v21 ? json_encode($p) : serialize($p), (int)$group_id);
}

function fx_settings_route($ext) {
	global $v4, $v23;
	if ($v4) {
		return 'extension/' . $ext['folder'] . '/' . $ext['type'] . '/' . $ext['code'];
	}
	return ($v23 ? 'extension/' : '') . $ext['type'] . '/' . $ext['code'];
}

function fx_controller_file($ext) {
	global $v4, $v23;
	if ($v4) {
		return DIR_OPENCART . 'extension/' . $ext['folder'] . '/admin/controller/' . $ext['type'] . '/' . $ext['code'] . '.php';
	}
	return DIR_APPLICATION . 'controller/' . ($v23 ? 'extension/' : '') . $ext['type'] . '/' . $ext['code'] . '.php';
}

function fx_list($type) {
	fx_page('Extensions', '<h1>Extensions</h1>' . fx_installed_list($type));
}

function fx_installed_list($type) {
	$out = '<ul id="extension-list">';
	foreach (fx_q("SELECT code FROM " . fx_t('extension') . " WHERE type = ?", 's', $type) as $row) {
		$out .= '<li>' . fx_h($row['code']) . '</li>';
	}
	return $out . '</ul>';
}

// fx_install is the line's extension/<type> install(): the extension row,
// the group's permissions, then the extension's own install() (here: a
// table only install() can create, so tests can tell it ran).
function fx_install($type, $list) {
	global $v4, $v23, $v15, $user, $fx;
	$code = $v4 ? (isset($_GET['code']) ? basename((string)$_GET['code']) : '') : (isset($_GET['extension']) ? basename((string)$_GET['extension']) : '');
	$folder = $v4 && isset($_GET['extension']) ? basename((string)$_GET['extension']) : '';
	$ext = null;
	foreach ($fx['extensions'] as $e) {
		if ($e['type'] === $type && $e['code'] === $code && (!$v4 || $e['folder'] === $folder)) {
			$ext = $e;
		}
	}
	$error = '';
	if (!fx_has_permission('modify', $list)) {
		$error = 'Warning: You do not have permission to modify payments!';
	} elseif (!$ext || !is_file(fx_controller_file($ext))) {
		$error = 'Warning: Extension does not exist!';
	}
	if ($error === '') {
		if ($v4) {
			fx_q("INSERT INTO " . fx_t('extension') . " SET extension = ?, type = ?, code = ?", 'sss', $folder, $type, $code);
		} else {
			fx_q("INSERT INTO " . fx_t('extension') . " SET type = ?, code = ?", 'ss', $type, $code);
		}
		// 1.5 passes the user id where the group id belongs
		// (oc@1.5.6.4:upload/admin/controller/extension/payment.php:131); the
		// fixture's admin is user 1 in group 1, like a fresh install.
		$route = fx_settings_route($ext);
		fx_add_permission($user['user_group_id'], 'access', $route);
		fx_add_permission($user['user_group_id'], 'modify', $route);
		global $db;
		$db->query("CREATE TABLE IF NOT EXISTS " . fx_t($code . '_fixture_install') . " (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)");
		fx_q("INSERT INTO " . fx_t($code . '_fixture_install') . " SET note = 'install() ran'");
	}
	if ($v4) {
		fx_json($error === '' ? array('success' => 'Success: You have modified payments!') : array('error' => $error));
		return;
	}
	if ($v23) {
		// 2.3/3.x answer the list itself (it is loaded by AJAX).
		$alert = $error !== '' ? '<div class="alert alert-danger">' . fx_h($error) . '</div>' : '<div class="alert alert-success">Success: You have modified payments!</div>';
		echo $alert . fx_installed_list($type);
		return;
	}
	if ($error !== '' && !$v15) {
		// 2.0–2.2 render the list with the warning.
		fx_page('Extensions', '<div class="alert alert-danger">' . fx_h($error) . '</div>' . fx_installed_list($type));
		return;
	}
	if ($error !== '') {
		$_SESSION['error'] = $error;
	} else {
		$_SESSION['success'] = 'Success: You have modified payments!';
	}
	fx_redirect(fx_link($list));
}

function fx_setting_code($ext) {
	global $v3;
	return $v3 ? $ext['type'] . '_' . $ext['code'] : $ext['code'];
}

function fx_config($code) {
	global $v15;
	$col = $v15 ? '`group`' : '`code`';
	$out = array();
	foreach (fx_q("SELECT `key`, `value`, `serialized` FROM " . fx_t('setting') . " WHERE store_id = 0 AND $col = ?", 's', $code) as $row) {
		$out[$row['key']] = $row['serialized'] ? fx_unserialize($row['value']) : $row['value'];
	}
	return $out;
}

function fx_unserialize($v) {
	global $v21;
	return $v21 ? json_decode($v, true) : unserialize($v);
}

// fx_edit_setting is each line's model/setting/setting editSetting()
// (oc@1.5.6.4, oc@2.0.3.1, oc@2.1.0.2, oc@3.0.3.8, oc@4.0.2.3).
function fx_edit_setting($code, $data) {
	global $v15, $v21;
	$col = $v15 ? '`group`' : '`code`';
	fx_q("DELETE FROM " . fx_t('setting') . " WHERE store_id = 0 AND $col = ?", 's', $code);
	foreach ($data as $key => $value) {
		if (!$v15 && substr($key, 0, strlen($code)) !== $code) {
			continue;
		}
		$ser = is_array($value) ? 1 : 0;
		if ($ser) {
			$value = $v21 ? json_encode($value) : serialize($value);
		}
		fx_q("INSERT INTO " . fx_t('setting') . " SET store_id = 0, $col = ?, `key` = ?, `value` = ?, serialized = ?", 'sssi', $code, $key, $value, $ser);
	}
}

// fx_validate checks a post against the form's rules; errors are keyed by
// the field's short name.
function fx_validate($ext, $code) {
	$errors = array();
	foreach ($ext['form']['tabs'] as $tab) {
		foreach ($tab['fields'] as $f) {
			$name = $code . '_' . $f['name'];
			$value = isset($_POST[$name]) ? $_POST[$name] : null;
			if (!empty($f['required']) && ($value === null || $value === '' || $value === array())) {
				$errors[$f['name']] = $f['label'] . ' required!';
			} elseif (!empty($f['min_length']) && is_string($value) && strlen($value) < $f['min_length']) {
				$errors[$f['name']] = $f['label'] . ' must be at least ' . $f['min_length'] . ' characters!';
			} elseif (!empty($f['required_unless']) && ($value === null || $value === '' || $value === array())) {
				// Required unless another field has a value (LatitudePay's
				// payment terms, unless the product is LPAY alone).
				$other = $code . '_' . $f['required_unless'][0];
				if (!isset($_POST[$other]) || (string)$_POST[$other] !== (string)$f['required_unless'][1]) {
					$errors[$f['name']] = $f['label'] . ' required!';
				}
			} elseif ($value !== null && !empty($f['options'])) {
				foreach ((array)$value as $one) {
					if (!in_array((string)$one, array_map('strval', array_column($f['options'], 'value')), true)) {
						$errors[$f['name']] = $f['label'] . ': ' . $one . ' is not a choice!';
					}
				}
			}
		}
	}
	return $errors;
}

function fx_settings($ext, $route, $save) {
	global $v4, $v23, $v3, $sep;
	$code = fx_setting_code($ext);
	$errors = array();
	$warning = '';
	$posted = $_SERVER['REQUEST_METHOD'] === 'POST';
	if ($posted) {
		if (!fx_has_permission('modify', $route)) {
			$warning = 'Warning: You do not have permission to modify this payment!';
		}
		$errors = fx_validate($ext, $code);
		if ($warning === '' && $errors) {
			$warning = 'Warning: Please check the form carefully for errors!';
		}
		if ($v4) {
			if ($warning !== '' && !$errors) {
				fx_json(array('error' => $warning));
			} elseif ($errors) {
				$errors['warning'] = $warning;
				fx_json(array('error' => $errors));
			} else {
				foreach (isset($ext['drops']) ? $ext['drops'] : array() as $drop) {
					unset($_POST[$code . '_' . $drop]);
				}
				fx_edit_setting($code, $_POST);
				fx_json(array('success' => 'Success: You have modified this payment!'));
			}
			return;
		}
		if ($warning === '') {
			foreach (isset($ext['drops']) ? $ext['drops'] : array() as $drop) {
				// A save handler that leaves a field out of what it stores.
				unset($_POST[$code . '_' . $drop]);
			}
			fx_edit_setting($code, $_POST);
			$_SESSION['success'] = 'Success: You have modified this payment!';
			if (!empty($ext['saves_to_own_page'])) {
				// LatitudePay's save redirects to its own page, which shows
				// the success alert.
				fx_redirect(fx_link($route));
			}
			$list = $v3 ? 'marketplace/extension' : ($v23 ? 'extension/extension' : 'extension/' . $ext['type']);
			fx_redirect(fx_link($list, true, $v23 ? 'type=' . $ext['type'] : ''));
		}
	}
	$values = $posted ? $_POST : fx_config($code);
	$action = $v4 ? fx_link($route . $sep . 'save') : fx_link($route);
	echo fx_form_page($ext, $code, $action, $values, $errors, $warning);
}

function fx_form_page($ext, $code, $action, $values, $errors, $warning) {
	global $v4, $v15;
	ob_start();
	fx_page($ext['code'], '');
	$page = ob_get_clean();
	$body = '';
	if (!$v4 && !empty($ext['saves_to_own_page']) && isset($_SESSION['success'])) {
		$body .= '<div class="alert alert-success alert-dismissible"><i class="fa fa-exclamation-circle"></i> ' . fx_h($_SESSION['success']) . '</div>';
		unset($_SESSION['success']);
	}
	if ($warning !== '') {
		$body .= $v15 ? '<div class="warning">' . fx_h($warning) . '</div>' : '<div class="alert alert-danger"><i class="fa fa-exclamation-circle"></i> ' . fx_h($warning) . '</div>';
	}
	$form_id = 'form-' . $ext['type'];
	$body .= '<div class="buttons"><button type="submit" form="' . $form_id . '">Save</button></div>';
	$body .= '<form action="' . fx_h($action) . '" method="post" enctype="multipart/form-data" id="' . $form_id . '"' . ($v4 ? ' data-oc-toggle="ajax"' : '') . '>';
	$body .= '<input type="hidden" name="' . fx_h($code) . '_form_version" value="fixture-1"/>';
	if ($v15) {
		$body .= '<div id="tabs" class="htabs">';
		foreach ($ext['form']['tabs'] as $i => $tab) {
			$body .= '<a href="#tab-' . $i . '">' . fx_h($tab['title']) . '</a>';
		}
		$body .= '</div>';
	} else {
		$body .= '<ul class="nav nav-tabs">';
		foreach ($ext['form']['tabs'] as $i => $tab) {
			$body .= $v4 ? '<li class="nav-item"><a href="#tab-' . $i . '" data-bs-toggle="tab" class="nav-link">' . fx_h($tab['title']) . '</a></li>'
				: '<li><a href="#tab-' . $i . '" data-toggle="tab">' . fx_h($tab['title']) . '</a></li>';
		}
		$body .= '</ul><div class="tab-content">';
	}
	foreach ($ext['form']['tabs'] as $i => $tab) {
		$body .= $v15 ? '<div id="tab-' . $i . '"><table class="form">' : '<div class="tab-pane" id="tab-' . $i . '">';
		foreach ($tab['fields'] as $f) {
			$body .= fx_field($f, $code, $values, isset($errors[$f['name']]) ? $errors[$f['name']] : '');
		}
		$body .= $v15 ? '</table></div>' : '</div>';
	}
	$body .= ($v15 ? '' : '</div>') . '</form>';
	if (!empty($ext['hidden_alert'])) {
		// An error block the page always prints and its stylesheet hides,
		// shown only by its script (LatitudePay's payment-terms alert).
		$body .= '<div class="alert alert-danger fx-always-there">' . fx_h($ext['hidden_alert']) . '</div>'
			. '<div class="alert alert-warning" style="display: none">' . fx_h($ext['hidden_alert']) . '</div>'
			. '<template><div class="alert alert-danger">' . fx_h($ext['hidden_alert']) . '</div></template>'
			. "<style>\n  .fx-always-there {\n    display: none;\n  }\n</style>";
	}
	return str_replace('</body>', $body . "\n</body>", $page);
}

function fx_field($f, $code, $values, $error) {
	global $v4, $v15;
	$name = $code . '_' . $f['name'];
	$id = 'input-' . str_replace('_', '-', $f['name']);
	$default = isset($f['default']) ? $f['default'] : '';
	$value = array_key_exists($name, $values) ? $values[$name] : $default;
	$kind = $f['kind'];
	$in = '';
	switch ($kind) {
	case 'text':
	case 'password':
		$in = '<input type="' . $kind . '" name="' . fx_h($name) . '" value="' . fx_h($value) . '" id="' . $id . '" class="form-control"/>';
		break;
	case 'hidden':
		$in = '<input type="hidden" name="' . fx_h($name) . '" value="' . fx_h($value) . '" id="' . $id . '"/>';
		break;
	case 'textarea':
		$in = '<textarea name="' . fx_h($name) . '" rows="3" id="' . $id . '" class="form-control">' . fx_h($value) . '</textarea>';
		break;
	case 'select':
	case 'multiselect':
		$multi = $kind === 'multiselect';
		$in = '<select name="' . fx_h($name) . ($multi ? '[]" multiple="multiple"' : '"') . ' id="' . $id . '" class="form-control">';
		foreach ($f['options'] as $o) {
			$sel = $multi ? in_array($o['value'], (array)$value, true) : (string)$o['value'] === (string)$value;
			$in .= '<option value="' . fx_h($o['value']) . '"' . ($sel ? ' selected="selected"' : '') . '>' . fx_h($o['label']) . '</option>';
		}
		$in .= '</select>';
		break;
	case 'radio':
		foreach ($f['options'] as $o) {
			$chk = (string)$o['value'] === (string)$value ? ' checked="checked"' : '';
			$in .= $v15 ? '<input type="radio" name="' . fx_h($name) . '" value="' . fx_h($o['value']) . '"' . $chk . '/> ' . fx_h($o['label']) . ' '
				: '<label class="radio-inline"><input type="radio" name="' . fx_h($name) . '" value="' . fx_h($o['value']) . '"' . $chk . '/> ' . fx_h($o['label']) . '</label>';
		}
		break;
	case 'checkbox':
		// 4.x sends the "off" value from a hidden input before the box.
		$in = ($v4 ? '<input type="hidden" name="' . fx_h($name) . '" value="0"/>' : '')
			. '<input type="checkbox" name="' . fx_h($name) . '" value="1" id="' . $id . '"' . ($value ? ' checked="checked"' : '') . ' class="form-check-input"/>';
		break;
	case 'checkboxes':
		foreach ($f['options'] as $o) {
			$chk = in_array($o['value'], (array)$value, true) ? ' checked="checked"' : '';
			$in .= '<div class="checkbox"><label><input type="checkbox" name="' . fx_h($name) . '[]" value="' . fx_h($o['value']) . '"' . $chk . '/> ' . fx_h($o['label']) . '</label></div>';
		}
		break;
	}
	$help = isset($f['help']) ? $f['help'] : '';
	$required = !empty($f['required']);
	if ($v15) {
		return '<tr><td>' . ($required ? '<span class="required">*</span> ' : '') . fx_h($f['label']) . ':' . ($help !== '' ? '<br/><span class="help">' . fx_h($help) . '</span>' : '') . '</td><td>'
			. $in . ($error !== '' ? '<span class="error">' . fx_h($error) . '</span>' : '') . '</td></tr>';
	}
	if ($v4) {
		return '<div class="row mb-3' . ($required ? ' required' : '') . '"><label for="' . $id . '" class="col-sm-2 col-form-label">' . fx_h($f['label']) . '</label><div class="col-sm-10">'
			. $in . '<div id="error-' . str_replace('_', '-', $f['name']) . '" class="invalid-feedback"></div>' . ($help !== '' ? '<div class="form-text">' . fx_h($help) . '</div>' : '') . '</div></div>';
	}
	$label = $help !== '' ? '<span data-toggle="tooltip" title="' . fx_h($help) . '">' . fx_h($f['label']) . '</span>' : fx_h($f['label']);
	return '<div class="form-group' . ($required ? ' required' : '') . '"><label class="col-sm-2 control-label" for="' . $id . '">' . $label . '</label><div class="col-sm-10">'
		. $in . ($error !== '' ? '<div class="text-danger">' . fx_h($error) . '</div>' : '') . '</div></div>';
}

function fx_refresh() {
	global $v4, $v3, $fx;
	if (!fx_has_permission('modify', $v3 ? 'marketplace/modification' : 'extension/modification')) {
		$error = 'Warning: You do not have permission to modify modifications!';
		if ($v4) {
			fx_json(array('error' => $error));
			return;
		}
		$_SESSION['error'] = $error;
	} else {
		file_put_contents($fx['refresh_log'], date('c') . "\n", FILE_APPEND);
		if ($v4) {
			fx_json(array('success' => 'Success: You have modified modifications!'));
			return;
		}
		$_SESSION['success'] = 'Success: You have modified modifications!';
	}
	fx_redirect(fx_link($v3 ? 'marketplace/modification' : 'extension/modification'));
}
