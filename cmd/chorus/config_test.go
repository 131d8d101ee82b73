package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"chorus/internal/moderation"
	"chorus/internal/story"
)

func TestMachineTranslationIsOffUnlessConfigured(t *testing.T) {
	ctx := context.Background()
	open := func(env map[string]string, args ...string) (*config, error) {
		t.Helper()
		env["CHORUS_DATA"] = t.TempDir()
		cfg, err := parseFlags("serve", args, func(k string) string { return env[k] }, io.Discard, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, store, err := openApp(ctx, cfg, newLogger(io.Discard, "error"))
		if err != nil {
			return cfg, err
		}
		defer store.Close()
		if a.MachineTranslationOn() != (cfg.TranslateURL != "") {
			t.Errorf("machine translation on=%v with URL %q", a.MachineTranslationOn(), cfg.TranslateURL)
		}
		if strings.Join(a.TranslationLanguages, ",") != "en,fr,ar,es,uk,zh,fa-AF,ps,so,ti" {
			t.Errorf("translation languages %v", a.TranslationLanguages)
		}
		return cfg, nil
	}
	if cfg, err := open(map[string]string{}); err != nil || cfg.TranslateURL != "" || cfg.TranslateTimeout != 30*time.Second {
		t.Errorf("default: %+v %v", cfg, err)
	}
	cfg, err := open(map[string]string{"CHORUS_TRANSLATE_URL": "http://127.0.0.1:5000", "CHORUS_TRANSLATE_API_KEY": "k", "CHORUS_TRANSLATE_TIMEOUT": "5s"})
	if err != nil || cfg.TranslateKey != "k" || cfg.TranslateTimeout != 5*time.Second {
		t.Errorf("from the environment: %+v %v", cfg, err)
	}
	if cfg, err := open(map[string]string{"CHORUS_TRANSLATE_TIMEOUT": "5s"}, "--translate-url", "https://mt.example.org", "--translate-timeout", "9s"); err != nil || cfg.TranslateTimeout != 9*time.Second {
		t.Errorf("flags over the environment: %+v %v", cfg, err)
	}
	if _, err := open(map[string]string{"CHORUS_TRANSLATE_URL": "mt.example.org:5000"}); err == nil {
		t.Error("a URL without a scheme was accepted")
	}
}

// TestExternalClassifierIsOffUnlessConfigured: with CHORUS_CLASSIFIER_URL
// the screen asks that Perspective-compatible service first, and keeps the
// built-in score when it cannot answer in time.
func TestExternalClassifierIsOffUnlessConfigured(t *testing.T) {
	ctx := context.Background()
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"attributeScores":{"TOXICITY":{"summaryScore":{"value":0.97,"type":"PROBABILITY"}}}}`)
	}))
	defer service.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	hate := func(env map[string]string) story.Signal {
		t.Helper()
		env["CHORUS_DATA"] = t.TempDir()
		cfg, err := parseFlags("serve", nil, func(k string) string { return env[k] }, io.Discard, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, store, err := openApp(ctx, cfg, newLogger(io.Discard, "error"))
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		for _, s := range a.Screener.Screen(ctx, moderation.Input{Body: "Our neighbours welcomed us with bread.", Language: "en"}) {
			if s.Kind == story.SignalHate {
				return s
			}
		}
		t.Fatal("no hate signal")
		return story.Signal{}
	}
	if s := hate(map[string]string{}); s.ModelVersion == "external:perspective" || s.Score > 0.5 {
		t.Errorf("default: %+v", s)
	}
	// The test services run on loopback, which only the allow-list opens.
	if s := hate(map[string]string{"CHORUS_CLASSIFIER_URL": service.URL}); s.ModelVersion == "external:perspective" {
		t.Errorf("a loopback service called without the allow-list: %+v", s)
	}
	if s := hate(map[string]string{"CHORUS_CLASSIFIER_URL": service.URL, "CHORUS_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}); s.ModelVersion != "external:perspective" || s.Score != 0.97 {
		t.Errorf("with the service: %+v", s)
	}
	if s := hate(map[string]string{"CHORUS_CLASSIFIER_URL": slow.URL, "CHORUS_CLASSIFIER_TIMEOUT": "50ms", "CHORUS_ALLOW_PRIVATE_HOSTS": "127.0.0.0/8"}); s.ModelVersion == "external:perspective" || s.Score > 0.5 {
		t.Errorf("a slow service: %+v", s)
	}
	env := map[string]string{"CHORUS_DATA": t.TempDir(), "CHORUS_ALLOW_PRIVATE_HOSTS": "http://10.0.0.1"}
	cfg, _ := parseFlags("serve", nil, func(k string) string { return env[k] }, io.Discard, nil)
	if _, _, err := openApp(ctx, cfg, newLogger(io.Discard, "error")); err == nil || !strings.Contains(err.Error(), "CHORUS_ALLOW_PRIVATE_HOSTS") {
		t.Errorf("an allow-list entry with a scheme: %v", err)
	}
	env = map[string]string{"CHORUS_DATA": t.TempDir(), "CHORUS_CLASSIFIER_URL": "classifier.example.org/analyze"}
	cfg, _ = parseFlags("serve", nil, func(k string) string { return env[k] }, io.Discard, nil)
	if _, _, err := openApp(ctx, cfg, newLogger(io.Discard, "error")); err == nil {
		t.Error("a URL without a scheme was accepted")
	}
}
