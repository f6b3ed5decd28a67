package sync

// spec says how one table is watched. Tables a line lacks, and columns a
// table lacks, are left out when the plan is made (plan.go), so one list
// serves every OpenCart line.
type spec struct {
	table  string
	entity Entity
	pk     string // integer primary key (the first column of a composite one)
	// lang: the primary key is (pk, language_id) and the changes are
	// counted per language. parent is the table whose rows the
	// descriptions belong to.
	lang   bool
	parent string
	// aspects are the fingerprints of a row: the first is the entity's
	// own; others count a subset of the columns as another entity (the
	// price and quantity of a product are "prices and stock").
	aspects []aspect
	// window: sweep only the newest ids (orders; see Config.OrderWindow).
	window bool
	// timeCol is read with new rows to know when the last one was added
	// (insert-only tables).
	timeCol string
}

type aspect struct {
	entity Entity
	cols   []string
}

// insertOnly tables are read for new rows only: order_history rows are
// never edited by OpenCart.
func (s spec) insertOnly() bool { return len(s.aspects) == 0 }

// The columns whose change counts. Columns that change without anyone
// editing anything are left out: product.viewed (every page view up to
// 3.x), rating (reviews), customer.cart, wishlist, token, ip and safe.
var (
	productCols = []string{"model", "sku", "upc", "ean", "jan", "isbn", "mpn", "location", "master_id", "variant",
		"override", "quantity", "stock_status_id", "image", "manufacturer_id", "shipping", "price", "points",
		"tax_class_id", "date_available", "weight", "weight_class_id", "length", "width", "height",
		"length_class_id", "subtract", "minimum", "sort_order", "status", "date_modified"}
	priceStockCols  = []string{"price", "quantity"}
	descriptionCols = []string{"name", "description", "tag", "meta_title", "meta_description", "meta_keyword", "meta_h1"}
	specialCols     = []string{"product_id", "customer_group_id", "quantity", "priority", "price", "type", "special",
		"date_start", "date_end"}
	categoryCols = []string{"image", "parent_id", "top", "column", "sort_order", "status", "date_modified"}
	customerCols = []string{"customer_group_id", "store_id", "language_id", "firstname", "lastname", "email",
		"telephone", "fax", "newsletter", "address_id", "custom_field", "status", "approved", "commenter"}
	orderCols = []string{"order_status_id", "total", "invoice_no", "customer_id", "email", "telephone",
		"tracking", "date_modified"}
)

// specs are the watched tables. A table's parent comes before it: the
// descriptions of rows added since setup are counted as added from the
// first sweep on, which needs the parent's mark.
var specs = []spec{
	{table: "order", entity: Orders, pk: "order_id", window: true, aspects: []aspect{{Orders, orderCols}}},
	{table: "order_history", entity: OrderHistory, pk: "order_history_id", timeCol: "date_added"},
	{table: "product", entity: Products, pk: "product_id", aspects: []aspect{{Products, productCols}, {PricesStock, priceStockCols}}},
	{table: "product_description", entity: Products, pk: "product_id", lang: true, parent: "product",
		aspects: []aspect{{Products, descriptionCols}}},
	{table: "product_special", entity: Specials, pk: "product_special_id", aspects: []aspect{{Specials, specialCols}}},
	{table: "product_discount", entity: Specials, pk: "product_discount_id", aspects: []aspect{{Specials, specialCols}}},
	{table: "category", entity: Categories, pk: "category_id", aspects: []aspect{{Categories, categoryCols}}},
	{table: "category_description", entity: Categories, pk: "category_id", lang: true, parent: "category",
		aspects: []aspect{{Categories, descriptionCols}}},
	{table: "manufacturer", entity: Manufacturers, pk: "manufacturer_id", aspects: []aspect{{Manufacturers, []string{"name", "image", "sort_order"}}}},
	{table: "manufacturer_description", entity: Manufacturers, pk: "manufacturer_id", lang: true, parent: "manufacturer",
		aspects: []aspect{{Manufacturers, descriptionCols}}},
	{table: "option", entity: ProductOptions, pk: "option_id", aspects: []aspect{{ProductOptions, []string{"type", "validation", "sort_order"}}}},
	{table: "option_description", entity: ProductOptions, pk: "option_id", lang: true, parent: "option",
		aspects: []aspect{{ProductOptions, []string{"name"}}}},
	{table: "option_value", entity: ProductOptions, pk: "option_value_id", aspects: []aspect{{ProductOptions, []string{"option_id", "image", "sort_order"}}}},
	{table: "option_value_description", entity: ProductOptions, pk: "option_value_id", lang: true, parent: "option_value",
		aspects: []aspect{{ProductOptions, []string{"option_id", "name"}}}},
	{table: "filter_group", entity: Filters, pk: "filter_group_id", aspects: []aspect{{Filters, []string{"sort_order"}}}},
	{table: "filter_group_description", entity: Filters, pk: "filter_group_id", lang: true, parent: "filter_group",
		aspects: []aspect{{Filters, []string{"name"}}}},
	{table: "filter", entity: Filters, pk: "filter_id", aspects: []aspect{{Filters, []string{"filter_group_id", "sort_order"}}}},
	{table: "filter_description", entity: Filters, pk: "filter_id", lang: true, parent: "filter",
		aspects: []aspect{{Filters, []string{"filter_group_id", "name"}}}},
	{table: "customer", entity: Customers, pk: "customer_id", aspects: []aspect{{Customers, customerCols}}},
	{table: "customer_group", entity: CustomerGroups, pk: "customer_group_id", aspects: []aspect{{CustomerGroups,
		[]string{"approval", "company_id_display", "company_id_required", "tax_id_display", "tax_id_required", "sort_order"}}}},
	{table: "customer_group_description", entity: CustomerGroups, pk: "customer_group_id", lang: true, parent: "customer_group",
		aspects: []aspect{{CustomerGroups, []string{"name", "description"}}}},
}
