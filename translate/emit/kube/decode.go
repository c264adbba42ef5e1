package kube

import (
	"encoding/json"
	"errors"
)

// decodeJSON reads data, the output of json.Marshal, into the generic
// value encoding/json's Decoder gives with UseNumber: maps, lists,
// strings, json.Number, booleans and nil. Strings with an escape, and
// anything unexpected, are left to the library; the tests compare the
// two on every fixture object and on random values.
func decodeJSON(data []byte) (map[string]any, error) {
	d := &jsonDecoder{data: data}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.space()
	m, ok := v.(map[string]any)
	if d.i != len(d.data) || !ok {
		return nil, errors.New("not one JSON object")
	}
	return m, nil
}

type jsonDecoder struct {
	data []byte
	i    int
}

var errJSON = errors.New("unexpected JSON")

func (d *jsonDecoder) space() {
	for d.i < len(d.data) && (d.data[d.i] == ' ' || d.data[d.i] == '\n' || d.data[d.i] == '\t' || d.data[d.i] == '\r') {
		d.i++
	}
}

func (d *jsonDecoder) value() (any, error) {
	d.space()
	if d.i >= len(d.data) {
		return nil, errJSON
	}
	switch c := d.data[d.i]; {
	case c == '{':
		d.i++
		m := map[string]any{}
		d.space()
		if d.i < len(d.data) && d.data[d.i] == '}' {
			d.i++
			return m, nil
		}
		for {
			d.space()
			k, err := d.string()
			if err != nil {
				return nil, err
			}
			d.space()
			if d.i >= len(d.data) || d.data[d.i] != ':' {
				return nil, errJSON
			}
			d.i++
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			m[k] = v
			d.space()
			if d.i >= len(d.data) {
				return nil, errJSON
			}
			d.i++
			switch d.data[d.i-1] {
			case ',':
			case '}':
				return m, nil
			default:
				return nil, errJSON
			}
		}
	case c == '[':
		d.i++
		s := []any{}
		d.space()
		if d.i < len(d.data) && d.data[d.i] == ']' {
			d.i++
			return s, nil
		}
		for {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			s = append(s, v)
			d.space()
			if d.i >= len(d.data) {
				return nil, errJSON
			}
			d.i++
			switch d.data[d.i-1] {
			case ',':
			case ']':
				return s, nil
			default:
				return nil, errJSON
			}
		}
	case c == '"':
		return d.string()
	case c == 't' || c == 'f' || c == 'n':
		for _, w := range []struct {
			text string
			v    any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(d.data)-d.i >= len(w.text) && string(d.data[d.i:d.i+len(w.text)]) == w.text {
				d.i += len(w.text)
				return w.v, nil
			}
		}
		return nil, errJSON
	case c == '-' || '0' <= c && c <= '9':
		start := d.i
		for d.i < len(d.data) && (d.data[d.i] == '-' || d.data[d.i] == '+' || d.data[d.i] == '.' || d.data[d.i] == 'e' || d.data[d.i] == 'E' || '0' <= d.data[d.i] && d.data[d.i] <= '9') {
			d.i++
		}
		n := json.Number(d.data[start:d.i])
		if !json.Valid([]byte(n)) {
			return nil, errJSON
		}
		return n, nil
	}
	return nil, errJSON
}

// string reads a JSON string; one with an escape or a control byte is
// decoded by the library.
func (d *jsonDecoder) string() (string, error) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", errJSON
	}
	start := d.i
	d.i++
	plain := true
	for d.i < len(d.data) {
		switch c := d.data[d.i]; {
		case c == '"':
			d.i++
			if plain {
				return string(d.data[start+1 : d.i-1]), nil
			}
			var s string
			err := json.Unmarshal(d.data[start:d.i], &s)
			return s, err
		case c == '\\':
			plain = false
			d.i += 2
		default:
			if c < 0x20 || c >= 0x80 {
				plain = false // the library checks and replaces what is not UTF-8
			}
			d.i++
		}
	}
	return "", errJSON
}
