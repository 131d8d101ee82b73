package train

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/moderation"
)

func TestEvalOutputFormat(t *testing.T) {
	var out, errb bytes.Buffer
	err := RunCommand(context.Background(), []string{"eval", "--csv", "testdata/eval_small.csv", "--text", "comment text", "--label", "verdict", "--positive", "hateful"}, &out, &errb)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, errb.String())
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^macro_f1=[01]\.\d{3} accuracy=[01]\.\d{3}$`).MatchString(last) {
		t.Errorf("last line %q", last)
	}
	for _, want := range []string{"precision", "recall", "confusion matrix", "hateful", "6 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEvalBOMAndErrors(t *testing.T) {
	var out bytes.Buffer
	if err := RunCommand(context.Background(), []string{"eval", "--csv", "testdata/bom.csv", "--text", "text", "--label", "label", "--positive", "1"}, &out, &out); err != nil {
		t.Fatalf("BOM file: %v", err)
	}
	if !strings.Contains(out.String(), "accuracy=") {
		t.Error(out.String())
	}
	err := RunCommand(context.Background(), []string{"eval", "--csv", "testdata/eval_small.csv", "--text", "nope", "--label", "verdict", "--positive", "x"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("missing column: %v", err)
	}
	err = RunCommand(context.Background(), []string{"eval", "--csv", "testdata/absent.csv", "--text", "a", "--label", "b", "--positive", "x"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "absent.csv") {
		t.Errorf("missing file: %v", err)
	}
	if err := RunCommand(context.Background(), []string{"frobnicate"}, &out, &out); err == nil {
		t.Error("unknown subcommand accepted")
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("trains twice")
	}
	cfg := TrainConfig{Seed: 7, DataDir: "data", Epochs: 2, MaxPerSrc: 150}
	a, err := Train(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Model, b.Model) {
		t.Fatal("same seed, different models")
	}
	cfg.Seed = 8
	c, err := Train(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Model, c.Model) {
		t.Error("different seeds, same model")
	}
	if _, err := moderation.LoadModel(a.Model); err != nil {
		t.Fatal(err)
	}
}

func TestTrainCommandWithModeratorExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	dir := t.TempDir()
	ex := filepath.Join(dir, "decisions.jsonl")
	os.WriteFile(ex, []byte(`{"text":"Refugees are welcome in our street","language":"en","label":"ok"}
{"text":"refugees are a disease","language":"en","label":"hate"}
`), 0o644)
	out := filepath.Join(dir, "model.bin")
	// A tiny data folder keeps this fast: the project's own examples only.
	data := filepath.Join(dir, "data")
	copyDir(t, "data/chorus", filepath.Join(data, "chorus"))
	os.MkdirAll(filepath.Join(data, "davidson"), 0o755)
	os.MkdirAll(filepath.Join(data, "mlma"), 0o755)
	os.MkdirAll(filepath.Join(data, "stormfront"), 0o755)
	os.WriteFile(filepath.Join(data, "stormfront", "stormfront.csv"), []byte("id,text,label,needed_context\n1_1,good morning all,noHate,0\n"), 0o644)
	os.WriteFile(filepath.Join(data, "davidson", "labeled_data.csv"), []byte(",count,hate_speech,offensive_language,neither,class,tweet\n0,3,0,0,3,2,hello there\n"), 0o644)
	for _, n := range []string{"en_dataset_with_stop_words.csv", "fr_dataset.csv", "ar_dataset.csv"} {
		os.WriteFile(filepath.Join(data, "mlma", n), []byte("HITId,tweet,sentiment,directness,annotator_sentiment,target,group\n1,bonjour,normal,indirect,x,other,other\n"), 0o644)
	}
	var stdout bytes.Buffer
	err := RunCommand(context.Background(), []string{"train", "--seed", "3", "--data", data, "--out", out, "--examples", ex, "--epochs", "1"}, &stdout, &stdout)
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if !strings.Contains(stdout.String(), "held-out") || !strings.Contains(stdout.String(), "source:moderators") && !strings.Contains(stdout.String(), "trained on") {
		t.Error(stdout.String())
	}
	if b, err := os.ReadFile(out); err != nil {
		t.Errorf("model file: %v", err)
	} else if m, err := moderation.LoadModel(b); err != nil {
		t.Errorf("model file of %d bytes: %v", len(b), err)
	} else if _, err := moderation.LoadModel(b[:len(b)-1]); err == nil {
		t.Errorf("model file of %d bytes, version %s: one byte less still loads", len(b), m.Version())
	}
	os.WriteFile(ex, []byte(`{"text":"x","label":"maybe"}`), 0o644)
	if err := RunCommand(context.Background(), []string{"train", "--data", data, "--out", out, "--examples", ex}, &stdout, &stdout); err == nil {
		t.Error("bad label accepted")
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	os.MkdirAll(to, 0o755)
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(to, e.Name()), b, 0o644)
	}
}
