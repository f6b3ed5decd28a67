package sync

import (
	"sort"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// AlertKind says what stopped.
type AlertKind string

// The alerts.
const (
	// AlertQuiet: the integration did nothing for Config.QuietAfter (no API
	// session, no line in the connector's log).
	AlertQuiet AlertKind = "quiet"
	// AlertJobFailed: a job the app runs failed (Subject names it).
	AlertJobFailed AlertKind = "job_failed"
	// AlertKeyRejected: the store refused the integration's API key.
	AlertKeyRejected AlertKind = "key_rejected"
	// AlertStoreDown: the store's database (Subject "database") or
	// storefront ("storefront") did not answer.
	AlertStoreDown AlertKind = "store_down"
)

// Msg is Title as a message, for the user's language.
func (k AlertKind) Msg() msg.Msg { return msg.Msg{Key: "sync.alertkind." + string(k), Own: k.Title()} }

// TextIn is the alert's message rendered by render, or its English when
// it has no key.
func (a Alert) TextIn(render func(msg.Msg) string) string {
	if a.Text.IsZero() {
		return a.Message
	}
	return render(a.Text)
}

// Title is the kind as the user reads it.
func (k AlertKind) Title() string {
	switch k {
	case AlertQuiet:
		return "No integration activity"
	case AlertJobFailed:
		return "Job failed"
	case AlertKeyRejected:
		return "API key rejected"
	case AlertStoreDown:
		return "Store down"
	}
	return string(k)
}

// Alert is one raised alert. It stays active until its cause is gone;
// a cause that persists does not raise it again.
type Alert struct {
	Seq     int64     `json:"seq"` // grows with every alert raised
	Kind    AlertKind `json:"kind"`
	Subject string    `json:"subject,omitempty"`
	Message string    `json:"message"`
	// Text is Message as a message key, for the app to show in the user's
	// language; its arguments are texts, so it keeps in the history.
	Text     msg.Msg   `json:"text,omitzero"`
	Raised   time.Time `json:"raised"`
	Resolved time.Time `json:"resolved,omitzero"`
}

// Active reports whether the cause is still there.
func (a Alert) Active() bool { return a.Resolved.IsZero() }

func (a Alert) id() string { return string(a.Kind) + ":" + a.Subject }

// alertBook holds the active alerts and what changed in this round, to be
// stored with the poll or job run that caused it.
type alertBook struct {
	seq    int64
	active map[string]Alert
	// events are raises and resolutions not yet stored.
	events []Alert
}

func (b *alertBook) raise(kind AlertKind, subject string, text msg.Msg, now time.Time) {
	id := string(kind) + ":" + subject
	message := text.English()
	if a, ok := b.active[id]; ok {
		if a.Message != message {
			a.Message, a.Text = message, text
			b.active[id] = a
		}
		return
	}
	b.seq++
	a := Alert{Seq: b.seq, Kind: kind, Subject: subject, Message: message, Text: text, Raised: now}
	b.active[id] = a
	b.events = append(b.events, a)
}

func (b *alertBook) resolve(kind AlertKind, subject string, now time.Time) {
	id := string(kind) + ":" + subject
	a, ok := b.active[id]
	if !ok {
		return
	}
	delete(b.active, id)
	a.Resolved = now
	b.events = append(b.events, a)
}

// take returns the unstored events and forgets them.
func (b *alertBook) take() []Alert {
	ev := b.events
	b.events = nil
	return ev
}

// list is the active alerts, oldest first.
func (b *alertBook) list() []Alert {
	out := make([]Alert, 0, len(b.active))
	for _, a := range b.active {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}
