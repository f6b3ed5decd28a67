<?php
// HTTP
define('HTTP_SERVER', 'https://shop.example.com/');

// HTTPS
define('HTTPS_SERVER', 'https://shop.example.com/');

// DIR
define('DIR_APPLICATION', 'C:/xampp/htdocs/shop/catalog/');
define('DIR_SYSTEM', 'C:/xampp/htdocs/shop/system/');
define('DIR_IMAGE', 'C:/xampp/htdocs/shop/image/');
define('DIR_STORAGE', DIR_SYSTEM . 'storage/');
define('DIR_LANGUAGE', DIR_APPLICATION . 'language/');
define('DIR_TEMPLATE', DIR_APPLICATION . 'view/theme/');
define('DIR_CONFIG', DIR_SYSTEM . 'config/');
define('DIR_CACHE', DIR_STORAGE . 'cache/');
define('DIR_DOWNLOAD', DIR_STORAGE . 'download/');
define('DIR_LOGS', DIR_STORAGE . 'logs/');
define('DIR_MODIFICATION', DIR_STORAGE . 'modification/');
define('DIR_SESSION', DIR_STORAGE . 'session/');
define('DIR_UPLOAD', DIR_STORAGE . 'upload/');

// DB
define('DB_DRIVER', 'pdo');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'shop_3');
define('DB_PASSWORD', 'plain');
define('DB_DATABASE', 'shop3');
define('DB_PORT', '3306');
define('DB_PREFIX', '');