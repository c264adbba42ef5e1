package main

import (
	"bufio"
	"bytes"
	"os"
)

// parseCmd is `wsgidock parse`.
type parseCmd struct {
	configFlags
	Flatten bool `help:"Print the effective configuration in the shape of httpd -t -D DUMP_CONFIG instead of the JSON tree."`
}

func (c *parseCmd) Run(io *streams) error {
	var size int64
	if st, err := os.Stat(c.File); err == nil {
		size = st.Size()
	}
	// The tree lives about four times the source and is nearly all parse
	// allocates, so a collection finds no garbage: none runs until the
	// heap reaches twice that (plus room for the runtime), as for lint.
	defer paceGC(-1, 64<<20+8*size)()
	tree, readErr, err := c.load(io.stderr)
	if err != nil {
		return err
	}
	if c.Flatten {
		if readErr != nil {
			return &exitError{code: exitFindings}
		}
		// Render fully before writing, so that a failure never leaves half
		// an output.
		var buf bytes.Buffer
		if err := tree.Flatten(&buf); err != nil {
			return err
		}
		_, err := io.stdout.Write(buf.Bytes())
		return err
	}
	w := bufio.NewWriterSize(io.stdout, 256<<10)
	if err := tree.WriteJSON(w, readErr); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if readErr != nil {
		return &exitError{code: exitFindings}
	}
	return nil
}
