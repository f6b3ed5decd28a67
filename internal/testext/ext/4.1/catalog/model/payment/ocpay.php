<?php
namespace Opencart\Catalog\Model\Extension\Ocpay\Payment;
class Ocpay extends \Opencart\System\Engine\Model {
	public function getMethods(array $address = []): array {
		$this->load->language('extension/ocpay/payment/ocpay');

		if (!$this->config->get('payment_ocpay_status')) {
			return [];
		}

		$option_data['ocpay'] = [
			'code' => 'ocpay.ocpay',
			'name' => $this->language->get('text_title')
		];

		return [
			'code'       => 'ocpay',
			'name'       => $this->language->get('text_title'),
			'option'     => $option_data,
			'sort_order' => $this->config->get('payment_ocpay_sort_order')
		];
	}

	public function addTransaction(int $order_id, float $amount): int {
		$this->db->query("INSERT INTO `" . DB_PREFIX . "ocpay_transaction` SET `order_id` = '" . (int)$order_id . "', `amount` = '" . (float)$amount . "', `created` = NOW()");

		return $this->db->getLastId();
	}
}
