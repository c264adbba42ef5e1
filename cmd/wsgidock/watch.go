package main

import (
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// watchDebounce is how long the inputs must be quiet before a change
// reloads: an editor's save is several events, a checkout many.
const watchDebounce = 300 * time.Millisecond

// watcher reports changes to the inputs of a spec (the config files read
// and every launcher) on changes, one value per quiet spell. It watches
// their directories, so that an editor's save by rename is seen.
type watcher struct {
	w       *fsnotify.Watcher
	changes chan struct{}

	mu    sync.Mutex
	files map[string]bool
	dirs  map[string]bool
}

func newWatcher() (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, changes: make(chan struct{}, 1), files: map[string]bool{}, dirs: map[string]bool{}}
	go w.run()
	return w, nil
}

// inputs lists the files a spec was made from.
func inputs(tree *apacheconf.Tree, sp *spec.Spec) []string {
	var out []string
	for _, f := range tree.Files {
		out = append(out, f.Name)
	}
	for _, s := range sp.Services {
		if s.Origin.Script != "" {
			out = append(out, s.Origin.Script)
		}
	}
	return out
}

// set replaces the files watched.
func (w *watcher) set(files []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files = map[string]bool{}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		w.files[abs] = true
		if dir := filepath.Dir(abs); !w.dirs[dir] {
			if w.w.Add(dir) == nil {
				w.dirs[dir] = true
			}
		}
	}
}

func (w *watcher) run() {
	var timer *time.Timer
	for {
		select {
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			w.mu.Lock()
			ours := w.files[filepath.Clean(ev.Name)]
			w.mu.Unlock()
			if !ours || ev.Op == fsnotify.Chmod {
				continue
			}
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(watchDebounce, func() {
				select {
				case w.changes <- struct{}{}:
				default:
				}
			})
		case _, ok := <-w.w.Errors:
			if !ok {
				return
			}
		}
	}
}

func (w *watcher) close() { w.w.Close() }
