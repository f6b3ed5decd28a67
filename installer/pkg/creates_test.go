package pkg

import (
	"reflect"
	"testing"
)

func TestInstallCreates(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"upload/admin/controller/extension/payment/foo.php": `<?php
class ControllerExtensionPaymentFoo extends Controller {
	public function install() {
		$this->db->query("CREATE TABLE IF NOT EXISTS ` + "`" + `" . DB_PREFIX . "foo_order` + "`" + ` (id INT)");
		$this->model_setting_event->addEvent('foo_history', 'catalog/model/checkout/order/addOrderHistory/after', 'extension/payment/foo/history');
	}
}`,
		"upload/admin/model/extension/payment/foo.php": `<?php
class ModelExtensionPaymentFoo extends Model {
	public function install() {
		$this->db->query("CREATE TABLE " . DB_PREFIX . "foo_meta (id INT)");
		$this->model_setting_event->addEvent(['code' => 'foo_menu', 'trigger' => 'admin/view/common/column_left/before']);
	}
}`,
		"upload/catalog/model/extension/payment/foo.php": `<?php $this->db->query("CREATE TABLE " . DB_PREFIX . "not_install (id INT)");`,
	})
	p, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.InstallCreates()
	if err != nil {
		t.Fatal(err)
	}
	want := Creates{Tables: []string{"foo_meta", "foo_order"}, Events: []string{"foo_history", "foo_menu"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("InstallCreates = %+v, want %+v", got, want)
	}
}
