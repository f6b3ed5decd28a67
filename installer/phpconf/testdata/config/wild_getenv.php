<?php
// Docker image config: everything from the environment.
define('HTTP_SERVER', getenv('HTTP_SERVER') ?: 'http://localhost/');
define('DIR_APPLICATION', '/var/www/html/catalog/');
define('DIR_SYSTEM', '/var/www/html/system/');

define("DB_DRIVER", 'mysqli');
define("DB_HOSTNAME", getenv("DB_HOSTNAME") ?: getenv("DB_HOST"));
define("DB_USERNAME", getenv("DB_USERNAME"));
define("DB_PASSWORD", getenv("DB_PASSWORD"));
define("DB_DATABASE", getenv("DB_DATABASE") ?: 'opencart');
define("DB_PORT", getenv("DB_PORT") ?: '3306');
define('DB_PREFIX', 'oc_');
