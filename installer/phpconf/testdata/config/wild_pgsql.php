<?php
define('DB_DRIVER', 'pgsql');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'postgres');
define('DB_PASSWORD', 'postgres');
define('DB_DATABASE', 'opencart');
define('DB_PORT', '5432');
define('DB_PREFIX', 'oc_');
