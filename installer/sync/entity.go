package sync

import "github.com/ocsetup/ocsetup/installer/msg"

// Entity is a kind of store data whose changes the engine counts.
type Entity string

// The entities, in the order the view lists them.
const (
	Orders         Entity = "orders"
	OrderHistory   Entity = "order_history" // order status changes
	Products       Entity = "products"
	PricesStock    Entity = "prices_stock"
	Specials       Entity = "specials" // specials and discounts
	Categories     Entity = "categories"
	Manufacturers  Entity = "manufacturers"
	ProductOptions Entity = "options"
	Filters        Entity = "filters"
	Customers      Entity = "customers"
	CustomerGroups Entity = "customer_groups"
	APISessions    Entity = "api_sessions"
)

// AllEntities lists every entity in display order.
func AllEntities() []Entity {
	return []Entity{Orders, OrderHistory, Products, PricesStock, Specials, Categories, Manufacturers,
		ProductOptions, Filters, Customers, CustomerGroups, APISessions}
}

// Msg is Title as a message, for the user's language.
func (e Entity) Msg() msg.Msg { return msg.Msg{Key: "sync.entity." + string(e), Own: e.Title()} }

// Title is the entity as the user reads it.
func (e Entity) Title() string {
	switch e {
	case Orders:
		return "Orders"
	case OrderHistory:
		return "Order status changes"
	case Products:
		return "Products"
	case PricesStock:
		return "Prices and stock"
	case Specials:
		return "Specials and discounts"
	case Categories:
		return "Categories"
	case Manufacturers:
		return "Manufacturers"
	case ProductOptions:
		return "Options"
	case Filters:
		return "Filters"
	case Customers:
		return "Customers"
	case CustomerGroups:
		return "Customer groups"
	case APISessions:
		return "API sessions"
	}
	return string(e)
}

// Counts are rows added, changed and removed.
type Counts struct {
	Added   int64 `json:"added,omitempty"`
	Changed int64 `json:"changed,omitempty"`
	Removed int64 `json:"removed,omitempty"`
}

// Total is the number of changes of any kind.
func (c Counts) Total() int64 { return c.Added + c.Changed + c.Removed }

// IsZero reports whether nothing changed.
func (c Counts) IsZero() bool { return c == Counts{} }

func (c *Counts) add(o Counts) {
	c.Added += o.Added
	c.Changed += o.Changed
	c.Removed += o.Removed
}

// Tally is what changed of one entity: its own rows, and its descriptions
// by language id (products, categories, options, filters and customer
// groups have a description per language).
type Tally struct {
	Counts
	Languages map[int]Counts `json:"languages,omitempty"`
}

// IsZero reports whether nothing changed.
func (t Tally) IsZero() bool {
	if !t.Counts.IsZero() {
		return false
	}
	for _, c := range t.Languages {
		if !c.IsZero() {
			return false
		}
	}
	return true
}

// All is the entity's changes including its descriptions'.
func (t Tally) All() Counts {
	c := t.Counts
	for _, l := range t.Languages {
		c.add(l)
	}
	return c
}

func (t *Tally) add(o Tally) {
	t.Counts.add(o.Counts)
	for lang, c := range o.Languages {
		if t.Languages == nil {
			t.Languages = map[int]Counts{}
		}
		cur := t.Languages[lang]
		cur.add(c)
		t.Languages[lang] = cur
	}
}

// Changes are the tallies of several entities; entities without changes
// are absent.
type Changes map[Entity]Tally

func (c Changes) add(e Entity, lang int, hasLang bool, n Counts) {
	if n.IsZero() {
		return
	}
	t := c[e]
	if hasLang {
		t.add(Tally{Languages: map[int]Counts{lang: n}})
	} else {
		t.Counts.add(n)
	}
	c[e] = t
}

func (c Changes) merge(o Changes) {
	for e, t := range o {
		cur := c[e]
		cur.add(t)
		c[e] = cur
	}
}

// clone copies c deeply, so a snapshot never shares maps with the engine.
func (c Changes) clone() Changes {
	out := make(Changes, len(c))
	for e, t := range c {
		cp := Tally{Counts: t.Counts}
		if t.Languages != nil {
			cp.Languages = make(map[int]Counts, len(t.Languages))
			for l, n := range t.Languages {
				cp.Languages[l] = n
			}
		}
		out[e] = cp
	}
	return out
}
