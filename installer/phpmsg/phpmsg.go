// Package phpmsg finds the messages PHP and OpenCart print into pages and
// API answers when Display Errors is on, and strips them so that the HTML
// or JSON behind them can still be read. docs/opencart.md ("PHP messages")
// lists the forms.
package phpmsg

import (
	"regexp"
	"strings"
)

// Finder recognises PHP messages. Make one with New and reuse it: the
// patterns are compiled once.
type Finder struct {
	labelled  *regexp.Regexp
	exception *regexp.Regexp
	html      *regexp.Regexp
}

// New compiles the patterns.
func New() *Finder {
	const labels = `Warning|Notice|Deprecated|Unknown|Fatal error|Fatal Error|Parse error|Strict Standards|Recoverable fatal error|Catchable fatal error|User Deprecated|Error`
	return &Finder{
		// "<b>Warning</b>: msg in <b>/f.php</b> on line <b>3</b>" (OpenCart's
		// handlers and PHP with html_errors), "PHP Warning:  msg in /f.php
		// on line 3" and "Warning: msg in /f.php on line 3" (plain display).
		// An uncaught exception's stack trace runs over several lines up to
		// "thrown in … on line N". The " in FILE on line N" tail is what
		// tells a PHP message from text such as 4.0's "Warning: Incorrect
		// API Key!".
		labelled: regexp.MustCompile(`(?s)(?:<br\s*/?>\s*)?(?:<b>)?(?:PHP )?(` + labels + `)(?:</b>)?:\s+(.{0,1000}?)\s+in\s+(?:<b>)?([^\s<]+?)(?:</b>)?\s+on\s+line\s+(?:<b>)?(\d+)(?:</b>)?(?:\s*<br\s*/?>)?`),
		// 4.x exception handler: "<b>message</b>: in <b>/f.php</b> on line <b>3</b>".
		exception: regexp.MustCompile(`<b>([^<]{1,1000})</b>:\s+in\s+<b>([^\s<]+)</b>\s+on\s+line\s+<b>(\d+)</b>`),
		html:      regexp.MustCompile(`</?b>|<br\s*/?>`),
	}
}

// Message is one PHP message.
type Message struct {
	Kind string // Warning, Notice, Deprecated, Unknown (OpenCart's label for E_DEPRECATED), Fatal error…
	Text string // the message in plain text, with its file and line
}

// Find returns the PHP messages in body, at most max (0: all).
func (f *Finder) Find(body string, max int) []Message {
	var out []Message
	for _, loc := range f.spans(body) {
		if max > 0 && len(out) >= max {
			break
		}
		out = append(out, Message{Kind: loc.kind, Text: f.plain(body[loc.start:loc.end])})
	}
	return out
}

// Count is how many PHP messages body holds.
func (f *Finder) Count(body string) int { return len(f.spans(body)) }

// Strip removes every PHP message from body.
func (f *Finder) Strip(body string) string {
	spans := f.spans(body)
	if len(spans) == 0 {
		return body
	}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		b.WriteString(body[last:s.start])
		last = s.end
	}
	b.WriteString(body[last:])
	return b.String()
}

type span struct {
	start, end int
	kind       string
}

// spans are the messages in order, without overlaps.
func (f *Finder) spans(body string) []span {
	if !strings.Contains(body, " on line ") && !strings.Contains(body, "on line <b>") {
		return nil
	}
	var out []span
	for _, m := range f.labelled.FindAllStringSubmatchIndex(body, -1) {
		out = append(out, span{m[0], m[1], body[m[2]:m[3]]})
	}
	for _, m := range f.exception.FindAllStringSubmatchIndex(body, -1) {
		s := span{m[0], m[1], "Exception"}
		overlaps := false
		for _, o := range out {
			if s.start < o.end && o.start < s.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			out = append(out, s)
		}
	}
	if len(out) > 1 {
		sortSpans(out)
	}
	return out
}

func sortSpans(s []span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].start < s[j-1].start; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (f *Finder) plain(s string) string {
	s = f.html.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}
