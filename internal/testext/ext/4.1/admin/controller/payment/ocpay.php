<?php
// ocsetup Test Pay: a payment module written for ocsetup's tests. It does
// what real payment modules do (a table and an event made by install(), a
// validated settings form, a method offered at checkout, a confirm step that
// writes to its table), so that the tests can tell a working install from a
// half-done one.
namespace Opencart\Admin\Controller\Extension\Ocpay\Payment;
class Ocpay extends \Opencart\System\Engine\Controller {
	public function index(): void {
		$this->load->language('extension/ocpay/payment/ocpay');

		$this->document->setTitle($this->language->get('heading_title'));

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'user_token=' . $this->session->data['user_token'])],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=payment')],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link('extension/ocpay/payment/ocpay', 'user_token=' . $this->session->data['user_token'])]
		];

		$data['save'] = $this->url->link('extension/ocpay/payment/ocpay.save', 'user_token=' . $this->session->data['user_token']);
		$data['back'] = $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=payment');

		foreach (['status', 'merchant_id', 'secret', 'sandbox', 'order_status_id', 'sort_order'] as $field) {
			$data['payment_ocpay_' . $field] = $this->config->get('payment_ocpay_' . $field);
		}

		$terms = $this->config->get('payment_ocpay_payment_terms');

		$data['payment_ocpay_payment_terms'] = is_array($terms) ? $terms : [];

		$data['terms'] = ['4' => '4 weeks', '8' => '8 weeks', '12' => '12 weeks'];

		$this->load->model('localisation/order_status');

		$data['order_statuses'] = $this->model_localisation_order_status->getOrderStatuses();

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view('extension/ocpay/payment/ocpay', $data));
	}

	public function save(): void {
		$this->load->language('extension/ocpay/payment/ocpay');

		$json = [];

		if (!$this->user->hasPermission('modify', 'extension/ocpay/payment/ocpay')) {
			$json['error']['warning'] = $this->language->get('error_permission');
		}

		if (!isset($this->request->post['payment_ocpay_merchant_id']) || !trim($this->request->post['payment_ocpay_merchant_id'])) {
			$json['error']['merchant_id'] = $this->language->get('error_merchant_id');
		}

		if (!isset($this->request->post['payment_ocpay_secret']) || !trim($this->request->post['payment_ocpay_secret'])) {
			$json['error']['secret'] = $this->language->get('error_secret');
		}

		if (isset($json['error']) && !isset($json['error']['warning'])) {
			$json['error']['warning'] = $this->language->get('error_warning');
		}

		if (!$json) {
			$this->load->model('setting/setting');

			$this->model_setting_setting->editSetting('payment_ocpay', $this->request->post);

			$json['success'] = $this->language->get('text_success');
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	public function install(): void {
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . DB_PREFIX . "ocpay_transaction` (`transaction_id` INT(11) NOT NULL AUTO_INCREMENT, `order_id` INT(11) NOT NULL, `amount` DECIMAL(15,4) NOT NULL DEFAULT '0.0000', `created` DATETIME NOT NULL, PRIMARY KEY (`transaction_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('ocpay');
		$this->model_setting_event->addEvent([
			'code'        => 'ocpay',
			'description' => 'ocsetup Test Pay: order history',
			'trigger'     => 'catalog/model/checkout/order.addHistory/after',
			'action'      => 'extension/ocpay/payment/ocpay.history',
			'status'      => 1,
			'sort_order'  => 0
		]);
	}

	public function uninstall(): void {
		$this->db->query("DROP TABLE IF EXISTS `" . DB_PREFIX . "ocpay_transaction`");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('ocpay');
	}
}
