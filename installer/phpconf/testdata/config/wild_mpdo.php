<?php
// HTTP
define('HTTP_SERVER', 'http://webshop.local/');

// DB
define('DB_DRIVER', 'mpdo');
define('DB_HOSTNAME', 'mysql');
define('DB_USERNAME', 'webshop');
define('DB_PASSWORD', 'webshop');
define('DB_DATABASE', 'webshop');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
