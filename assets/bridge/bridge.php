<?php
/*
 * ocsetup database bridge: a temporary file that lets the ocsetup desktop
 * app reach this store's database when the hosting blocks remote MySQL.
 *
 * It was uploaded under a random name by ocsetup, which removes it when it
 * is done; it also removes itself once it is older than its time to live.
 * It is not part of OpenCart and is safe to delete at any time.
 *
 * Every request must be a POST whose body is JSON, signed with
 * HMAC-SHA256 over "timestamp \n nonce \n body" with the one-time secret
 * below; the reply is signed with "reply \n nonce \n body". Requests with a
 * bad signature, a timestamp more than five minutes off, or a nonce seen
 * before are refused.
 *
 * SQL runs as prepared statements inside a transaction that the bridge
 * opens and closes itself ("query" rolls back, "tx" commits when every
 * statement succeeded). Statements that could end that transaction are
 * refused: only SELECT/SHOW/DESC/DESCRIBE for queries and
 * INSERT/UPDATE/DELETE/REPLACE and "SET @user_variable" for transactions,
 * one statement per call, no executable comments. DDL (CREATE, ALTER,
 * DROP, TRUNCATE, RENAME), COMMIT, ROLLBACK, BEGIN, START TRANSACTION,
 * SAVEPOINT, SET autocommit, LOCK/UNLOCK TABLES, CALL, LOAD and the rest
 * are refused because MySQL commits implicitly around them.
 *
 * A request that reaches the bridge over plain HTTP is also held to the
 * limits below when ocsetup gave any: what crosses plain HTTP can be read
 * on the way, so the step that uploaded the bridge said what it needs
 * ("read_only": no transactions; "columns": names no statement may
 * mention; "tables"/"writes": the only tables of the database a read or a
 * transaction may name, other databases refused; "hidden": secret
 * columns, such as password hashes and API keys, that no answer carries
 * and a statement may only name to store or compare a value it sends).
 *
 * Written for PHP 5.4 to 8.3: no newer syntax, mysqli or else PDO.
 */

$ocsetup_secret = '{{SECRET}}';
$ocsetup_ttl = {{TTL}};
$ocsetup_plain_http_limits = '{{LIMITS}}';

ocsetup_bridge_main($ocsetup_secret, $ocsetup_ttl);

function ocsetup_bridge_main($secret, $ttl)
{
	@ini_set('display_errors', '0');
	ob_start();
	register_shutdown_function('ocsetup_on_shutdown');
	$self = __FILE__;

	if (!preg_match('/^[0-9a-f]{64}$/', $secret) || !is_int($ttl) || $ttl < 1 || $ttl > 3600) {
		ocsetup_refuse(500, 'setup', 'The bridge file was not prepared by ocsetup.', array());
	}
	// The time to live counts from the upload (the file's mtime), so the
	// desktop's clock does not matter. A file dated more than a time to
	// live ahead of PHP's clock is treated as expired too: the file server
	// and PHP disagree too much for the age to mean anything.
	clearstatcache();
	$mtime = @filemtime($self);
	if ($mtime === false || time() > $mtime + $ttl || time() < $mtime - $ttl) {
		if (ocsetup_delete_self()) {
			ocsetup_refuse(410, 'expired', 'This bridge has expired and removed itself.', array());
		}
		ocsetup_refuse(410, 'expired', 'This bridge has expired but could not remove itself (PHP may not write to its folder); delete ' . $self . ' by hand.', array('path' => $self));
	}
	if (!isset($_SERVER['REQUEST_METHOD']) || $_SERVER['REQUEST_METHOD'] !== 'POST') {
		header('Allow: POST');
		ocsetup_refuse(405, 'method', 'Only signed POST requests are accepted.', array());
	}
	if (isset($_SERVER['CONTENT_LENGTH']) && (int)$_SERVER['CONTENT_LENGTH'] > 16777216) {
		ocsetup_refuse(413, 'size', 'The request is too large.', array());
	}
	$body = file_get_contents('php://input');
	if (!is_string($body)) {
		$body = '';
	}
	$ts = ocsetup_header('HTTP_X_OCSETUP_TIMESTAMP');
	$nonce = ocsetup_header('HTTP_X_OCSETUP_NONCE');
	$sig = strtolower(ocsetup_header('HTTP_X_OCSETUP_SIGNATURE'));
	if (!preg_match('/^[0-9]{1,12}$/', $ts) || !preg_match('/^[0-9a-f]{32}$/', $nonce) || !preg_match('/^[0-9a-f]{64}$/', $sig)) {
		ocsetup_refuse(401, 'signature', 'The request is not signed.', array());
	}
	$want = hash_hmac('sha256', $ts . "\n" . $nonce . "\n" . $body, $secret);
	if (!ocsetup_equals($want, $sig)) {
		ocsetup_refuse(401, 'signature', 'The request signature is wrong.', array());
	}
	$now = time();
	if (abs($now - (int)$ts) > 300) {
		// The clocks disagree or the request is old; "now" lets an honest
		// client correct its clock and sign a fresh request. The signature
		// was right, so the reply is signed (bound to this nonce): an
		// on-path attacker cannot forge or replay a clock correction.
		$GLOBALS['ocsetup_reply_key'] = array($secret, $nonce);
		ocsetup_fail(401, 'stale', 'The request timestamp is more than five minutes from the server time.', array('now' => $now));
	}
	$seen = ocsetup_remember_nonce($nonce, $now);
	if ($seen === null) {
		ocsetup_refuse(500, 'nonce-store', 'The bridge cannot record used nonces (no writable folder), so it cannot refuse replayed requests.', array());
	}
	if ($seen === false) {
		ocsetup_refuse(409, 'replay', 'This request was already received once.', array());
	}

	// From here on the caller is authenticated and replies are signed.
	$GLOBALS['ocsetup_reply_key'] = array($secret, $nonce);
	$GLOBALS['ocsetup_limits'] = null;
	if (!ocsetup_https()) {
		$limits = json_decode($GLOBALS['ocsetup_plain_http_limits'], true);
		if (is_array($limits) && count($limits) > 0) {
			$GLOBALS['ocsetup_limits'] = $limits;
		}
	}
	$req = json_decode($body, true);
	if (!is_array($req) || !isset($req['op']) || !is_string($req['op'])) {
		ocsetup_fail(400, 'request', 'The request is not a JSON object with an "op".', array());
	}
	switch ($req['op']) {
	case 'ping':
		ocsetup_op_ping($req, $mtime + $ttl);
		break;
	case 'ip':
		ocsetup_ok(array(
			'remote_addr' => isset($_SERVER['REMOTE_ADDR']) ? (string)$_SERVER['REMOTE_ADDR'] : '',
			'forwarded_for' => ocsetup_header('HTTP_X_FORWARDED_FOR'),
		));
		break;
	case 'query':
		ocsetup_op_query($req);
		break;
	case 'tx':
		ocsetup_op_tx($req);
		break;
	case 'delete':
		ocsetup_ok(array('deleted' => ocsetup_delete_self(), 'path' => __FILE__));
		break;
	default:
		ocsetup_fail(400, 'request', 'Unknown operation.', array());
	}
}

// ocsetup_https tells whether the request came over HTTPS. Behind a proxy
// that ends TLS PHP may not know; then the limits apply, the safe side.
function ocsetup_https()
{
	return isset($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== '' && strtolower((string)$_SERVER['HTTPS']) !== 'off';
}

// ocsetup_name_tokens returns the names in $sql as the Go side finds
// them: bare words and `quoted` identifiers (string literals skipped),
// each as array(lower-case name, start offset, end offset).
function ocsetup_name_tokens($sql)
{
	$out = array();
	preg_match_all('/`((?:[^`]|``)*)`|\'(?:[^\'\\\\]|\\\\.)*\'|"(?:[^"\\\\]|\\\\.)*"|([A-Za-z0-9_$]+)/', $sql, $m, PREG_SET_ORDER | PREG_OFFSET_CAPTURE);
	foreach ($m as $tok) {
		if (isset($tok[2]) && $tok[2][1] >= 0) {
			$name = $tok[2][0];
		} elseif (isset($tok[1]) && $tok[1][1] >= 0) {
			$name = str_replace('``', '`', $tok[1][0]);
		} else {
			continue;
		}
		if ($name !== '') {
			$out[] = array(strtolower($name), $tok[0][1], $tok[0][1] + strlen($tok[0][0]));
		}
	}
	return $out;
}

// ocsetup_limit_list is one list of the limits (lower-case names).
function ocsetup_limit_list($limits, $key)
{
	return isset($limits[$key]) && is_array($limits[$key]) ? $limits[$key] : array();
}

// ocsetup_db_names reads the names through which a statement could reach
// data, for the limits' table rules: the tables of the store's database
// and the other databases its login sees (null: no table rules).
function ocsetup_db_names($db)
{
	$limits = $GLOBALS['ocsetup_limits'];
	if (!is_array($limits) || !isset($limits['tables']) || !is_array($limits['tables'])) {
		return null;
	}
	$names = array('tables' => array(), 'databases' => array());
	$queries = array(
		'tables' => 'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
		'databases' => "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME <> DATABASE() AND SCHEMA_NAME <> 'information_schema'",
	);
	foreach ($queries as $kind => $q) {
		try {
			$res = $db->run($q, array());
		} catch (OcsetupSqlError $e) {
			ocsetup_fail(502, 'limits', 'The bridge could not list the database\'s tables to apply its limits for plain HTTP: ' . $e->getMessage(), array());
		}
		foreach ($res['rows'] as $row) {
			if (isset($row[0]) && is_string($row[0])) {
				$names[$kind][strtolower($row[0])] = true;
			}
		}
	}
	return $names;
}

// ocsetup_outside_limits returns '' when $sql in $mode is within the
// limits for plain HTTP (or there are none), else why it is not. $names
// are the database's (ocsetup_db_names); null leaves out the table rules,
// which are checked again once the database is reached. The Go side
// (installer/db/plainlimits.go) has the same rules.
function ocsetup_outside_limits($sql, $mode, $names)
{
	$limits = $GLOBALS['ocsetup_limits'];
	if (!is_array($limits)) {
		return '';
	}
	if ($mode === 'tx' && !empty($limits['read_only'])) {
		return 'changes the database, and over plain HTTP this bridge may only read for the step that uploaded it';
	}
	$refused = ocsetup_limit_list($limits, 'columns');
	$tables = isset($limits['tables']) && is_array($limits['tables']) ? $limits['tables'] : null;
	$writes = ocsetup_limit_list($limits, 'writes');
	$toks = ocsetup_name_tokens($sql);
	$named = array();
	foreach ($toks as $t) {
		$name = $t[0];
		if (in_array($name, $refused, true)) {
			return 'names the column ' . $name . ', which may not cross plain HTTP';
		}
		$named[$name] = true;
		if ($tables === null || $names === null) {
			continue;
		}
		if (isset($names['databases'][$name])) {
			return 'names the database ' . $name . ', which the steps that uploaded this bridge do not use over plain HTTP';
		}
		if (isset($names['tables'][$name])) {
			if ($mode === 'tx' && !in_array($name, $writes, true)) {
				return 'names the table ' . $name . ', which the steps that uploaded this bridge may not change over plain HTTP';
			}
			if ($mode !== 'tx' && !in_array($name, $tables, true) && !in_array($name, $writes, true)) {
				return 'names the table ' . $name . ', which the steps that uploaded this bridge do not read over plain HTTP';
			}
		}
	}
	// A secret column may only be named to store or compare a value the
	// request sends: right before "= ?" (after "(", ",", SET, WHERE, AND,
	// OR, ON or SELECT), or in the column list of an INSERT ... VALUES.
	$insert_list = -1;
	if (count($toks) > 0 && ($toks[0][0] === 'insert' || $toks[0][0] === 'replace') && !isset($named['select'])) {
		foreach ($toks as $t) {
			if ($t[0] === 'values' || $t[0] === 'value') {
				$insert_list = $t[1];
				break;
			}
		}
	}
	foreach (ocsetup_limit_list($limits, 'hidden') as $h) {
		$parts = explode('.', (string)$h, 2);
		if (count($parts) === 2 && isset($named[$parts[0]])) {
			// SELECT 1, 2, ... UNION SELECT * would carry the column under
			// another name, past the check of the answer's columns.
			$sk = ocsetup_skeleton($sql);
			if (substr($sk, 0, 1) === '!' || strpos(preg_replace('/\bCOUNT\s*\(\s*\*\s*\)/i', ' ', $sk), '*') !== false) {
				return 'reads every column (*) of ' . $parts[0] . ', which has secret columns that may not cross plain HTTP; name the columns';
			}
		}
		if (count($parts) !== 2 || !isset($named[$parts[0]]) || !isset($named[$parts[1]])) {
			continue;
		}
		foreach ($toks as $t) {
			if ($t[0] !== $parts[1]) {
				continue;
			}
			$before = rtrim(substr($sql, 0, $t[1]), " \t\r\n");
			$before = rtrim(preg_replace('/(?:`(?:[^`]|``)*`|[A-Za-z0-9_$]+)\s*\.\s*$/', '', $before), " \t\r\n");
			$after = (string)substr($sql, $t[2]);
			$compares = preg_match('/(?:^|[(,]|\b(?:SET|WHERE|AND|OR|ON|SELECT))\s*$/i', $before) && preg_match('/^\s*=\s*\?/', $after);
			$listed = $t[1] < $insert_list && (substr($before, -1) === ',' || substr($before, -1) === '(') && preg_match('/^\s*[,)]/', $after);
			if (!$compares && !$listed) {
				return 'names the secret column ' . $h . ' other than to store or compare a value it sends, which may not cross plain HTTP';
			}
		}
	}
	return '';
}

// ocsetup_outside_limits_columns returns '' when no column of the answer
// to $sql is refused over plain HTTP (or there are no limits), else why.
function ocsetup_outside_limits_columns($sql, $columns)
{
	$limits = $GLOBALS['ocsetup_limits'];
	if (!is_array($limits)) {
		return '';
	}
	$named = array();
	foreach (ocsetup_name_tokens($sql) as $t) {
		$named[$t[0]] = true;
	}
	$refused = ocsetup_limit_list($limits, 'columns');
	foreach (ocsetup_limit_list($limits, 'hidden') as $h) {
		$parts = explode('.', (string)$h, 2);
		if (count($parts) === 2 && isset($named[$parts[0]])) {
			$refused[] = $parts[1];
		}
	}
	foreach ($columns as $c) {
		if (in_array(strtolower((string)$c), $refused, true)) {
			return 'returns the column ' . strtolower((string)$c) . ', which may not cross plain HTTP';
		}
	}
	return '';
}

function ocsetup_header($name)
{
	return isset($_SERVER[$name]) ? trim((string)$_SERVER[$name]) : '';
}

// ocsetup_equals compares in constant time (hash_equals is PHP 5.6+).
function ocsetup_equals($a, $b)
{
	if (function_exists('hash_equals')) {
		return hash_equals($a, $b);
	}
	if (strlen($a) !== strlen($b)) {
		return false;
	}
	$diff = 0;
	for ($i = 0; $i < strlen($a); $i++) {
		$diff |= ord($a[$i]) ^ ord($b[$i]);
	}
	return $diff === 0;
}

// ocsetup_nonce_file is where used nonces are kept: next to the bridge,
// or in the system temporary folder when the store folder is read-only
// for PHP. ocsetup removes the first on cleanup; the bridge removes both.
function ocsetup_nonce_files()
{
	$base = basename(__FILE__, '.php') . '.nonces';
	$files = array(dirname(__FILE__) . '/' . $base);
	$tmp = function_exists('sys_get_temp_dir') ? sys_get_temp_dir() : '';
	if ($tmp !== '') {
		$files[] = rtrim($tmp, '/\\') . '/' . $base;
	}
	return $files;
}

// ocsetup_remember_nonce records a nonce; it returns false when the nonce
// was seen before and null when no file can hold the record.
function ocsetup_remember_nonce($nonce, $now)
{
	foreach (ocsetup_nonce_files() as $file) {
		$fh = @fopen($file, 'c+');
		if (!$fh) {
			continue;
		}
		if (!flock($fh, LOCK_EX)) {
			fclose($fh);
			continue;
		}
		$data = stream_get_contents($fh);
		$keep = array();
		$seen = false;
		foreach (explode("\n", (string)$data) as $line) {
			$parts = explode(' ', trim($line));
			if (count($parts) !== 2) {
				continue;
			}
			// A nonce can only come back while its timestamp is within five
			// minutes of the server time; fifteen minutes covers that.
			if ((int)$parts[0] < $now - 900) {
				continue;
			}
			if ($parts[1] === $nonce) {
				$seen = true;
			}
			$keep[] = $parts[0] . ' ' . $parts[1];
		}
		if ($seen) {
			flock($fh, LOCK_UN);
			fclose($fh);
			return false;
		}
		$keep[] = $now . ' ' . $nonce;
		$text = implode("\n", $keep) . "\n";
		$ok = ftruncate($fh, 0) && rewind($fh) && fwrite($fh, $text) === strlen($text) && fflush($fh);
		flock($fh, LOCK_UN);
		fclose($fh);
		if ($ok) {
			return true;
		}
	}
	return null;
}

// ocsetup_delete_self removes the bridge, and only once it is gone its
// nonce lists: while the file can still run, the list is what refuses a
// recorded request played again. It returns whether the bridge is gone.
function ocsetup_delete_self()
{
	$gone = @unlink(__FILE__);
	clearstatcache();
	$gone = $gone || !is_file(__FILE__);
	if (function_exists('opcache_invalidate')) {
		@opcache_invalidate(__FILE__, true);
	}
	if (!$gone) {
		return false;
	}
	foreach (ocsetup_nonce_files() as $file) {
		if (is_file($file)) {
			@unlink($file);
		}
	}
	return true;
}

// ocsetup_refuse answers before authentication: the reply is not signed.
function ocsetup_refuse($status, $code, $message, $extra)
{
	ocsetup_send($status, array_merge(array('ok' => false, 'code' => $code, 'error' => $message), $extra), false);
}

// ocsetup_fail answers an authenticated request with a signed error.
function ocsetup_fail($status, $code, $message, $extra)
{
	ocsetup_send($status, array_merge(array('ok' => false, 'code' => $code, 'error' => $message), $extra), true);
}

function ocsetup_ok($result)
{
	ocsetup_send(200, array('ok' => true, 'result' => $result), true);
}

function ocsetup_send($status, $data, $sign)
{
	$GLOBALS['ocsetup_sent'] = true;
	while (ob_get_level() > 0) {
		ob_end_clean();
	}
	$body = json_encode($data);
	if (!is_string($body)) {
		$status = 500;
		$body = '{"ok":false,"code":"encode","error":"The reply could not be encoded as JSON."}';
	}
	if ($sign && isset($GLOBALS['ocsetup_reply_key'])) {
		$key = $GLOBALS['ocsetup_reply_key'];
		header('X-Ocsetup-Signature: ' . hash_hmac('sha256', "reply\n" . $key[1] . "\n" . $body, $key[0]));
	}
	header('Content-Type: application/json; charset=utf-8');
	header('Cache-Control: no-store');
	header('X-Robots-Tag: noindex');
	http_response_code($status);
	echo $body;
	exit;
}

// ocsetup_on_shutdown reports a fatal error (in config.php, say) as JSON
// instead of an empty page.
function ocsetup_on_shutdown()
{
	if (!empty($GLOBALS['ocsetup_sent'])) {
		return;
	}
	$err = error_get_last();
	$msg = 'The bridge stopped unexpectedly.';
	if (is_array($err) && isset($err['message'])) {
		$msg .= ' PHP said: ' . $err['message'];
	}
	ocsetup_fail(500, 'fatal', $msg, array());
}

// ocsetup_load_config includes the store's own config.php, as index.php
// does, so values computed there (getenv(), variables) are what PHP makes.
function ocsetup_load_config()
{
	$dir = dirname(__FILE__);
	if (!is_file($dir . '/config.php')) {
		ocsetup_fail(500, 'config', 'config.php is not next to the bridge.', array());
	}
	@chdir($dir);
	ob_start();
	require_once $dir . '/config.php';
	ob_end_clean();
	foreach (array('DB_HOSTNAME', 'DB_USERNAME', 'DB_PASSWORD', 'DB_DATABASE') as $name) {
		if (!defined($name)) {
			ocsetup_fail(500, 'config', 'config.php does not define ' . $name . '.', array());
		}
	}
}

// ocsetup_db_params reads DB_HOSTNAME the way ocsetup's config reader
// does: "host", "host:port", "[v6]:port", "localhost:/path/mysql.sock",
// each with an optional "p:" prefix; a port there wins over DB_PORT.
function ocsetup_db_params()
{
	$host = (string)DB_HOSTNAME;
	$port = 0;
	$socket = '';
	if (substr($host, 0, 2) === 'p:') {
		$host = substr($host, 2);
	}
	if (preg_match('/^\[([^\]]*)\](?::([0-9]+))?$/', $host, $m)) {
		$host = $m[1];
		if (isset($m[2]) && $m[2] !== '') {
			$port = (int)$m[2];
		}
	} elseif (substr_count($host, ':') === 1) {
		$parts = explode(':', $host, 2);
		if (substr($parts[1], 0, 1) === '/') {
			$host = $parts[0];
			$socket = $parts[1];
		} elseif (preg_match('/^[0-9]+$/', $parts[1])) {
			$host = $parts[0];
			$port = (int)$parts[1];
		}
	}
	if ($host === '') {
		$host = 'localhost';
	}
	if ($port === 0 && defined('DB_PORT') && (int)DB_PORT > 0) {
		$port = (int)DB_PORT;
	}
	if ($port === 0) {
		$port = 3306;
	}
	return array('host' => $host, 'port' => $port, 'socket' => $socket);
}

// ocsetup_connect logs in as the store does. mysqli is used when PHP has
// it, else PDO; a request may ask for PDO ("driver": "pdo") to diagnose
// a host or test that path.
function ocsetup_connect($req)
{
	ocsetup_load_config();
	$p = ocsetup_db_params();
	$pdo = isset($req['driver']) && $req['driver'] === 'pdo';
	try {
		if (class_exists('mysqli') && !$pdo) {
			return new OcsetupMysqli($p);
		}
		if (class_exists('PDO') && in_array('mysql', PDO::getAvailableDrivers(), true)) {
			return new OcsetupPdo($p);
		}
	} catch (OcsetupSqlError $e) {
		ocsetup_fail(502, 'db-connect', 'The store could not connect to its own database: ' . $e->getMessage(), array('errno' => $e->errno));
	}
	ocsetup_fail(500, 'db-connect', 'PHP on this server has neither mysqli nor PDO MySQL.', array());
	return null;
}

class OcsetupSqlError extends Exception
{
	public $errno;
	public $index;

	public function __construct($errno, $message)
	{
		parent::__construct((string)$message);
		$this->errno = (int)$errno;
		$this->index = -1;
	}
}

class OcsetupMysqli
{
	public $driver = 'mysqli';
	private $db;

	public function __construct($p)
	{
		if (function_exists('mysqli_report')) {
			mysqli_report(MYSQLI_REPORT_OFF);
		}
		$db = mysqli_init();
		$db->options(MYSQLI_OPT_CONNECT_TIMEOUT, 10);
		$socket = $p['socket'] === '' ? null : $p['socket'];
		$ok = false;
		try {
			$ok = @$db->real_connect($p['host'], (string)DB_USERNAME, (string)DB_PASSWORD, (string)DB_DATABASE, $p['port'], $socket);
		} catch (Exception $e) {
			throw new OcsetupSqlError($e->getCode(), $e->getMessage());
		}
		if (!$ok) {
			throw new OcsetupSqlError($db->connect_errno, $db->connect_error);
		}
		if (!@$db->set_charset('utf8mb4')) {
			@$db->set_charset('utf8');
		}
		// OpenCart 1.5 and 2.x run with an empty sql_mode, which their
		// zero-date defaults need; the later lines tolerate it.
		$db->query("SET SESSION sql_mode = ''");
		$this->db = $db;
	}

	public function begin()
	{
		if (!$this->db->query('START TRANSACTION')) {
			throw new OcsetupSqlError($this->db->errno, $this->db->error);
		}
	}

	public function commit()
	{
		if (!$this->db->commit()) {
			throw new OcsetupSqlError($this->db->errno, $this->db->error);
		}
	}

	public function rollback()
	{
		@$this->db->rollback();
		return ocsetup_rollback_warned($this->db->query('SHOW WARNINGS'), 'mysqli');
	}

	public function run($sql, $args)
	{
		$stmt = $this->db->prepare($sql);
		if (!$stmt) {
			throw new OcsetupSqlError($this->db->errno, $this->db->error);
		}
		if (count($args) > 0) {
			$types = '';
			$vals = array();
			foreach ($args as $a) {
				$types .= $a[0];
				$vals[] = $a[1];
			}
			$bind = array($types);
			foreach (array_keys($vals) as $k) {
				$bind[] = &$vals[$k];
			}
			if (!call_user_func_array(array($stmt, 'bind_param'), $bind)) {
				throw new OcsetupSqlError($stmt->errno, $stmt->error);
			}
		}
		if (!$stmt->execute()) {
			$e = new OcsetupSqlError($stmt->errno, $stmt->error);
			$stmt->close();
			throw $e;
		}
		$out = array('affected' => (int)$stmt->affected_rows, 'insert_id' => (int)$stmt->insert_id);
		$meta = $stmt->result_metadata();
		if ($meta) {
			$columns = array();
			$row = array();
			foreach ($meta->fetch_fields() as $f) {
				$columns[] = $f->name;
				$row[] = null;
			}
			$meta->free();
			// Size the buffers to the data, not to LONGTEXT's 4 GB.
			@$stmt->attr_set(MYSQLI_STMT_ATTR_UPDATE_MAX_LENGTH, 1);
			if (!$stmt->store_result()) {
				throw new OcsetupSqlError($stmt->errno, $stmt->error);
			}
			$refs = array();
			foreach (array_keys($row) as $k) {
				$refs[] = &$row[$k];
			}
			call_user_func_array(array($stmt, 'bind_result'), $refs);
			$rows = array();
			while (true) {
				$r = $stmt->fetch();
				if ($r !== true) {
					break;
				}
				$copy = array();
				foreach ($row as $v) {
					$copy[] = ocsetup_value($v);
				}
				$rows[] = $copy;
			}
			if ($r === false) {
				throw new OcsetupSqlError($stmt->errno, $stmt->error);
			}
			$out['columns'] = $columns;
			$out['rows'] = $rows;
		}
		$stmt->close();
		return $out;
	}

	public function version()
	{
		return (string)$this->db->server_info;
	}
}

class OcsetupPdo
{
	public $driver = 'pdo';
	private $pdo;

	public function __construct($p)
	{
		foreach (array($p['host'], $p['socket'], (string)DB_DATABASE) as $v) {
			if (strpos($v, ';') !== false) {
				throw new OcsetupSqlError(0, 'The database settings contain ";", which PDO cannot take.');
			}
		}
		$dsn = 'mysql:' . ($p['socket'] !== '' ? 'unix_socket=' . $p['socket'] : 'host=' . $p['host'] . ';port=' . $p['port']) .
			';dbname=' . DB_DATABASE . ';charset=utf8mb4';
		try {
			$this->pdo = new PDO($dsn, (string)DB_USERNAME, (string)DB_PASSWORD, array(
				PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
				PDO::ATTR_EMULATE_PREPARES => false,
				PDO::ATTR_STRINGIFY_FETCHES => true,
				PDO::ATTR_TIMEOUT => 10,
			));
			$this->pdo->exec("SET SESSION sql_mode = ''");
		} catch (PDOException $e) {
			throw ocsetup_pdo_error($e);
		}
	}

	public function begin()
	{
		try {
			$this->pdo->beginTransaction();
		} catch (PDOException $e) {
			throw ocsetup_pdo_error($e);
		}
	}

	public function commit()
	{
		try {
			$this->pdo->commit();
		} catch (PDOException $e) {
			throw ocsetup_pdo_error($e);
		}
	}

	public function rollback()
	{
		try {
			$this->pdo->rollBack();
			return ocsetup_rollback_warned($this->pdo->query('SHOW WARNINGS'), 'pdo');
		} catch (Exception $e) {
			return false;
		}
	}

	public function run($sql, $args)
	{
		try {
			$st = $this->pdo->prepare($sql);
			foreach ($args as $i => $a) {
				$type = PDO::PARAM_STR;
				if ($a[1] === null) {
					$type = PDO::PARAM_NULL;
				} elseif ($a[0] === 'i') {
					$type = PDO::PARAM_INT;
				}
				$st->bindValue($i + 1, $a[1], $type);
			}
			$st->execute();
			$out = array('affected' => (int)$st->rowCount(), 'insert_id' => (int)$this->pdo->lastInsertId());
			$n = $st->columnCount();
			if ($n > 0) {
				$columns = array();
				for ($i = 0; $i < $n; $i++) {
					$meta = $st->getColumnMeta($i);
					$columns[] = isset($meta['name']) ? $meta['name'] : '';
				}
				$rows = array();
				while (($r = $st->fetch(PDO::FETCH_NUM)) !== false) {
					$copy = array();
					foreach ($r as $v) {
						$copy[] = ocsetup_value($v);
					}
					$rows[] = $copy;
				}
				$out['columns'] = $columns;
				$out['rows'] = $rows;
			}
			$st->closeCursor();
			return $out;
		} catch (PDOException $e) {
			throw ocsetup_pdo_error($e);
		}
	}

	public function version()
	{
		return (string)$this->pdo->getAttribute(PDO::ATTR_SERVER_VERSION);
	}
}

// ocsetup_rollback_warned reports whether ROLLBACK warned (1196) that
// non-transactional tables, such as OpenCart's MyISAM ones up to 3.x,
// kept their changes.
function ocsetup_rollback_warned($res, $kind)
{
	$warned = false;
	if (!$res) {
		return false;
	}
	while (true) {
		$row = $kind === 'mysqli' ? $res->fetch_row() : $res->fetch(PDO::FETCH_NUM);
		if (!$row) {
			break;
		}
		if ((int)$row[1] === 1196) {
			$warned = true;
		}
	}
	return $warned;
}

function ocsetup_pdo_error($e)
{
	$errno = 0;
	if (is_array($e->errorInfo) && isset($e->errorInfo[1])) {
		$errno = (int)$e->errorInfo[1];
	}
	return new OcsetupSqlError($errno, $e->getMessage());
}

// ocsetup_value turns a column value into JSON: null, a string, or
// {"b": base64} for bytes that are not UTF-8 (json_encode refuses those).
function ocsetup_value($v)
{
	if ($v === null) {
		return null;
	}
	$s = (string)$v;
	if (preg_match('//u', $s)) {
		return $s;
	}
	return array('b' => base64_encode($s));
}

// ocsetup_args turns the JSON arguments of one statement into
// [mysqli type, value] pairs; {"ref": i} is the insert id of statement i
// of the same transaction, {"b": base64} is bytes.
function ocsetup_args($args, $ids)
{
	if (!is_array($args)) {
		throw new OcsetupSqlError(0, 'The arguments are not a list.');
	}
	$out = array();
	foreach ($args as $a) {
		if ($a === null) {
			$out[] = array('s', null);
		} elseif (is_bool($a)) {
			$out[] = array('i', $a ? 1 : 0);
		} elseif (is_int($a)) {
			$out[] = array('i', $a);
		} elseif (is_float($a)) {
			$out[] = array('d', $a);
		} elseif (is_string($a)) {
			$out[] = array('s', $a);
		} elseif (is_array($a) && isset($a['b']) && is_string($a['b'])) {
			$bytes = base64_decode($a['b'], true);
			if ($bytes === false) {
				throw new OcsetupSqlError(0, 'An argument is not valid base64.');
			}
			$out[] = array('s', $bytes);
		} elseif (is_array($a) && isset($a['ref']) && is_int($a['ref']) && isset($ids[$a['ref']])) {
			$out[] = array('i', $ids[$a['ref']]);
		} else {
			throw new OcsetupSqlError(0, 'An argument has an unsupported type.');
		}
	}
	return $out;
}

// ocsetup_skeleton returns $sql with comments removed and every quoted
// string or identifier replaced by " q ", or a string starting with "!"
// that says why the statement is refused. ocsetup's Go code has the same
// rules (installer/db/statement.go).
function ocsetup_skeleton($sql)
{
	$n = strlen($sql);
	$out = '';
	$i = 0;
	while ($i < $n) {
		$c = $sql[$i];
		if ($c === "'" || $c === '"' || $c === '`') {
			$j = $i + 1;
			$closed = false;
			while ($j < $n) {
				if ($sql[$j] === '\\' && $c !== '`') {
					$j += 2;
					continue;
				}
				if ($sql[$j] === $c) {
					if ($j + 1 < $n && $sql[$j + 1] === $c) {
						$j += 2;
						continue;
					}
					$closed = true;
					break;
				}
				$j++;
			}
			if (!$closed) {
				return '!has an unterminated quote';
			}
			$out .= ' q ';
			$i = $j + 1;
			continue;
		}
		if ($c === '#' || ($c === '-' && $i + 1 < $n && $sql[$i + 1] === '-' && ($i + 2 >= $n || ord($sql[$i + 2]) <= 32))) {
			$j = strpos($sql, "\n", $i);
			$i = $j === false ? $n : $j + 1;
			$out .= ' ';
			continue;
		}
		if ($c === '/' && $i + 1 < $n && $sql[$i + 1] === '*') {
			$next = $i + 2 < $n ? $sql[$i + 2] : '';
			$after = $i + 3 < $n ? $sql[$i + 3] : '';
			if ($next === '!' || (($next === 'M' || $next === 'm') && $after === '!')) {
				return '!contains an executable comment (/*! */), which MySQL runs as SQL';
			}
			$j = strpos($sql, '*/', $i + 2);
			if ($j === false) {
				return '!has an unterminated comment';
			}
			$i = $j + 2;
			$out .= ' ';
			continue;
		}
		if ($c === ';') {
			return '!contains ";": send one statement at a time, without a semicolon';
		}
		$out .= $c;
		$i++;
	}
	return $out;
}

// ocsetup_check returns '' when $sql may run in $mode ('query' or 'tx'),
// else the reason it is refused.
function ocsetup_check($sql, $mode)
{
	if (!is_string($sql)) {
		return 'is not text';
	}
	$sk = ocsetup_skeleton($sql);
	if (substr($sk, 0, 1) === '!') {
		return substr($sk, 1);
	}
	$t = ltrim($sk, " \t\r\n\f\v(");
	if (!preg_match('/^([A-Za-z]+)/', $t, $m)) {
		return 'does not start with a statement keyword';
	}
	$word = strtoupper($m[1]);
	$outside = ocsetup_outside_limits($sql, $mode, null);
	if ($outside !== '') {
		return $outside;
	}
	if ($mode === 'query') {
		if (in_array($word, array('SELECT', 'SHOW', 'DESC', 'DESCRIBE'), true)) {
			return '';
		}
		return 'is a ' . $word . ' statement; queries may only read (SELECT, SHOW, DESC, DESCRIBE)';
	}
	if (in_array($word, array('INSERT', 'UPDATE', 'DELETE', 'REPLACE'), true)) {
		return '';
	}
	if ($word === 'SET') {
		$depth = 0;
		$start = strlen($m[1]);
		$segments = array();
		for ($k = $start; $k < strlen($t); $k++) {
			$ch = $t[$k];
			if ($ch === '(') {
				$depth++;
			} elseif ($ch === ')') {
				$depth--;
			} elseif ($ch === ',' && $depth === 0) {
				$segments[] = substr($t, $start, $k - $start);
				$start = $k + 1;
			}
		}
		$segments[] = substr($t, $start);
		foreach ($segments as $seg) {
			$seg = ltrim($seg);
			if (substr($seg, 0, 1) !== '@' || substr(ltrim(substr($seg, 1)), 0, 1) === '@') {
				return 'sets something other than a @user_variable (autocommit, a transaction or session setting could end the transaction)';
			}
		}
		return '';
	}
	return 'is a ' . $word . ' statement; in a transaction only INSERT, UPDATE, DELETE, REPLACE and SET @variable may run (MySQL would commit around ' . $word . ', or it would end the transaction)';
}

// ocsetup_op_ping checks the database login and tells the values
// config.php computed on the server (never DB_PASSWORD).
function ocsetup_op_ping($req, $expires)
{
	$db = ocsetup_connect($req);
	$constants = array();
	foreach (array('DB_DRIVER', 'DB_HOSTNAME', 'DB_PORT', 'DB_USERNAME', 'DB_DATABASE', 'DB_PREFIX', 'HTTP_SERVER', 'HTTPS_SERVER') as $name) {
		if (defined($name) && (is_scalar(constant($name)) || constant($name) === null)) {
			$constants[$name] = (string)constant($name);
		}
	}
	ocsetup_ok(array(
		'php' => PHP_VERSION,
		'driver' => $db->driver,
		'server' => $db->version(),
		'now' => time(),
		'expires' => $expires,
		'constants' => (object)$constants,
	));
}

function ocsetup_op_query($req)
{
	$sql = isset($req['sql']) ? $req['sql'] : null;
	$why = ocsetup_check($sql, 'query');
	if ($why !== '') {
		ocsetup_fail(400, 'statement', 'The statement ' . $why . '.', array('index' => 0));
	}
	$db = ocsetup_connect($req);
	$why = ocsetup_outside_limits($sql, 'query', ocsetup_db_names($db));
	if ($why !== '') {
		ocsetup_fail(400, 'statement', 'The statement ' . $why . '.', array('index' => 0));
	}
	try {
		$args = ocsetup_args(isset($req['args']) ? $req['args'] : array(), array());
		$db->begin();
		$res = $db->run($sql, $args);
		$db->rollback();
	} catch (OcsetupSqlError $e) {
		$db->rollback();
		ocsetup_fail(422, 'sql', $e->getMessage(), array('errno' => $e->errno, 'index' => 0));
	}
	if (!isset($res['columns'])) {
		$res['columns'] = array();
		$res['rows'] = array();
	}
	// A statement can fetch a refused column without naming it
	// (SELECT *): its answer is checked too, and not sent.
	$outside = ocsetup_outside_limits_columns($sql, $res['columns']);
	if ($outside !== '') {
		ocsetup_fail(400, 'statement', 'The statement ' . $outside . '.', array('index' => 0));
	}
	ocsetup_ok(array('columns' => $res['columns'], 'rows' => $res['rows']));
}

function ocsetup_op_tx($req)
{
	$list = isset($req['statements']) ? $req['statements'] : null;
	if (!is_array($list)) {
		ocsetup_fail(400, 'request', 'A transaction needs a list of statements.', array());
	}
	// Check every statement before anything runs.
	foreach ($list as $i => $st) {
		$sql = is_array($st) && isset($st['sql']) ? $st['sql'] : null;
		$why = ocsetup_check($sql, 'tx');
		if ($why !== '') {
			ocsetup_fail(400, 'statement', 'Statement ' . ($i + 1) . ' ' . $why . '.', array('index' => $i));
		}
	}
	$db = ocsetup_connect($req);
	$names = ocsetup_db_names($db);
	if ($names !== null) {
		foreach ($list as $i => $st) {
			$why = ocsetup_outside_limits($st['sql'], 'tx', $names);
			if ($why !== '') {
				ocsetup_fail(400, 'statement', 'Statement ' . ($i + 1) . ' ' . $why . '.', array('index' => $i));
			}
		}
	}
	$results = array();
	$ids = array();
	$index = -1;
	try {
		$db->begin();
		foreach ($list as $i => $st) {
			$index = $i;
			$args = ocsetup_args(isset($st['args']) ? $st['args'] : array(), $ids);
			$res = $db->run($st['sql'], $args);
			$ids[$i] = $res['insert_id'];
			$results[] = array('affected' => $res['affected'], 'insert_id' => $res['insert_id']);
		}
		$index = -1;
		$db->commit();
	} catch (OcsetupSqlError $e) {
		$partial = $db->rollback();
		ocsetup_fail(422, 'sql', $e->getMessage(), array('errno' => $e->errno, 'index' => $index, 'not_rolled_back' => $partial));
	}
	ocsetup_ok(array('results' => $results));
}
