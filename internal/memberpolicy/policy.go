// Package memberpolicy decides who may stay in a loop and removes the
// others. It is the engine of the hitl_loop_member_policy resource, kept
// free of Terraform imports so it can be read and tested alone.
//
// Anyone with a loop's invite code, join URL or QR code can join it, and a
// removed member can rejoin with the same code, so a policy is checked on
// every plan and enforced on every apply rather than applied once.
package memberpolicy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// Policy says who may be a member of a loop: the exact addresses in
// Emails, and anyone whose address is at one of Domains. Both are compared
// case-insensitively. The loop's creator always stays: the API does not
// allow removing them.
type Policy struct {
	Emails  []string
	Domains []string
	// IncludePending applies the policy to members whose invitation is
	// still pending too; when false they are left alone.
	IncludePending bool
}

// Allows reports whether the policy lets a member with this address stay.
func (p Policy) Allows(email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	for _, e := range p.Emails {
		if strings.ToLower(strings.TrimSpace(e)) == email {
			return true
		}
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := email[at+1:]
	for _, d := range p.Domains {
		if strings.ToLower(strings.TrimSpace(d)) == domain {
			return true
		}
	}
	return false
}

// Decision is the policy applied to a member list.
type Decision struct {
	// Keep are the members who stay: those the policy allows, the
	// creator, and pending members when the policy leaves them alone.
	Keep []hitl.LoopMember
	// Remove are the members outside the policy.
	Remove []hitl.LoopMember
	// CreatorOutside is the creator when the policy does not allow them;
	// they stay all the same.
	CreatorOutside *hitl.LoopMember
}

// Decide applies the policy to members of a loop whose creator has the
// user id creatorID. Both lists of the decision are sorted by email.
func (p Policy) Decide(members []hitl.LoopMember, creatorID string) Decision {
	var d Decision
	for _, m := range members {
		allowed := p.Allows(m.Email)
		switch {
		case m.UserID == creatorID:
			if !allowed {
				creator := m
				d.CreatorOutside = &creator
			}
			d.Keep = append(d.Keep, m)
		case allowed, m.Status == hitl.MemberPending && !p.IncludePending:
			d.Keep = append(d.Keep, m)
		default:
			d.Remove = append(d.Remove, m)
		}
	}
	SortByEmail(d.Keep)
	SortByEmail(d.Remove)
	return d
}

// SortByEmail orders members by email, case-insensitively, then by user
// id, so that lists built from them do not reorder between reads.
func SortByEmail(members []hitl.LoopMember) {
	sort.SliceStable(members, func(i, j int) bool {
		a, b := strings.ToLower(members[i].Email), strings.ToLower(members[j].Email)
		if a != b {
			return a < b
		}
		return members[i].UserID < members[j].UserID
	})
}

// Emails returns the members' addresses, in their order.
func Emails(members []hitl.LoopMember) []string {
	out := make([]string, len(members))
	for i := range members {
		out[i] = members[i].Email
	}
	return out
}

var (
	domainLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	localPart   = regexp.MustCompile(`^[a-z0-9!#$%&'*+/=?^_` + "`" + `{|}~.-]+$`)
)

// CheckDomain reports what is wrong with a domain name of an allow-list,
// such as "example.com", or nil when it is fine.
func CheckDomain(domain string) error {
	d := strings.ToLower(domain)
	switch {
	case d == "":
		return errors.New("a domain must not be empty")
	case strings.Contains(d, "@"):
		return fmt.Errorf("%q is not a domain name: give the part after the @, such as %q", domain, d[strings.LastIndexByte(d, '@')+1:])
	case strings.TrimSpace(d) != d:
		return fmt.Errorf("%q has spaces around it", domain)
	case len(d) > 253:
		return fmt.Errorf("%q is longer than 253 characters", domain)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is not a domain name: it needs at least two labels, such as example.com", domain)
	}
	for _, l := range labels {
		if !domainLabel.MatchString(l) {
			return fmt.Errorf("%q is not a domain name: each dot-separated label must be 1 to 63 letters, digits or "+
				"hyphens, not starting or ending with a hyphen", domain)
		}
	}
	return nil
}

// CheckEmail reports what is wrong with an email address of an
// allow-list, or nil when it is fine.
func CheckEmail(email string) error {
	e := strings.ToLower(email)
	at := strings.LastIndexByte(e, '@')
	switch {
	case strings.TrimSpace(e) != e:
		return fmt.Errorf("%q has spaces around it", email)
	case at <= 0 || at == len(e)-1:
		return fmt.Errorf("%q is not an email address: it needs a name, an @ and a domain, such as reviewer@example.com", email)
	case len(e) > 254:
		return fmt.Errorf("%q is longer than 254 characters", email)
	case !localPart.MatchString(e[:at]) || strings.HasPrefix(e, ".") || strings.Contains(e[:at], ".."):
		return fmt.Errorf("%q is not an email address: the part before the @ has characters that addresses cannot hold", email)
	}
	if err := CheckDomain(e[at+1:]); err != nil {
		return fmt.Errorf("%q is not an email address: its domain is not valid", email)
	}
	return nil
}

// Enforce removes members from a loop, one after the other, and returns
// those it removed (or found already gone). It stops at the first failure.
//
// ctx is the operation's context. Once it is cancelled (an interrupted
// apply), no further removal starts; a removal already sent is seen
// through, with its confirmation, under a context that ignores the
// cancellation but keeps ctx's deadline.
func Enforce(ctx context.Context, c *hitl.Client, loopID string, remove []hitl.LoopMember) ([]hitl.LoopMember, error) {
	var removed []hitl.LoopMember
	for _, m := range remove {
		if err := ctx.Err(); err != nil {
			return removed, fmt.Errorf("interrupted before removing %s: %w", m.Email, err)
		}
		if err := removeOne(ctx, c, loopID, m.UserID); err != nil {
			return removed, fmt.Errorf("removing %s (user %s): %w", m.Email, m.UserID, err)
		}
		removed = append(removed, m)
	}
	return removed, nil
}

func removeOne(ctx context.Context, c *hitl.Client, loopID, userID string) error {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		detached, cancel = context.WithDeadline(detached, deadline)
		defer cancel()
	}
	return c.EnsureMemberRemoved(detached, loopID, userID)
}
