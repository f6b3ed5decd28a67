[[if .Payment]]<?php
// Text
$_['text_title']   = '[[.Title]]';
$_['text_success'] = 'Payment recorded by [[.Title]].';
$_['button_pay']   = 'Pay with [[.Title]]';

// Error
$_['error_order']  = '[[.Title]]: no such order.';
[[end]]
