package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// logFormatError is mod_log_config's parse_log_string: the first error in
// a LogFormat or CustomLog format, or "". Its items are the letters the
// loaded modules register with ap_register_log_handler: mod_log_config's
// own, mod_logio's (built in) and, with mod_ssl, %c and %x.
func (c *checker) logFormatError(s string) string {
	for s != "" {
		if s[0] != '%' {
			// parse_log_misc_string: literal text up to the next %.
			i := 0
			for i < len(s) && s[i] != '%' {
				i++
			}
			s = s[i:]
			continue
		}
		s = s[1:]
		if s != "" && s[0] == '%' {
			s = s[1:]
			continue
		}
		done := false
		for !done {
			if s == "" {
				return "Ran off end of LogFormat parsing args to some directive"
			}
			switch b := s[0]; {
			case b == '!' || b == '<' || b == '>' || b == ',':
				s = s[1:]
			case b == '{':
				s = getwordSkip(s[1:], '}')
			case b >= '0' && b <= '9':
				for s = s[1:]; s != "" && s[0] >= '0' && s[0] <= '9'; s = s[1:] {
				}
			default:
				if b == '^' && len(s) >= 3 && logItemsCaret[s[:3]] {
					s = s[3:]
				} else if c.logItem(b) {
					s = s[1:]
				} else {
					return "Unrecognized LogFormat directive %" + string(b)
				}
				done = true
			}
		}
	}
	return ""
}

// getwordSkip is what ap_getword leaves of s: the text after the first
// stop and any stops that follow it, or "" when there is none.
func getwordSkip(s string, stop byte) string {
	i := 0
	for i < len(s) && s[i] != stop {
		i++
	}
	for i < len(s) && s[i] == stop {
		i++
	}
	return s[i:]
}

// logItems are the one-letter items of mod_log_config and mod_logio;
// logItemsCaret the three-letter ones.
var logItems = func() (t [256]bool) {
	for _, b := range []byte("haAlutfbBionLeVvpPHmqXCkrDTUsRIOS") {
		t[b] = true
	}
	return t
}()

var logItemsCaret = map[string]bool{"^ti": true, "^to": true, "^FB": true}

// logItem reports whether b is a registered one-letter log item.
func (c *checker) logItem(b byte) bool {
	if logItems[b] {
		return true
	}
	return (b == 'c' || b == 'x') && c.hasModule("ssl_module")
}

// checkLogFormat is mod_log_config's log_format: the format is parsed,
// named or not.
func checkLogFormat(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	c.checkLogFormatArg(n, w)
}

// checkLogFormatArg refuses a format of LogFormat or CustomLog that
// parse_log_string refuses.
func (c *checker) checkLogFormatArg(n *apacheconf.Node, format string) {
	if msg := c.logFormatError(format); msg != "" {
		c.errorf(n, codeValue, "Write a literal percent sign as %; the items are listed in mod_log_config's documentation.", "%s", msg)
	}
}

// checkErrorLogFormat is core's set_errorlog_format: the main format
// (one argument), or a connection or request format.
func checkErrorLogFormat(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	var msg string
	switch {
	case len(w) == 1:
		msg = errorLogFormatError(w[0], true)
	case strings.EqualFold(w[0], "connection") || strings.EqualFold(w[0], "request"):
		msg = errorLogFormatError(w[1], false)
	default:
		msg = "ErrorLogFormat type must be one of request, connection"
	}
	if msg != "" {
		c.errorf(n, codeValue, "Write a literal percent sign as %; a main format needs %M, the message.", "%s", msg)
	}
}

// errorLogItems are the items core registers for ErrorLogFormat (%M is
// the message, handled apart).
var errorLogItems = func() (t [256]bool) {
	for _, b := range []byte("aAeEFiklLmnPtTvV") {
		t[b] = true
	}
	return t
}()

// errorLogFormatError is core's parse_errorlog_string: the first error
// in an ErrorLogFormat format, main (the one-argument form) or one of the
// once-per-connection or once-per-request formats.
func errorLogFormatError(s string, main bool) string {
	seenMsg := false
	for s != "" {
		var message, required bool
		var level uint32
		for s != "" {
			if s[0] != '%' {
				s = errorLogText(s)
				break
			}
			s = s[1:]
			if s != "" && s[0] == ' ' {
				// "% " is a field separator; the item goes on after it.
				s = s[1:]
				continue
			}
			err, rest, ok := errorLogItem(s, &message, &required, &level)
			if !ok {
				return err
			}
			s = rest
			break
		}
		if message {
			if !main {
				return "%M cannot be used in once-per-request or once-per-connection formats"
			}
			seenMsg = true
		}
		if main && required {
			return "The '+' flag cannot be used in the main error log format"
		}
		if !main && level != 0 {
			return "The loglevel cannot be used as a condition in once-per-request or once-per-connection formats"
		}
		if level > 15 {
			return "The specified loglevel modifier is out of range"
		}
	}
	if main && !seenMsg {
		return "main ErrorLogFormat must contain message format string '%M'"
	}
	return ""
}

// errorLogText is what parse_errorlog_misc_string leaves of s: literal
// text ends at a % or at a space after the text; a backslash takes the
// character after it.
func errorLogText(s string) string {
	atStart := true
	for s != "" && s[0] != '%' && (s[0] != ' ' || atStart) {
		switch {
		case s[0] != '\\':
			if s[0] != ' ' {
				atStart = false
			}
			s = s[1:]
		case len(s) >= 2:
			s = s[2:]
		default:
			s = s[1:]
		}
	}
	return s
}

// errorLogItem is parse_errorlog_item after its %: the flags, level and
// letter of one item, and the text after it.
func errorLogItem(s string, message, required *bool, level *uint32) (err, rest string, ok bool) {
	if s != "" && s[0] == '%' {
		return "", s[1:], true
	}
	for s != "" {
		switch b := s[0]; {
		case b == '{':
			s = getwordSkip(s[1:], '}')
		case b == '+':
			*required = true
			s = s[1:]
		case b == '-':
			s = s[1:]
		case b >= '0' && b <= '9':
			// An int accumulated as C does, stored unsigned.
			i := int32(b - '0')
			for s = s[1:]; s != "" && s[0] >= '0' && s[0] <= '9'; s = s[1:] {
				i = i*10 + int32(s[0]-'0')
			}
			*level = uint32(i)
		case b == 'M':
			*message = true
			return "", s[1:], true
		default:
			if !errorLogItems[b] {
				return "Unrecognized error log format directive %" + string(b), "", false
			}
			return "", s[1:], true
		}
	}
	return "Ran off end of error log format parsing args to some directive", "", false
}
