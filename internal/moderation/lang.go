package moderation

import "unicode/utf8"

var stopwords = map[string]string{}

func init() {
	for _, l := range []struct {
		lang  string
		words []string
	}{
		{"en", []string{"the", "and", "is", "are", "to", "of", "in", "that", "it", "we", "you", "they", "with", "for", "this", "was", "my", "our", "not", "have", "be", "i", "a", "on", "from", "he", "she", "their", "who", "what", "so", "but", "at", "me"}},
		{"fr", []string{"le", "la", "les", "et", "est", "sont", "des", "du", "un", "une", "nous", "vous", "ils", "elles", "pour", "dans", "que", "qui", "pas", "ne", "avec", "ce", "cette", "je", "mon", "ma", "mes", "sur", "au", "aux", "leur", "mais", "tout", "c", "j", "d", "l", "qu", "m", "va", "sont", "suis", "es", "ont", "sommes", "vais", "nos", "votre", "ces", "sales", "chez", "tous", "rien", "ici", "alors", "tu", "toi", "moi", "comme", "plus"}},
		{"es", []string{"el", "los", "las", "y", "es", "son", "del", "una", "unos", "nosotros", "ellos", "para", "en", "que", "por", "con", "pero", "mi", "mis", "su", "sus", "muy", "al", "lo", "como", "yo", "se", "este", "esta", "tambien", "no", "te", "voy", "me", "nos", "les", "hay", "porque", "pero", "somos", "soy", "eres", "aqui", "todos", "todas", "tu", "ya", "fuera", "vamos", "esos", "esas", "ser"}},
	} {
		for _, w := range l.words {
			if other, dup := stopwords[w]; dup && other != l.lang {
				stopwords[w] = "" // shared by two languages: no evidence
			} else {
				stopwords[w] = l.lang
			}
		}
	}
}

// detectLanguage guesses en, fr, es, ar or uk (ru for Russian-only Cyrillic)
// from scripts and stopwords, falling back on the author's choice.
func detectLanguage(a *analysis, hint string) (string, float64) {
	hint = baseLang(hint)
	var latin, arabic, cyrillic int
	ukOnly, ruOnly := 0, 0
	b := a.n.b
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		i += size
		switch {
		case r >= 'a' && r <= 'z':
			latin++
		case r >= 0x0600 && r <= 0x06FF:
			arabic++
		case r >= 0x0400 && r <= 0x04FF:
			cyrillic++
			switch r {
			case 'і', 'є', 'ґ':
				ukOnly++
			case 'ы', 'э', 'ъ':
				ruOnly++
			}
		}
	}
	total := latin + arabic + cyrillic
	if total == 0 {
		if hint != "" {
			return hint, 0.1
		}
		return "und", 0
	}
	switch {
	case arabic*2 > total:
		return "ar", float64(arabic) / float64(total)
	case cyrillic*2 > total:
		conf := float64(cyrillic) / float64(total)
		if ruOnly > ukOnly {
			return "ru", conf * 0.8
		}
		if ukOnly == 0 {
			conf *= 0.7
		}
		return "uk", conf
	}
	var en, fr, es, n int
	for i := range a.toks {
		w := a.n.b[a.toks[i].s:a.toks[i].e]
		switch stopwords[string(w)] {
		case "en":
			en++
		case "fr":
			fr++
		case "es":
			es++
		}
		n++
	}
	best, bestN, sum := "en", en, en+fr+es
	if fr > bestN {
		best, bestN = "fr", fr
	}
	if es > bestN {
		best, bestN = "es", es
	}
	if sum == 0 {
		if hint == "en" || hint == "fr" || hint == "es" {
			return hint, 0.3
		}
		return "en", 0.2
	}
	if hint != "" && hint != best {
		switch hint {
		case "en":
			if en == bestN {
				best = hint
			}
		case "fr":
			if fr == bestN {
				best = hint
			}
		case "es":
			if es == bestN {
				best = hint
			}
		}
	}
	conf := float64(bestN) / float64(sum)
	coverage := float64(sum) / float64(max(n, 1))
	if coverage < 0.15 {
		conf *= 0.5 + coverage*3
	}
	return best, min(conf, 1)
}
