<?php
$root_dir = '/srv/shop';
define('DIR_APPLICATION', "$root_dir/catalog/");
define('DIR_IMAGE', "{$root_dir}/image/");
define('DIR_SYSTEM', '/srv/shop/system/');
define('DIR_LOGS', "${root_dir}/logs/");
define('DIR_CONFIG', DIR_SYSTEM . "config/");
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', 'localhost');
define('DB_USERNAME', 'u');
define('DB_PASSWORD', "p{$root_dir}");
define('DB_DATABASE', 'd');
define('DB_PREFIX', 'oc_');
