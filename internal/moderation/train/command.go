package train

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"chorus/internal/moderation"
)

// RunCommand runs "chorus moderation <args>": train or eval.
func RunCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("moderation: missing subcommand")
	}
	switch args[0] {
	case "train":
		return runTrain(ctx, args[1:], stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("moderation: unknown subcommand %q", args[0])
}

const usage = `usage:
  chorus moderation train [--seed N] [--out FILE] [--examples FILE] [--data DIR]
  chorus moderation eval --csv FILE --text COLUMN --label COLUMN --positive VALUE [--lang CODE] [--by COLUMN[,COLUMN]] [--show-errors]`

// moderationDir finds internal/moderation from the working directory
// upwards, so that train reads the data beside it and writes the model that
// gets embedded.
func moderationDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		for _, cand := range []string{filepath.Join(dir, "internal", "moderation"), filepath.Dir(dir), dir} {
			if _, err := os.Stat(filepath.Join(cand, "train", "data", "chorus", "groups.tsv")); err == nil && filepath.Base(cand) == "moderation" {
				return cand, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("moderation: cannot find internal/moderation above the working directory; pass --data and --out")
		}
		dir = parent
	}
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("train", flag.ContinueOnError)
	fl.SetOutput(stderr)
	seed := fl.Uint64("seed", 1, "random seed")
	out := fl.String("out", "", "model file to write (default: the embedded model)")
	examples := fl.String("examples", "", "JSON Lines of moderators' decisions {text, language, label: hate|ok}")
	dataDir := fl.String("data", "", "training data folder (default: internal/moderation/train/data)")
	epochs := fl.Int("epochs", 6, "passes over the data")
	showErrors := fl.Bool("show-errors", false, "list misclassified held-out examples of the project's own data")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" || *out == "" {
		dir, err := moderationDir()
		if err != nil {
			return err
		}
		if *dataDir == "" {
			*dataDir = filepath.Join(dir, "train", "data")
		}
		if *out == "" {
			*out = filepath.Join(dir, "model", "hate.bin")
		}
	}
	cfg := TrainConfig{Seed: *seed, DataDir: *dataDir, Epochs: *epochs, FinalAll: true}
	if *examples != "" {
		f, err := os.Open(*examples)
		if err != nil {
			return err
		}
		cfg.Extra, err = ReadExamples(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *examples, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := Train(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trained on %d examples, held out %d (seed %d)\n", res.Train, res.Held, *seed)
	fmt.Fprintf(stdout, "%-22s %6s %9s %9s\n", "held-out", "n", "accuracy", "macro-F1")
	for _, k := range sortedKeys(res.Metrics) {
		c := res.Metrics[k]
		fmt.Fprintf(stdout, "%-22s %6d %9.3f %9.3f\n", k, c.N(), c.Accuracy(), c.MacroF1())
	}
	fmt.Fprintf(stdout, "calibration: temperature %.2f (held-out log-loss %.3f -> %.3f, expected calibration error %.3f -> %.3f)\n",
		res.Temperature, res.LogLoss[0], res.LogLoss[1], res.ECE[0], res.ECE[1])
	if *showErrors {
		for _, m := range res.Mistakes {
			fmt.Fprintln(stdout, "  miss:", m)
		}
	}
	if err := os.WriteFile(*out, res.Model, 0o644); err != nil {
		return err
	}
	m, err := moderation.LoadModel(res.Model)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes), version %s\n", *out, len(res.Model), m.Version())
	return nil
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("eval", flag.ContinueOnError)
	fl.SetOutput(stderr)
	path := fl.String("csv", "", "CSV file with a header row")
	textCol := fl.String("text", "", "column holding the text")
	labelCol := fl.String("label", "", "column holding the label")
	positive := fl.String("positive", "", "label value of the hate class")
	lang := fl.String("lang", "", "language of every row (optional)")
	by := fl.String("by", "", "comma-separated columns to break the figures down by (e.g. lang,phenomenon)")
	showErrors := fl.Bool("show-errors", false, "list misclassified rows with their scores")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *path == "" || *textCol == "" || *labelCol == "" || *positive == "" {
		return errors.New("eval: --csv, --text, --label and --positive are required")
	}
	table, err := openCSV(*path)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer table.Close()
	column := func(name string) int {
		if i, ok := table.column[name]; ok {
			return i
		}
		return -1
	}
	ti, li := column(*textCol), column(*labelCol)
	type breakdown struct {
		name string
		idx  int
		conf map[string]*moderation.Confusion
	}
	var groups []breakdown
	if *by != "" {
		for _, name := range strings.Split(*by, ",") {
			name = strings.TrimSpace(name)
			groups = append(groups, breakdown{name: name, idx: column(name), conf: map[string]*moderation.Confusion{}})
		}
	}
	cols := []struct {
		name string
		idx  int
	}{{*textCol, ti}, {*labelCol, li}}
	for _, g := range groups {
		cols = append(cols, struct {
			name string
			idx  int
		}{g.name, g.idx})
	}
	for _, c := range cols {
		if c.idx < 0 {
			return fmt.Errorf("eval: %s: no column %q (columns: %s)", *path, c.name, strings.Join(table.header, ", "))
		}
	}
	screen := moderation.NewScreen(moderation.Options{})
	var conf moderation.Confusion
	var mistakes []string
	row := 1
	for {
		rec, err := table.Read()
		if err == io.EOF {
			break
		}
		row++
		if err != nil {
			return fmt.Errorf("eval: %s: row %d: %w", *path, row, err)
		}
		if row%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if ti >= len(rec) || li >= len(rec) {
			fmt.Fprintf(stderr, "eval: row %d has too few fields, skipped\n", row)
			continue
		}
		actual := strings.TrimSpace(rec[li]) == *positive
		score := screen.HateScore(rec[ti], *lang)
		predicted := score >= moderation.DecisionThreshold
		conf.Add(actual, predicted)
		for _, g := range groups {
			key := ""
			if g.idx < len(rec) {
				key = strings.TrimSpace(rec[g.idx])
			}
			c := g.conf[key]
			if c == nil {
				c = &moderation.Confusion{}
				g.conf[key] = c
			}
			c.Add(actual, predicted)
		}
		if *showErrors && actual != predicted {
			mistakes = append(mistakes, fmt.Sprintf("row %d: %s %.2f %s", row, strings.TrimSpace(rec[li]), score, rec[ti]))
		}
	}
	fmt.Fprintf(stdout, "model %s, threshold %.2f, %d rows\n", moderation.ModelVersion(), moderation.DecisionThreshold, conf.N())
	conf.Report(stdout, *positive, "not "+*positive)
	for _, g := range groups {
		fmt.Fprintf(stdout, "by %s:\n%-24s %5s %5s %5s %9s %9s\n", g.name, g.name, "n", "pos", "wrong", "accuracy", "macro-F1")
		for _, k := range sortedKeys(g.conf) {
			c := g.conf[k]
			// macro-F1 means little for a group holding one class only.
			f1 := "-"
			if c.TP+c.FN > 0 && c.TN+c.FP > 0 {
				f1 = fmt.Sprintf("%.3f", c.MacroF1())
			}
			fmt.Fprintf(stdout, "%-24s %5d %5d %5d %9.3f %9s\n", k, c.N(), c.TP+c.FN, c.FP+c.FN, c.Accuracy(), f1)
		}
	}
	for _, m := range mistakes {
		fmt.Fprintln(stdout, "  miss:", m)
	}
	fmt.Fprintf(stdout, "macro_f1=%.3f accuracy=%.3f\n", conf.MacroF1(), conf.Accuracy())
	return nil
}
