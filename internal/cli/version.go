package cli

import "runtime/debug"

// versionLine is what 'sesraw --version' prints: the module version from the build information
// ("v1.2.3" for go install ...@v1.2.3, "(devel)" for a build from a checkout, then with the VCS
// revision when the build recorded one) and the Go version that built it.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "sesraw (unknown version: the binary carries no build information)\n"
	}
	return "sesraw " + describeBuild(bi) + "\n"
}

// describeBuild formats the version part of versionLine.
func describeBuild(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" && len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && !containsRev(v, rev) {
		v += " (revision " + rev + modified + ")"
	}
	return v + " " + bi.GoVersion
}

// containsRev reports whether a pseudo-version already names the revision.
func containsRev(v, rev string) bool {
	return len(rev) >= 12 && len(v) >= 12 && v[len(v)-12:] == rev[:12]
}
