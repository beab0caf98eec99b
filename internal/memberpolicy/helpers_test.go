package memberpolicy

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// loopWithMembers serves e through h, creates a loop there with the given
// active members besides its creator, and returns a client, the loop's id
// and those members.
func loopWithMembers(t *testing.T, e *emulator.Emulator, h http.Handler, emails ...string) (*hitl.Client, string, []hitl.LoopMember) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := hitl.New(e.APIKey(), hitl.WithBaseURL(srv.URL+"/v1"))
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateLoop(t.Context(), hitl.CreateLoopInput{Name: "L", Icon: "eye"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.Loop.ID
	members := make([]hitl.LoopMember, 0, len(emails))
	for _, email := range emails {
		uid, err := e.AddMember(id, email, "active")
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, hitl.LoopMember{UserID: uid, Email: email})
	}
	return c, id, members
}
