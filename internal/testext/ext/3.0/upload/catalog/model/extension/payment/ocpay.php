[[if .Payment]]<?php
class ModelExtensionPayment[[.Camel]] extends Model {
	public function getMethod($address, $total) {
		$this->load->language('extension/payment/[[.Code]]');

		if (!$this->config->get('[[.Prefix]]status')) {
			return array();
		}

		return array(
			'code'       => '[[.Code]]',
			'title'      => $this->language->get('text_title'),
			'terms'      => '',
			'sort_order' => $this->config->get('[[.Prefix]]sort_order')
		);
	}

	public function addTransaction($order_id, $amount) {
		$this->db->query("INSERT INTO `" . DB_PREFIX . "[[.Code]]_transaction` SET `order_id` = '" . (int)$order_id . "', `amount` = '" . (float)$amount . "', `created` = NOW()");

		return $this->db->getLastId();
	}
}
[[end]]
