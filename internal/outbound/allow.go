package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Bounds on an allow-list, which comes from configuration.
const (
	maxAllowListBytes   = 16 << 10
	maxAllowListEntries = 256
	maxHostnameLength   = 253
)

// AllowList names the private hosts the server may reach despite the
// address check: hostnames, IP addresses and CIDR ranges, each with or
// without a port. The zero value allows nothing.
type AllowList struct {
	entries []allowEntry
}

// allowEntry is one item of the list: a prefix (an address is a prefix of
// its full length) or a hostname, and a port, 0 meaning any.
type allowEntry struct {
	prefix netip.Prefix
	host   string
	port   uint16
}

// ParseAllowList reads a comma-separated list such as
// "libretranslate:5000, 10.0.0.0/8, [fd00::1]:443, classifier.internal".
func ParseAllowList(s string) (AllowList, error) {
	if len(s) > maxAllowListBytes {
		return AllowList{}, fmt.Errorf("allow-list: longer than %d bytes", maxAllowListBytes)
	}
	var list AllowList
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if len(list.entries) == maxAllowListEntries {
			return AllowList{}, fmt.Errorf("allow-list: more than %d entries", maxAllowListEntries)
		}
		e, err := parseAllowEntry(item)
		if err != nil {
			return AllowList{}, fmt.Errorf("allow-list entry %q: %w", item, err)
		}
		list.entries = append(list.entries, e)
	}
	return list, nil
}

func parseAllowEntry(item string) (allowEntry, error) {
	if strings.Contains(item, "://") {
		return allowEntry{}, errors.New("a host, not a URL: leave out the scheme and the path")
	}
	if strings.Contains(item, "/") {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return allowEntry{}, errors.New("not a CIDR range such as 10.0.0.0/8")
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return allowEntry{prefix: p.Masked()}, nil
	}
	if a, err := netip.ParseAddr(item); err == nil {
		return addrEntry(a, 0)
	}
	host, portText, err := net.SplitHostPort(item)
	if err != nil {
		host, portText = item, ""
	}
	var port uint16
	if portText != "" || err == nil {
		n, perr := strconv.ParseUint(portText, 10, 16)
		if perr != nil || n == 0 {
			return allowEntry{}, errors.New("the port must be a number from 1 to 65535")
		}
		port = uint16(n)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return addrEntry(a, port)
	}
	host, ok := normalHostname(host)
	if !ok {
		return allowEntry{}, errors.New("not a hostname, an IP address or a CIDR range")
	}
	return allowEntry{host: host, port: port}, nil
}

func addrEntry(a netip.Addr, port uint16) (allowEntry, error) {
	if a.Zone() != "" {
		return allowEntry{}, errors.New("an address with a zone cannot be allowed")
	}
	a = a.Unmap()
	return allowEntry{prefix: netip.PrefixFrom(a, a.BitLen()), port: port}, nil
}

// normalHostname lower-cases a hostname and drops a final dot; ok is false
// unless it is made of DNS labels (letters, digits, '-' and '_').
func normalHostname(h string) (string, bool) {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" || len(h) > maxHostnameLength {
		return "", false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return "", false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return "", false
			}
		}
	}
	return h, true
}

// allows reports whether the list names ip, reached as host:port.
func (l AllowList) allows(host string, ip netip.Addr, port uint16) bool {
	host, _ = normalHostname(host)
	ip = ip.Unmap().WithZone("")
	for _, e := range l.entries {
		if e.port != 0 && e.port != port {
			continue
		}
		if e.host != "" {
			if e.host == host {
				return true
			}
			continue
		}
		if e.prefix.Contains(ip) {
			return true
		}
	}
	return false
}

// Empty reports whether the list allows nothing.
func (l AllowList) Empty() bool { return len(l.entries) == 0 }

// String writes the list back in the form ParseAllowList reads.
func (l AllowList) String() string {
	items := make([]string, len(l.entries))
	for i, e := range l.entries {
		var host string
		switch {
		case e.host != "":
			host = e.host
		case e.prefix.IsSingleIP() && e.port != 0:
			host = e.prefix.Addr().String()
		case e.prefix.IsSingleIP():
			items[i] = e.prefix.Addr().String()
			continue
		default:
			items[i] = e.prefix.String()
			continue
		}
		if e.port != 0 {
			items[i] = net.JoinHostPort(host, strconv.Itoa(int(e.port)))
		} else {
			items[i] = host
		}
	}
	return strings.Join(items, ",")
}
