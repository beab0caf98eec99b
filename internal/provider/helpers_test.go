package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// The helpers that the package's tests share: the provider and the test
// server it talks to, patterns for values and error text, and checks of
// state and plans against what the server holds. A helper used by one
// test file stays in that file.

// --- The provider and its test server ---

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
// testWithAndWithoutBatchRefresh reads dataSources twice, with the
// provider's batched refresh and without it, and runs the same checks on
// both: the two ways must agree.
func testWithAndWithoutBatchRefresh(t *testing.T, s *testServer, dataSources string, checks []statecheck.StateCheck) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: s.providerBlock() + dataSources, ConfigStateChecks: checks},
			{Config: s.providerBlock("batch_refresh = false") + dataSources, ConfigStateChecks: checks},
		},
	})
}

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

// createLoop creates a loop through the API with the given key, as another
// configuration or the HITL.sh dashboard would, and returns its id.
func createLoop(t *testing.T, s *testServer, apiKey, name string) string {
	t.Helper()
	return s.createLoopOutside(t, apiKey, hitl.CreateLoopInput{Name: name, Description: "Reviews for " + name, Icon: "eye"})
}

// createLoop creates a loop on the server, outside Terraform, with an extra
// active reviewer. A loop in the test's own configuration would be destroyed
// with the requests, and deleting a loop deletes its requests, which would
// hide what destroying a request did.
func (s *testServer) createLoop(t *testing.T) string {
	t.Helper()
	id := s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "Production On-Call", Icon: "shield-check"})
	if _, err := s.AddMember(id, "oncall@example.com", "active"); err != nil {
		t.Fatal(err)
	}
	s.ResetCalls()
	return id
}

// addMember lets a reviewer join a loop, as the mobile app would.
func addMember(t *testing.T, s *testServer, loopID, email, status string) {
	t.Helper()
	if _, err := s.AddMember(loopID, email, status); err != nil {
		t.Fatal(err)
	}
}

// answerAfter makes the emulator answer every new request with value after
// delay, as a reviewer on the phone would.
func answerAfter(s *testServer, value any, delay time.Duration) {
	s.SetAutoResponder(func(emulator.Request) (any, time.Duration, bool) { return value, delay, true })
}

// answerByRelease answers each request with the answer for the first
// release its text names, as a reviewer reading the question would.
func answerByRelease(s *testServer, answers map[string]string) {
	s.SetAutoResponder(func(q emulator.Request) (any, time.Duration, bool) {
		for release, answer := range answers {
			if strings.Contains(q.RequestText, release) {
				return answer, 200 * time.Millisecond, true
			}
		}
		return nil, 0, false
	})
}

// expireRequestsAsTheyArrive times out every open request as soon as it
// appears, until the test ends: the API's shortest timeout is a minute.
func expireRequestsAsTheyArrive(t *testing.T, s *testServer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			for _, q := range s.Requests() {
				if q.Status == "pending" || q.Status == "claimed" {
					_ = s.ExpireRequest(q.ID) // It may have been answered meanwhile.
				}
			}
		}
	}()
}

// composeExamples copies files from examples/ into a fresh directory, the
// way a user combines the snippets of the documentation, and points the
// provider at s.
func composeExamples(t *testing.T, s *testServer, files ...string) string {
	t.Helper()
	return composeEditedExamples(t, s, nil, files...)
}

// composeEditedExamples is composeExamples with edit, when not nil,
// changing a file's content.
func composeEditedExamples(t *testing.T, s *testServer, edit func(name, content string) string, files ...string) string {
	t.Helper()
	return acctest.ComposeExamples(t, filepath.Join("..", "..", "examples"), s.URL, s.APIKey(), edit, files...)
}

// exampleConfigDir composes examples as composeExamples does, with extra as
// one more file of configuration.
func exampleConfigDir(t *testing.T, s *testServer, extra string, files ...string) string {
	t.Helper()
	dir := composeExamples(t, s, files...)
	if extra != "" {
		if err := os.WriteFile(filepath.Join(dir, "extra.tf"), []byte(extra), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// htmlNotFoundServer is a plain web server that answers every request with
// an HTML 404 page, and returns its URL.
func htmlNotFoundServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// --- Patterns: values and the CLI's error text ---

// Patterns of the values the API generates.
var (
	hexID         = regexp.MustCompile(`^[0-9a-f]{24}$`)
	inviteCode    = regexp.MustCompile(`^[A-Z0-9]{9}$`)
	joinURL       = regexp.MustCompile(`^https://my\.hitl\.sh/join/[A-Z0-9]{9}$`)
	qrCodeURL     = regexp.MustCompile(`^https://.+/qr/[A-Z0-9]{9}\.png$`)
	qrCodeDataURI = regexp.MustCompile(`^data:image/png;base64,iVBORw0KGgo`)
)

// errorText matches the terraform CLI's output when it holds the given
// fragments in order, however the CLI wraps their lines.
func errorText(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(parts, `[\s\S]*`))
}

// phrase matches words separated by any whitespace, since Terraform wraps
// long diagnostics.
func phrase(words string) *regexp.Regexp {
	return errorText(words)
}

// wrongEndpointError is the diagnostic for a 404 that is not the API's
// answer about a loop or request: it names the URL tried and base_url.
func wrongEndpointError(summary, url string) *regexp.Regexp {
	return errorText(summary, "404 Not Found to", url, "nothing is treated as deleted", "The request went to "+url,
		"Check `base_url` in the provider block, or the HITL_BASE_URL environment variable")
}

// htmlPageError is wrongEndpointError for a server that answers with an
// HTML page.
func htmlPageError(summary, method, url string) *regexp.Regexp {
	return errorText(summary, "404 Not Found to "+method+" "+url, "the response body was not JSON: <!DOCTYPE html>",
		"nothing is treated as deleted", "Check `base_url`")
}

// --- Checks of state and plans, and of what the server holds ---

// stateResource finds a managed resource or data source in a state by
// address.
func stateResource(state *tfjson.State, address string) (*tfjson.StateResource, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%s is not in state", address)
}

// stateCheckFunc adapts a function to statecheck.StateCheck.
type stateCheckFunc func(state *tfjson.State) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

// expectLoopOnServer checks that the loop in state at address exists on the
// emulator with the same attributes, so the state is the server's truth and
// not an echo of the configuration.
func expectLoopOnServer(s *testServer, address string) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error {
		r, err := stateResource(state, address)
		if err != nil {
			return err
		}
		id, _ := r.AttributeValues["id"].(string)
		loop, ok := s.Loop(id)
		if !ok {
			return fmt.Errorf("%s has id %q, which the server does not have", address, id)
		}
		want := map[string]any{
			"name":        loop.Name,
			"description": loop.Description,
			"icon":        loop.Icon,
			"creator_id":  loop.CreatorID,
		}
		if loop.InviteCode != "" && r.AttributeValues["invite_code"] != nil {
			want["invite_code"] = loop.InviteCode
		}
		for attr, v := range want {
			if got := r.AttributeValues[attr]; got != v {
				return fmt.Errorf("%s.%s is %v in state but %v on the server", address, attr, got, v)
			}
		}
		return nil
	})
}

// expectLoopCount checks how many loops the server holds, across accounts.
func expectLoopCount(s *testServer, want int) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error {
		if got := len(s.Loops()); got != want {
			return fmt.Errorf("the server holds %d loops, want %d", got, want)
		}
		return nil
	})
}

// stopFaults is a state check that ends the emulator's fault injection.
// State checks run right after the step's apply, so the framework's own
// plans after it (which must be empty) and the final destroy see an API
// that behaves.
func stopFaults(s *testServer) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error {
		s.SetFaults(emulator.Faults{})
		return nil
	})
}

// checkNoLoopsLeft is a CheckDestroy: after destroy the server must be
// empty.
func checkNoLoopsLeft(s *testServer) func(*terraform.State) error {
	return func(*terraform.State) error {
		if loops := s.Loops(); len(loops) != 0 {
			return fmt.Errorf("destroy left %d loops on the server, first %s", len(loops), loops[0].ID)
		}
		return nil
	}
}

// inRefreshedState runs a state check on a plan's prior state (the state
// as refreshed, unless the plan ran with -refresh=false), so that a
// plan-only step can check state and server.
func inRefreshedState(check stateCheckFunc) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error { return check(plan.PriorState) })
}

// planCheckFunc adapts a function to plancheck.PlanCheck.
type planCheckFunc func(plan *tfjson.Plan) error

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// expectStateMatchesServer checks that the loops in state are exactly the
// loops on the server: no orphans, no duplicates, nothing missing.
func expectStateMatchesServer(s *testServer) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error { return stateMatchesServer(s, state) })
}

func stateMatchesServer(s *testServer, state *tfjson.State) error {
	inState := map[string]bool{}
	if state.Values != nil {
		for _, r := range state.Values.RootModule.Resources {
			if id, ok := r.AttributeValues["id"].(string); ok && r.Type == "hitl_loop" {
				inState[id] = true
			}
		}
	}
	onServer := s.Loops()
	if len(onServer) != len(inState) {
		return fmt.Errorf("%d loops in state but %d on the server", len(inState), len(onServer))
	}
	for _, l := range onServer {
		if !inState[l.ID] {
			return fmt.Errorf("loop %s (%s) is on the server but not in state", l.ID, l.Name)
		}
	}
	return nil
}

// serverRequest returns the request that the resource at address refers to.
func serverRequest(s *testServer, state *tfjson.State, address string) (emulator.Request, map[string]any, error) {
	r, err := stateResource(state, address)
	if err != nil {
		return emulator.Request{}, nil, err
	}
	id, _ := r.AttributeValues["id"].(string)
	q, ok := s.Request(id)
	if !ok {
		return emulator.Request{}, nil, fmt.Errorf("%s has id %q, which the server does not have", address, id)
	}
	return q, r.AttributeValues, nil
}

// expectRequestOnServer checks that the request in state at address is the
// one the server holds, with the same values: the state is the server's
// truth, not an echo of the configuration.
func expectRequestOnServer(s *testServer, address string) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error {
		q, attrs, err := serverRequest(s, state, address)
		if err != nil {
			return err
		}
		loop, ok := s.Loop(q.LoopID)
		if !ok {
			return fmt.Errorf("the loop %s of request %s is gone", q.LoopID, q.ID)
		}
		active := 0
		for _, m := range loop.Members {
			if m.Status == "active" {
				active++
			}
		}
		want := map[string]any{
			"loop_id":         q.LoopID,
			"status":          q.Status,
			"request_text":    q.RequestText,
			"priority":        q.Priority,
			"processing_type": q.ProcessingType,
			"type":            q.Type,
			"response_type":   q.ResponseType,
			"created_at":      q.CreatedAt.UTC().Format(time.RFC3339),
			"timeout_at":      q.TimeoutAt.UTC().Format(time.RFC3339),
			// terraform-json keeps numbers as json.Number.
			"broadcasted_to": json.Number(fmt.Sprint(active)),
			"response":       nil,
			"response_data":  nil,
			"response_by":    nil,
			"response_at":    nil,
		}
		if q.ResponseData != nil {
			raw, _ := json.Marshal(q.ResponseData)
			text, _ := hitl.AnswerText(raw)
			want["response"] = text
			delete(want, "response_data") // Compared as JSON below.
		}
		if q.ResponseBy != "" {
			want["response_by"] = q.ResponseBy
		}
		if q.ResponseAt != nil {
			want["response_at"] = q.ResponseAt.UTC().Format(time.RFC3339)
		}
		for attr, v := range want {
			if got := attrs[attr]; got != v {
				return fmt.Errorf("%s.%s is %#v in state but %#v on the server", address, attr, got, v)
			}
		}
		if q.ResponseData != nil {
			var got any
			raw, _ := attrs["response_data"].(string)
			if err := json.Unmarshal([]byte(raw), &got); err != nil {
				return fmt.Errorf("%s.response_data is not JSON: %v", address, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(q.ResponseData) {
				return fmt.Errorf("%s.response_data is %v in state but %v on the server", address, got, q.ResponseData)
			}
		}
		return nil
	})
}

// serverRequestList lists the requests the emulator holds, in creation
// order, each by its status and, with answers, "=" and its answer.
func serverRequestList(s *testServer, answers bool) []string {
	var got []string
	for _, q := range s.Requests() {
		entry := q.Status
		if answers && q.ResponseData != nil {
			entry += "=" + fmt.Sprint(q.ResponseData)
		}
		got = append(got, entry)
	}
	return got
}

// expectServerStatuses checks the statuses of every request on the server,
// in creation order.
func expectServerStatuses(s *testServer, want ...string) error {
	if got := serverRequestList(s, false); !slices.Equal(got, want) {
		return fmt.Errorf("the server's requests have statuses %q, want %q", got, want)
	}
	return nil
}

// expectServerRequests checks the requests the emulator holds, in creation
// order, by status and answer, such as "completed=approve".
func expectServerRequests(s *testServer, want ...string) error {
	if got := serverRequestList(s, true); !slices.Equal(got, want) {
		return fmt.Errorf("the server holds requests %q, want %q", got, want)
	}
	return nil
}

func serverStatuses(s *testServer, want ...string) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error { return expectServerStatuses(s, want...) })
}

func checkServerStatusesAfterDestroy(s *testServer, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error { return expectServerStatuses(s, want...) }
}

// serverMembers returns the emails of a loop's members on the server,
// sorted.
func serverMembers(s *testServer, loopID string) []string {
	l, _ := s.Loop(loopID)
	out := make([]string, 0, len(l.Members))
	for _, m := range l.Members {
		out = append(out, m.Email)
	}
	slices.Sort(out)
	return out
}

// expectServerMembers checks who is in the loop on the server.
func expectServerMembers(s *testServer, loopID string, want ...string) stateCheckFunc {
	slices.Sort(want)
	return func(*tfjson.State) error {
		if got := serverMembers(s, loopID); !slices.Equal(got, want) {
			return fmt.Errorf("the server's members of loop %s are %v, want %v", loopID, got, want)
		}
		return nil
	}
}
