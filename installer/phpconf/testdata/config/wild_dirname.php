<?php
$dir = dirname(__FILE__);

// HTTP
define('HTTP_SERVER', 'http://www.example.org/');
define('HTTP_IMAGE', 'http://www.example.org/image/');
define('HTTP_ADMIN', 'http://www.example.org/admin/');

// DIR
define('DIR_APPLICATION', $dir . '/catalog/');
define('DIR_SYSTEM', $dir . '/system/');
define('DIR_DATABASE', DIR_SYSTEM . 'database/');
define('DIR_IMAGE', __DIR__ . '/image/');

// DB
define('DB_DRIVER', 'mysql');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'web');
define('DB_PASSWORD', 'web');
define('DB_DATABASE', 'web_shop');
define('DB_PREFIX', '');
?>
