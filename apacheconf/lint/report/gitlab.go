package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// writeGitLab writes a GitLab Code Quality report. A fingerprint is a hash
// of the relative path, the code, the text of the finding's source line
// and how many findings with those three came before it: it survives
// runs from other directories, lines moving and findings being reordered.
func writeGitLab(w io.Writer, ds apacheconf.Diagnostics, opts Options) error {
	issues := []gitlabIssue{}
	seen := map[string]int{}
	lines := apacheconf.NewSourceLines(opts.Source)
	for _, d := range ds {
		path := relPath(d.Subject.Start.Filename, opts.BaseDir)
		text, _ := lines.Line(d.Subject.Start)
		line := strings.TrimSpace(text)
		key := path + "\x00" + d.Code + "\x00" + line
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(n)))
		sev := "info"
		switch d.Severity {
		case apacheconf.SeverityError:
			sev = "major"
		case apacheconf.SeverityWarning:
			sev = "minor"
		}
		issues = append(issues, gitlabIssue{
			Description: message(d), CheckName: d.Code, Fingerprint: hex.EncodeToString(sum[:16]), Severity: sev,
			Location: gitlabLocation{Path: path, Lines: gitlabLines{Begin: max(1, d.Subject.Start.Line)}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}
