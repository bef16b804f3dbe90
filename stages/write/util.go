package write

import (
	"slices"
	"time"

	"github.com/dedupe/dedupe/pipeline"
)

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func sinceSeconds(st *pipeline.State) float64 { return time.Since(st.Started).Seconds() }
