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
define('DIR_LANGUAGE', '/home/shop/public_html/admin/language/');
define('DIR_TEMPLATE', '/home/shop/public_html/admin/view/template/');
define('DIR_CONFIG', '/home/shop/public_html/system/config/');
define('DIR_IMAGE', '/home/shop/public_html/image/');
define('DIR_CACHE', '/home/shop/public_html/system/cache/');
define('DIR_DOWNLOAD', '/home/shop/public_html/system/download/');
define('DIR_UPLOAD', '/home/shop/public_html/system/upload/');
define('DIR_MODIFICATION', '/home/shop/public_html/system/modification/');
define('DIR_LOGS', '/home/shop/public_html/system/logs/');
define('DIR_CATALOG', '/home/shop/public_html/catalog/');

// DB
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'db.example.net');
define('DB_USERNAME', 'shopuser');
define('DB_PASSWORD', 'Tr0ub4dor&3');
define('DB_DATABASE', 'shop');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
