package load

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Layouts ParseTime tries. time.Parse would read a zone abbreviation (the
// MST of time.RFC1123) with the offset the machine's local zone gives it,
// or as UTC if that zone does not know it, so no layout has one: ParseTime
// looks abbreviations up in zoneOffsets itself.
var (
	// zonedLayouts carry a numeric offset, or Z.
	zonedLayouts = []string{
		time.RFC3339Nano, // also RFC 3339 without fraction
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02 15:04:05.999999999Z0700",
		"Mon, 2 Jan 2006 15:04:05 -0700", // time.RFC1123Z, day of one or two digits
		"2 Jan 2006 15:04:05 -0700",      // RFC 822 allows no day of week
	}
	// localLayouts carry no zone: UTC, or the zone abbreviation that
	// follows them.
	localLayouts = []string{
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02",
		"Mon, 2 Jan 2006 15:04:05",
		"2 Jan 2006 15:04:05",
	}
)

// zoneOffsets are the zone abbreviations ParseTime accepts, in seconds east
// of UTC: those RFC 822 defines (UT, GMT, Z and the North American zones),
// and UTC. Others (CET, IST, BST...) are ambiguous or rare: one name may
// stand for several offsets.
var zoneOffsets = map[string]int{
	"UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600,
	"CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600,
}

const zoneList = "UTC, UT, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT"

// ParseTime parses a published_at value and returns it in UTC. It accepts
//
//   - RFC 3339, with a "T" or a space between date and time, and offsets
//     with or without a colon: 2024-05-01T12:30:00+02:00,
//     2024-05-01 12:30:00.5Z, 2024-05-01T12:30:00+0200;
//   - RFC 1123 (RFC 822 dates with a four-digit year), the day of week
//     optional, with a numeric offset or one of the zone abbreviations UTC,
//     UT, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST and PDT (the North
//     American zones as RFC 822 defines them): Wed, 01 May 2024 12:30:00 EDT;
//   - the same dates and times without a zone, taken as UTC (or followed by
//     one of those abbreviations): 2024-05-01 12:30:00, 2024-05-01.
//
// The result never depends on the machine's time zone. Another zone
// abbreviation is an error, as are dates that do not exist (2024-02-30).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := parseTime(s)
	if err != nil {
		return t, fmt.Errorf("published_at %q: %w", s, err)
	}
	return t, nil
}

// parseTime is ParseTime on a trimmed value, with errors that do not
// repeat it.
func parseTime(s string) (time.Time, error) {
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 && letters(s[i+1:]) {
		rest, name := strings.TrimSpace(s[:i]), s[i+1:]
		if _, ok := parseLocal(rest, time.UTC); ok {
			off, known := zoneOffsets[strings.ToUpper(name)]
			if !known {
				return time.Time{}, fmt.Errorf("time zone %q not supported (want a numeric offset such as -0500, or one of %s)", name, zoneList)
			}
			t, _ := parseLocal(rest, time.FixedZone(strings.ToUpper(name), off))
			return t.UTC(), nil
		}
	}
	if t, ok := parseLocal(s, time.UTC); ok {
		return t, nil
	}
	return time.Time{}, errors.New("not RFC 3339, RFC 1123 or YYYY-MM-DD")
}

func parseLocal(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// letters reports whether s is a plausible zone abbreviation: 1 to 5 ASCII
// letters.
func letters(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
