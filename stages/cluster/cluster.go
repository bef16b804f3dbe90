// Package cluster groups articles into families: the connected components
// of the verified edges (union-find with path halving).
//
// Every article is in exactly one cluster; an article with no edge is a
// cluster of one. A cluster's ID is the first 16 hex digits of the SHA-256 of
// an unambiguous encoding of its members' article IDs, sorted by byte value:
// the same members give the same ID in every run, whatever the input order,
// and different member lists give different encodings.
//
// The encoding is each ID as its length in bytes (unsigned varint) followed
// by its bytes, so no ID can pass for two: the one-member cluster ["a\nb"]
// and the two-member cluster ["a", "b"] hash "\x03a\nb" and "\x01a\x01b".
//
// Clusters are ordered largest first, then by ID; members by article ID.
package cluster

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/dedupe/dedupe/pipeline"
)

// Components returns the connected components of n nodes joined by edges,
// each as ascending node indexes, in order of their smallest node.
func Components(n int, edges []pipeline.Edge) [][]int32 {
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, e := range edges {
		a, b := find(e.A), find(e.B)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	groups := map[int32][]int32{}
	var roots []int32
	for i := range n {
		r := find(int32(i))
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], int32(i))
	}
	out := make([][]int32, len(roots))
	for i, r := range roots {
		out[i] = groups[r]
	}
	return out
}

// ID returns the content-derived ID of a cluster with these article IDs, in
// any order; see the package comment for the encoding hashed.
func ID(articleIDs []string) string {
	ids := slices.Clone(articleIDs)
	slices.Sort(ids)
	sum := sha256.Sum256(encodeIDs(ids))
	return hex.EncodeToString(sum[:8])
}

// encodeIDs returns the unambiguous encoding of sorted ids that ID hashes.
func encodeIDs(ids []string) []byte {
	var b []byte
	for _, id := range ids {
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
	}
	return b
}

// Stage adapts the package to the pipeline: it fills State.Clusters.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "cluster" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	groups, err := Group(ctx, len(st.Docs), st.Edges, st.Matches, DefaultMethod(), st.Params.EffectiveWorkers())
	if err != nil {
		return err
	}
	st.Clusters = make([]pipeline.Cluster, len(groups))
	for i, members := range groups {
		slices.SortFunc(members, func(a, b int32) int { return strings.Compare(st.Docs[a].ID, st.Docs[b].ID) })
		ids := make([]string, len(members))
		for j, m := range members {
			ids[j] = st.Docs[m].ID
		}
		st.Clusters[i] = pipeline.Cluster{ID: ID(ids), Members: members, Canonical: -1}
	}
	slices.SortFunc(st.Clusters, func(a, b pipeline.Cluster) int {
		return cmp.Or(cmp.Compare(len(b.Members), len(a.Members)), strings.Compare(a.ID, b.ID))
	})
	multi, largest := 0, 0
	for _, c := range st.Clusters {
		if len(c.Members) > 1 {
			multi++
		}
		largest = max(largest, len(c.Members))
	}
	cut, bridge := 0, 0
	for _, e := range st.Edges {
		switch e.Cut {
		case pipeline.CutCommunity:
			cut++
		case pipeline.CutBridgePassage:
			bridge++
		}
	}
	st.Counts["edges_cut_bridge_passage"] = bridge
	st.Counts["clusters"] = len(st.Clusters)
	st.Counts["clusters_multi"] = multi
	st.Counts["largest_cluster"] = largest
	st.Counts["edges_cut_community"] = cut
	return ctx.Err()
}

// Group clusters n articles: the connected components of the edges not
// already cut, each split by m (see Method.Split) on its own, in parallel
// over workers. It sets Cut to pipeline.CutCommunity on the edges it
// leaves between clusters, and returns the clusters, each sorted, in order
// of their smallest article. edges must be sorted by (A, B).
func Group(ctx context.Context, n int, edges []pipeline.Edge, matches []pipeline.Match, m Method, workers int) ([][]int32, error) {
	kept := make([]pipeline.Edge, 0, len(edges))
	for _, e := range edges {
		if e.Cut == pipeline.CutNone {
			kept = append(kept, e)
		}
	}
	comps := Components(n, kept)
	compOf := make([]int32, n)
	for ci, c := range comps {
		for _, d := range c {
			compOf[d] = int32(ci)
		}
	}
	byComp := make([][]int, len(comps))
	for i, e := range edges {
		if e.Cut == pipeline.CutNone {
			c := compOf[e.A]
			byComp[c] = append(byComp[c], i)
		}
	}
	fams := EdgeFamilies(edges, matches, Families(matches, false))
	paras := EdgeFamilies(edges, matches, Families(matches, true))
	split := make([][][]int32, len(comps))
	cuts := make([][]EdgeCut, len(comps))
	err := pipeline.ForEach(ctx, len(comps), workers, nil, func(ci int) error {
		split[ci], cuts[ci] = m.Split(comps[ci], edges, byComp[ci], fams, paras)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out [][]int32
	for ci := range comps {
		out = append(out, split[ci]...)
		for _, c := range cuts[ci] {
			edges[c.Edge].Cut = c.Cut
		}
	}
	slices.SortFunc(out, func(a, b []int32) int { return cmp.Compare(a[0], b[0]) })
	return out, nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d clusters, %d with several articles, largest %d", len(st.Clusters), st.Counts["clusters_multi"], st.Counts["largest_cluster"])
}
