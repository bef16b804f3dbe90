package pipeline

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		str  string // String of the parsed value
		bad  bool
	}{
		{in: "3d", want: 72 * time.Hour, str: "3d"},
		{in: "1.5d", want: 36 * time.Hour, str: "36h0m0s"},
		{in: "48h", want: 48 * time.Hour, str: "2d"},
		{in: "90m", want: 90 * time.Minute, str: "1h30m0s"},
		{in: "0", want: 0, str: "0"},
		{in: "0d", want: 0, str: "0"},
		{in: " 2d ", want: 48 * time.Hour, str: "2d"},
		{in: "-1d", want: -24 * time.Hour, str: "-1d"},
		{in: "3 days", bad: true},
		{in: "d", bad: true},
		{in: "NaNd", bad: true},
		{in: "1e300d", bad: true},
		{in: "", bad: true},
		{in: "3w", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d Duration
			err := d.Set(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("got %v, want an error", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if time.Duration(d) != tt.want || d.String() != tt.str {
				t.Errorf("got %v (%q), want %v (%q)", time.Duration(d), d.String(), tt.want, tt.str)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var back Duration
			if err := json.Unmarshal(b, &back); err != nil || back != d {
				t.Errorf("JSON %s read back as %v, %v; want %v", b, back, err, d)
			}
		})
	}
}
