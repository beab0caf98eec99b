package provider

import (
	"context"
	"sync"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// loopCreateGroups coordinates the loop creates of one provider process
// that send the same name, description and icon: the instances of one
// `count` or `for_each` whose loops are alike.
//
// When several of them lose their create answers, each finds the same
// loops, and the loops cannot be told apart. They need not be: alike
// loops are interchangeable, so each instance adopts one of them, as long
// as there are no more of them than instances still looking. Two rules
// keep that safe:
//   - a lookup runs only while no create of the group is in flight, so
//     that a loop whose answer is still on its way is never taken;
//   - a loop taken by one instance is reserved from the others.
//
// More loops than instances means that someone else made one alike
// meanwhile; then none is adopted, and each instance fails naming them.
// The zero value is ready to use.
type loopCreateGroups struct {
	mu     sync.Mutex
	groups map[hitl.CreateLoopInput]*loopCreateGroup
}

type loopCreateGroup struct {
	sending    int // creates sent whose outcome is not known yet
	listing    int // lookups under way
	recovering int // creates whose answer was lost and that have not looked yet
	reserved   map[string]bool
	// changed is closed and replaced whenever sending or listing drops.
	changed chan struct{}
}

// group returns in's group; the caller holds g.mu.
func (g *loopCreateGroups) group(in hitl.CreateLoopInput) *loopCreateGroup {
	if g.groups == nil {
		g.groups = map[hitl.CreateLoopInput]*loopCreateGroup{}
	}
	grp := g.groups[in]
	if grp == nil {
		grp = &loopCreateGroup{reserved: map[string]bool{}, changed: make(chan struct{})}
		g.groups[in] = grp
	}
	return grp
}

// waitUntil waits, with g.mu held on entry and on return, until ready
// holds or ctx ends.
func (g *loopCreateGroups) waitUntil(ctx context.Context, grp *loopCreateGroup, ready func() bool) error {
	for !ready() {
		changed := grp.changed
		g.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			g.mu.Lock()
			return context.Cause(ctx)
		}
		g.mu.Lock()
	}
	return nil
}

func (grp *loopCreateGroup) signal() {
	close(grp.changed)
	grp.changed = make(chan struct{})
}

// send runs create as one create of in's group: not while a lookup of the
// group is under way, and counted as in flight until the loop it made, if
// any, is claimed. ctx is
// the operation's: when it ends first, nothing is sent.
func (g *loopCreateGroups) send(ctx context.Context, in hitl.CreateLoopInput, claims *claimSet, create func() (id string, err error)) error {
	g.mu.Lock()
	grp := g.group(in)
	if g.waitUntil(ctx, grp, func() bool { return grp.listing == 0 }) != nil {
		g.mu.Unlock()
		return notSent(ctx)
	}
	grp.sending++
	g.mu.Unlock()

	id, err := create()

	g.mu.Lock()
	defer g.mu.Unlock()
	if err == nil {
		// Claimed before it stops counting as in flight, so that no
		// lookup ever sees it unclaimed.
		claims.claim(id)
	}
	grp.sending--
	if hitl.IsUncertain(err) || hitl.IsServerError(err) {
		grp.recovering++
	}
	grp.signal()
	return err
}

// find runs list, which returns the loops alike to in made since the
// create began, as the lookup of one create of in's group whose answer
// was lost, and returns the candidates for this create: one loop reserved
// for it when the unclaimed loops are no more than the group's creates
// still looking, all unclaimed loops when they are more, none when there
// are none.
func (g *loopCreateGroups) find(ctx context.Context, in hitl.CreateLoopInput, claims *claimSet, list func() (map[string]*hitl.Loop, error)) (map[string]*hitl.Loop, error) {
	g.mu.Lock()
	grp := g.group(in)
	defer func() {
		grp.recovering--
		g.mu.Unlock()
	}()
	if err := g.waitUntil(ctx, grp, func() bool { return grp.sending == 0 }); err != nil {
		return nil, err
	}
	grp.listing++
	g.mu.Unlock()
	found, err := list()
	g.mu.Lock()
	grp.listing--
	grp.signal()
	if err != nil {
		return nil, err
	}

	free := map[string]*hitl.Loop{}
	var first string
	for id, l := range found {
		if grp.reserved[id] || claims.claimed(id) {
			continue
		}
		free[id] = l
		if first == "" || id < first {
			first = id
		}
	}
	if len(free) == 0 || len(free) > grp.recovering {
		return free, nil
	}
	grp.reserved[first] = true
	return map[string]*hitl.Loop{first: free[first]}, nil
}
