package sandbox

import (
	"reflect"
	"testing"
)

func TestResultLaunch(t *testing.T) {
	base := []string{"HOME=/var/www", "PATH=/usr/bin:/bin"}
	tests := []struct {
		name    string
		res     Result
		program string
		args    []string
		env     []string
		replace bool
		dir     string
		shell   string
	}{
		{"exec with a changed environment", Result{Status: "launch", Call: "os.exec", Program: "/usr/bin/docker", Args: []string{"docker", "run", "x"},
			Env: []string{"A=1", "HOME=/var/www", "PATH=/usr/bin:/bin"}, Cwd: "/", Line: 3},
			"/usr/bin/docker", []string{"docker", "run", "x"}, []string{"A=1"}, false, "", ""},
		{"a variable removed", Result{Status: "launch", Call: "os.exec", Program: "/bin/x", Args: []string{"x"},
			Env: []string{"PATH=/usr/bin:/bin"}, Cwd: "/srv", Line: 1},
			"/bin/x", []string{"x"}, []string{"PATH=/usr/bin:/bin"}, true, "/srv", ""},
		{"os.system", Result{Status: "launch", Call: "os.system", Program: "/bin/sh", Args: []string{"/bin/sh", "-c", "FOO=bar docker run 'a b'"},
			Env: base, Cwd: "/", Line: 2},
			"docker", []string{"docker", "run", "a b"}, []string{"FOO=bar"}, false, "", "FOO=bar docker run 'a b'"},
		{"Popen of a bare name", Result{Status: "launch", Call: "subprocess.Popen", Program: "docker", Args: []string{"docker", "ps"},
			Env: base, Cwd: "/", Line: 2},
			"docker", []string{"docker", "ps"}, nil, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, err := tt.res.Launch("/srv/launch.py", base, "")
			if err != nil {
				t.Fatal(err)
			}
			if l.Program != tt.program || !reflect.DeepEqual(l.Args, tt.args) || !reflect.DeepEqual(l.Env, tt.env) ||
				l.ReplaceEnv != tt.replace || l.Dir != tt.dir || l.Shell != tt.shell || l.Pos.Line != tt.res.Line {
				t.Errorf("got %+v", l.Command)
			}
			if len(l.ArgPos) != len(l.Args) {
				t.Errorf("%d positions for %d arguments", len(l.ArgPos), len(l.Args))
			}
		})
	}
	if _, _, err := (&Result{Status: "exit: 0"}).Launch("/srv/launch.py", base, ""); err == nil {
		t.Error("a script that launches nothing gives a launch")
	}
}
