package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// mod_xml2enc's xml2EncDefault and xml2EncAlias: the charset goes
// through libxml2's xmlParseCharEncoding (of the installed libxml2 2.9),
// which knows a fixed list of names, upper-cased, after the aliases
// xml2EncAlias defined before (xmlAddEncodingAlias).

// libxmlEncodings are the names libxml2 2.9's xmlParseCharEncoding knows.
var libxmlEncodings = upperSet("UTF-8", "UTF8", "UTF-16", "UTF16", "ISO-10646-UCS-2", "UCS-2", "UCS2",
	"ISO-10646-UCS-4", "UCS-4", "UCS4", "ISO-8859-1", "ISO-LATIN-1", "ISO LATIN 1", "ISO-8859-2", "ISO-LATIN-2",
	"ISO LATIN 2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7", "ISO-8859-8",
	"ISO-8859-9", "ISO-2022-JP", "SHIFT_JIS", "EUC-JP")

func upperSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToUpper(n)] = true
	}
	return m
}

// checkXML2EncDefault is mod_xml2enc's set_default.
func checkXML2EncDefault(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, _ := apacheconf.GetwordConf(n.Args)
	if alias, ok := c.xmlAliases[strings.ToUpper(name)]; ok {
		name = alias
	}
	upper := strings.ToUpper(name)
	if len(upper) > 499 {
		upper = upper[:499]
	}
	switch {
	case upper == "":
		c.errorf(n, codeValue, "", "Default charset not found")
	case !libxmlEncodings[upper]:
		c.errorf(n, codeValue, "libxml2 knows UTF-8, UTF-16, UCS-2, UCS-4, ISO-8859-1 to ISO-8859-9, ISO-2022-JP, Shift_JIS and EUC-JP; xml2EncAlias can name others after them.",
			"Invalid or unsupported default charset")
	}
}

// recordXML2EncAlias is mod_xml2enc's set_alias: each alias names the
// charset for the lines after it.
func recordXML2EncAlias(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if c.xmlAliases == nil {
		c.xmlAliases = map[string]string{}
	}
	for _, alias := range w[1:] {
		c.xmlAliases[strings.ToUpper(alias)] = w[0]
	}
}

var xml2encHandlers = map[string]handler{
	"xml2EncDefault": checkXML2EncDefault,
	"xml2EncAlias":   recordXML2EncAlias,
}
