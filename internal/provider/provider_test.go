package provider

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// testProviderFactories serve the provider in-process to the terraform CLI
// that terraform-plugin-testing runs.
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"hitl": NewProtocol6ServerWithError(New("test")()),
}

// testServer is an emulator on a random loopback port, stopped when the
// test ends. Each test has its own, so tests can run in parallel.
type testServer struct {
	*emulator.Emulator
	URL string

	mu     sync.Mutex
	agents map[string]bool // the User-Agent headers of the calls
}

func newTestServer(t *testing.T, cfg emulator.Config) *testServer {
	t.Helper()
	s := &testServer{Emulator: emulator.New(cfg), agents: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.agents[r.UserAgent()] = true
		s.mu.Unlock()
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v1"
	return s
}

// userAgents returns the distinct User-Agent headers of the calls so far.
func (s *testServer) userAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.agents))
}

// providerBlock declares the provider's source and configures it for this
// server. Extra lines go inside the provider block.
func (s *testServer) providerBlock(extra ...string) string {
	block := acctest.RequiredProviders + fmt.Sprintf("\nprovider \"hitl\" {\n  base_url = %q\n  api_key  = %q\n", s.URL, s.APIKey())
	for _, line := range extra {
		block += "  " + line + "\n"
	}
	return block + "}\n"
}

// createLoopOutside creates a loop through the API with apiKey, as another
// tool or person would, outside Terraform, and returns its id.
func (s *testServer) createLoopOutside(t *testing.T, apiKey string, in hitl.CreateLoopInput) string {
	t.Helper()
	c, err := hitl.New(apiKey, hitl.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateLoop(t.Context(), in)
	if err != nil {
		t.Fatalf("creating loop %q: %v", in.Name, err)
	}
	return created.Loop.ID
}

func TestMain(m *testing.M) {
	// The acceptance tests must never reach a real account, whatever the
	// developer's environment holds.
	for _, env := range []string{envAPIKey, envBaseURL} {
		if err := os.Unsetenv(env); err != nil {
			panic(err)
		}
	}
	// Fit the environment to the CLI under test (OpenTofu needs its own
	// registry host), so that a plain `go test` works under any CLI.
	cli, cleanup, err := acctest.PrepareEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCLI = cli
	acctest.UseProviderSource()
	// As in the released binary: the SDK's TRACE logs cost CPU that the
	// parallel tests share, and nothing reads them unless TF_LOG is set.
	QuietDiscardedSDKLogs()
	code := m.Run()
	cleanup()
	os.Exit(code)
}
