package phpconf

import (
	"bytes"
	"errors"
	"fmt"
)

// MaxInputSize is the largest file Parse, Tokenize and SetVariables accept.
// A real config.php is about 2 KiB and a connector file a few KiB; the limit
// only keeps a hostile or wrong file (a log, a dump) from costing memory.
const MaxInputSize = 4 << 20

// maxNesting bounds how deeply "{$...}" interpolations may nest inside
// strings, so that a crafted file cannot recurse without limit.
const maxNesting = 64

// ErrTooLarge is returned for input larger than MaxInputSize.
var ErrTooLarge = errors.New("phpconf: file is larger than 4 MiB, so it is not a PHP config file")

// TokenKind classifies a token.
type TokenKind uint8

// Token kinds. Every byte of the input belongs to exactly one token.
const (
	InlineHTML TokenKind = iota + 1 // text outside <?php ... ?>, also the data after __halt_compiler();
	OpenTag                         // <?php (with the one whitespace character PHP swallows), <?= or <?
	CloseTag                        // ?> plus a directly following newline, which PHP swallows
	Whitespace                      // spaces, tabs and line breaks
	Comment                         // //, # and /* */ comments, including doc comments
	String                          // '...', "..." or `...` (also with a b prefix)
	Heredoc                         // <<<ID ... ID and nowdoc <<<'ID' ... ID
	Name                            // identifiers and keywords, also qualified names such as \define
	Variable                        // $name
	Number                          // integer and float literals
	Operator                        // punctuation and operators, longest match first
	Bad                             // a byte PHP rejects in code, such as a control character
)

var tokenKindNames = [...]string{
	InlineHTML: "InlineHTML",
	OpenTag:    "OpenTag",
	CloseTag:   "CloseTag",
	Whitespace: "Whitespace",
	Comment:    "Comment",
	String:     "String",
	Heredoc:    "Heredoc",
	Name:       "Name",
	Variable:   "Variable",
	Number:     "Number",
	Operator:   "Operator",
	Bad:        "Bad",
}

func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) && tokenKindNames[k] != "" {
		return tokenKindNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", k)
}

// Token is one lexical unit. Start and End are byte offsets into the source:
// the token's text is src[Start:End].
type Token struct {
	Kind  TokenKind
	Start int
	End   int
	// Interpolated is set on String and Heredoc tokens that insert
	// variables ($var, {$...}, ${...}) or run a command (`...`): their value
	// exists only at run time.
	Interpolated bool
}

// Text returns the token's source text.
func (t Token) Text(src []byte) string { return string(src[t.Start:t.End]) }

// SyntaxError reports input that PHP itself would refuse to compile, such
// as an unterminated string. Line is 1-based.
type SyntaxError struct {
	Offset int
	Line   int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("phpconf: line %d: %s", e.Line, e.Msg)
}

func syntaxError(src []byte, off int, format string, args ...any) *SyntaxError {
	if off > len(src) {
		off = len(src)
	}
	return &SyntaxError{
		Offset: off,
		Line:   1 + bytes.Count(src[:off], []byte{'\n'}),
		Msg:    fmt.Sprintf(format, args...),
	}
}

// Lexer produces the tokens of a PHP file one at a time, so that a caller
// that only needs a few of them does not hold a slice for the whole file.
type Lexer struct {
	src     []byte
	pos     int
	inCode  bool // false while reading inline HTML
	halting bool // saw __halt_compiler, waiting for its ";" or "?>"
	halted  bool // everything left is raw data
	err     error
}

// NewLexer returns a lexer positioned at the start of src, which starts in
// inline HTML mode like any PHP file.
func NewLexer(src []byte) *Lexer { return &Lexer{src: src} }

// Err returns the error that stopped the lexer, if any.
func (l *Lexer) Err() error { return l.err }

// Next returns the next token. ok is false at the end of the input or after
// an error; Err tells which.
func (l *Lexer) Next() (tok Token, ok bool) {
	if l.err != nil || l.pos >= len(l.src) {
		return Token{}, false
	}
	if l.halted {
		tok = Token{Kind: InlineHTML, Start: l.pos, End: len(l.src)}
		l.pos = len(l.src)
		return tok, true
	}
	if !l.inCode {
		return l.html(), true
	}
	tok, err := scanCode(l.src, l.pos, 0)
	if err != nil {
		l.err = err
		return Token{}, false
	}
	l.pos = tok.End
	switch tok.Kind {
	case CloseTag:
		l.inCode = false
		if l.halting {
			l.halted = true
		}
	case Name:
		if equalFold(l.src[tok.Start:tok.End], "__halt_compiler") {
			l.halting = true
		}
	case Operator:
		if l.halting && l.src[tok.Start] == ';' {
			l.halted = true
		}
	}
	return tok, true
}

// html reads inline HTML up to the next open tag, or the open tag itself.
func (l *Lexer) html() Token {
	start := l.pos
	i := bytes.Index(l.src[start:], []byte("<?"))
	if i != 0 {
		end := len(l.src)
		if i > 0 {
			end = start + i
		}
		l.pos = end
		return Token{Kind: InlineHTML, Start: start, End: end}
	}
	end := openTagEnd(l.src, start)
	l.pos = end
	l.inCode = true
	return Token{Kind: OpenTag, Start: start, End: end}
}

// openTagEnd returns the end of the open tag at src[start:] ("<?" known).
// "<?php" needs a following whitespace character (or the end of file) and
// swallows it; otherwise "<?" is a short open tag, which we accept because
// PHP's compiled-in default allows it and treating it as HTML would hide
// defines from us.
func openTagEnd(src []byte, start int) int {
	if len(src)-start >= 5 && equalFold(src[start:start+5], "<?php") {
		i := start + 5
		switch at(src, i) {
		case ' ', '\t', '\n':
			return i + 1
		case '\r':
			if at(src, i+1) == '\n' {
				return i + 2
			}
			return i + 1
		}
		if i == len(src) {
			return i
		}
	}
	if at(src, start+2) == '=' {
		return start + 3
	}
	return start + 2
}

// Tokenize returns every token of src. The tokens cover the input without
// gaps: the first starts at 0, each starts where the previous ended, and the
// last ends at len(src). On error the tokens read so far are returned too.
func Tokenize(src []byte) ([]Token, error) {
	if len(src) > MaxInputSize {
		return nil, ErrTooLarge
	}
	var toks []Token
	lx := NewLexer(src)
	for {
		t, ok := lx.Next()
		if !ok {
			return toks, lx.Err()
		}
		toks = append(toks, t)
	}
}

// scanCode returns the token starting at src[pos] in PHP code mode. depth
// counts the string interpolations we are inside. Every token it returns is
// at least one byte long, so callers always make progress.
func scanCode(src []byte, pos, depth int) (Token, error) {
	c := src[pos]
	tok := func(k TokenKind, end int) (Token, error) {
		return Token{Kind: k, Start: pos, End: end}, nil
	}
	switch {
	case isSpace(c):
		i := pos + 1
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		return tok(Whitespace, i)
	case c == '?' && at(src, pos+1) == '>':
		i := pos + 2
		switch at(src, i) {
		case '\n':
			i++
		case '\r':
			i++
			if at(src, i) == '\n' {
				i++
			}
		}
		return tok(CloseTag, i)
	case c == '#' && at(src, pos+1) == '[':
		return tok(Operator, pos+2) // PHP 8 attribute, not a comment
	case c == '#' || c == '/' && at(src, pos+1) == '/':
		return tok(Comment, lineCommentEnd(src, pos))
	case c == '/' && at(src, pos+1) == '*':
		if i := bytes.Index(src[pos+2:], []byte("*/")); i >= 0 {
			return tok(Comment, pos+2+i+2)
		}
		// PHP only warns about an unterminated comment and ends it at EOF.
		return tok(Comment, len(src))
	case c == '\'':
		return scanSingle(src, pos, pos+1)
	case c == '"' || c == '`':
		return scanDouble(src, pos, pos+1, c, depth)
	case c == '<' && bytes.HasPrefix(src[pos:], []byte("<<<")):
		if t, ok, err := scanHeredoc(src, pos, pos); ok || err != nil {
			return t, err
		}
	case c == '$' && isLabelStart(at(src, pos+1)):
		return tok(Variable, labelEnd(src, pos+1))
	case (c == 'b' || c == 'B') && (at(src, pos+1) == '\'' || at(src, pos+1) == '"'):
		// b'...' and b"..." are ordinary strings with a legacy prefix.
		if src[pos+1] == '\'' {
			return scanSingle(src, pos, pos+2)
		}
		return scanDouble(src, pos, pos+2, '"', depth)
	case (c == 'b' || c == 'B') && bytes.HasPrefix(src[pos+1:], []byte("<<<")):
		if t, ok, err := scanHeredoc(src, pos, pos+1); ok || err != nil {
			return t, err
		}
		return tok(Name, nameEnd(src, pos))
	case isLabelStart(c) || c == '\\' && isLabelStart(at(src, pos+1)):
		return tok(Name, nameEnd(src, pos))
	case isDigit(c) || c == '.' && isDigit(at(src, pos+1)):
		return tok(Number, numberEnd(src, pos))
	}
	end, known := operatorEnd(src, pos)
	if !known {
		return tok(Bad, end)
	}
	return tok(Operator, end)
}

// lineCommentEnd returns the end of a // or # comment: after the line break,
// or before a "?>", which ends PHP mode even inside such a comment.
func lineCommentEnd(src []byte, pos int) int {
	for i := pos; i < len(src); i++ {
		switch src[i] {
		case '\n':
			return i + 1
		case '\r':
			if at(src, i+1) == '\n' {
				return i + 2
			}
			return i + 1
		case '?':
			if at(src, i+1) == '>' {
				return i
			}
		}
	}
	return len(src)
}

// scanSingle scans a single-quoted string whose body starts at i.
func scanSingle(src []byte, start, i int) (Token, error) {
	for i < len(src) {
		switch src[i] {
		case '\\':
			i += 2
		case '\'':
			return Token{Kind: String, Start: start, End: i + 1}, nil
		default:
			i++
		}
	}
	return Token{}, syntaxError(src, start, "string started here is never closed")
}

// scanDouble scans a "..." or `...` string whose body starts at i. Inside
// {$...} and ${...} PHP reads code again (where quotes may nest), so those
// parts are skipped token by token.
func scanDouble(src []byte, start, i int, quote byte, depth int) (Token, error) {
	interp := quote == '`'
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\\':
			if at(src, i+1) == 'u' && at(src, i+2) == '{' {
				if _, _, err := unicodeEscape(src[i:]); err != nil {
					return Token{}, syntaxError(src, i, "%v", err)
				}
			}
			i += 2
		case c == quote:
			return Token{Kind: String, Start: start, End: i + 1, Interpolated: interp}, nil
		case c == '$' && isLabelStart(at(src, i+1)):
			interp = true
			i++
		case c == '$' && at(src, i+1) == '{', c == '{' && at(src, i+1) == '$':
			interp = true
			skip := i + 2
			if c == '{' {
				skip = i + 1 // code starts at the "$"
			}
			end, err := skipBraced(src, skip, depth+1)
			if err != nil {
				return Token{}, err
			}
			i = end
		default:
			i++
		}
	}
	return Token{}, syntaxError(src, start, "string started here is never closed")
}

// skipBraced reads code from i up to the "}" that closes an already opened
// "{", and returns the offset after it.
func skipBraced(src []byte, i, depth int) (int, error) {
	if depth > maxNesting {
		return 0, syntaxError(src, i, "strings nested more than %d levels deep", maxNesting)
	}
	open := 1
	for i < len(src) {
		t, err := scanCode(src, i, depth)
		if err != nil {
			return 0, err
		}
		i = t.End
		if t.Kind != Operator {
			continue
		}
		switch src[t.Start] {
		case '{':
			open++
		case '}':
			open--
			if open == 0 {
				return i, nil
			}
		}
	}
	return 0, syntaxError(src, i, "{ inside a string is never closed")
}

// scanHeredoc scans a heredoc or nowdoc whose "<<<" is at src[i]. ok is
// false when the text after "<<<" is not a heredoc header; PHP then reads
// "<<" and "<" as operators. The closing label may be indented and may be
// followed by any non-label character (PHP 7.3+ rules).
func scanHeredoc(src []byte, start, i int) (tok Token, ok bool, err error) {
	j := i + 3
	for at(src, j) == ' ' || at(src, j) == '\t' {
		j++
	}
	var quote byte
	if c := at(src, j); c == '\'' || c == '"' {
		quote = c
		j++
	}
	if !isLabelStart(at(src, j)) {
		return Token{}, false, nil
	}
	labelStart := j
	j = labelEnd(src, j)
	label := src[labelStart:j]
	if quote != 0 {
		if at(src, j) != quote {
			return Token{}, false, nil
		}
		j++
	}
	switch at(src, j) {
	case '\n':
		j++
	case '\r':
		j++
		if at(src, j) == '\n' {
			j++
		}
	default:
		return Token{}, false, nil
	}
	nowdoc := quote == '\''
	interp := false
	for line := j; ; {
		k := line
		for at(src, k) == ' ' || at(src, k) == '\t' {
			k++
		}
		if bytes.HasPrefix(src[k:], label) && !isLabelChar(at(src, k+len(label))) {
			return Token{Kind: Heredoc, Start: start, End: k + len(label), Interpolated: interp}, true, nil
		}
		for k < len(src) && src[k] != '\n' && src[k] != '\r' {
			c := src[k]
			if !nowdoc {
				if c == '\\' && k+1 < len(src) && src[k+1] != '\n' && src[k+1] != '\r' {
					k += 2
					continue
				}
				if c == '$' && (isLabelStart(at(src, k+1)) || at(src, k+1) == '{') || c == '{' && at(src, k+1) == '$' {
					interp = true
				}
			}
			k++
		}
		if k >= len(src) {
			return Token{}, false, syntaxError(src, start, "heredoc %s started here is never closed", label)
		}
		if src[k] == '\r' && at(src, k+1) == '\n' {
			k++
		}
		line = k + 1
	}
}

// nameEnd returns the end of a possibly qualified name (Foo\Bar, \define).
func nameEnd(src []byte, pos int) int {
	i := pos
	if src[i] == '\\' {
		i++
	}
	i = labelEnd(src, i)
	for at(src, i) == '\\' && isLabelStart(at(src, i+1)) {
		i = labelEnd(src, i+1)
	}
	return i
}

// labelEnd returns the end of the label whose first character is src[i].
func labelEnd(src []byte, i int) int {
	i++
	for i < len(src) && isLabelChar(src[i]) {
		i++
	}
	return i
}

// numberEnd returns the end of the number literal at src[pos], following
// PHP's LNUM/DNUM/EXPONENT/HNUM/BNUM/ONUM rules, "_" separators included.
func numberEnd(src []byte, pos int) int {
	if src[pos] == '0' {
		switch at(src, pos+1) | 0x20 {
		case 'x':
			if isHex(at(src, pos+2)) {
				return digitsEnd(src, pos+2, isHex)
			}
		case 'b':
			if isBin(at(src, pos+2)) {
				return digitsEnd(src, pos+2, isBin)
			}
		case 'o':
			if isOct(at(src, pos+2)) {
				return digitsEnd(src, pos+2, isOct)
			}
		}
	}
	i := pos
	if isDigit(src[i]) {
		i = digitsEnd(src, i, isDigit)
	}
	if at(src, i) == '.' {
		i++ // "1." is a float, and ".5" got here because a digit follows
		if isDigit(at(src, i)) {
			i = digitsEnd(src, i, isDigit)
		}
	}
	if at(src, i)|0x20 == 'e' {
		j := i + 1
		if c := at(src, j); c == '+' || c == '-' {
			j++
		}
		if isDigit(at(src, j)) {
			i = digitsEnd(src, j, isDigit)
		}
	}
	return i
}

// digitsEnd returns the end of a digit run starting at src[i] (a digit),
// allowing single "_" between digits.
func digitsEnd(src []byte, i int, digit func(byte) bool) int {
	i++
	for i < len(src) {
		switch {
		case digit(src[i]):
			i++
		case src[i] == '_' && digit(at(src, i+1)):
			i += 2
		default:
			return i
		}
	}
	return i
}

// Operators PHP reads as one token, longest first within each length.
var (
	operators3 = []string{"<=>", "===", "!==", "**=", "...", "<<=", ">>=", "??=", "?->"}
	operators2 = []string{"==", "!=", "<>", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=",
		".=", "%=", "&=", "|=", "^=", "->", "=>", "::", "<<", ">>", "??", "**"}
)

// singleOperators are the one-byte operators and punctuation.
const singleOperators = "!%&()*+,-./:;<=>?@[\\]^{|}~$"

// operatorEnd returns the end of the operator at src[pos]; known is false
// for a byte that is no PHP token at all.
func operatorEnd(src []byte, pos int) (end int, known bool) {
	rest := src[pos:]
	for _, op := range operators3 {
		if bytes.HasPrefix(rest, []byte(op)) {
			return pos + 3, true
		}
	}
	for _, op := range operators2 {
		if bytes.HasPrefix(rest, []byte(op)) {
			return pos + 2, true
		}
	}
	return pos + 1, bytes.IndexByte([]byte(singleOperators), src[pos]) >= 0
}

// at returns src[i], or 0 past the end; 0 never completes a PHP construct.
func at(src []byte, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isOct(c byte) bool   { return '0' <= c && c <= '7' }
func isBin(c byte) bool   { return c == '0' || c == '1' }
func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// PHP labels are ASCII letters, digits and "_" plus any byte >= 0x80.
func isLabelStart(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_' || c >= 0x80
}
func isLabelChar(c byte) bool { return isLabelStart(c) || isDigit(c) }

// equalFold reports whether b equals the ASCII string s ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
