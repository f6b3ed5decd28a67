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
			$this->model_setting_setting->editSetting('payment_ocpay', $this->request->post);

			$this->session->data['success'] = $this->language->get('text_success');

			$this->response->redirect($this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=payment', true));
		}

		foreach (array('warning', 'merchant_id', 'secret') as $key) {
			$data['error_' . $key] = isset($this->error[$key]) ? $this->error[$key] : '';
		}

		$data['breadcrumbs'] = array(
			array('text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'user_token=' . $this->session->data['user_token'], true)),
			array('text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=payment', true)),
			array('text' => $this->language->get('heading_title'), 'href' => $this->url->link('extension/payment/ocpay', 'user_token=' . $this->session->data['user_token'], true))
		);

		$data['action'] = $this->url->link('extension/payment/ocpay', 'user_token=' . $this->session->data['user_token'], true);
		$data['cancel'] = $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=payment', true);

		$fields = array('status' => '', 'merchant_id' => '', 'secret' => '', 'sandbox' => '', 'order_status_id' => '', 'sort_order' => '', 'payment_terms' => array());

		foreach ($fields as $field => $default) {
			$key = 'payment_ocpay_' . $field;

			if (isset($this->request->post[$key])) {
				$data[$key] = $this->request->post[$key];
			} elseif ($this->config->has($key)) {
				$data[$key] = $this->config->get($key);
			} else {
				$data[$key] = $default;
			}
		}

		if (!is_array($data['payment_ocpay_payment_terms'])) {
			$data['payment_ocpay_payment_terms'] = array();
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

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('ocpay');
		$this->model_setting_event->addEvent('ocpay', 'catalog/model/checkout/order/addOrderHistory/after', 'extension/payment/ocpay/history');
	}

	public function uninstall() {
		$this->db->query("DROP TABLE IF EXISTS `" . DB_PREFIX . "ocpay_transaction`");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('ocpay');
	}

	protected function validate() {
		if (!$this->user->hasPermission('modify', 'extension/payment/ocpay')) {
			$this->error['warning'] = $this->language->get('error_permission');
		}

		if (empty($this->request->post['payment_ocpay_merchant_id']) || !trim($this->request->post['payment_ocpay_merchant_id'])) {
			$this->error['merchant_id'] = $this->language->get('error_merchant_id');
		}

		if (empty($this->request->post['payment_ocpay_secret']) || !trim($this->request->post['payment_ocpay_secret'])) {
			$this->error['secret'] = $this->language->get('error_secret');
		}

		if ($this->error && !isset($this->error['warning'])) {
			$this->error['warning'] = $this->language->get('error_warning');
		}

		return !$this->error;
	}
}
