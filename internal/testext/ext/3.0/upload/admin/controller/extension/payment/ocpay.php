<?php
// [[.Title]]: a [[.Type]] extension written for ocsetup's tests. It does
// what real extensions do (a table and an event made by install(), a
// validated settings form[[if .Payment]], a method offered at checkout, a confirm step that
// writes to its table[[end]]), so that the tests can tell a working install from a
// half-done one.
class ControllerExtension[[if .Payment]]Payment[[else]]Module[[end]][[.Camel]] extends Controller {
	private $error = array();

	public function index() {
		$this->load->language('[[.Route]]');

		$this->document->setTitle($this->language->get('heading_title'));

		$this->load->model('setting/setting');

		if (($this->request->server['REQUEST_METHOD'] == 'POST') && $this->validate()) {
			$post = $this->request->post;
			[[- range .Fields]][[if .Dropped]]
			unset($post['[[$.Prefix]][[.Name]]']);[[end]][[end]]
			$this->model_setting_setting->editSetting('[[.Setting]]', $post);
[[- if .SubMethods]]

			$this->saveSubMethods();
[[- end]]

			$this->session->data['success'] = $this->language->get('text_success');

			$this->response->redirect($this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=[[.Type]]', true));
		}

		$data['error_warning'] = isset($this->error['warning']) ? $this->error['warning'] : '';

		$fields = array([[.Defaults]]);

		foreach ($fields as $field => $default) {
			$data['error_' . $field] = isset($this->error[$field]) ? $this->error[$field] : '';

			$key = '[[.Prefix]]' . $field;

			if (isset($this->request->post[$key])) {
				$data[$key] = $this->request->post[$key];
			} elseif ($this->config->has($key)) {
				$data[$key] = $this->config->get($key);
			} else {
				$data[$key] = $default;
			}

			if (is_array($default) && !is_array($data[$key])) {
				$data[$key] = array();
			}
		}

		$data['breadcrumbs'] = array(
			array('text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'user_token=' . $this->session->data['user_token'], true)),
			array('text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=[[.Type]]', true)),
			array('text' => $this->language->get('heading_title'), 'href' => $this->url->link('[[.Route]]', 'user_token=' . $this->session->data['user_token'], true))
		);

		$data['action'] = $this->url->link('[[.Route]]', 'user_token=' . $this->session->data['user_token'], true);
		$data['cancel'] = $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=[[.Type]]', true);

		[[.Options]]

		$this->load->model('localisation/order_status');

		$data['order_statuses'] = $this->model_localisation_order_status->getOrderStatuses();

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view('[[.Route]]', $data));
	}

	public function install() {
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . DB_PREFIX . "[[.Code]]_transaction` (`transaction_id` INT(11) NOT NULL AUTO_INCREMENT, `order_id` INT(11) NOT NULL, `amount` DECIMAL(15,4) NOT NULL DEFAULT '0.0000', `created` DATETIME NOT NULL, PRIMARY KEY (`transaction_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('[[.Code]]');
		$this->model_setting_event->addEvent('[[.Code]]', 'catalog/model/checkout/order/addOrderHistory/after', 'extension/[[.Type]]/[[.Code]]/history');
[[- range .InstallStatuses]]

		$this->addOrderStatus('[[.]]');
[[- end]]
	}

	public function uninstall() {
		$this->db->query("DROP TABLE IF EXISTS `" . DB_PREFIX . "[[.Code]]_transaction`");

		$this->load->model('setting/event');

		$this->model_setting_event->deleteEventByCode('[[.Code]]');
[[- if .SubMethods]]

		$this->load->model('setting/extension');
		$this->load->model('setting/setting');

		foreach (array([[range $i, $m := .SubMethods]][[if $i]], [[end]]'[[$m]]'[[end]]) as $sub) {
			$this->model_setting_extension->uninstall('[[.Type]]', '[[.Code]]_' . $sub);
			$this->model_setting_setting->deleteSetting('[[.Setting]]_' . $sub);
		}
[[- end]]
	}

[[- if .SubMethods]]
	// saveSubMethods does what a vendor's save does for its sub-methods
	// (Amazon Payment Services' installPaymentMethods()): each one is
	// installed as an extension of its own, with the permissions of the
	// user's group, and gets the posted keys that contain its name as its
	// own settings.
	private function saveSubMethods() {
		$this->load->model('setting/extension');
		$this->load->model('user/user_group');

		$installed = $this->model_setting_extension->getInstalled('[[.Type]]');

		foreach (array([[range $i, $m := .SubMethods]][[if $i]], [[end]]'[[$m]]'[[end]]) as $sub) {
			if (!in_array('[[.Code]]_' . $sub, $installed)) {
				$this->model_setting_extension->install('[[.Type]]', '[[.Code]]_' . $sub);
				$this->model_user_user_group->addPermission($this->user->getGroupId(), 'access', 'extension/[[.Type]]/[[.Code]]_' . $sub);
				$this->model_user_user_group->addPermission($this->user->getGroupId(), 'modify', 'extension/[[.Type]]/[[.Code]]_' . $sub);
			}

			$settings = array();

			foreach ($this->request->post as $key => $value) {
				if (strpos($key, $sub) !== false) {
					$settings[$key] = $value;
				}
			}

			$this->model_setting_setting->editSetting('[[.Setting]]_' . $sub, $settings);
		}
	}

[[- end]]
	protected function validate() {
		if (!$this->user->hasPermission('modify', '[[.Route]]')) {
			$this->error['warning'] = $this->language->get('error_permission');
		}

[[.Validation]]

		if ($this->error && !isset($this->error['warning'])) {
			$this->error['warning'] = $this->language->get('error_warning');
		}

		return !$this->error;
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
