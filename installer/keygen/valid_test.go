package keygen

import (
	"errors"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	good := strings.Repeat("aB3-_.~z", 8) // 64 characters
	cases := []struct {
		name   string
		key    string
		minLen int
		is     []error
		says   []string
	}{
		{"ok store key", good, MinStoreAPI, nil, nil},
		{"ok default minimum", good[:24], 0, nil, nil},
		{"ok OpenCart style", strings.Repeat("Ab9", 30), MinStoreAPI, nil, nil},
		{"too short", good[:23], 0, []error{ErrTooShort}, []string{"23 characters", "at least 24"}},
		{"too short for store", good[:32], MinStoreAPI, []error{ErrTooShort}, []string{"32 characters", "at least 64"}},
		{"too long", strings.Repeat("a", 257), 0, []error{ErrTooLong}, []string{"257", "at most 256"}},
		{"dollar", good[:30] + "$" + good[:10], 0, []error{ErrForbiddenChar}, []string{`'$'`, "position 31"}},
		{"quote", "'" + good, 0, []error{ErrForbiddenChar}, []string{`'\''`, "position 1", "PHP string"}},
		{"ampersand and more", good[:24] + "&x=1", 0, []error{ErrForbiddenChar}, []string{`'&'`, "URL", "and 1 more"}},
		{"trailing newline", good + "\n", MinStoreAPI, []error{ErrForbiddenChar}, []string{"line break", "position 65", "whitespace copied"}},
		{"inner space", good[:20] + " " + good[:20], 0, []error{ErrForbiddenChar}, []string{"a space"}},
		{"non-ASCII", good[:24] + "é", 0, []error{ErrForbiddenChar}, []string{"not a plain ASCII"}},
		{"bad UTF-8", good[:24] + "\xff", 0, []error{ErrForbiddenChar}, []string{"0xff"}},
		{"short and bad", "ab/cd", MinStoreAPI, []error{ErrTooShort, ErrForbiddenChar}, []string{"5 characters", `'/'`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Valid(c.key, c.minLen)
			if len(c.is) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range c.is {
				if !errors.Is(err, want) {
					t.Errorf("error %q is not %v", err, want)
				}
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
	if err := Valid(good, MaxLength+1); err == nil {
		t.Error("a minimum above MaxLength was accepted")
	}
}
