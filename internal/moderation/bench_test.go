package moderation

import (
	"context"
	"runtime"
	"testing"
)

// benchTexts are 280-character posts in the languages the screen serves.
var benchTexts = func() []string {
	src := []string{
		"When we arrived in Lyon in 2016 nobody spoke Arabic at the school gate. Today my daughter translates for the new families and the baker keeps bread for us. Refugees are not a burden: we are neighbours. Call the association on 06 12 34 56 78 if you want to help with the Sunday lessons!!",
		"Calling refugees 'vermin' is disgusting and the people who wrote that on the wall of the community centre should be ashamed. He called me a raghead on the bus last week and I was shaken, but my neighbours walked me home every evening. Immigrants are not criminals. #ItTakesaCommunity",
		"Les réfugiés sont nos voisins. Il m'a traité de sale étranger dans le métro et personne n'a rien dit, alors j'écris ici. Mon fils joue au foot avec les enfants du quartier et ma voisine m'apprend le français chaque mardi au 12 rue de la Paix. Merci à toutes les bénévoles !",
		"وصلنا إلى المدينة لاجئين قبل خمس سنوات، ولم نكن نعرف أحدا. قال لي رجل في الحافلة إن اللاجئين حشرات، لكن جيراني وقفوا معي. اليوم أعمل ممرضة وأعلّم اللغة للقادمين الجدد.",
		"Migrants are parasites and rapefugees should be sent back, every single one of them. I will kill the next one I see near my street. Sick of these invaders. http://example.com/a http://example.com/b Share this everywhere before they delete it!!!",
	}
	for i, s := range src {
		b := []byte(s)
		if len(b) > 280 {
			for len(b) > 280 {
				b = b[:len(b)-1]
			}
			for len(b) > 0 && b[len(b)-1]&0xC0 == 0x80 {
				b = b[:len(b)-1]
			}
			if len(b) > 0 && b[len(b)-1] >= 0xC0 {
				b = b[:len(b)-1]
			}
		}
		src[i] = string(b)
	}
	return src
}()

func BenchmarkScreen(b *testing.B) {
	s := NewScreen(Options{})
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Screen(ctx, Input{Body: benchTexts[i%len(benchTexts)], Language: "en"})
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

func BenchmarkLoadModel(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadModel(embeddedModel); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkModelMemory(b *testing.B) {
	var keep []*Model
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := LoadModel(embeddedModel)
		if err != nil {
			b.Fatal(err)
		}
		l, err := loadLexicon()
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		keep = append(keep[:0], m)
		runtime.KeepAlive(l)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB")
	}
	runtime.KeepAlive(keep)
}
