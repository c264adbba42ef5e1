package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// writeGitHub writes GitHub Actions workflow commands, one per finding:
// ::error file=F,line=L,col=C,endLine=E,title=CODE::MESSAGE.
func writeGitHub(w io.Writer, ds apacheconf.Diagnostics, opts Options) error {
	for _, d := range ds {
		cmd := "notice"
		switch d.Severity {
		case apacheconf.SeverityError:
			cmd = "error"
		case apacheconf.SeverityWarning:
			cmd = "warning"
		}
		props := []string{"file=" + escapeProperty(relPath(d.Subject.Start.Filename, opts.BaseDir))}
		if d.Subject.Start.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", d.Subject.Start.Line))
			if d.Subject.Start.Column > 0 {
				props = append(props, fmt.Sprintf("col=%d", d.Subject.Start.Column))
			}
			props = append(props, fmt.Sprintf("endLine=%d", endLine(d)))
		}
		props = append(props, "title="+escapeProperty(d.Code))
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(message(d))); err != nil {
			return err
		}
	}
	return nil
}

// escapeData escapes a workflow command's message as the Actions toolkit
// does: %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value: as data, and also : and ,.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
