package app

import (
	"context"
	"errors"
	"time"

	"github.com/ocsetup/ocsetup/installer/storefront"
)

// The wizard's side of Display Errors (displayerrors.go): the Settings
// step looks at the storefront for PHP messages, the merchant decides, and
// the switch is the engine call `apply --display-errors-off` makes,
// recorded in the setup journal so that Uninstall switches it back.

// PHPMessages is what the storefront's home page printed.
type PHPMessages struct {
	Count   int
	Example string
}

// storeURL is the storefront's address, as apply takes it from config.php.
func (s *Session) storeURL() string {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if s.steps.creds == nil {
		return ""
	}
	if urls := s.steps.creds.StoreURLs(); len(urls) > 0 {
		return urls[0]
	}
	return ""
}

// StorefrontPHPMessages looks at the storefront's home page for PHP
// messages (Display Errors on). Count is 0 when there are none, and when
// the storefront does not answer: the Test step reports that.
func (s *Session) StorefrontPHPMessages(ctx context.Context) (PHPMessages, error) {
	url := s.storeURL()
	if url == "" {
		return PHPMessages{}, errNoDatabase
	}
	c := storefront.New(url)
	if pool := s.Pool(); pool != nil {
		c.HTTP = storeHTTP(20*time.Second, pool.Trust())
	}
	home, err := c.Home(ctx)
	if err != nil || home.PHPCount == 0 {
		return PHPMessages{}, nil
	}
	return PHPMessages{Count: home.PHPCount, Example: home.PHPErrors[0]}, nil
}

// DisplayErrorsOutcome is what the switch did: Switched, or Reverted with
// why (the storefront broke without the messages, so it was switched back
// on and the store is as it was), or neither when it was off already.
type DisplayErrorsOutcome struct {
	Switched bool
	Reverted string
}

// SwitchDisplayErrorsOff switches the store's Display Errors off the way
// `apply --display-errors-off` does, recorded in the setup journal first
// (Uninstall and the undo of an interrupted setup switch it back).
func (s *Session) SwitchDisplayErrorsOff(ctx context.Context) (*DisplayErrorsOutcome, error) {
	st, ok := s.Store()
	pool := s.Pool()
	if !ok || pool == nil {
		return nil, errNoStore
	}
	if err := s.journalChange(ctx, "", nil); err != nil {
		return nil, err
	}
	s.steps.mu.Lock()
	d, sc := s.steps.db, s.steps.schema
	s.steps.mu.Unlock()
	line := st.Line
	if l := sc.Line(); l != "" {
		line = l
	}
	rec, err := SwitchDisplayErrorsOff(ctx, s.dataDir, pool, d, sc, line, st.Root, s.storeURL())
	var reverted *SwitchRevertedError
	switch {
	case errors.As(err, &reverted):
		return &DisplayErrorsOutcome{Reverted: reverted.Error()}, nil
	case err != nil:
		return nil, err
	}
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if j := s.steps.journal; j != nil && rec != "" {
		j.DisplayErrors = rec
		if err := j.Save(); err != nil {
			return nil, err
		}
	}
	return &DisplayErrorsOutcome{Switched: rec != ""}, nil
}
