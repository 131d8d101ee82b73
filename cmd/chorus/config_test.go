package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
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
		if strings.Join(a.TranslationLanguages, ",") != "en,fr,ar" {
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
