<?php
// Hand-edited config: double quotes everywhere, escapes PHP undoes in "...".
define("HTTP_SERVER", "http://localhost/shop/");
define("HTTPS_SERVER", "http://localhost/shop/");

define("DIR_APPLICATION", "/var/www/shop/catalog/");
define("DIR_SYSTEM", "/var/www/shop/system/");
define("DIR_STORAGE", DIR_SYSTEM . "storage/");

define("DB_DRIVER", "mysqli");
define("DB_HOSTNAME", "localhost");
define("DB_USERNAME", "root");
define("DB_PASSWORD", "q\"w\\e\$r\x41\101\u{263A}\t\e\q{x}");
define("DB_DATABASE", "shop");
define("DB_PORT", "3306");
define("DB_PREFIX", "oc_");
