package launch

import "sync"

// concurrency bounds the engine requests and readiness attempts that
// each makes at once.
const concurrency = 8

// each calls f(0) to f(n-1), up to concurrency of them at once, and
// returns when all have returned.
func each(n int, f func(i int)) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, concurrency)
	for i := 0; i < n; i++ {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			f(i)
		}()
	}
	wg.Wait()
}
