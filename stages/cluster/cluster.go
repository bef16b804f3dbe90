// Package cluster groups articles into families: the connected components
// of the verified edges, each split where two stories only touch.
//
// # Why not connected components alone
//
// Real text repeats sentences between unrelated stories: an institution's
// procedural sentences, refrains, stock phrasing, an outlet's background
// paragraph reused in its next story. One such passage links two articles
// of different stories, and a connected component then merges the two
// whole stories. On the real-language bench (Brown Corpus sentences,
// cmd/dedupe-bench, 20,000 articles, seed 1) components give pairwise
// precision 0.737 at recall 0.911. So each component is split, on its own
// (components are independent: the work shards by component), in three
// steps, and a fourth takes out the articles held by a lone passage.
//
// # 1. Bridge passages (pipeline.CutBridgePassage)
//
// A passage family is a set of sentences joined by matches: one carried
// passage and all its rewrites (Families). A family is a bridge when its
// articles, without it, fall into two or more groups of at least two of
// its articles each, every group linked by other passages or copies: stock
// text that recurs in unrelated stories, not a passage of one story. The
// edges that rest on that family alone and join two of those groups are
// cut. A story's own passages never look like this, since its rewrites
// stay linked through the others; an update carried as one article keeps
// its story (its group has one article), as does one that shares two
// passages (say a two-sentence lead) with it.
//
// A family whose matches mostly join two leads (the first
// verify.LeadSentences content sentences of both articles) is never a
// bridge (Method.LeadNeverBridges): an update republished by several
// outlets carries the original's lede verbatim into a second group of
// rewrites, which is just the shape of stock text, while stock text sits
// anywhere in a story. At 20,000 articles, seed 1, the rule took recall
// from 0.9496 to 0.9548 and precision from 0.9872 to 0.9868 (go run
// ./cmd/dedupe-bench --articles 20000 --seed 1 --recall-articles 0).
//
// # 2. Community detection
//
// What is left of the component is split by Louvain community detection
// (gonum.org/v1/gonum/graph/community: a maintained implementation of the
// standard algorithm, run on a graph type of this package that iterates in
// sorted order, with a seeded generator, so that runs are repeatable),
// each edge weighted by its passages, plus CopyWeight for a copy.
// Components smaller than MinSize (3) are kept whole. Louvain over the
// whole graph at once would change nothing (modularity's resolution
// limit), which is one more reason to run it per component.
//
// # 3. Merging communities back (pipeline.CutCommunity)
//
// Modularity also splits stories that are merely sparse, so two
// communities are merged back when the edges between them cover at least
// MergeDensity (0.3) of their article pairs, or rest on at least
// MergeFamilies (2) distinct passages, or include a copy. Here a passage
// is a paragraph: consecutive sentences matched in the same two articles
// are one passage, so that a reused three-sentence background paragraph
// counts once. The edges left between communities are cut.
//
// # 4. Lone passages (pipeline.CutLonePassage)
//
// An article whose kept links into its group all rest on one passage
// family, none of its own sentences in that family being in its lead (the
// first verify.LeadSentences content sentences), with no copy among them,
// and that shares not one linkable shingle (a rare word 3-gram without a
// name) of its other content sentences with the group's other articles
// (RestOf), is taken out of the group (Method.DetachLone). A rewrite keeps
// its lede, or more of its story than one body sentence, and its reworded
// sentences keep some of the story's rare 3-grams even when no sentence
// pair passes as a passage; a single article of an unrelated story that
// carries a formulaic sentence has nothing but that sentence. Steps 1 to 3
// cannot tell that article from a rewrite: it is one article, so no bridge
// family has a second linked group, and community detection keeps a star's
// leaf with its centre. On the real-language bench such articles were the
// main false merges left: at 20,000 articles, seed 2, 157 articles of
// another story were held in their cluster by one passage family, and
// 519 of the cluster's own story; the passage was outside the article's
// lead for 121 of the 157 and 177 of the 519, and of all 676, 128 of the
// 157 and 163 of the 519 shared no other linkable shingle with the
// cluster. With the rule (go run ./cmd/dedupe-bench --articles 20000
// --seed S --recall-articles 0):
//
//	seed 1 (tuned on)   P 0.9866 -> 0.9929  R 0.9732 -> 0.9714  F1 0.9799 -> 0.9821
//	seed 2 (tuned on)   P 0.9821 -> 0.9904  R 0.9687 -> 0.9664  F1 0.9753 -> 0.9783
//	seed 3 (held out)   P 0.9895 -> 0.9946  R 0.9637 -> 0.9623  F1 0.9764 -> 0.9782
//
// and on the invented-word corpus (4,000 articles, seed 7, TestQuality)
// nothing moved: P 1.0000, R 0.9990.
//
// # Measured
//
// On the real-language bench at 20,000 articles, seed 1, the clusters
// alone against the same edges (verify's template-figures rule on):
//
//	components                                 P 0.743  R 0.911  F1 0.819
//	Louvain, merge back at density 0.3          P 0.892  R 0.904  F1 0.898
//	  + merging by two paragraph passages       P 0.944  R 0.901  F1 0.922
//	bridges alone                               P 0.809  R 0.902  F1 0.853
//	bridges, Louvain, merge back (the default)  P 0.965  R 0.895  F1 0.928
//
// and, with a merge-back density of 0.5, 0.7 or none: P 0.970, 0.972,
// 0.973 for R 0.886, 0.866, 0.831. Those were tuned on seed 1; on seed 2,
// held out, the default gives P 0.926, R 0.890, F1 0.907 (components: P
// 0.713, R 0.911). On the invented-word bench, which has no passage shared
// between stories, the method costs recall only: 0.9846 to 0.9778 at
// 20,000 articles, seed 1, and 0.9885 to 0.9836 on seed 2, precision
// staying 1.0000. What is left of the false merges on the real-language
// bench is one formulaic sentence held by single articles of several
// stories (a star with nothing to tell it from a passage carried by
// several rewrites), multi-sentence formulaic passages reworded per
// outlet, whose sentences are separate passage families, so that no edge
// rests on one of them alone, and background paragraphs an outlet reuses
// weeks later: a time window between articles is the remedy for the last.
//
// The figures above come from running the stages up to verify once, then
// Group with each method on the same edges. End to end at 100,000
// articles (go run ./cmd/dedupe-bench --articles 100000 --seed 1): P
// 0.7769, R 0.9042, F1 0.8357 with components; P 0.9592, R 0.8829, F1
// 0.9195 with this method. The cluster stage took 1.9 s of that run
// (components: 0.35 s), most of it building the passage families;
// BenchmarkGroup times the stage alone.
//
// # Cluster ids and order
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
	uf := newUnionFind(n)
	for _, e := range edges {
		uf.union(e.A, e.B)
	}
	groups := map[int32][]int32{}
	var roots []int32
	for i := range n {
		r := uf.find(int32(i))
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
	groups, err := Group(ctx, len(st.Docs), st.Edges, st.Matches, DefaultMethod(), st.Params.EffectiveWorkers(), RestOf(st.Docs))
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
	cut, bridge, lone := 0, 0, 0
	for _, e := range st.Edges {
		switch e.Cut {
		case pipeline.CutCommunity:
			cut++
		case pipeline.CutBridgePassage:
			bridge++
		case pipeline.CutLonePassage:
			lone++
		}
	}
	st.Counts["edges_cut_lone_passage"] = lone
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
func Group(ctx context.Context, n int, edges []pipeline.Edge, matches []pipeline.Match, m Method, workers int, rest Rest) ([][]int32, error) {
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
	sents, pars := Families(matches)
	nfam := 0
	if len(sents) > 0 {
		nfam = int(slices.Max(sents)) + 1
	}
	leads := LeadFamilies(matches, sents, nfam)
	edgeOf := matchEdges(ctx, edges, matches, workers)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fams := edgeFamilies(len(edges), edgeOf, sents)
	paras := edgeFamilies(len(edges), edgeOf, pars)
	var sides [][]side
	if m.DetachLone {
		sides = sidesOf(n, matches, sents)
	}
	split := make([][][]int32, len(comps))
	cuts := make([][]EdgeCut, len(comps))
	err := pipeline.ForEach(ctx, len(comps), workers, nil, func(ci int) error {
		split[ci], cuts[ci] = m.Split(comps[ci], edges, byComp[ci], fams, paras, leads)
		if m.DetachLone {
			split[ci], cuts[ci] = detachLone(split[ci], edges, byComp[ci], cuts[ci], fams, sides, rest)
		}
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

// RestOf returns the Rest of docs: a rare word 3-gram is a linkable
// shingle (see pipeline.Sentence.Linkable) of a content sentence.
func RestOf(docs []*pipeline.Doc) Rest {
	return func(x int32, skip []int32, others []int32) bool {
		held := map[uint32]bool{}
		for j := range docs[x].Sentences {
			s := &docs[x].Sentences[j]
			if s.Content() && !slices.Contains(skip, int32(j)) {
				for _, h := range s.Linkable {
					held[h] = true
				}
			}
		}
		if len(held) == 0 {
			return false
		}
		for _, o := range others {
			for j := range docs[o].Sentences {
				if s := &docs[o].Sentences[j]; s.Content() {
					for _, h := range s.Linkable {
						if held[h] {
							return true
						}
					}
				}
			}
		}
		return false
	}
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d clusters, %d with several articles, largest %d", len(st.Clusters), st.Counts["clusters_multi"], st.Counts["largest_cluster"])
}

// unionFind joins the nodes 0..n-1 into sets; each set is named by its
// smallest node, so the outcome does not depend on the order of unions.
type unionFind []int32

func newUnionFind(n int) unionFind {
	uf := make(unionFind, n)
	for i := range uf {
		uf[i] = int32(i)
	}
	return uf
}

func (uf unionFind) find(x int32) int32 {
	for uf[x] != x {
		uf[x] = uf[uf[x]]
		x = uf[x]
	}
	return x
}

func (uf unionFind) union(a, b int32) {
	if ra, rb := uf.find(a), uf.find(b); ra != rb {
		uf[max(ra, rb)] = min(ra, rb)
	}
}
