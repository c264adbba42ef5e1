package importscript

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// runPython runs a Python program that reads JSON on stdin and writes
// JSON on stdout, for the differential tests. It skips the test when
// python3 is not installed.
func runPython(t *testing.T, program string, in, out any) {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the differential tests compare with it (apt-get install python3)")
	}
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", program)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.Bytes())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("python3 output: %v\n%s", err, stdout)
	}
}
