<?php
// Text
$_['text_title']   = 'ocsetup Test Pay';
$_['text_success'] = 'Payment recorded by ocsetup Test Pay.';
$_['button_pay']   = 'Pay with ocsetup Test Pay';

// Error
$_['error_order']  = 'ocsetup Test Pay: no such order.';
