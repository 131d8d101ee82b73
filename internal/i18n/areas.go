package i18n

import (
	"fmt"
	"slices"
	"strings"
)

// The areas of the interface a key belongs to, for coverage and going live.
const (
	AreaStoryteller = "storyteller" // the storyteller's path: safety-critical
	AreaPublic      = "public"      // the other public pages
	AreaToolkit     = "toolkit"     // the toolkit page (its content has catalogs of its own)
	AreaStaff       = "staff"       // staff pages
)

// Areas lists the areas in the order reports show them.
var Areas = []string{AreaStoryteller, AreaPublic, AreaToolkit, AreaStaff}

// The storyteller's path is every page a storyteller goes through to
// share, follow, change and withdraw a story (share form, consent texts,
// privacy notice, private page, withdrawal) and the errors those pages
// can show, with the site's frame around them. A language goes live only
// when all of it is translated. A new key with one of these prefixes, or
// named below, is on the path at once.
var (
	storytellerPrefixes = []string{
		"form.", "identity.", "language.", "my.", "privacy.", "reason.", "share.", "status.", "theme.", "withdraw_reason.",
	}
	storytellerKeys = []string{
		"campaign.name", "footer.campaign",
		"nav.about", "nav.home", "nav.label", "nav.languages", "nav.more_languages", "nav.privacy",
		"nav.partners", "nav.share", "nav.skip", "nav.staff", "nav.stories", "nav.toolkit", "nav.wall",
		"error.alt_required", "error.alt_too_long", "error.bad_form", "error.bad_token", "error.body_too_long",
		"error.body_too_short", "error.busy", "error.city_too_long", "error.conflict", "error.consent_required",
		"error.country_invalid", "error.csrf", "error.email_invalid", "error.gone", "error.home",
		"error.identity_invalid", "error.internal", "error.language_invalid", "error.name_required",
		"error.name_too_long", "error.no_route", "error.not_found", "error.not_pending", "error.photo_corrupt",
		"error.photo_format", "error.photo_not_saved", "error.photo_required", "error.photo_too_complex",
		"error.photo_too_large", "error.photo_too_many_pixels", "error.rate_limited", "error.status",
		"error.storage_full", "error.story_withdrawn", "error.theme_invalid", "error.themes_too_many",
		"error.title", "error.title_required", "error.title_too_long", "error.too_large", "error.unavailable",
		"error.withdraw_reason_unknown", "error.mail_failed", "error.mail_too_soon", "error.no_contact",
	}
	staffPrefixes = []string{
		"audit.", "enrol.", "jobs.", "partner.", "policy.", "posts.", "published.", "queue.",
		"redaction.", "replies.", "role.", "signal.", "signin.", "storytr.", "translate.", "translations.",
	}
)

// KeyArea tells which area of the interface a message key belongs to.
// Navigation not on the storyteller's path leads to staff pages; errors
// not on it count as the public pages'.
func KeyArea(key string) string {
	switch {
	case OnStorytellerPath(key):
		return AreaStoryteller
	case strings.HasPrefix(key, "toolkit."), key == "nav.toolkit":
		return AreaToolkit
	case hasPrefix(key, staffPrefixes), strings.HasPrefix(key, "nav."):
		return AreaStaff
	}
	return AreaPublic
}

// OnStorytellerPath tells whether a key is on the storyteller's path.
func OnStorytellerPath(key string) bool {
	return hasPrefix(key, storytellerPrefixes) || slices.Contains(storytellerKeys, key)
}

func hasPrefix(key string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// SiteLanguages is Known as an admin set it up: the languages held back
// (codes) kept off the site, and each partial language falling back to
// fallback (a code for all, or "code=fallback" pairs, comma-separated;
// empty: the source language). Codes it does not know are an error.
func SiteLanguages(held []string, fallback string) ([]Language, error) {
	langs := append([]Language{}, Known...)
	index := func(code string) int {
		return slices.IndexFunc(langs, func(l Language) bool { return l.Code == code })
	}
	for _, code := range held {
		i := index(code)
		if i < 0 {
			return nil, fmt.Errorf("languages held back: %q is not a site language", code)
		}
		if langs[i].Code == Source {
			return nil, fmt.Errorf("languages held back: %s is the source language and cannot be held back", Source)
		}
		langs[i].Held = true
	}
	for item := range strings.SplitSeq(fallback, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		code, to, pair := strings.Cut(item, "=")
		if !pair {
			code, to = "", item
		}
		if j := index(to); j < 0 || !langs[j].Complete || langs[j].Held {
			return nil, fmt.Errorf("language fallback: %q is not a complete language on the site", to)
		}
		for i := range langs {
			if !langs[i].Complete && (code == "" || langs[i].Code == code) {
				langs[i].Fallback = to
			}
		}
		if code != "" && (index(code) < 0 || langs[index(code)].Complete) {
			return nil, fmt.Errorf("language fallback: %q is not a language that falls back", code)
		}
	}
	return langs, nil
}
