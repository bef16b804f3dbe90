// Package sysmem tells how much memory the process may use, to set the Go
// heap's soft limit from it: the limit of the cgroup it runs in, when its
// container has one, else the machine's RAM.
package sysmem

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// FallbackMiB is the soft limit SoftLimitMiB gives when it cannot tell how
// much memory there is.
const FallbackMiB = 4096

// Share is the part of the available memory SoftLimitMiB gives the heap,
// leaving room for the rest of the process and the machine.
const Share = 0.75

// SoftLimitMiB returns Share of the memory available to the process, in
// MiB, or FallbackMiB when it cannot tell.
func SoftLimitMiB() int {
	n, ok := Available()
	if !ok {
		return FallbackMiB
	}
	return int(float64(n) * Share / (1 << 20))
}

// Available returns the memory available to the process in bytes: the
// smaller of its cgroup's limit (v2, else v1) and the machine's RAM. It
// reports false when it can read neither.
func Available() (int64, bool) { return available(os.ReadFile) }

// Files read by Available.
const (
	cgroupV2File = "/sys/fs/cgroup/memory.max"
	cgroupV1File = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
	meminfoFile  = "/proc/meminfo"
)

func available(read func(string) ([]byte, error)) (int64, bool) {
	total, haveTotal := memTotal(read)
	limit, haveLimit := cgroupLimit(read)
	switch {
	case haveTotal && haveLimit:
		return min(total, limit), true
	case haveTotal:
		return total, true
	case haveLimit:
		return limit, true
	}
	return 0, false
}

// cgroupLimit reads the cgroup's memory limit; "max", and the huge value v1
// uses for none, are no limit.
func cgroupLimit(read func(string) ([]byte, error)) (int64, bool) {
	for _, f := range []string{cgroupV2File, cgroupV1File} {
		b, err := read(f)
		if err != nil {
			continue
		}
		s := string(bytes.TrimSpace(b))
		if s == "max" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n >= 1<<62 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// memTotal reads MemTotal from /proc/meminfo.
func memTotal(read func(string) ([]byte, error)) (int64, bool) {
	return kBField(read, meminfoFile, "MemTotal:")
}

// statusFile is the process's own status, where Linux keeps its peak
// resident set (VmHWM).
const statusFile = "/proc/self/status"

// Peak returns the peak resident set of the process in bytes, from
// /proc/self/status; false when it cannot read it (not Linux). It is the
// process's own figure: the rusage of a child started by os/exec is not,
// because Linux starts a vforked child's maxrss at its parent's peak when
// it execs.
func Peak() (int64, bool) { return kBField(os.ReadFile, statusFile, "VmHWM:") }

// kBField reads the field name, given in kB, from a /proc file of
// "name: value kB" lines, in bytes.
func kBField(read func(string) ([]byte, error), file, name string) (int64, bool) {
	b, err := read(file)
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[0] == name && fields[2] == "kB" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}
