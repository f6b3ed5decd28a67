<?php
// HTTP
define('HTTP_SERVER', 'https://shop.example.com/');
define('HTTP_ADMIN', 'https://shop.example.com/admin/');

// HTTPS
define('HTTPS_SERVER', 'https://shop.example.com/');
// DIR
define('DIR_APPLICATION', '/home/shop/public_html/catalog/');
define('DIR_SYSTEM', '/home/shop/public_html/system/');
define('DIR_DATABASE', '/home/shop/public_html/system/database/');
define('DIR_LANGUAGE', '/home/shop/public_html/catalog/language/');
define('DIR_TEMPLATE', '/home/shop/public_html/catalog/view/theme/');
define('DIR_CONFIG', '/home/shop/public_html/system/config/');
define('DIR_IMAGE', '/home/shop/public_html/image/');
define('DIR_CACHE', '/home/shop/public_html/system/storage/cache/');
define('DIR_DOWNLOAD', '/home/shop/public_html/system/storage/download/');
define('DIR_UPLOAD', '/home/shop/public_html/system/storage/upload/');
define('DIR_MODIFICATION', '/home/shop/public_html/system/storage/modification/');
define('DIR_LOGS', '/home/shop/public_html/system/storage/logs/');

// DB
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'shop');
define('DB_PASSWORD', 'pw');
define('DB_DATABASE', 'shop');
define('DB_PREFIX', 'oc_');
define('DB_PORT', '3306');
?>