package phpconf

import (
	"math"
	"strconv"
	"strings"
)

// numberLiteral evaluates a Number token's text the way PHP does and
// returns PHP's string form of the value (what "." concatenation and
// (string) produce). ok is false for a literal PHP refuses, such as the
// legacy octal 089.
func numberLiteral(lit string, negative bool) (value string, typ ValueType, ok bool) {
	s := strings.ReplaceAll(lit, "_", "")
	if len(s) > 2 && s[0] == '0' {
		switch s[1] | 0x20 {
		case 'x':
			return intLiteral(s[2:], 16, negative)
		case 'b':
			return intLiteral(s[2:], 2, negative)
		case 'o':
			return intLiteral(s[2:], 8, negative)
		}
	}
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !isRangeErr(err) {
			return "", TypeUnknown, false
		}
		if negative {
			f = -f
		}
		return phpFloatString(f), TypeFloat, true
	}
	if len(s) > 1 && s[0] == '0' {
		return intLiteral(s[1:], 8, negative) // legacy octal: 0777
	}
	return intLiteral(s, 10, negative)
}

// intLiteral converts digits in base to PHP's value. Like PHP, a literal
// too big for a 64-bit integer becomes a float.
func intLiteral(digits string, base int, negative bool) (string, ValueType, bool) {
	u, err := strconv.ParseUint(digits, base, 64)
	if err == nil && u <= math.MaxInt64 {
		v := int64(u)
		if negative {
			v = -v
		}
		return strconv.FormatInt(v, 10), TypeInt, true
	}
	if err != nil && !isRangeErr(err) {
		return "", TypeUnknown, false
	}
	var f float64
	if base == 10 {
		f, _ = strconv.ParseFloat(digits, 64)
	} else {
		// PHP accumulates non-decimal overflowing literals in a double.
		for i := 0; i < len(digits); i++ {
			f = f*float64(base) + float64(hexVal(digits[i]))
		}
	}
	if negative {
		f = -f
	}
	return phpFloatString(f), TypeFloat, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// phpFloatString formats f like PHP's (string) cast with the default
// precision=14: 14 significant digits, trailing zeros dropped, exponent
// form ("1.0E+25", "1.5E-7") when the decimal exponent is below -4 or at
// least 15 digits long.
func phpFloatString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NAN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case f == 0:
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	// "d.ddddddddddddde±XX": 14 significant digits, correctly rounded.
	e := strconv.FormatFloat(f, 'e', 13, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	decpt := exp + 1 // digits before the decimal point
	var b strings.Builder
	b.WriteString(sign)
	switch {
	case decpt < -3 || decpt > 14:
		b.WriteByte(digits[0])
		b.WriteByte('.')
		if len(digits) > 1 {
			b.WriteString(digits[1:])
		} else {
			b.WriteByte('0')
		}
		b.WriteByte('E')
		if exp < 0 {
			b.WriteByte('-')
			exp = -exp
		} else {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(exp))
	case decpt <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -decpt))
		b.WriteString(digits)
	default:
		if len(digits) <= decpt {
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", decpt-len(digits)))
		} else {
			b.WriteString(digits[:decpt])
			b.WriteByte('.')
			b.WriteString(digits[decpt:])
		}
	}
	return b.String()
}
