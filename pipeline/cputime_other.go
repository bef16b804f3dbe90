//go:build !unix

package pipeline

import "time"

// processCPU returns 0: off Unix, StageTiming.CPUSeconds is not measured.
func processCPU() time.Duration { return 0 }
