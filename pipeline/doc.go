// Package pipeline is the ground floor of dedupe: the data model that flows
// through the batch job (articles, sentences, evidence, clusters, additions),
// the parameters every stage reads, the Stage contract and the loop that runs
// a list of stages in order.
//
// It imports no stage. Each package under stages/ does one job on plain Go
// values and offers a Stage adapter that reads its input from the State and
// writes its output back into it, so data only ever flows forward:
//
//	load -> normalize -> segment -> boilerplate -> shingle -> minhash ->
//	lsh -> verify -> cluster -> canonical -> diff -> write
//
// The list itself lives in stages.Default; cmd/dedupe hands it to Run.
package pipeline
