package importscript

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse reads the seed's script, the longest fixtures and a
// launcher with a class that builds its argv.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"blog.py", "postgres.py", "hostile.py", "breadth_class.py"} {
		src, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			b.Fatal(err)
		}
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
