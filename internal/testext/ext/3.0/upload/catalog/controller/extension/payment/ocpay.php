<?php
class ControllerExtension[[if .Payment]]Payment[[else]]Module[[end]][[.Camel]] extends Controller {
[[- if .Payment]]
	// index renders the form a gateway module posts to its gateway.
	public function index() {
		$this->load->language('extension/payment/[[.Code]]');

		$data['action'] = $this->url->link('extension/payment/[[.Code]]/confirm', '', true);
		$data['order_id'] = isset($this->session->data['order_id']) ? $this->session->data['order_id'] : 0;

		return $this->load->view('extension/payment/[[.Code]]', $data);
	}

	// confirm records the payment of an order in the module's own table.
	public function confirm() {
		$this->load->language('extension/payment/[[.Code]]');

		$json = array();

		if (isset($this->session->data['order_id'])) {
			$order_id = (int)$this->session->data['order_id'];
		} elseif (isset($this->request->post['order_id'])) {
			$order_id = (int)$this->request->post['order_id'];
		} else {
			$order_id = 0;
		}

		$this->load->model('checkout/order');

		$order_info = $this->model_checkout_order->getOrder($order_id);

		if (!$order_info) {
			$json['error'] = $this->language->get('error_order');
		} else {
			$this->load->model('extension/payment/[[.Code]]');

			$json['transaction_id'] = $this->model_extension_payment_[[.Code]]->addTransaction($order_id, $order_info['total']);
			$json['success'] = $this->language->get('text_success');
			$json['redirect'] = $this->url->link('checkout/success', '', true);
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}
[[- else]]
	// index is the module's place in a layout: it shows nothing.
	public function index() {
		return '';
	}
[[- end]]

	// history is the module's event on order history: nothing to do in a
	// test module, but the event must point at a method that exists.
	public function history(&$route, &$args, &$output) {
	}
[[- range .Callbacks]]

	// [[.]] answers a provider's call to the store, as a gateway's
	// callback URL does.
	public function [[.]]() {
		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode(array('received' => true)));
	}
[[- end]]
}
