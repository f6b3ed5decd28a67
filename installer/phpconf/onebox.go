package phpconf

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
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
		return errors.New("the store address must start with http:// or https://")
	}
	if !strings.HasSuffix(host, "/") {
		return errors.New("the store address must end with / (for example https://shop.example.com/)")
	}
	if !utf8.ValidString(host) || strings.ContainsFunc(host, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`\"'<>`+"`", r)
	}) {
		return errors.New("the store address contains spaces, quotes or other characters that do not belong in a web address")
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("the store address %q has no valid server name", host)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(host, "?#") {
		return errors.New("the store address must not contain ? or #; give only the shop's base address")
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
		return errors.New("the API key contains bytes that are not text")
	}
	if n := utf8.RuneCountInString(key); n < OneBoxMinKeyLength {
		return fmt.Errorf("the API key is %d characters long; OpenCart API keys have at least %d. Copy the whole key from System > Users > API", n, OneBoxMinKeyLength)
	}
	for _, r := range key {
		switch {
		case unicode.IsSpace(r):
			return errors.New("the API key contains a space or line break; copy it again without surrounding blanks")
		case unicode.IsControl(r):
			return errors.New("the API key contains a control character")
		case r == '\'' || r == '"' || r == '\\' || r == '$' || r == '`':
			return fmt.Errorf("the API key contains the character %c, which OpenCart keys never have", r)
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
