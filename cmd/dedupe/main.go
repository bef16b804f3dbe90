// Command dedupe finds families of rewritten news articles (wire stories
// republished by many outlets), picks one canonical version per family and
// lists what every other member adds, as Parquet tables.
//
// Usage:
//
//	dedupe run --input DIR [--out DIR] [flags]
//	dedupe inspect OUT [--cluster ID] [flags]
//	dedupe inspect OUT --why A B [--json]
//
// Run "dedupe run --help" for the flags. Exit codes: 0 success, 1 the run
// failed, 2 usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/dedupe/dedupe/stages/write"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `dedupe: cluster near-duplicate news articles and list what each rewrite adds

Usage:
  dedupe run --input DIR [--out DIR] [flags]   run the batch job
  dedupe inspect OUT [--cluster ID] [flags]    summarise a run's tables, or show one cluster
  dedupe inspect OUT --why A B [--json]        show what joins two articles, or keeps them apart
  dedupe help [command]                        show help
  dedupe version                               print the version (also --version)

Run 'dedupe run --help' for the flags of the job.
Run 'dedupe inspect --help' for the flags of inspect.

Exit codes:
  0  success
  1  the run failed (unreadable input, no usable article, output not writable,
     cancelled, or --strict and some input was rejected)
  2  usage error (unknown command or flag, bad value)
`

func main() {
	os.Exit(mainWithSignals())
}

// mainWithSignals runs Main on the process's arguments, with SIGINT and
// SIGTERM cancelling its context.
func mainWithSignals() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// errUsage marks errors that are the caller's words, not the run's.
var errUsage = errors.New("usage")

// Main runs the command line args and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "inspect":
		err = cmdInspect(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "dedupe %s\n", write.Version)
		return exitOK
	case "help", "-h", "--help", "-help":
		if len(args) > 1 && args[1] == "run" {
			err = cmdRun(ctx, []string{"--help"}, stdout, stderr)
			break
		}
		if len(args) > 1 && args[1] == "inspect" {
			err = cmdInspect(ctx, []string{"--help"}, stdout, stderr)
			break
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "dedupe: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "dedupe: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "dedupe: %v\n", err)
		return exitFail
	}
}
