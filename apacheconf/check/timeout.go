package check

import "math"

// apTimeout is httpd's ap_timeout_parameter_parse: a non-negative number
// (as apr_strtoi64 reads it) and a unit, s, h, ms or mi (only the letters
// that decide are read), defUnit when none is written; the length in
// microseconds, and false where httpd refuses it (no number where a unit
// should be, a negative one, one that overflows).
func apTimeout(s, defUnit string) (int64, bool) {
	v, rest, good := strtoff(s)
	if !good || v < 0 {
		return 0, false
	}
	unit := defUnit
	if rest != "" {
		unit = rest
	}
	const sec = 1000000
	if unit == "" {
		return 0, false
	}
	switch unit[0] {
	case 's':
		if v > math.MaxInt64/sec {
			return 0, false
		}
		return v * sec, true
	case 'h':
		if v > math.MaxInt64/3600/sec {
			return 0, false
		}
		return v * 3600 * sec, true
	case 'm':
		if len(unit) > 1 {
			switch unit[1] {
			case 's':
				if v > math.MaxInt64/1000 {
					return 0, false
				}
				return v * 1000, true
			case 'i':
				if v > math.MaxInt64/60/sec {
					return 0, false
				}
				return v * 60 * sec, true
			}
		}
	}
	return 0, false
}
