<?php
// OneBox sync job - fixture for ocsetup tests
set_time_limit(0);

$languages = array('ru'); //$languages = array('ru','en');

$filename = dirname(__FILE__) . '/category.json';
$host   =   'http://old-shop.example/'  ;   // store address, ends with /
$track = 'catalog/onebox/';
$apiKey="OLDKEYOLDKEYOLDKEYOLDKEY";
/* $host = 'http://commented.example/';
   $apiKey = 'commented'; */
# $apiKey = 'hash-commented';
$note = "$host is read here, and {$apiKey} too";
$same = $host == 'http://old-shop.example/';

if (file_exists($filename)) {
    $log = fopen(dirname(__FILE__) . '/log.txt', 'a');
    // Проверка (cp1251)
    $curl = curl_init( $host .'index.php?route=api/login/' );
    $post = array ('key' => $apiKey);
    $filename = 'product.json';
}
?>