<?php
if (!defined('DB_HOSTNAME')) {
	define('DB_DRIVER', 'mysqli');
	define('DB_HOSTNAME', 'localhost');
}
defined('DB_USERNAME') or define('DB_USERNAME', 'u');
if (true) define('DB_PASSWORD', 'p');
if (true):
	define('X1', 'a');
	define('X2', 'b');
endif;
define('DB_DATABASE', 'd');
define('DB_PREFIX', 'oc_');
function setup() {
	define('IN_FUNCTION', 'f');
}
@define('SILENCED', 's');
\define('QUALIFIED', 'q');
DEFINE('UPPER', 'u');
define ( /* c */ 'SPACED' /* c */ , // c
	'v' . "w" ) ;
define('TRAILING', 't',);
$obj = new stdClass;
const TOP_CONST = 'c' . DB_PREFIX;
return;
define('AFTER_RETURN', 'r');
