package app

import (
	"fmt"
	"net/url"
	"strings"
	stdsync "sync"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// plainHTTPWarner says once, on w, that secrets cross plain HTTP: the
// way apply warns, for the commands that reach the store over http too
// (test, sync). Said before the first secret is sent: the bridge's ping
// carries none, and the store API's login comes after the suite started.
type plainHTTPWarner struct {
	w Notes
	// warned, when set, is told each warning as a message too: the
	// app's sync screen shows it in the user's language.
	warned func(msg.Msg)
	bridge stdsync.Once
}

// connected warns when d is the database bridge over plain http.
func (p *plainHTTPWarner) connected(d db.DB) {
	if u := db.PlainHTTP(d); u != "" {
		p.bridge.Do(func() {
			m := db.PlainHTTPMsg(u)
			fmt.Fprintln(p.w.W, msg.New("cli.warning_wide", "Text", m).In(p.w.Lang))
			if p.warned != nil {
				p.warned(m)
			}
		})
	}
}

// storeAPI warns when the store's API (its login sends the API key) is
// reached over plain http.
func (p *plainHTTPWarner) storeAPI(storeURL string) {
	if u, err := url.Parse(storeURL); err == nil && strings.EqualFold(u.Scheme, "http") {
		fmt.Fprintln(p.w.W, msg.New("cli.warning_wide", "Text", storeAPIPlainHTTPWarning(storeURL)).In(p.w.Lang))
	}
}

func storeAPIPlainHTTPWarning(storeURL string) msg.Msg {
	return msg.New("cli.plain_http.store_api", "URL", storeURL)
}
