package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// testProviderFactories serve the provider in-process to the terraform CLI
// that terraform-plugin-testing runs.
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"hitl": providerserver.NewProtocol6WithError(New("test")()),
}

// testServer is an emulator on a random loopback port, stopped when the
// test ends. Each test has its own, so tests can run in parallel.
type testServer struct {
	*emulator.Emulator
	URL string
}

func newTestServer(t *testing.T, cfg emulator.Config) *testServer {
	t.Helper()
	e := emulator.New(cfg)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testServer{Emulator: e, URL: srv.URL + "/v1"}
}

// providerBlock configures the provider for this server. Extra lines go
// inside the block.
func (s *testServer) providerBlock(extra ...string) string {
	block := fmt.Sprintf("provider \"hitl\" {\n  base_url = %q\n  api_key  = %q\n", s.URL, s.APIKey())
	for _, line := range extra {
		block += "  " + line + "\n"
	}
	return block + "}\n"
}

func TestMain(m *testing.M) {
	// The acceptance tests must never reach a real account, whatever the
	// developer's environment holds.
	for _, env := range []string{envAPIKey, envBaseURL} {
		if err := os.Unsetenv(env); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
