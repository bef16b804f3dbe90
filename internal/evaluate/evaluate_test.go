package evaluate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func labels(s string) []string { return strings.Fields(s) }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestPairwise(t *testing.T) {
	tests := []struct {
		name                   string
		truth, pred            string
		tp, pp, cp             int64
		prec, rec, f1, ariWant float64
	}{
		{
			name:  "package example",
			truth: "a a a b b c", pred: "1 1 2 2 2 3",
			tp: 4, pp: 4, cp: 2,
			// ARI = (2 - 16/15) / (4 - 16/15) = 14/44.
			prec: 0.5, rec: 0.5, f1: 0.5, ariWant: 14.0 / 44,
		},
		{
			// scikit-learn user guide: labels_true=[0,0,0,1,1,1],
			// labels_pred=[0,0,1,1,2,2] has ARI 0.24242424...
			name:  "textbook ARI",
			truth: "0 0 0 1 1 1", pred: "0 0 1 1 2 2",
			tp: 6, pp: 3, cp: 2,
			prec: 2.0 / 3, rec: 1.0 / 3, f1: 4.0 / 9, ariWant: 0.8 / 3.3,
		},
		{
			// scikit-learn docstring: adjusted_rand_score([0,0,1,2],[0,0,1,1]) = 0.5714...
			name:  "docstring ARI",
			truth: "0 0 1 2", pred: "0 0 1 1",
			tp: 1, pp: 2, cp: 1,
			prec: 0.5, rec: 1, f1: 2.0 / 3, ariWant: 4.0 / 7,
		},
		{
			name:  "identical up to renaming",
			truth: "x x y y z", pred: "b b a a c",
			tp: 2, pp: 2, cp: 2,
			prec: 1, rec: 1, f1: 1, ariWant: 1,
		},
		{
			name:  "everything merged",
			truth: "a a b b", pred: "1 1 1 1",
			tp: 2, pp: 6, cp: 2,
			// ARI = (2 - 2*6/6) / ((2+6)/2 - 2) = 0.
			prec: 1.0 / 3, rec: 1, f1: 0.5, ariWant: 0,
		},
		{
			name:  "all singletons predicted",
			truth: "a a b b", pred: "1 2 3 4",
			tp: 2, pp: 0, cp: 0,
			prec: 1, rec: 0, f1: 0, ariWant: 0,
		},
		{
			name:  "no true pairs, some predicted",
			truth: "a b c", pred: "1 1 2",
			tp: 0, pp: 1, cp: 0,
			prec: 0, rec: 1, f1: 0, ariWant: 0,
		},
		{
			name:  "both all singletons",
			truth: "a b c", pred: "1 2 3",
			prec: 1, rec: 1, f1: 1, ariWant: 1,
		},
		{
			name:  "both one cluster",
			truth: "a a a", pred: "1 1 1",
			tp: 3, pp: 3, cp: 3,
			prec: 1, rec: 1, f1: 1, ariWant: 1,
		},
		{
			name: "empty",
			prec: 1, rec: 1, f1: 1, ariWant: 1,
		},
		{
			name:  "one item",
			truth: "a", pred: "1",
			prec: 1, rec: 1, f1: 1, ariWant: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pairwise(labels(tt.truth), labels(tt.pred))
			if err != nil {
				t.Fatalf("Pairwise: %v", err)
			}
			if got.TruePairs != tt.tp || got.PredPairs != tt.pp || got.CorrectPairs != tt.cp {
				t.Errorf("pairs: got %d/%d/%d, want %d/%d/%d", got.TruePairs, got.PredPairs, got.CorrectPairs, tt.tp, tt.pp, tt.cp)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"Precision", got.Precision, tt.prec}, {"Recall", got.Recall, tt.rec}, {"F1", got.F1, tt.f1}, {"ARI", got.ARI, tt.ariWant}} {
				if !near(c.got, c.want) {
					t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestPairwiseLengthMismatch(t *testing.T) {
	_, err := Pairwise(labels("a b"), labels("1"))
	if !errors.Is(err, ErrLength) {
		t.Errorf("got %v, want ErrLength", err)
	}
}

// bruteForce scores by enumerating all pairs, independently of the
// contingency-table code.
func bruteForce(truth, pred []string) Scores {
	var tp, fp, fn, tn int64
	for i := range truth {
		for j := i + 1; j < len(truth); j++ {
			st, sp := truth[i] == truth[j], pred[i] == pred[j]
			switch {
			case st && sp:
				tp++
			case sp:
				fp++
			case st:
				fn++
			default:
				tn++
			}
		}
	}
	s := Scores{TruePairs: tp + fn, PredPairs: tp + fp, CorrectPairs: tp, Precision: 1, Recall: 1}
	if tp+fp > 0 {
		s.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		s.Recall = float64(tp) / float64(tp+fn)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	// ARI from the pair confusion matrix (as in scikit-learn).
	den := float64((tp+fn)*(fn+tn) + (tp+fp)*(fp+tn))
	s.ARI = 1
	if den != 0 {
		s.ARI = 2 * float64(tp*tn-fn*fp) / den
	}
	return s
}

func TestPairwiseMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := r.IntN(60)
		kt, kp := 1+r.IntN(12), 1+r.IntN(12)
		truth, pred := make([]string, n), make([]string, n)
		for i := range truth {
			truth[i] = strconv.Itoa(r.IntN(kt))
			if r.IntN(3) == 0 {
				pred[i] = "copy" + truth[i]
			} else {
				pred[i] = strconv.Itoa(r.IntN(kp))
			}
		}
		got, err := Pairwise(truth, pred)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForce(truth, pred)
		if got.TruePairs != want.TruePairs || got.PredPairs != want.PredPairs || got.CorrectPairs != want.CorrectPairs ||
			!near(got.Precision, want.Precision) || !near(got.Recall, want.Recall) || !near(got.F1, want.F1) || !near(got.ARI, want.ARI) {
			t.Fatalf("trial %d: got %v, want %v", trial, got, want)
		}
	}
}

func TestPairwiseLarge(t *testing.T) {
	// 200,000 items in clusters of 4; the prediction splits each in two.
	n := 200000
	truth, pred := make([]string, n), make([]string, n)
	for i := range truth {
		truth[i] = strconv.Itoa(i / 4)
		pred[i] = strconv.Itoa(i / 2)
	}
	got, err := Pairwise(truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	if got.TruePairs != int64(n/4*6) || got.CorrectPairs != int64(n/2) || got.Precision != 1 || !near(got.Recall, 1.0/3) {
		t.Errorf("got %v, want 300000 true pairs, 100000 correct, precision 1, recall 1/3", got)
	}
}

func TestWorstMerges(t *testing.T) {
	//          0 1 2 3 4 5 6 7 8
	truth := labels("a a a b b c c d e")
	pred := labels("X X X X X Y Y Z Z")
	got := WorstMerges(truth, pred, 0)
	want := []Merge{
		{Label: "X", Items: []int{0, 1, 2, 3, 4}, Parts: []Part{{"a", []int{0, 1, 2}}, {"b", []int{3, 4}}}, WrongPairs: 6},
		{Label: "Z", Items: []int{7, 8}, Parts: []Part{{"d", []int{7}}, {"e", []int{8}}}, WrongPairs: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := WorstMerges(truth, pred, 1); len(got) != 1 || got[0].Label != "X" {
		t.Errorf("n=1: got %+v, want only X", got)
	}
	if got := WorstMerges(truth, pred[:3], 0); got != nil {
		t.Errorf("length mismatch: got %+v, want nil", got)
	}
}

func TestWorstMisses(t *testing.T) {
	//          0 1 2 3 4 5 6 7
	truth := labels("a a a a b b b c")
	pred := labels("1 1 2 3 4 4 5 6")
	got := WorstMisses(truth, pred, 0)
	want := []Miss{
		// a: 6 pairs, 1 kept together -> 5 missed.
		{Label: "a", Items: []int{0, 1, 2, 3}, Parts: []Part{{"1", []int{0, 1}}, {"2", []int{2}}, {"3", []int{3}}}, MissedPairs: 5},
		{Label: "b", Items: []int{4, 5, 6}, Parts: []Part{{"4", []int{4, 5}}, {"5", []int{6}}}, MissedPairs: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestWorstTieBreak(t *testing.T) {
	// Q = {a, b, c} and P = {d, d, d, e} both have 3 wrong pairs: the
	// larger P comes first. T = {h, i} and S = {f, g} tie on both: by label.
	truth := labels("h i a b c d d d e f g")
	pred := labels("T T Q Q Q P P P P S S")
	var order []string
	for _, m := range WorstMerges(truth, pred, 0) {
		order = append(order, fmt.Sprintf("%s:%d", m.Label, m.WrongPairs))
	}
	if want := []string{"P:3", "Q:3", "S:1", "T:1"}; !reflect.DeepEqual(order, want) {
		t.Errorf("got %v, want %v", order, want)
	}
}

func ExamplePairwise() {
	truth := []string{"a", "a", "a", "b", "b", "c"}
	pred := []string{"1", "1", "2", "2", "2", "3"}
	s, err := Pairwise(truth, pred)
	if err != nil {
		panic(err)
	}
	fmt.Printf("precision=%.3f recall=%.3f f1=%.3f ari=%.3f\n", s.Precision, s.Recall, s.F1, s.ARI)
	fmt.Println(s.TruePairs, s.PredPairs, s.CorrectPairs)
	for _, m := range WorstMerges(truth, pred, 3) {
		fmt.Println("merge", m.Label, m.Items, m.WrongPairs)
	}
	for _, m := range WorstMisses(truth, pred, 3) {
		fmt.Println("miss", m.Label, m.Items, m.MissedPairs)
	}
	// Output:
	// precision=0.500 recall=0.500 f1=0.500 ari=0.318
	// 4 4 2
	// merge 2 [2 3 4] 2
	// miss a [0 1 2] 2
}
