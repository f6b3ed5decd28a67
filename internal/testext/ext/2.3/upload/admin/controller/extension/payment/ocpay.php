<?php
// ocsetup Test Pay: a payment module written for ocsetup's tests. It does
// what real payment modules do (a table and an event made by install(), a
// validated settings form, a method offered at checkout, a confirm step that
// writes to its table), so that the tests can tell a working install from a
// half-done one.
class ControllerExtensionPaymentOcpay extends Controller {
	private $error = array();

	public function index() {
		$this->load->language('extension/payment/ocpay');

		$this->document->setTitle($this->language->get('heading_title'));

		$this->load->model('setting/setting');

		if (($this->request->server['REQUEST_METHOD'] == 'POST') && $this->validate()) {
			$this->model_setting_setting->editSetting('ocpay', $this->request->post);

			$this->session->data['success'] = $this->language->get('text_success');

			$this->response->redirect($this->url->link('extension/extension', 'token=' . $this->session->data['token'] . '&type=payment', true));
		}

		// 2.3 templates see only what the controller hands them.
		foreach (array('heading_title', 'text_edit', 'text_enabled', 'text_disabled', 'entry_status', 'entry_merchant_id', 'entry_secret', 'entry_sandbox', 'entry_order_status', 'entry_sort_order', 'entry_payment_terms', 'error_payment_terms', 'button_save', 'button_cancel') as $key) {
			$data[$key] = $this->language->get($key);
		}

		foreach (array('warning', 'merchant_id', 'secret') as $key) {
			$data['error_' . $key] = isset($this->error[$key]) ? $this->error[$key] : '';
		}

		$data['breadcrumbs'] = array(
			array('text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'token=' . $this->session->data['token'], true)),
			array('text' => $this->language->get('text_extension'), 'href' => $this->url->link('extension/extension', 'token=' . $this->session->data['token'] . '&type=payment', true)),
			array('text' => $this->language->get('heading_title'), 'href' => $this->url->link('extension/payment/ocpay', 'token=' . $this->session->data['token'], true))
		);

		$data['action'] = $this->url->link('extension/payment/ocpay', 'token=' . $this->session->data['token'], true);
		$data['cancel'] = $this->url->link('extension/extension', 'token=' . $this->session->data['token'] . '&type=payment', true);

		$fields = array('status' => '', 'merchant_id' => '', 'secret' => '', 'sandbox' => '', 'order_status_id' => '', 'sort_order' => '', 'payment_terms' => array());

		foreach ($fields as $field => $default) {
			$key = 'ocpay_' . $field;

			if (isset($this->request->post[$key])) {
				$data[$key] = $this->request->post[$key];
			} elseif ($this->config->has($key)) {
				$data[$key] = $this->config->get($key);
			} else {
				$data[$key] = $default;
			}
		}

		if (!is_array($data['ocpay_payment_terms'])) {
			$data['ocpay_payment_terms'] = array();
		}

		$data['terms'] = array('4' => '4 weeks', '8' => '8 weeks', '12' => '12 weeks');

		$this->load->model('localisation/order_status');

		$data['order_statuses'] = $this->model_localisation_order_status->getOrderStatuses();

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view('extension/payment/ocpay', $data));
	}

	public function install() {
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . DB_PREFIX . "ocpay_transaction` (`transaction_id` INT(11) NOT NULL AUTO_INCREMENT, `order_id` INT(11) NOT NULL, `amount` DECIMAL(15,4) NOT NULL DEFAULT '0.0000', `created` DATETIME NOT NULL, PRIMARY KEY (`transaction_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8");

		$this->load->model('extension/event');

		$this->model_extension_event->deleteEvent('ocpay');
		$this->model_extension_event->addEvent('ocpay', 'catalog/model/checkout/order/addOrderHistory/after', 'extension/payment/ocpay/history');
	}

	public function uninstall() {
		$this->db->query("DROP TABLE IF EXISTS `" . DB_PREFIX . "ocpay_transaction`");

		$this->load->model('extension/event');

		$this->model_extension_event->deleteEvent('ocpay');
	}

	protected function validate() {
		if (!$this->user->hasPermission('modify', 'extension/payment/ocpay')) {
			$this->error['warning'] = $this->language->get('error_permission');
		}

		if (empty($this->request->post['ocpay_merchant_id']) || !trim($this->request->post['ocpay_merchant_id'])) {
			$this->error['merchant_id'] = $this->language->get('error_merchant_id');
		}

		if (empty($this->request->post['ocpay_secret']) || !trim($this->request->post['ocpay_secret'])) {
			$this->error['secret'] = $this->language->get('error_secret');
		}

		if ($this->error && !isset($this->error['warning'])) {
			$this->error['warning'] = $this->language->get('error_warning');
		}

		return !$this->error;
	}
}
