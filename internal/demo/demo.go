// Package demo adds the demonstration content a fresh site starts with,
// and synthetic stories for load tests.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/moderation"
	"chorus/internal/org"
	"chorus/internal/storage"
	"chorus/internal/story"
)

//go:embed stories.json
var storiesJSON []byte

type demoStory struct {
	story.Submission
	Featured bool `json:"featured"`
}

// Seed publishes the demo stories, each marked as demo.
func Seed(ctx context.Context, a *app.App) (int, error) {
	var list []demoStory
	if err := json.Unmarshal(storiesJSON, &list); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	now := time.Now().UTC()
	stories := make([]*story.Story, 0, len(list))
	for i, d := range list {
		sub := d.Submission
		sub.Consent = story.Consent{Publish: true, Social: true, Toolkit: true, Translate: true}
		sub.Normalize()
		if err := sub.Validate(story.Rules{Languages: a.Campaign.Languages, Themes: a.Campaign.Themes}); err != nil {
			return 0, fmt.Errorf("demo story %d: %w", i, err)
		}
		at := now.Add(-time.Duration(len(list)-i) * 26 * time.Hour)
		s := &story.Story{
			ID: fmt.Sprintf("demo%02d", i+1), Status: story.StatusPublished, Demo: true, Featured: d.Featured,
			Title: sub.Title, Body: sub.Body, Language: sub.Language, Country: sub.Country, City: sub.City,
			Themes: sub.Themes, Identity: sub.Identity, DisplayName: sub.DisplayName, Anonymous: sub.Anonymous,
			Consent: sub.Consent, CreatedAt: at, UpdatedAt: at, PublishedAt: at,
		}
		if a.Screener != nil {
			s.Signals = a.Screener.Screen(ctx, moderation.Input{Title: s.Title, Body: s.Body, Language: s.Language})
		}
		stories = append(stories, s)
	}
	if err := a.SeedStories(ctx, stories); err != nil {
		return 0, err
	}
	if err := a.SeedPartners(ctx, []*org.Organisation{demoPartner()}, demoCollections()); err != nil {
		return 0, fmt.Errorf("demo partner: %w", err)
	}
	return len(list), seedPosts(ctx, a, now)
}

// demoPartner is an organisation that shows what a partner's page looks
// like; its website is on example.org, a domain reserved for examples.
func demoPartner() *org.Organisation {
	return &org.Organisation{ID: "demo-partner", Slug: "demo-youth-network", Kind: org.KindYouthNetwork,
		Website: "https://example.org/", Country: "CA", Texts: map[string]org.Text{
			"en": {Name: "Welcome Youth Network (demo)", Description: "A demonstration partner: young volunteers who welcome newcomers, run conversation clubs and collect the stories of people who would rather not write them down themselves."},
			"fr": {Name: "Réseau jeunesse Bienvenue (démo)", Description: "Un partenaire de démonstration : de jeunes bénévoles qui accueillent les nouveaux arrivants, animent des clubs de conversation et recueillent les histoires de celles et ceux qui préfèrent ne pas les écrire eux-mêmes."},
			"ar": {Name: "شبكة شباب الترحيب (تجريبية)", Description: "شريك تجريبي: متطوعون شباب يرحبون بالقادمين الجدد، ويديرون نوادي للمحادثة، ويجمعون قصص من يفضلون ألا يكتبوها بأنفسهم."},
		}}
}

// demoCollections gather demo stories, one collection per official
// language and Arabic, curated by the demo partner.
func demoCollections() []*org.Collection {
	return []*org.Collection{
		{ID: "demo-collection-en", Slug: "first-steps", Language: "en", Title: "First steps", OrganisationID: "demo-partner",
			Description: "Stories of the first weeks: a neighbour, a library card, a job.", StoryIDs: []string{"demo03", "demo01", "demo02"}},
		{ID: "demo-collection-fr", Slug: "premiers-pas", Language: "fr", Title: "Premiers pas", OrganisationID: "demo-partner",
			Description: "Les premières semaines : un café, une rentrée, une recette.", StoryIDs: []string{"demo07", "demo06", "demo09"}},
		{ID: "demo-collection-ar", Slug: "first-steps", Language: "ar", Title: "الخطوات الأولى", OrganisationID: "demo-partner",
			Description: "قصص الأسابيع الأولى.", StoryIDs: []string{"demo10", "demo12"}},
	}
}

// demoPosts show the wall and the screening policy at work: under the
// default policy the warm posts are shown, the hateful one is hidden and
// the borderline one waits for a moderator. Their addresses are on
// example.org, a domain reserved for examples.
var demoPosts = []struct{ language, text string }{
	{"en", "Our new neighbours from Syria cooked for the whole street tonight. Best welcome party this town has seen. #ItTakesaCommunity"},
	{"fr", "Merci à la bibliothèque du quartier pour les ateliers de conversation : ma mère y a trouvé des amies. #ItTakesaCommunity"},
	{"ar", "جيراننا الجدد علّمونا خبز الكعك، وعلّمناهم ركوب الدراجة على الثلج. #ItTakesaCommunity"},
	{"en", "Refugees are filthy vermin, subhuman parasites. Send them all back. #ItTakesaCommunity"},
	{"en", "Send the refugees back. #ItTakesaCommunity"},
}

func seedPosts(ctx context.Context, a *app.App, now time.Time) error {
	for i, p := range demoPosts {
		id := fmt.Sprintf("demo-%d", i+1)
		_, _, err := a.IngestPost(ctx, story.IncomingPost{
			Network: "feed", SourceID: id, SourceURL: "https://example.org/chorus-demo/" + id,
			Author: "Demo", Text: p.text, Language: p.language,
			PostedAt: now.Add(-time.Duration(len(demoPosts)-i) * time.Hour),
		})
		if err != nil {
			return fmt.Errorf("demo post %d: %w", i+1, err)
		}
	}
	return nil
}

var (
	words = map[string][]string{
		"en": strings.Fields("neighbour school work family river winter market language friend welcome community garden bus library kitchen football music doctor teacher street festival harvest bread letter hope"),
		"fr": strings.Fields("voisin école travail famille rivière hiver marché langue ami accueil communauté jardin autobus bibliothèque cuisine football musique médecin enseignante rue fête récolte pain lettre espoir"),
		"ar": strings.Fields("جار مدرسة عمل عائلة نهر شتاء سوق لغة صديق ترحيب مجتمع حديقة حافلة مكتبة مطبخ كرة موسيقى طبيب معلمة شارع عيد حصاد خبز رسالة أمل"),
	}
	syntheticCountries = strings.Fields("CA FR US GB DE SE JO LB BE MA SN KE UA AF SY CO MX IT ES AU")
)

// Synthetic adds count published stories with random text, filed under the
// campaign's themes, for load tests, in batches of one transaction each.
func Synthetic(ctx context.Context, store storage.Store, campaign app.Campaign, count int, seed int64, progress io.Writer) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	langs := []string{"en", "fr", "ar"}
	hash := auth.HashToken("synthetic")
	start := time.Now().UTC().Add(-time.Duration(count) * time.Minute)
	const batch = 2000
	for done := 0; done < count; {
		n := min(batch, count-done)
		err := store.WithTx(ctx, func(tx storage.Tx) error {
			for i := 0; i < n; i++ {
				lang := langs[rng.IntN(len(langs))]
				vocab := words[lang]
				sentence := func(k int) string {
					parts := make([]string, k)
					for j := range parts {
						parts[j] = vocab[rng.IntN(len(vocab))]
					}
					return strings.Join(parts, " ")
				}
				var body strings.Builder
				for p := 0; p < 3+rng.IntN(4); p++ {
					body.WriteString(sentence(25 + rng.IntN(40)))
					body.WriteString(".\n\n")
				}
				at := start.Add(time.Duration(done+i) * time.Minute)
				themes := []string{campaign.Themes[rng.IntN(len(campaign.Themes))], campaign.Themes[rng.IntN(len(campaign.Themes))]}
				if themes[0] == themes[1] {
					themes = themes[:1]
				}
				s := &story.Story{
					ID: fmt.Sprintf("syn%09d", done+i), Status: story.StatusPublished, Demo: true,
					Title: sentence(4 + rng.IntN(5)), Body: strings.TrimSpace(body.String()), Language: lang,
					Country: syntheticCountries[rng.IntN(len(syntheticCountries))], Themes: themes,
					Identity: story.Identities[rng.IntN(len(story.Identities))], Anonymous: true,
					// Submitted up to three days before a moderator published it.
					Consent: story.Consent{Publish: true}, CreatedAt: at.Add(-time.Duration(rng.IntN(72*60)) * time.Minute), UpdatedAt: at, PublishedAt: at,
				}
				if err := tx.InsertStory(ctx, s, hash); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += n
		fmt.Fprintf(progress, "\rseeded %d/%d stories", done, count)
	}
	fmt.Fprintln(progress)
	return nil
}
