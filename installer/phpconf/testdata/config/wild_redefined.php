<?php
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'first.example.com');
define('DB_USERNAME', 'u');
define('DB_PASSWORD', 'p');
define('DB_DATABASE', 'd');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
// pasted again by mistake
define('DB_HOSTNAME', 'second.example.com');
