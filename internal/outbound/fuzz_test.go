package outbound

import (
	"net/netip"
	"testing"
)

// FuzzParseAllowList: any input is read or refused without a panic, and a
// list read back from its String is the same list.
func FuzzParseAllowList(f *testing.F) {
	for _, seed := range []string{
		"", "localhost", "127.0.0.1:8080", "10.0.0.0/8, fd00::/8", "[::1]:443,libre:5000",
		"::ffff:10.0.0.0/104", "a.b.c.", "host:65535", "1.2.3.4/32", "x:y:z", "[fe80::1%25eth0]:80",
	} {
		f.Add(seed)
	}
	probe := []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("::1"), netip.MustParseAddr("fd00::5")}
	f.Fuzz(func(t *testing.T, s string) {
		list, err := ParseAllowList(s)
		if err != nil {
			return
		}
		again, err := ParseAllowList(list.String())
		if err != nil {
			t.Fatalf("String() = %q does not parse again: %v", list.String(), err)
		}
		if again.String() != list.String() {
			t.Fatalf("round trip: %q became %q", list.String(), again.String())
		}
		for _, ip := range probe {
			for _, port := range []uint16{80, 443, 8080} {
				if list.allows("localhost", ip, port) != again.allows("localhost", ip, port) {
					t.Fatalf("%q and its round trip %q disagree on %s:%d", s, list.String(), ip, port)
				}
			}
		}
	})
}
