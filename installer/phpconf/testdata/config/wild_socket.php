<?php
define('DB_DRIVER', 'mysql');
define('DB_HOSTNAME', 'localhost:/tmp/mysql.sock');
define('DB_USERNAME', 'u');
define('DB_PASSWORD', 'p');
define('DB_DATABASE', 'd');
define('DB_PREFIX', 'oc_');
?>
