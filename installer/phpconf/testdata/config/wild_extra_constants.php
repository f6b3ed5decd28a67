<?php
// HTTP
define('HTTP_SERVER', 'https://www.example.com.bd/admin/');
define('HTTP_CATALOG', 'https://www.example.com.bd/');

// HTTPS
define('HTTPS_SERVER', 'https://www.example.com.bd/admin/');
define('HTTPS_CATALOG', 'https://www.example.com.bd/');

// DIR
define('DIR_APPLICATION', '/var/www/site/admin/');
define('DIR_SYSTEM', '/var/www/site/system/');
define('DIR_IMAGE', '/var/www/site/image/');
define('DIR_STORAGE', '/var/www/storage/'); // moved out of the web root
define('DIR_CATALOG', '/var/www/site/catalog/');
define('DIR_LANGUAGE', DIR_APPLICATION . 'language/');
define('DIR_TEMPLATE', DIR_APPLICATION . 'view/template/');
define('DIR_CONFIG', DIR_SYSTEM . 'config/');
define('DIR_CACHE', DIR_STORAGE . 'cache/');
define('DIR_SESSION', DIR_STORAGE . 'session/');

// DB
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'site');
define('DB_PASSWORD', 'Xy9#kL2@pQ');
define('DB_DATABASE', 'site_db');
define('DB_PORT', 3306);
define('DB_PREFIX', 'oc_');

// Session / cache
define('SESSION_ENGINE', 'redis'); // db or redis
define('REDIS_HOSTNAME', '127.0.0.1');
define('REDIS_PORT', 6379);
define('REDIS_TIMEOUT', 2.5);
define('CACHE_DRIVER', 'redis'); // file, mem or redis
define('CACHE_EXPIRE', 3600 * 24);
define('DEBUG', false);
define('MAINTENANCE', FALSE);
define('NOTHING', null);
define('OPENCART_SERVER', 'https://www.opencart.com/');
