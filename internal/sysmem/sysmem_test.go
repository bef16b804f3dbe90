package sysmem

import (
	"io/fs"
	"testing"
)

func TestAvailable(t *testing.T) {
	const meminfo = "MemTotal:       24683656 kB\nMemFree:        20000000 kB\n"
	const total = 24683656 << 10
	tests := []struct {
		name  string
		files map[string]string
		want  int64
		ok    bool
	}{
		{"machine only", map[string]string{meminfoFile: meminfo}, total, true},
		{"cgroup v2 below the machine", map[string]string{meminfoFile: meminfo, cgroupV2File: "8589934592\n"}, 8 << 30, true},
		{"cgroup v2 above the machine", map[string]string{meminfoFile: meminfo, cgroupV2File: "107374182400\n"}, total, true},
		{"cgroup v2 without limit", map[string]string{meminfoFile: meminfo, cgroupV2File: "max\n"}, total, true},
		{"cgroup v1", map[string]string{meminfoFile: meminfo, cgroupV1File: "4294967296\n"}, 4 << 30, true},
		{"cgroup v1 without limit", map[string]string{meminfoFile: meminfo, cgroupV1File: "9223372036854771712\n"}, total, true},
		{"v2 wins over v1", map[string]string{cgroupV2File: "1073741824", cgroupV1File: "4294967296"}, 1 << 30, true},
		{"garbage limit", map[string]string{meminfoFile: meminfo, cgroupV2File: "lots"}, total, true},
		{"meminfo without MemTotal", map[string]string{meminfoFile: "MemFree: 1 kB\n"}, 0, false},
		{"meminfo in other units", map[string]string{meminfoFile: "MemTotal: 1 MB\n"}, 0, false},
		{"nothing readable", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(name string) ([]byte, error) {
				if s, ok := tt.files[name]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			}
			got, ok := available(read)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestSoftLimitMiB: on the machine the tests run on, the limit is a share
// of what it has, or the fallback.
func TestSoftLimitMiB(t *testing.T) {
	got := SoftLimitMiB()
	n, ok := Available()
	if !ok {
		if got != FallbackMiB {
			t.Errorf("got %d MiB, want the fallback %d", got, FallbackMiB)
		}
		return
	}
	if want := int(float64(n) * Share / (1 << 20)); got != want {
		t.Errorf("got %d MiB, want %d (%.0f%% of %d bytes)", got, want, Share*100, n)
	}
}

// TestPeak: the peak resident set read from /proc/self/status covers
// memory the process has touched.
func TestPeak(t *testing.T) {
	before, ok := Peak()
	if !ok {
		t.Skip("no /proc/self/status")
	}
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	after, _ := Peak()
	if after < before || after < int64(len(ballast)) {
		t.Errorf("peak %d bytes after touching %d (before %d)", after, len(ballast), before)
	}
	_ = ballast[len(ballast)-1]
}

// TestKBField reads a field in kB, and refuses another unit or a missing field.
func TestKBField(t *testing.T) {
	file := "Name:\tdedupe\nVmPeak:\t  2000 kB\nVmHWM:\t  1234 kB\nThreads: 5\n"
	read := func(string) ([]byte, error) { return []byte(file), nil }
	for _, c := range []struct {
		name string
		want int64
		ok   bool
	}{{"VmHWM:", 1234 << 10, true}, {"VmPeak:", 2000 << 10, true}, {"Threads:", 0, false}, {"VmRSS:", 0, false}} {
		if got, ok := kBField(read, "status", c.name); got != c.want || ok != c.ok {
			t.Errorf("kBField(%s) = %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
