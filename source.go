package main

import (
	"embed"
	"path/filepath"
	"runtime"
	"sync"

	"onebp/internal/provenance"
)

// sources are the files this binary is built from, so that a build
// without a VCS stamp can still tell whether a git tree holds its source
// (TestSourcesCoverTheModule keeps the list complete).
//
//go:embed go.mod go.sum *.go bench/*.go data/*.go internal/*/*.go model/*.go model/*/*.go model/*/*.s results/*.go results/*/*.go
var sources embed.FS

// sourceRoot is the directory this package was compiled from ("" under
// -trimpath, where the path is not absolute).
func sourceRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	return filepath.Dir(file)
}

// binarySource is this binary's provenance, found once per process.
var binarySource = sync.OnceValue(func() provenance.Source {
	return provenance.Of(sources, sourceRoot())
})
