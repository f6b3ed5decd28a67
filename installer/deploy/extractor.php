<?php
/*
 * ocsetup extractor: a temporary, one-time file that unpacks one archive of
 * a package's files into this store, so that ocsetup does not send every
 * file over FTP/SFTP one by one.
 *
 * ocsetup uploaded it under a random name together with the archive and
 * removes both when it is done. It deletes itself on the first request of
 * any kind, before reading it, so it can run at most once; it refuses to
 * work once it is older than its time to live. It is not part of OpenCart
 * and is safe to delete at any time.
 *
 * The one request it accepts is a POST whose body is JSON, signed with
 * HMAC-SHA256 over "timestamp \n nonce \n body" with the one-time secret
 * below; the reply is signed with "reply \n nonce \n body". For each file
 * the request names (a zip entry, its SHA-256, a temporary name and the
 * final name, relative to this folder) it writes the entry under the
 * temporary name, checks its hash and only then renames it into place:
 * a final name never holds a partial file. It works only where PHP has zip
 * support and writes files as the same owner as the account that uploaded
 * it (otherwise the store's files would change owner).
 *
 * Written for PHP 5.4 to 8.3: no newer syntax.
 */

$ocsetup_secret = '{{SECRET}}';
$ocsetup_ttl = {{TTL}};

ocsetup_extract_main($ocsetup_secret, $ocsetup_ttl);

function ocsetup_extract_main($secret, $ttl)
{
	@ini_set('display_errors', '0');
	@set_time_limit(600);
	$self = __FILE__;
	$root = dirname($self);
	clearstatcache();
	$mtime = @filemtime($self);
	$selfOwner = @fileowner($self);
	// One time only: gone before anything else happens.
	$deleted = @unlink($self);
	clearstatcache();
	if (!$deleted && !file_exists($self)) {
		$deleted = true;
	}

	if (!preg_match('/^[0-9a-f]{64}$/', $secret) || !is_int($ttl) || $ttl < 1 || $ttl > 3600) {
		ocsetup_x_refuse(500, 'setup', 'The extractor was not prepared by ocsetup.');
	}
	if ($mtime === false || time() > $mtime + $ttl || time() < $mtime - $ttl) {
		ocsetup_x_refuse(410, 'expired', 'This extractor has expired.');
	}
	if (!isset($_SERVER['REQUEST_METHOD']) || $_SERVER['REQUEST_METHOD'] !== 'POST') {
		ocsetup_x_refuse(405, 'method', 'Only a signed POST request is accepted.');
	}
	$body = file_get_contents('php://input');
	$ts = isset($_SERVER['HTTP_X_OCSETUP_TIMESTAMP']) ? $_SERVER['HTTP_X_OCSETUP_TIMESTAMP'] : '';
	$nonce = isset($_SERVER['HTTP_X_OCSETUP_NONCE']) ? $_SERVER['HTTP_X_OCSETUP_NONCE'] : '';
	$sig = isset($_SERVER['HTTP_X_OCSETUP_SIGNATURE']) ? $_SERVER['HTTP_X_OCSETUP_SIGNATURE'] : '';
	if (!preg_match('/^[0-9]{1,12}$/', $ts) || !preg_match('/^[0-9a-f]{32}$/', $nonce) ||
		!ocsetup_x_equal(hash_hmac('sha256', $ts . "\n" . $nonce . "\n" . $body, $secret), $sig)) {
		ocsetup_x_refuse(403, 'signature', 'The request is not signed by ocsetup.');
	}
	if (abs(time() - (int)$ts) > 300) {
		ocsetup_x_refuse(403, 'clock', 'The request is more than five minutes old.');
	}
	$req = json_decode($body, true);
	if (!is_array($req) || !isset($req['archive']) || !isset($req['files']) || !is_array($req['files'])) {
		ocsetup_x_reply($secret, $nonce, array('ok' => false, 'code' => 'request', 'reason' => 'The request is malformed.'));
	}
	$out = array('ok' => false, 'self_deleted' => $deleted, 'archive_deleted' => false, 'done' => array());
	$archive = $root . '/' . basename($req['archive']);
	if (!preg_match('/^ocsetup-archive-[0-9a-f]{24}\.zip$/', basename($req['archive']))) {
		$out['code'] = 'request';
		$out['reason'] = 'The archive name is not one of ocsetup\'s.';
		ocsetup_x_reply($secret, $nonce, $out);
	}
	$fail = function ($code, $reason) use ($secret, $nonce, &$out, $archive) {
		$out['archive_deleted'] = @unlink($archive) || !file_exists($archive);
		$out['code'] = $code;
		$out['reason'] = $reason;
		ocsetup_x_reply($secret, $nonce, $out);
	};
	if (!class_exists('ZipArchive')) {
		$fail('nozip', 'PHP on this server has no zip support (the ZipArchive class is missing).');
	}
	// Files PHP writes must belong to the account, as uploaded ones do.
	$probe = $root . '/.ocsetup-owner-' . substr($nonce, 0, 12);
	if (@file_put_contents($probe, 'x') !== 1) {
		$fail('nowrite', 'PHP may not write files in the store folder.');
	}
	clearstatcache();
	$written = @fileowner($probe);
	@unlink($probe);
	if ($selfOwner === false || $written !== $selfOwner) {
		$fail('owner', 'PHP writes files as user ' . var_export($written, true) . ', the account uploads them as user ' . var_export($selfOwner, true) . '.');
	}
	$zip = new ZipArchive();
	if ($zip->open($archive) !== true) {
		$fail('archive', 'The archive could not be opened.');
	}
	foreach ($req['files'] as $f) {
		if (!is_array($f) || count($f) !== 5) {
			$zip->close();
			$fail('request', 'The request is malformed.');
		}
		$index = (int)$f[0];
		$entry = (string)$f[1];
		$hash = (string)$f[2];
		$temp = (string)$f[3];
		$final = (string)$f[4];
		if (!ocsetup_x_safe($temp) || !ocsetup_x_safe($final) || dirname($temp) !== dirname($final)) {
			$zip->close();
			$fail('request', 'The request names a path outside the store folder: ' . $final);
		}
		$in = $zip->getStream($entry);
		$fh = @fopen($root . '/' . $temp, 'wb');
		if ($in === false || $fh === false) {
			if ($in !== false) {
				fclose($in);
			}
			$zip->close();
			$fail('write', 'PHP could not write ' . $temp . '.');
		}
		$ok = stream_copy_to_stream($in, $fh) !== false;
		fclose($in);
		$ok = fclose($fh) && $ok;
		if (!$ok || hash_file('sha256', $root . '/' . $temp) !== $hash) {
			@unlink($root . '/' . $temp);
			$zip->close();
			$fail('write', 'The file ' . $final . ' was not written whole.');
		}
		if (!@rename($root . '/' . $temp, $root . '/' . $final)) {
			@unlink($root . '/' . $temp);
			$zip->close();
			$fail('rename', 'PHP could not rename ' . $temp . ' to ' . $final . '.');
		}
		$out['done'][] = $index;
	}
	$zip->close();
	$out['archive_deleted'] = @unlink($archive) || !file_exists($archive);
	$out['ok'] = true;
	ocsetup_x_reply($secret, $nonce, $out);
}

// ocsetup_x_safe: a relative path without "..", "." or empty parts.
function ocsetup_x_safe($p)
{
	if ($p === '' || $p[0] === '/' || strpos($p, "\\") !== false || strpos($p, "\0") !== false) {
		return false;
	}
	foreach (explode('/', $p) as $part) {
		if ($part === '' || $part === '.' || $part === '..') {
			return false;
		}
	}
	return true;
}

function ocsetup_x_equal($a, $b)
{
	if (!is_string($a) || !is_string($b) || strlen($a) !== strlen($b)) {
		return false;
	}
	$d = 0;
	for ($i = 0; $i < strlen($a); $i++) {
		$d |= ord($a[$i]) ^ ord($b[$i]);
	}
	return $d === 0;
}

function ocsetup_x_refuse($status, $code, $reason)
{
	http_response_code($status);
	header('Content-Type: application/json');
	header('Cache-Control: no-store');
	echo json_encode(array('ok' => false, 'code' => $code, 'reason' => $reason));
	exit;
}

function ocsetup_x_reply($secret, $nonce, $out)
{
	$b = json_encode($out);
	header('Content-Type: application/json');
	header('Cache-Control: no-store');
	header('X-Ocsetup-Signature: ' . hash_hmac('sha256', "reply\n" . $nonce . "\n" . $b, $secret));
	echo $b;
	exit;
}
