<?php
// [[.Title]]: a [[.Type]] extension written for ocsetup's tests. It does
// what real extensions do (a table and an event made by install(), a
// validated settings form[[if .Payment]], a method offered at checkout, a confirm step that
// writes to its table[[end]]), so that the tests can tell a working install from a
// half-done one.
namespace Opencart\Admin\Controller\Extension\[[.Camel]]\[[if .Payment]]Payment[[else]]Module[[end]];
class [[.Camel]] extends \Opencart\System\Engine\Controller {
	public function index(): void {
		$this->load->language('[[.Route]]');

		$this->document->setTitle($this->language->get('heading_title'));

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'user_token=' . $this->session->data['user_token'])],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=[[.Type]]')],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link('[[.Route]]', 'user_token=' . $this->session->data['user_token'])]
		];

		$data['save'] = $this->url->link('[[.Route]].save', 'user_token=' . $this->session->data['user_token']);
		$data['back'] = $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=[[.Type]]');

		$fields = array([[.Defaults]]);

		foreach ($fields as $field => $default) {
			$key = '[[.Prefix]]' . $field;

			$data[$key] = $this->config->get($key);

			if (is_array($default) && !is_array($data[$key])) {
				$data[$key] = [];
			}
		}

		[[.Options]]

		$this->load->model('localisation/order_status');

		$data['order_statuses'] = $this->model_localisation_order_status->getOrderStatuses();

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view('[[.Route]]', $data));
	}

	public function save(): void {
		$this->load->language('[[.Route]]');

		$json = [];

		if (!$this->user->hasPermission('modify', '[[.Route]]')) {
			$json['error']['warning'] = $this->language->get('error_permission');
		}

[[.Validation]]

		if (isset($json['error']) && !isset($json['error']['warning'])) {
			$json['error']['warning'] = $this->language->get('error_warning');
		}

		if (!$json) {
			$this->load->model('setting/setting');

			$post = $this->request->post;
			[[- range .Fields]][[if .Dropped]]
			unset($post['[[$.Prefix]][[.Name]]']);[[end]][[end]]
			$this->model_setting_setting->editSetting('[[.Setting]]', $post);

			$json['success'] = $this->language->get('text_success');
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	public function install(): void {
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . DB_PREFIX . "[[.Code]]_transaction` (`transaction_id` INT(11) NOT NULL AUTO_INCREMENT, `order_id` INT(11) NOT NULL, `amount` DECIMAL(15,4) NOT NULL DEFAULT '0.0000', `created` DATETIME NOT NULL, PRIMARY KEY (`transaction_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('[[.Code]]');
		$this->model_setting_event->addEvent([
			'code'        => '[[.Code]]',
			'description' => '[[.Title]]: order history',
			'trigger'     => 'catalog/model/checkout/order/addHistory/after',
			'action'      => 'extension/[[.Code]]/[[.Type]]/[[.Code]].history',
			'status'      => 1,
			'sort_order'  => 0
		]);
[[- range .InstallStatuses]]

		$this->addOrderStatus('[[.]]');
[[- end]]
	}

	public function uninstall(): void {
		$this->db->query("DROP TABLE IF EXISTS `" . DB_PREFIX . "[[.Code]]_transaction`");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('[[.Code]]');
	}
[[- if .InstallStatuses]]

	// addOrderStatus adds an order status of that name in every language
	// unless the store has one.
	private function addOrderStatus($name) {
		$query = $this->db->query("SELECT order_status_id FROM `" . DB_PREFIX . "order_status` WHERE name = '" . $this->db->escape($name) . "'");

		if ($query->num_rows) {
			return;
		}

		$query = $this->db->query("SELECT MAX(order_status_id) AS id FROM `" . DB_PREFIX . "order_status`");

		$id = (int)$query->row['id'] + 1;

		$languages = $this->db->query("SELECT language_id FROM `" . DB_PREFIX . "language`");

		foreach ($languages->rows as $language) {
			$this->db->query("INSERT INTO `" . DB_PREFIX . "order_status` SET order_status_id = '" . $id . "', language_id = '" . (int)$language['language_id'] . "', name = '" . $this->db->escape($name) . "'");
		}

		$this->cache->delete('order_status');
	}
[[- end]]
}
