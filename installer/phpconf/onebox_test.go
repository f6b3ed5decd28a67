package phpconf

import (
	"errors"
	"strings"
	"testing"
)

// TestOneBoxCronKey: the key written by SetOneBoxCron reads back; a file
// whose $apiKey is not one plain literal is refused with the reason.
func TestOneBoxCronKey(t *testing.T) {
	src := []byte("<?php\n$languages = array('ru');\n$host = '';\n$track = 'catalog/onebox/';\n$apiKey = '';\n")
	key := strings.Repeat("k3Y", 22)
	out, err := SetOneBoxCron(src, "https://shop.example.com/", key)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OneBoxCronKey(out); err != nil || got != key {
		t.Fatalf("OneBoxCronKey = %q, %v; want %q", got, err, key)
	}
	if _, err := OneBoxCronKey([]byte("<?php\n$apiKey = getenv('KEY');\n")); !errors.Is(err, ErrNotLiteral) {
		t.Fatalf("a computed $apiKey: %v", err)
	}
	if _, err := OneBoxCronKey([]byte("<?php\n$host = 'x';\n")); !errors.Is(err, ErrNotAssigned) {
		t.Fatalf("no $apiKey: %v", err)
	}
}
