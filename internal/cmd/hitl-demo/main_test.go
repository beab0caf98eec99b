package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
)

func TestMain(m *testing.M) {
	// Fit the environment to the CLI under test (OpenTofu needs its own
	// registry host), so that a plain `go test` works under any CLI.
	_, cleanup, err := acctest.PrepareEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Where prebuiltProvider builds, if a test asks it to.
	if sharedBuild.dir, err = os.MkdirTemp("", "hitl-demo-provider-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	_ = os.RemoveAll(sharedBuild.dir)
	os.Exit(code)
}

// sharedBuild is the provider binary that the demo tests share: the build
// is the same for each of them, and linking the provider is most of a
// demo's CPU time.
var sharedBuild struct {
	once   sync.Once
	dir    string
	binary string
	err    error
}

// prebuiltProvider builds the provider the first time it is called, the
// way the demo does, and returns a build option that links the binary into
// the demo's plugin directory.
func prebuiltProvider(t *testing.T) func(context.Context, string) error {
	t.Helper()
	sharedBuild.once.Do(func() {
		var wd string
		if wd, sharedBuild.err = os.Getwd(); sharedBuild.err != nil {
			return
		}
		var root string
		if root, sharedBuild.err = devenv.FindModuleRoot(wd); sharedBuild.err != nil {
			return
		}
		var output bytes.Buffer
		sharedBuild.binary, sharedBuild.err = devenv.BuildProvider(context.Background(), root, sharedBuild.dir, &output, &output)
		if sharedBuild.err != nil {
			sharedBuild.err = fmt.Errorf("%w\n%s", sharedBuild.err, &output)
		}
	})
	if sharedBuild.err != nil {
		t.Fatal(sharedBuild.err)
	}
	return func(_ context.Context, dir string) error {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		return os.Symlink(sharedBuild.binary, filepath.Join(dir, filepath.Base(sharedBuild.binary)))
	}
}
