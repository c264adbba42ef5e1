package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// ServiceHash identifies what makes service s run: the project and every
// field of the service but where each came from (Origin, Where and the
// positions inside fields) and Hash itself. Editing one launcher, or one
// daemon group's directives, changes the hash of its service only;
// moving lines around changes none. It is the spec's per-service config
// hash, and what a reload compares.
func (spec *Spec) ServiceHash(s *Service) string {
	data, err := json.Marshal(s)
	if err != nil {
		// A Service is plain data: this cannot fail.
		panic(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		panic(err)
	}
	for _, k := range []string{"origin", "where", "hash"} {
		delete(v, k)
	}
	data, _ = json.Marshal(stripPositions(v))
	h := sha256.New()
	h.Write([]byte(spec.Project))
	h.Write([]byte{0})
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// stripPositions drops every position (an object of file, line and
// column) from a decoded JSON value.
func stripPositions(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if isPosition(e) {
				continue
			}
			out[k] = stripPositions(e)
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if !isPosition(e) {
				out = append(out, stripPositions(e))
			}
		}
		return out
	}
	return v
}

func isPosition(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	for k := range m {
		if k != "file" && k != "line" && k != "column" {
			return false
		}
	}
	return true
}
