<?php
// HTTP
define('HTTP_SERVER', 'http://localhost/test-work/');
//define('HTTP_SERVER', 'http://old.example.com/');

// DIR
define('DIR_APPLICATION', 'C:/OpenServer/domains/test-work/catalog/');
define('DIR_SYSTEM', 'C:/OpenServer/domains/test-work/system/');
define('DIR_IMAGE', 'C:\OpenServer\domains\test-work\image/');

// DB
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'localhost'); // was 'db.old.host'
# define('DB_HOSTNAME', 'db.old.host');
/* define('DB_USERNAME', 'old_user');
define('DB_PASSWORD', 'old_pass'); */
define('DB_USERNAME', 'root');
define('DB_PASSWORD', ''); /** empty on OpenServer */
define('DB_DATABASE', 'test_work');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
$notes = "define('DB_PREFIX', 'not_this');";

// Cache
// define('CACHE_HOSTNAME', 'localhost');
// define('CACHE_PORT', '11211');
// define('CACHE_PREFIX', 'oc_');
