package provider

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// serverLoopChecks are the values the loop with this id has on the server,
// as the loop data sources must report them. Call it after the last change
// to the loop.
func serverLoopChecks(t *testing.T, s *testServer, id string) map[string]knownvalue.Check {
	t.Helper()
	l, ok := s.Loop(id)
	if !ok {
		t.Fatalf("the server has no loop %s", id)
	}
	members := make([]knownvalue.Check, 0, len(l.Members))
	var active, pending int64
	for _, m := range l.Members {
		var joinedAt knownvalue.Check = knownvalue.Null()
		if m.JoinedAt != nil {
			joinedAt = knownvalue.StringExact(m.JoinedAt.UTC().Format(time.RFC3339))
		}
		members = append(members, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"user_id":   knownvalue.StringExact(m.UserID),
			"email":     knownvalue.StringExact(m.Email),
			"status":    knownvalue.StringExact(m.Status),
			"joined_at": joinedAt,
		}))
		switch m.Status {
		case "active":
			active++
		case "pending":
			pending++
		}
	}
	return map[string]knownvalue.Check{
		"id":                  knownvalue.StringExact(l.ID),
		"name":                knownvalue.StringExact(l.Name),
		"description":         knownvalue.StringExact(l.Description),
		"icon":                knownvalue.StringExact(l.Icon),
		"creator_id":          knownvalue.StringExact(l.CreatorID),
		"members":             knownvalue.ListExact(members),
		"member_count":        knownvalue.Int64Exact(int64(len(l.Members))),
		"pending_count":       knownvalue.Int64Exact(pending),
		"active_member_count": knownvalue.Int64Exact(active),
		"created_at":          knownvalue.StringExact(l.CreatedAt.UTC().Format(time.RFC3339)),
		"updated_at":          knownvalue.StringExact(l.UpdatedAt.UTC().Format(time.RFC3339)),
	}
}

// expectAttributes checks every attribute of checks at the top level of a
// data source or resource.
func expectAttributes(address string, checks map[string]knownvalue.Check) []statecheck.StateCheck {
	out := make([]statecheck.StateCheck, 0, len(checks))
	for attr, check := range checks {
		out = append(out, statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), check))
	}
	return out
}

// A loop with active and pending reviewers, read by id and by name, with
// the shared snapshot and with one request per loop.
func TestAccLoopDataSource_byIDAndName(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	id := createLoop(t, s, s.APIKey(), "Content Moderation")
	createLoop(t, s, s.APIKey(), "Content Moderation (EU)")
	addMember(t, s, id, "alice@example.com", "active")
	addMember(t, s, id, "bob@example.com", "pending")
	addMember(t, s, id, "carol@example.com", "active")

	want := serverLoopChecks(t, s, id)
	dataSources := fmt.Sprintf(`
data "hitl_loop" "by_id" {
  id = %q
}

data "hitl_loop" "by_name" {
  name = "Content Moderation"
}
`, id)
	checks := append(expectAttributes("data.hitl_loop.by_id", want), expectAttributes("data.hitl_loop.by_name", want)...)
	// Literal values too, so that a mistake in serverLoopChecks cannot
	// hide one in the data source.
	checks = append(checks,
		statecheck.ExpectKnownValue("data.hitl_loop.by_name", tfjsonpath.New("id"), knownvalue.StringExact(id)),
		statecheck.ExpectKnownValue("data.hitl_loop.by_id", tfjsonpath.New("active_member_count"), knownvalue.Int64Exact(3)),
		statecheck.ExpectKnownValue("data.hitl_loop.by_id", tfjsonpath.New("pending_count"), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownValue("data.hitl_loop.by_id", tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("owner@example.com"), "status": knownvalue.StringExact("active")}),
			knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("alice@example.com"), "status": knownvalue.StringExact("active")}),
			knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("bob@example.com"), "status": knownvalue.StringExact("pending"), "joined_at": knownvalue.Null()}),
			knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("carol@example.com"), "status": knownvalue.StringExact("active")}),
		})),
	)

	testWithAndWithoutBatchRefresh(t, s, dataSources, checks)
}

// A data source that reads a loop managed in the same configuration waits
// for it to be created and reports the same loop.
func TestAccLoopDataSource_fromResource(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := s.providerBlock() + `
resource "hitl_loop" "test" {
  name        = "Contract Review"
  description = "Legal checks"
  icon        = "document-check"
}

data "hitl_loop" "by_id" {
  id = hitl_loop.test.id
}

data "hitl_loop" "by_name" {
  name = hitl_loop.test.name
}
`
	var checks []statecheck.StateCheck
	for _, ds := range []string{"data.hitl_loop.by_id", "data.hitl_loop.by_name"} {
		for _, attr := range []string{"id", "name", "description", "icon", "creator_id", "members", "member_count", "pending_count", "created_at", "updated_at"} {
			checks = append(checks, statecheck.CompareValuePairs(
				"hitl_loop.test", tfjsonpath.New(attr), ds, tfjsonpath.New(attr), compare.ValuesSame()))
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("active_member_count"), knownvalue.Int64Exact(1)),
			expectLoopOnServer(s, ds))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps:                    []resource.TestStep{{Config: cfg, ConfigStateChecks: checks}},
	})
}

// Lookups that cannot succeed fail the plan, each with its own error: an
// unknown id, a name nobody uses (names match exactly, including case), a
// name two loops share, and another account's loop, by name and by id.
func TestAccLoopDataSource_lookupErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	createLoop(t, s, s.APIKey(), "Content Moderation")
	twins := []string{createLoop(t, s, s.APIKey(), "Triage"), createLoop(t, s, s.APIKey(), "Triage")}
	sort.Strings(twins)
	createLoop(t, s, s.APIKey(), "Escalations")
	other := createLoop(t, s, s.AddUser("someone@example.org"), "Their Loop")
	const missing = "0123456789abcdef01234567"
	lookup := func(key, value string) string {
		return fmt.Sprintf("data \"hitl_loop\" \"test\" {\n  %s = %q\n}\n", key, value)
	}

	expectPlanErrors(t, s.providerBlock(), []invalidBlock{
		{"unknown id", lookup("id", missing),
			errorText("Error reading loop", `There is no loop with id "`+missing+`": HITL API answered 404 Not Found`)},
		{"name in another case", lookup("name", "content moderation"),
			errorText(`There is no loop named "content moderation" among the 4 loops of the API key's account`)},
		{"part of a name", lookup("name", "Content"), errorText("use the `hitl_loops` data source with `name_regex`")},
		{"shared name", lookup("name", "Triage"),
			errorText(fmt.Sprintf(`2 loops are named "Triage", so the name does not identify one: %s, %s. Look the loop up by `+"`id`", twins[0], twins[1]))},
		// The other account's loop is not among the API key's 4.
		{"another account's name", lookup("name", "Their Loop"), errorText(`There is no loop named "Their Loop" among the 4 loops`)},
		{"another account's id", lookup("id", other),
			errorText("Error reading loop", "HITL API answered 403 Forbidden to GET "+s.URL+"/api/loops/"+other+": Access denied to this loop",
				"Only the loop's creator and its active members can read it")},
	})
	// The shared list holds neither loop read by id; only a loop's own
	// GET can prove that it does not exist or is not readable.
	if got := s.Calls()["GET /api/loops/{id}"]; got < 2 {
		t.Errorf("the data sources reported loops they cannot read without asking for them: calls %v", s.Calls())
	}
}

// Invalid arguments fail at plan time, before any API call: for hitl_loop
// exactly one of id and name, and for hitl_loops a name_regex that is a
// regular expression.
func TestAccDataSources_invalidArguments(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	expectPlanErrors(t, s.providerBlock(), []invalidBlock{
		{"id and name", "data \"hitl_loop\" \"test\" {\n  id   = \"0123456789abcdef01234567\"\n  name = \"Triage\"\n}\n",
			errorText("Invalid Attribute Combination", "Exactly one of these attributes must be configured: [id,name]")},
		{"neither", "data \"hitl_loop\" \"test\" {\n}\n",
			errorText("Missing Attribute Configuration", "Exactly one of these attributes must be configured: [id,name]")},
		{"empty id", "data \"hitl_loop\" \"test\" {\n  id = \"\"\n}\n", errorText(`Attribute id string length must be at least 1`)},
		{"invalid name_regex", "data \"hitl_loops\" \"test\" {\n  name_regex = \"^(prod\"\n}\n",
			errorText("Invalid regular expression", "name_regex must be a regular expression in RE2 syntax", "missing closing )")},
	})
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("invalid arguments made %d API calls, want 0: %v", n, s.Calls())
	}
}
