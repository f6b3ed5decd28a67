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
define('DIR_DATABASE', '/home/shop/public_html/system/database/');
define('DIR_LANGUAGE', '/home/shop/public_html/admin/language/');
define('DIR_TEMPLATE', '/home/shop/public_html/admin/view/template/');
define('DIR_CONFIG', '/home/shop/public_html/system/config/');
define('DIR_IMAGE', '/home/shop/public_html/image/');
define('DIR_CACHE', '/home/shop/public_html/system/cache/');
define('DIR_DOWNLOAD', '/home/shop/public_html/download/');
define('DIR_LOGS', '/home/shop/public_html/system/logs/');
define('DIR_CATALOG', '/home/shop/public_html/catalog/');

// DB
define('DB_DRIVER', 'mysql');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'shopuser');
define('DB_PASSWORD', 'p\'a\\ss');
define('DB_DATABASE', 'shop');
define('DB_PREFIX', 'oc_');
?>