package httpdtable

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// loadLine is one LoadModule line of a Debian mods-available/*.load file.
type loadLine struct {
	Symbol string
	// At is "FILE:LINE" of the line, for messages.
	At string
}

// readLoadFiles reads the LoadModule lines of dir/*.load, keyed by the base
// name of the .so file they load. Debian names the symbol there for every
// module it enables with a2enmod.
func readLoadFiles(dir string) (map[string]loadLine, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.load"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.load files in %s: is Debian's apache2 installed?", dir)
	}
	loads := map[string]loadLine{}
	for _, file := range files {
		if err := readLoadFile(file, loads); err != nil {
			return nil, err
		}
	}
	return loads, nil
}

func readLoadFile(file string, loads map[string]loadLine) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") || !strings.EqualFold(fields[0], "LoadModule") {
			continue
		}
		at := fmt.Sprintf("%s:%d", file, n)
		if len(fields) != 3 {
			return fmt.Errorf("%s: LoadModule takes a module symbol and a file, got %d words", at, len(fields)-1)
		}
		so := path.Base(strings.Trim(fields[2], `"`))
		if prev, ok := loads[so]; ok {
			return fmt.Errorf("%s: %s is loaded again (first at %s)", at, so, prev.At)
		}
		loads[so] = loadLine{Symbol: fields[1], At: at}
	}
	return sc.Err()
}
