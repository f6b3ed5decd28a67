package app

import (
	"fmt"
	"io"
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
	w io.Writer
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
			fmt.Fprintf(p.w, "warning:  %s\n", m.English())
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
		fmt.Fprintf(p.w, "warning:  %s\n", storeAPIPlainHTTPWarning(storeURL))
	}
}

func storeAPIPlainHTTPWarning(storeURL string) string {
	return "The store has no working HTTPS, so its API (" + storeURL + ") is used over plain HTTP: the API key sent at its login, and the test order's details, can be read by anyone on the network path. Turn on HTTPS for the store (most hosts offer a free certificate)."
}
