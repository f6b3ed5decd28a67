<?php
class ModelExtensionPaymentOcpay extends Model {
	public function getMethod($address, $total) {
		$this->load->language('extension/payment/ocpay');

		if (!$this->config->get('ocpay_status')) {
			return array();
		}

		return array(
			'code'       => 'ocpay',
			'title'      => $this->language->get('text_title'),
			'terms'      => '',
			'sort_order' => $this->config->get('ocpay_sort_order')
		);
	}

	public function addTransaction($order_id, $amount) {
		$this->db->query("INSERT INTO `" . DB_PREFIX . "ocpay_transaction` SET `order_id` = '" . (int)$order_id . "', `amount` = '" . (float)$amount . "', `created` = NOW()");

		return $this->db->getLastId();
	}
}
