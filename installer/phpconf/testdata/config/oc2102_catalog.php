<?php
// HTTP
define('HTTP_SERVER', 'https://shop.example.com/');

// HTTPS
define('HTTPS_SERVER', 'https://shop.example.com/');

// DIR
define('DIR_APPLICATION', '/home/shop/public_html/catalog/');
define('DIR_SYSTEM', '/home/shop/public_html/system/');
define('DIR_LANGUAGE', '/home/shop/public_html/catalog/language/');
define('DIR_TEMPLATE', '/home/shop/public_html/catalog/view/theme/');
define('DIR_CONFIG', '/home/shop/public_html/system/config/');
define('DIR_IMAGE', '/home/shop/public_html/image/');
define('DIR_CACHE', '/home/shop/public_html/system/storage/cache/');
define('DIR_DOWNLOAD', '/home/shop/public_html/system/storage/download/');
define('DIR_LOGS', '/home/shop/public_html/system/storage/logs/');
define('DIR_MODIFICATION', '/home/shop/public_html/system/storage/modification/');
define('DIR_UPLOAD', '/home/shop/public_html/system/storage/upload/');

// DB
define('DB_DRIVER', 'mpdo');
define('DB_HOSTNAME', '127.0.0.1');
define('DB_USERNAME', 'shop');
define('DB_PASSWORD', 'pw');
define('DB_DATABASE', 'shop');
define('DB_PORT', '3307');
define('DB_PREFIX', 'oc21_');
