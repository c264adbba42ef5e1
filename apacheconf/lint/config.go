package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"go.yaml.in/yaml/v4"
)

// ConfigName is the name of the project settings file, looked for in the
// linted file's directory and each directory above it.
const ConfigName = ".wsgidock.yaml"

// Config is the project's lint settings:
//
//	disable: [trailing-comment, proxy-reverse]   # codes not to report
//	enable: [proxy-reverse]                      # codes to report even if disabled above
//	fail-on: warning                             # error (default), warning or never
type Config struct {
	// Path is the file the settings were read from.
	Path    string
	Disable []string
	Enable  []string
	FailOn  FailOn
	// where are the positions of the codes, for errors.
	where map[string]string
}

// FindConfig looks for ConfigName in dir and the directories above it and
// returns its path, or "" when there is none.
func FindConfig(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(abs, ConfigName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		up := filepath.Dir(abs)
		if up == abs {
			return ""
		}
		abs = up
	}
}

// LoadConfig reads a settings file. Unknown keys, values of the wrong
// kind and an unknown fail-on are errors naming the file and line.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Path: path, where: map[string]string{}}
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: the settings must be a mapping (disable:, enable:, fail-on:)", path, root.Line, root.Column)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "disable", "enable":
			codes, err := codeList(path, v)
			if err != nil {
				return nil, err
			}
			for _, c := range codes {
				cfg.where[c.code] = fmt.Sprintf("%s:%d:%d", path, c.line, c.col)
				if k.Value == "disable" {
					cfg.Disable = append(cfg.Disable, c.code)
				} else {
					cfg.Enable = append(cfg.Enable, c.code)
				}
			}
		case "fail-on":
			switch f := FailOn(v.Value); f {
			case FailOnError, FailOnWarning, FailOnNever:
				cfg.FailOn = f
			default:
				return nil, fmt.Errorf("%s:%d:%d: fail-on is error, warning or never, not %q", path, v.Line, v.Column, v.Value)
			}
		default:
			return nil, fmt.Errorf("%s:%d:%d: unknown setting %q (known: disable, enable, fail-on)", path, k.Line, k.Column, k.Value)
		}
	}
	return cfg, nil
}

type codeAt struct {
	code      string
	line, col int
}

// codeList reads a list of codes: a sequence, or one string of codes
// separated by commas.
func codeList(path string, v *yaml.Node) ([]codeAt, error) {
	var out []codeAt
	switch v.Kind {
	case yaml.SequenceNode:
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s:%d:%d: a rule code is a string", path, e.Line, e.Column)
			}
			out = append(out, codeAt{strings.TrimSpace(e.Value), e.Line, e.Column})
		}
	case yaml.ScalarNode:
		for _, c := range SplitCodes([]string{v.Value}) {
			out = append(out, codeAt{c, v.Line, v.Column})
		}
	default:
		return nil, fmt.Errorf("%s:%d:%d: give a list of rule codes", path, v.Line, v.Column)
	}
	return out, nil
}

// SplitCodes splits comma-separated lists of codes, dropping empty ones.
func SplitCodes(lists []string) []string {
	var out []string
	for _, l := range lists {
		for _, c := range strings.Split(l, ",") {
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// CheckCodes returns an error for the first code of the settings that no
// rule has.
func (c *Config) CheckCodes(known map[string]apacheconf.Rule) error {
	for _, list := range [][]string{c.Disable, c.Enable} {
		for _, code := range list {
			if _, ok := known[code]; !ok {
				return fmt.Errorf("%s: unknown rule code %q; docs/rules.md lists the codes", c.where[code], code)
			}
		}
	}
	return nil
}
