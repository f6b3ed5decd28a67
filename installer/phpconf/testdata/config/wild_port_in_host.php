<?php
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', '127.0.0.1:3307');
define('DB_USERNAME', 'u');
define('DB_PASSWORD', 'p');
define('DB_DATABASE', 'd');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
