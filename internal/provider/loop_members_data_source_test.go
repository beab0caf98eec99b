package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// serverMemberChecks are the members of a loop on the server, with status
// want (every member when empty), as hitl_loop_members must report them:
// ordered by email, nulls included.
func serverMemberChecks(t *testing.T, s *testServer, loopID, want string) knownvalue.Check {
	t.Helper()
	l, ok := s.Loop(loopID)
	if !ok {
		t.Fatalf("the server has no loop %s", loopID)
	}
	timeOrNull := func(v *time.Time) knownvalue.Check {
		if v == nil {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(v.UTC().Format(time.RFC3339))
	}
	byEmail := map[string]knownvalue.Check{}
	var emails []string
	for _, m := range l.Members {
		if want != "" && m.Status != want {
			continue
		}
		emails = append(emails, m.Email)
		byEmail[m.Email] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"user_id":     knownvalue.StringExact(m.UserID),
			"email":       knownvalue.StringExact(m.Email),
			"status":      knownvalue.StringExact(m.Status),
			"role":        knownvalue.StringExact(m.Role),
			"joined_at":   timeOrNull(m.JoinedAt),
			"last_active": timeOrNull(m.LastActive),
		})
	}
	sortEmails(emails)
	checks := make([]knownvalue.Check, 0, len(emails))
	for _, e := range emails {
		checks = append(checks, byEmail[e])
	}
	return knownvalue.ListExact(checks)
}

// Every field of every member, and the counts, as the server has them;
// ordered by email whatever order people joined in; filtered by status.
func TestAccLoopMembersDataSource(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Members")
	addMember(t, s, loopID, "zed@example.com", "active")
	addMember(t, s, loopID, "Amy@Example.com", "active")
	addMember(t, s, loopID, "pat@partner.io", "pending")
	admin := "admin"
	seen := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := s.ChangeMember(loopID, "zed@example.com", emulator.MemberChange{Role: &admin, LastActive: &seen}); err != nil {
		t.Fatal(err)
	}
	cfg := s.providerBlock() + fmt.Sprintf(`
data "hitl_loop_members" "all" {
  loop_id = %[1]q
}

data "hitl_loop_members" "pending" {
  loop_id = %[1]q
  status  = "pending"
}
`, loopID)
	counts := map[string]knownvalue.Check{
		"total_count":   knownvalue.Int64Exact(4),
		"active_count":  knownvalue.Int64Exact(3),
		"pending_count": knownvalue.Int64Exact(1),
		"loop_id":       knownvalue.StringExact(loopID),
	}
	checks := expectAttributes("data.hitl_loop_members.all", counts)
	checks = append(checks, expectAttributes("data.hitl_loop_members.pending", counts)...)
	checks = append(checks,
		statecheck.ExpectKnownValue("data.hitl_loop_members.all", tfjsonpath.New("members"), serverMemberChecks(t, s, loopID, "")),
		statecheck.ExpectKnownValue("data.hitl_loop_members.all", tfjsonpath.New("members"),
			memberEmails("Amy@Example.com", ownerEmail, "pat@partner.io", "zed@example.com")),
		statecheck.ExpectKnownValue("data.hitl_loop_members.all", tfjsonpath.New("status"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.hitl_loop_members.pending", tfjsonpath.New("members"), serverMemberChecks(t, s, loopID, "pending")),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:         s.ResetCalls,
			Config:            cfg,
			ConfigStateChecks: checks,
		}},
	})
	// One call per data source and read, and nothing else.
	if calls := s.Calls(); len(calls) != 1 || calls["GET /api/loops/{id}/members"] == 0 {
		t.Errorf("calls %v, want only member lists", calls)
	}
}

func sortEmails(emails []string) {
	slices.SortFunc(emails, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
}
