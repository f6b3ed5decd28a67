<?php
// HTTP
define('HTTP_SERVER', 'https://shop.example.com/admin/');
define('HTTP_CATALOG', 'https://shop.example.com/');

// HTTPS
define('HTTPS_SERVER', 'https://shop.example.com/admin/');
define('HTTPS_CATALOG', 'https://shop.example.com/');

// DIR
define('DIR_APPLICATION', '/home/shop/public_html/admin/');
define('DIR_SYSTEM', '/home/shop/public_html/system/');
define('DIR_IMAGE', '/home/shop/public_html/image/');
define('DIR_STORAGE', DIR_SYSTEM . 'storage/');
define('DIR_CATALOG', '/home/shop/public_html/catalog/');
define('DIR_LANGUAGE', DIR_APPLICATION . 'language/');
define('DIR_TEMPLATE', DIR_APPLICATION . 'view/template/');
define('DIR_CONFIG', DIR_SYSTEM . 'config/');
define('DIR_CACHE', DIR_STORAGE . 'cache/');
define('DIR_DOWNLOAD', DIR_STORAGE . 'download/');
define('DIR_LOGS', DIR_STORAGE . 'logs/');
define('DIR_MODIFICATION', DIR_STORAGE . 'modification/');
define('DIR_SESSION', DIR_STORAGE . 'session/');
define('DIR_UPLOAD', DIR_STORAGE . 'upload/');

// DB
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'shop_3');
define('DB_PASSWORD', 'a\\b\'c\"d');
define('DB_DATABASE', 'shop3');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');

// OpenCart API
define('OPENCART_SERVER', 'https://www.opencart.com/');
