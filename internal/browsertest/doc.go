// Package browsertest drives Chorus in a real headless Chromium: the
// journeys of storytellers, moderators and readers on a phone and a
// desktop, with and without JavaScript; axe-core accessibility checks of
// every page in English, French and Arabic; keyboard-only use; no request
// to any host but the site; and page weight and reflow at 360 px.
//
// The tests skip when no Chromium or no axe-core is found. Install both
// with scripts/install-browser-tools.sh. Settings:
//
//	CHORUS_BROWSER      path of the Chromium binary (default: Debian's
//	                    chromium-headless-shell, then chromium)
//	CHORUS_AXE_DIR      folder holding axe.min.js (default:
//	                    internal/browsertest/node_modules/axe-core)
//	CHORUS_SCREENSHOTS  folder to keep a screenshot of each step in
//	                    (default: a temporary folder, removed afterwards)
package browsertest
