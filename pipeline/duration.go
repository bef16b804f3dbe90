package pipeline

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes itself in days when it
// is a whole number of them ("3d"), else as Go writes durations ("36h0m0s"),
// so that run.json and --help show a window as a newsroom says it. It is a
// flag.Value, and accepts "3d", "1.5d" and everything time.ParseDuration
// does ("72h", "90m").
type Duration time.Duration

const day = 24 * time.Hour

// String returns "3d" for whole days, "0" for zero, else time.Duration's
// form.
func (d Duration) String() string {
	t := time.Duration(d)
	switch {
	case t == 0:
		return "0"
	case t%day == 0:
		return strconv.FormatInt(int64(t/day), 10) + "d"
	}
	return t.String()
}

// ParseDuration parses s as Duration.Set does.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		f, err := strconv.ParseFloat(n, 64)
		if err != nil || f != f || f > float64(1<<62)/float64(day) || f < -float64(1<<62)/float64(day) {
			return 0, fmt.Errorf("duration %q: want a number of days (3d), or hours and minutes (36h, 90m)", s)
		}
		return Duration(f * float64(day)), nil
	}
	t, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want a number of days (3d), or hours and minutes (36h, 90m)", s)
	}
	return Duration(t), nil
}

// Set implements flag.Value.
func (d *Duration) Set(s string) error {
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the duration as its String, a JSON string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	return d.Set(s)
}
