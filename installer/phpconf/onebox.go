package phpconf

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// OneBoxCronPath is where OneBox's connector keeps its settings, relative to
// the store root.
const OneBoxCronPath = "catalog/onebox/cron.php"

// OneBoxMinKeyLength is the shortest API key accepted. OpenCart generates
// far longer keys (64 to 256 characters); anything under 24 characters is
// almost certainly a paste error.
const OneBoxMinKeyLength = 24

// ValidateOneBoxHost checks the store address cron.php calls back. cron.php
// appends "index.php?route=..." to it, so it must be a full http(s) address
// ending with "/" and with no query or fragment.
func ValidateOneBoxHost(host string) error {
	if !strings.HasPrefix(host, "http://") && !strings.HasPrefix(host, "https://") {
		return msg.NewError("error.onebox.url_scheme")
	}
	if !strings.HasSuffix(host, "/") {
		return msg.NewError("error.onebox.url_slash")
	}
	if !utf8.ValidString(host) || strings.ContainsFunc(host, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`\"'<>`+"`", r)
	}) {
		return msg.NewError("error.onebox.url_chars")
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return msg.NewError("error.onebox.url_host", "Host", fmt.Sprintf("%q", host))
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(host, "?#") {
		return msg.NewError("error.onebox.url_query")
	}
	return nil
}

// ValidateOneBoxAPIKey checks an OpenCart API key before it goes into
// cron.php: at least OneBoxMinKeyLength characters, and none of the
// characters that show a wrong paste or that PHP would treat specially if
// someone later retyped the line in double quotes (quotes, backslash, $,
// whitespace, control characters).
func ValidateOneBoxAPIKey(key string) error {
	if !utf8.ValidString(key) {
		return msg.NewError("error.onebox.key_bytes")
	}
	if n := utf8.RuneCountInString(key); n < OneBoxMinKeyLength {
		return msg.NewError("error.onebox.key_short", "Count", n, "Min", OneBoxMinKeyLength)
	}
	for _, r := range key {
		switch {
		case unicode.IsSpace(r):
			return msg.NewError("error.onebox.key_space")
		case unicode.IsControl(r):
			return msg.NewError("error.onebox.key_control")
		case r == '\'' || r == '"' || r == '\\' || r == '$' || r == '`':
			return msg.NewError("error.onebox.key_char", "Char", string(r))
		}
	}
	return nil
}

// SetOneBoxCron validates host and apiKey and writes them into the
// contents of OneBox's cron.php ($host and $apiKey), keeping every other
// byte of the file.
func SetOneBoxCron(src []byte, host, apiKey string) ([]byte, error) {
	if err := ValidateOneBoxHost(host); err != nil {
		return nil, err
	}
	if err := ValidateOneBoxAPIKey(apiKey); err != nil {
		return nil, err
	}
	return SetVariables(src, map[string]string{"host": host, "apiKey": apiKey})
}

// OneBoxCronKey reads the API key OneBox's cron.php holds ($apiKey).
func OneBoxCronKey(src []byte) (string, error) {
	return ReadVariable(src, "apiKey")
}
