[[if .Payment]]<?php
namespace Opencart\Catalog\Model\Extension\[[.Camel]]\Payment;
class [[.Camel]] extends \Opencart\System\Engine\Model {
	public function getMethods(array $address = []): array {
		$this->load->language('extension/[[.Code]]/payment/[[.Code]]');

		if (!$this->config->get('[[.Prefix]]status')) {
			return [];
		}

		$option_data['[[.Code]]'] = [
			'code' => '[[.Code]].[[.Code]]',
			'name' => $this->language->get('text_title')
		];

		return [
			'code'       => '[[.Code]]',
			'name'       => $this->language->get('text_title'),
			'option'     => $option_data,
			'sort_order' => $this->config->get('[[.Prefix]]sort_order')
		];
	}

	public function addTransaction(int $order_id, float $amount): int {
		$this->db->query("INSERT INTO `" . DB_PREFIX . "[[.Code]]_transaction` SET `order_id` = '" . (int)$order_id . "', `amount` = '" . (float)$amount . "', `created` = NOW()");

		return $this->db->getLastId();
	}
}
[[end]]
