<?php
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'p:db.example.com');
define('DB_USERNAME', 'u');
define('DB_PASSWORD', 'p');
define('DB_DATABASE', 'd');
define('DB_PORT', '');
define('DB_PREFIX', 'oc_');
