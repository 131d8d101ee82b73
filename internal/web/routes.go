package web

import (
	"net/http"
	"strings"

	"chorus/internal/analytics"
)

// routes registers every route of Chorus. Pages live under a language root.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.mux = mux

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.HandleFunc("GET /static/{file}", s.serveStatic)
	mux.HandleFunc("GET /media/{id}/{file}", s.servePublicPhoto)
	mux.HandleFunc("GET /{$}", s.redirectToLanguage)
	mux.HandleFunc("GET /oembed", s.oembed)
	mux.HandleFunc("GET /sitemap.xml", s.sitemapIndex)
	for _, lang := range s.catalog.Languages() {
		mux.Handle("GET /sitemap-"+lang.Code+".xml", s.sitemap(lang))
	}
	mux.HandleFunc("GET /partners/{slug}/logo.png", s.servePublicPartnerLogo)

	// Each language gets its own literal root, so /static/... and /media/...
	// never collide with a page pattern.
	page := func(pattern string, h pageHandler) {
		method, rest, _ := strings.Cut(pattern, " /{lang}")
		for _, lang := range s.catalog.Languages() {
			mux.Handle(method+" /"+lang.Code+rest, s.page(lang, h))
		}
	}
	page("GET /{lang}/{$}", s.showHome)
	page("GET /{lang}/stories", s.listStories)
	// A story's page counts its views (analytics: no cookie, nothing kept
	// of the reader), cached answers included.
	countedPage := func(pattern string, ch analytics.Channel, h pageHandler) {
		method, rest, _ := strings.Cut(pattern, " /{lang}")
		for _, lang := range s.catalog.Languages() {
			mux.Handle(method+" /"+lang.Code+rest, s.counted(ch, s.page(lang, h)))
		}
	}
	countedPage("GET /{lang}/stories/{id}", analytics.Direct, s.showStory)
	page("GET /{lang}/stories/{id}/original", s.showOriginalStory)
	page("GET /{lang}/about", s.showAbout)
	page("GET /{lang}/privacy", s.showPrivacy)
	page("GET /{lang}/toolkit", s.showToolkit)
	page("GET /{lang}/toolkit.zip", s.downloadToolkit)
	page("GET /{lang}/toolkit/cards/{card}", s.serveToolkitCard)
	page("GET /{lang}/toolkit/voices/{card}", s.serveVoiceCard)
	page("GET /{lang}/stories/{id}/card/{size}", s.serveStoryCard)
	// Feeds, embeds and sharing (partners' sites, feed readers, networks).
	for _, f := range feedFormats {
		countedPage("GET /{lang}/feed."+f.ext, analytics.Feed, s.serveFeed(f.ext))
	}
	countedPage("GET /{lang}/embed/stories", analytics.Embed, s.frameable(s.embedStories))
	countedPage("GET /{lang}/embed/stories/{id}", analytics.Embed, s.frameable(s.embedStory))
	page("GET /{lang}/share-to/mastodon", s.shareToMastodon)
	// The wall runs its own script and streams; the embed is framed by
	// partners' sites.
	scripted := func(pattern string, h pageHandler) {
		method, rest, _ := strings.Cut(pattern, " /{lang}")
		for _, lang := range s.catalog.Languages() {
			mux.Handle(method+" /"+lang.Code+rest, allowWallScript(s.page(lang, h)))
		}
	}
	scripted("GET /{lang}/wall", s.showWall)
	page("GET /{lang}/wall/events", s.streamWallEvents)
	page("GET /{lang}/embed/wall", s.frameable(s.showEmbedWall))
	mux.HandleFunc("GET /media/posts/{id}/{file}", s.servePostImage)
	page("GET /{lang}/partners", s.showPartners)
	page("GET /{lang}/partners/{slug}", s.showPartnerPage)
	page("GET /{lang}/collections/{slug}", s.showCollection)
	for _, f := range feedFormats {
		countedPage("GET /{lang}/collections/{slug}/feed."+f.ext, analytics.Feed, s.serveCollectionFeed(f.ext))
	}
	countedPage("GET /{lang}/embed/collections/{slug}", analytics.Embed, s.frameable(s.embedCollection))
	page("GET /{lang}/share", s.showShareForm)
	page("POST /{lang}/share", s.submitStory)
	page("GET /{lang}/my/{id}/{token}", s.showSubmission)
	page("POST /{lang}/my/{id}/{token}/edit", s.limitEditPage(s.editSubmission))
	page("POST /{lang}/my/{id}/{token}/photo", s.uploadPhoto)
	page("POST /{lang}/my/{id}/{token}/withdraw", s.withdrawSubmission)
	page("GET /{lang}/my/{id}/{token}/photo/{file}", s.serveOwnPhoto)
	page("GET /{lang}/my/{id}/{token}/link.html", s.downloadPrivateLink)
	page("GET /{lang}/my/{id}/{token}/print", s.printPrivateLink)
	page("POST /{lang}/my/{id}/{token}/send-link", s.sendPrivateLink)
	page("POST /{lang}/my/{id}/{token}/translation", s.setTranslationConsent)
	page("POST /{lang}/my/{id}/{token}/consent", s.setConsent)
	page("GET /{lang}/stories/{id}/share/{network}", s.shareStory)
	page("GET /{lang}/impact", s.showImpact)
	page("GET /{lang}/open-data", s.showOpenData)
	mux.HandleFunc("GET /open-data/stories.csv", s.serveOpenData("csv"))
	mux.HandleFunc("GET /open-data/stories.jsonl", s.serveOpenData("jsonl"))

	page("GET /{lang}/staff/signin", s.showSignIn)
	page("POST /{lang}/staff/signin", s.signIn)
	page("GET /{lang}/staff/welcome/{token}", s.showEnrol)
	page("POST /{lang}/staff/welcome/{token}", s.enrol)
	page("POST /{lang}/staff/signout", s.signOut)
	// Staff pages: s.staff lets in any signed-in staff member; the others
	// name their audience (app/authorize.go), and the use-cases check again.
	page("GET /{lang}/staff/queue", s.moderators(s.showQueue))
	page("GET /{lang}/staff/queue/events", s.moderators(s.streamQueueEvents))
	page("POST /{lang}/staff/stories/{id}/decision", s.moderators(s.decideStory))
	page("POST /{lang}/staff/stories/{id}/redact", s.moderators(s.redactStory))
	page("POST /{lang}/staff/stories/{id}/redact-span", s.moderators(s.redactSpan))
	page("GET /{lang}/staff/stories/{id}/audit", s.moderators(s.showStoryAudit))
	page("GET /{lang}/staff/published", s.staff(s.showPublished))
	page("GET /{lang}/staff/jobs", s.admins(s.showFailedJobs))
	page("GET /{lang}/staff/translations", s.translators(s.showTranslations))
	page("GET /{lang}/staff/translations/{code}", s.translators(s.showInterfaceEditor))
	page("POST /{lang}/staff/translations/{code}", s.translators(s.saveInterfaceTranslation))
	page("GET /{lang}/staff/translations/{code}/toolkit", s.translators(s.showToolkitEditor))
	page("POST /{lang}/staff/translations/{code}/toolkit", s.translators(s.saveToolkitTranslation))
	page("POST /{lang}/staff/jobs/{job}/{action}", s.admins(s.handleFailedJob))
	page("GET /{lang}/staff/fediverse", s.admins(s.showFediverse))
	page("POST /{lang}/staff/fediverse/{action}", s.admins(s.blockFediverse))
	page("POST /{lang}/staff/stories/{id}/feature", s.admins(s.featureStory))
	page("GET /{lang}/staff/story-translations", s.staff(s.showStoryTranslations))
	page("GET /{lang}/staff/story-translations/{id}/{target}", s.staff(s.showStoryTranslationEditor))
	page("POST /{lang}/staff/story-translations/{id}/{target}", s.storyTranslators(s.saveStoryTranslation))
	// Machine translation answers 404 to everyone while it is off; the
	// use-case then lets only story translators run it.
	page("POST /{lang}/staff/story-translations/{id}/{target}/machine", s.staff(s.machineTranslateStory))
	page("POST /{lang}/staff/story-translations/{id}/{target}/publish", s.moderators(s.publishStoryTranslation))
	// Any staff member who sees story translations may delete one.
	page("POST /{lang}/staff/story-translations/{id}/{target}/delete", s.staff(s.deleteStoryTranslation))
	page("GET /{lang}/staff/posts", s.moderators(s.showPosts))
	page("POST /{lang}/staff/posts/{id}/decision", s.moderators(s.decidePost))
	page("POST /{lang}/staff/posts/{id}/pin", s.admins(s.pinPost))
	page("POST /{lang}/staff/posts/block", s.admins(s.blockPostSource))
	page("GET /{lang}/staff/sources", s.admins(s.showSources))
	page("POST /{lang}/staff/sources", s.admins(s.addSource))
	page("POST /{lang}/staff/sources/{id}/remove", s.admins(s.removeSource))
	page("GET /{lang}/staff/policy", s.admins(s.showPolicy))
	page("POST /{lang}/staff/policy", s.admins(s.savePolicy))
	page("GET /{lang}/staff/partner", s.partners(s.showPartner))
	page("POST /{lang}/staff/partner", s.partners(s.savePartner))
	page("GET /{lang}/staff/partner/logo.png", s.partners(s.servePartnerLogo))
	page("GET /{lang}/staff/partner/toolkit.zip", s.partners(s.downloadPartnerToolkit))
	page("GET /{lang}/staff/campaign", s.admins(s.showCampaign))
	page("POST /{lang}/staff/campaign", s.admins(s.saveCampaign))
	page("GET /{lang}/staff/dashboard", s.partners(s.showDashboard))
	page("GET /{lang}/staff/dashboard/csv/{panel}", s.partners(s.downloadDashboardCSV))
	// Organisations: the use-cases decide which organisation's things each
	// partner may touch (app.AllowedOn).
	page("GET /{lang}/staff/organisation", s.partners(s.showOrganisation))
	page("POST /{lang}/staff/organisation", s.partners(s.saveOrganisation))
	page("POST /{lang}/staff/organisation/stories", s.partners(s.submitToldStory))
	page("POST /{lang}/staff/organisation/stories/{id}/withdraw", s.partners(s.withdrawToldStory))
	page("GET /{lang}/staff/organisation/stories/{id}/scan", s.partners(s.serveConsentScan))
	page("POST /{lang}/staff/organisation/members", s.partners(s.inviteMember))
	page("POST /{lang}/staff/organisation/members/{user}/remove", s.partners(s.removeMember))
	page("GET /{lang}/staff/collections", s.partners(s.showCollections))
	page("POST /{lang}/staff/collections", s.partners(s.saveCollection))
	page("POST /{lang}/staff/collections/{id}/delete", s.partners(s.deleteCollection))
	page("GET /{lang}/staff/replies", s.staff(s.showReplies))
	page("GET /{lang}/staff/replies/edit", s.admins(s.showReplyForm))
	page("POST /{lang}/staff/replies", s.admins(s.saveReply))
	page("POST /{lang}/staff/replies/{id}/{action}", s.admins(s.changeReply))
	mux.HandleFunc("GET /staff/media/{id}/{file}", s.serveStaffPhoto)

	mux.HandleFunc("GET /api/v1/openapi.json", s.api.OpenAPI)
	mux.HandleFunc("POST /api/v1/stories", s.limitSubmissions(s.api.Serve(s.api.SubmitStory)))
	mux.HandleFunc("GET /api/v1/stories", readableAnywhere(s.api.Serve(s.api.ListStories)))
	mux.HandleFunc("GET /api/v1/stories/{id}", readableAnywhere(s.api.Serve(s.api.ShowStory)))
	mux.HandleFunc("OPTIONS /api/v1/stories", readableAnywhere(preflight))
	mux.HandleFunc("OPTIONS /api/v1/stories/{id}", readableAnywhere(preflight))
	mux.HandleFunc("DELETE /api/v1/stories/{id}", s.api.Serve(s.api.WithdrawStory))
	mux.HandleFunc("GET /api/v1/submissions/{id}", s.api.Serve(s.api.ShowSubmission))
	mux.HandleFunc("PUT /api/v1/submissions/{id}", s.limitAPIEdits(s.api.Serve(s.api.EditSubmission)))
	mux.HandleFunc("PUT /api/v1/submissions/{id}/consent", s.api.Serve(s.api.SetConsent))
	mux.HandleFunc("POST /api/v1/submissions/{id}/photo", s.limitSubmissions(s.api.Serve(s.api.UploadPhoto)))
	mux.HandleFunc("GET /api/v1/moderation/queue", s.api.Moderators(s.api.ShowQueue))
	mux.HandleFunc("POST /api/v1/moderation/items/{id}/decision", s.api.Moderators(s.api.DecideItem))
	mux.HandleFunc("GET /api/v1/moderation/posts", s.api.Moderators(s.api.ShowPosts))
	mux.HandleFunc("POST /api/v1/moderation/posts/{id}/decision", s.api.Moderators(s.api.DecidePost))
	mux.HandleFunc("POST /api/v1/posts", s.api.Admins(s.api.IngestPost))
	mux.HandleFunc("DELETE /api/v1/posts", s.api.Admins(s.api.RemovePost))
	mux.HandleFunc("/api/", s.api.Serve(s.api.NotFound))

	return s.instrument(s.secureHeaders(s.compressResponses(s.limitBodyTime(s.friendlyMisses(mux)))))
}
