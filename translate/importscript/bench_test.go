package importscript

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// BenchmarkParse reads the seed's script, the launcher each virtual host
// of the 10,000-host benchmark config has, the longest fixtures and a
// launcher with a class that builds its argv.
func BenchmarkParse(b *testing.B) {
	scripts := map[string][]byte{"seed_vhost.py": []byte(httpdtest.SeedLauncher(7))}
	names := []string{"seed_vhost.py", "blog.py", "postgres.py", "hostile.py", "breadth_class.py"}
	for _, name := range names[1:] {
		src, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			b.Fatal(err)
		}
		scripts[name] = src
	}
	for _, name := range names {
		src := scripts[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if l, diags := Parse(name, src, lookupFixtureEnv); l == nil {
					b.Fatal(diags)
				}
			}
		})
	}
}
