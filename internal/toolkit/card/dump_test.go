package card

import (
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	dir := os.Getenv("CARD_DUMP")
	if dir == "" {
		t.Skip()
	}
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for name, spec := range goldenSpecs {
		for _, sz := range Sizes {
			b, err := r.Render(spec, sz)
			if err != nil {
				t.Fatal(name, err)
			}
			os.WriteFile(dir+"/"+name+"-"+sz.Name+".png", b, 0o644)
		}
	}
}
