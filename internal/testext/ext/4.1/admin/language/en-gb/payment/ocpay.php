<?php
// Heading
$_['heading_title']         = 'ocsetup Test Pay';

// Text
$_['text_extension']        = 'Extensions';
$_['text_success']          = 'Success: You have modified ocsetup Test Pay!';
$_['text_edit']             = 'Edit ocsetup Test Pay';

// Entry
$_['entry_status']          = 'Status';
$_['entry_merchant_id']     = 'Merchant ID';
$_['entry_secret']          = 'Secret';
$_['entry_sandbox']         = 'Sandbox';
$_['entry_order_status']    = 'Order Status';
$_['entry_sort_order']      = 'Sort Order';
$_['entry_payment_terms']   = 'Payment Terms';

// Error
$_['error_permission']      = 'Warning: You do not have permission to modify ocsetup Test Pay!';
$_['error_warning']         = 'Warning: Please check the form carefully for errors!';
$_['error_merchant_id']     = 'Merchant ID required!';
$_['error_secret']          = 'Secret required!';
$_['error_payment_terms']   = 'You have to set at least one value for Payment Terms!';
