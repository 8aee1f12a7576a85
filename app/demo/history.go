package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// HistoryAccount is an account to invent a past for.
type HistoryAccount struct {
	ID        int64
	Network   platforms.Network
	Handle    string
	RemoteID  string         // the account's id on the network
	Zone      *time.Location // its posting times' zone
	Followers float64        // at the start of the history
}

// HistoryOptions size the invented past.
type HistoryOptions struct {
	Days            int     // how far back from end
	PostsPerWeek    float64 // per account
	ReadingsPerPost int     // at most; readings after end are not taken
	Seed            uint64
}

// The hours people answer best, in an account's own zone: a shop whose
// followers read at breakfast on Tuesdays and Thursdays and on Sunday
// evenings. The demo's heatmap should find these again.
func timeBoost(t time.Time) float64 {
	h, wd := t.Hour(), t.Weekday()
	b := 1.0
	switch {
	case (wd == time.Tuesday || wd == time.Thursday) && (h == 8 || h == 9):
		b = 2.2
	case wd == time.Sunday && (h == 19 || h == 20):
		b = 1.8
	case h >= 12 && h <= 13:
		b = 1.3
	case h < 7 || h >= 22:
		b = 0.5
	}
	if wd == time.Saturday {
		b *= 0.8
	}
	return b
}

// netShape is how a network's numbers relate: share of followers who see a
// post, interactions per person who saw it, and how the interactions
// split into the network's metrics.
type netShape struct {
	seenName string  // reach, impressions or views; "" = the network does not say
	seenFrac float64 // of followers
	rate     float64 // interactions per person who saw it
	split    map[string]float64
	slow     bool // numbers keep growing for weeks (YouTube, Pinterest)
}

var shapes = map[platforms.Network]netShape{
	platforms.X:         {platforms.MetricImpressions, 0.9, 0.025, map[string]float64{platforms.MetricLikes: 0.55, platforms.MetricComments: 0.12, platforms.MetricShares: 0.18, platforms.MetricQuotes: 0.05, platforms.MetricSaves: 0.10}, false},
	platforms.Mastodon:  {"", 0, 0, map[string]float64{platforms.MetricLikes: 0.6, platforms.MetricComments: 0.15, platforms.MetricShares: 0.25}, false},
	platforms.Facebook:  {platforms.MetricImpressions, 0.35, 0.04, map[string]float64{platforms.MetricReactions: 0.7, platforms.MetricComments: 0.2, platforms.MetricShares: 0.1}, false},
	platforms.Instagram: {platforms.MetricReach, 0.45, 0.06, map[string]float64{platforms.MetricLikes: 0.75, platforms.MetricComments: 0.08, platforms.MetricSaves: 0.1, platforms.MetricShares: 0.07}, false},
	platforms.LinkedIn:  {platforms.MetricImpressions, 1.2, 0.035, map[string]float64{platforms.MetricLikes: 0.45, platforms.MetricComments: 0.1, platforms.MetricShares: 0.05, platforms.MetricClicks: 0.4}, false},
	platforms.Pinterest: {platforms.MetricImpressions, 2.5, 0.02, map[string]float64{platforms.MetricSaves: 0.4, platforms.MetricClicks: 0.35, platforms.MetricOutboundClicks: 0.25}, true},
	platforms.TikTok:    {platforms.MetricViews, 3, 0.07, map[string]float64{platforms.MetricLikes: 0.85, platforms.MetricComments: 0.07, platforms.MetricShares: 0.08}, false},
	platforms.YouTube:   {platforms.MetricViews, 0.8, 0.05, map[string]float64{platforms.MetricLikes: 0.85, platforms.MetricComments: 0.15}, true},
}

// readingAges are when after publishing the app would have read a post.
var readingAges = []time.Duration{
	time.Hour, 4 * time.Hour, 12 * time.Hour, 24 * time.Hour, 2 * 24 * time.Hour, 3 * 24 * time.Hour,
	5 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 30 * 24 * time.Hour, 60 * 24 * time.Hour,
	90 * 24 * time.Hour, 180 * 24 * time.Hour, 365 * 24 * time.Hour,
}

var subjects = []string{"Our new spring menu is here", "Find us at the Saturday market", "A look behind the scenes in the workshop",
	"This week's special offer", "A customer's story made our day", "How we pack your orders", "The team's favourite product",
	"Opening hours over the holidays", "A quick tip for beginners", "Our first ever workshop", "The new colours are in",
	"Thank you to our regulars"}

var endings = []string{"Come and see us! #smallbusiness", "Link in our profile.", "What do you think?", "#shoplocal", ""}

// History invents a past for accs up to end: posts at varied times in
// each account's zone, each read several times with numbers that grow and
// settle, better at some hours than others, and followers read daily.
func History(accs []HistoryAccount, end time.Time, o HistoryOptions) ([]data.SeedPost, []data.AccountReading) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	start := end.AddDate(0, 0, -o.Days)
	span := end.Sub(start)
	var posts []data.SeedPost
	var accReadings []data.AccountReading
	for _, acc := range accs {
		shape, ok := shapes[acc.Network]
		if !ok {
			continue
		}
		loc := acc.Zone
		if loc == nil {
			loc = time.UTC
		}
		growth := 0.3 + 0.6*rng.Float64() // over the whole history
		followersAt := func(t time.Time) float64 {
			f := float64(t.Sub(start)) / float64(span)
			return acc.Followers * (1 + growth*f)
		}
		for d := 0; d <= o.Days; d++ {
			at := start.AddDate(0, 0, d)
			f := followersAt(at) * (1 + 0.004*rng.NormFloat64())
			accReadings = append(accReadings, data.AccountReading{AccountID: acc.ID, Name: platforms.MetricFollowers, At: at, Value: math.Round(f)})
		}
		n := int(float64(o.Days) / 7 * o.PostsPerWeek)
		for i := 0; i < n; i++ {
			day := start.Add(time.Duration(rng.Int64N(int64(span)))).In(loc)
			hour := 7 + rng.IntN(15) // mostly daytime
			if rng.IntN(10) == 0 {
				hour = rng.IntN(24)
			}
			pub := time.Date(day.Year(), day.Month(), day.Day(), hour, rng.IntN(60), 0, 0, loc)
			if !pub.Before(end) || pub.Before(start) {
				continue
			}
			boost := timeBoost(pub)
			fol := followersAt(pub)
			noise := math.Exp(0.35 * rng.NormFloat64())
			var seen, inter float64
			if shape.seenName != "" {
				seen = fol * shape.seenFrac * math.Sqrt(boost) * noise
				inter = seen * shape.rate * boost * math.Exp(0.25*rng.NormFloat64())
			} else {
				inter = fol * 0.03 * boost * noise
			}
			final := map[string]float64{}
			if shape.seenName != "" {
				final[shape.seenName] = seen
				if acc.Network == platforms.Instagram {
					final[platforms.MetricViews] = seen * 1.6
				}
			}
			for name, share := range shape.split {
				final[name] = inter * share
			}
			if acc.Network == platforms.Facebook {
				final[platforms.MetricLikes] = final[platforms.MetricReactions] * 0.8
			}
			tau := 20 * time.Hour
			if shape.slow {
				tau = 15 * 24 * time.Hour
			}
			sp := data.SeedPost{AccountID: acc.ID, Network: string(acc.Network), Zone: loc.String(), PublishedAt: pub.UTC(),
				Text:     strings.TrimSpace(subjects[rng.IntN(len(subjects))] + ". " + endings[rng.IntN(len(endings))]),
				RemoteID: remoteID(acc, i)}
			for k, age := range readingAges {
				if k >= o.ReadingsPerPost {
					break
				}
				rat := pub.Add(age)
				if rat.After(end) {
					break
				}
				grown := 1 - math.Exp(-float64(age)/float64(tau))
				raw := make(map[string]float64, len(final))
				for name, v := range final {
					raw[name] = math.Round(v * grown)
				}
				r := data.SeedReading{At: rat.UTC(), Raw: raw}
				r.Derived = derived(raw)
				sp.Readings = append(sp.Readings, r)
			}
			posts = append(posts, sp)
		}
	}
	return posts, accReadings
}

// remoteID is an id of the shape the network uses that no fake knows:
// reading it later finds nothing, as for a post deleted since.
func remoteID(acc HistoryAccount, i int) string {
	n := 9_100_000_000_000_000 + acc.ID*100_000 + int64(i)
	switch acc.Network {
	case platforms.Facebook:
		return fmt.Sprintf("%s_%d", acc.RemoteID, n)
	case platforms.LinkedIn:
		return fmt.Sprintf("urn:li:share:%d", n)
	case platforms.YouTube:
		return fmt.Sprintf("dm%09d", acc.ID*100_000+int64(i))
	}
	return fmt.Sprint(n)
}

func derived(raw map[string]float64) map[string]float64 {
	v := platforms.Values(raw)
	d := map[string]float64{platforms.MetricEngagement: platforms.Engagement(v)}
	if s, ok := platforms.Seen(v); ok {
		d[platforms.MetricSeen] = s
	}
	return d
}
