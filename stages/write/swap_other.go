//go:build !linux

package write

import (
	"errors"
	"os"
)

// exchange is not available here; install replaces the tables one by one.
func exchange(a, b string) error { return errors.ErrUnsupported }

// isMountPoint cannot be told portably here; an output folder that is a
// mount point fails at the swap with the rename's error.
func isMountPoint(string) bool { return false }

// umask is assumed to be the common 022 where it cannot be read safely.
func umask() os.FileMode { return 0o022 }

// tryLock cannot lock here: runs on one output folder are not kept apart.
func tryLock(*os.File) (bool, error) { return true, nil }

// freeBytes cannot be told portably here.
func freeBytes(string) (int64, bool) { return 0, false }
