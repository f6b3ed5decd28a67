<?php
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'db');
define('DB_USERNAME', 'opencart');
define('DB_PASSWORD', 'opencart');
define('DB_DATABASE', 'opencart');
define('DB_PORT', '3306');

if (getenv('DOCKER_ENV') === 'true') {
	define('DB_PREFIX', getenv('DB_PREFIX') ?: 'oc_');
} else {
	define('DB_PREFIX', 'oc_');
}
