package synth

import (
	"math"
	"math/bits"
)

// rng is a small, fast, deterministic generator (wyrand). Each story, outlet
// and topic gets its own stream derived from the corpus seed, so generation
// order and parallelism never change the output.
type rng struct{ s uint64 }

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash3 derives a well-mixed 64-bit value from a seed and two labels.
func hash3(seed int64, a, b uint64) uint64 {
	return mix(mix(mix(uint64(seed))^a) ^ b)
}

// Stream tags keep the derived generators of different purposes apart.
const (
	tagLexicon = iota + 1
	tagTopic
	tagOutlet
	tagPlan
	tagStory
	tagMember
	tagAssemble
	tagSynonym
	tagNames
	tagSample
	tagCast
	tagHeadline
	tagID
	tagBrownPlan
	tagBrownSub
	tagBrownName
	tagBrownSeries
	tagBrownFiller
	tagWrap
	tagTemplated
)

func newRNG(seed int64, tag, index uint64) *rng {
	return &rng{s: hash3(seed, tag, index)}
}

func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// exp returns an exponentially distributed value with the given mean.
func (r *rng) exp(mean float64) float64 { return -mean * math.Log(1-r.float()) }

// poisson returns a Poisson-distributed count (Knuth; fine for small means).
func (r *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		v := int(math.Round(mean + math.Sqrt(mean)*r.norm()))
		return max(v, 0)
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.float()
		if p <= l {
			return k
		}
		k++
	}
}

// norm returns a standard normal value (Box-Muller, one of the pair).
func (r *rng) norm() float64 {
	u1 := 1 - r.float()
	u2 := r.float()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// pick returns a uniformly chosen element of xs.
func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// alias is Vose's alias table: O(1) draws from a fixed discrete distribution.
type alias struct {
	prob  []float64
	alias []int32
}

func newAlias(w []float64) alias {
	n := len(w)
	a := alias{prob: make([]float64, n), alias: make([]int32, n)}
	var sum float64
	for _, x := range w {
		sum += x
	}
	scaled := make([]float64, n)
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.prob[s] = scaled[s]
		a.alias[s] = l
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
	}
	for _, i := range small {
		a.prob[i] = 1
	}
	return a
}

func (a *alias) draw(r *rng) int {
	i := r.intn(len(a.prob))
	if r.float() < a.prob[i] {
		return i
	}
	return int(a.alias[i])
}

// zipfWeights returns weights proportional to 1/(rank+q)^s for n ranks.
func zipfWeights(n int, s, q float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i)+1+q, -s)
	}
	return w
}
